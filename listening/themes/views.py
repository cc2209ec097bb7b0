"""Theme review workspace (reviewers and admins): parse → operate → commit → flash → 303."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from listening import confirm
from listening.extensions import db, writes_on_read
from listening.ids import query_int
from listening.intake import listing
from listening.intake.campaigns import campaign_arg
from listening.intake.models import Campaign, Response
from listening.intake.operations import get_campaign, list_campaigns
from listening.security import staff_required
from listening.themes import (
    bp,
    confirmations,
    forms,
    operations,
    queries,
    queue,
    tasks,
    workspace,
)
from listening.themes.forms import NO_THEME
from listening.themes.models import SubTheme, Theme, ThemeRun


def _campaign() -> Campaign:
    return campaign_arg()


def _theme_choices(campaign_id: int, none_label: str | None = None) -> list[tuple[str, str]]:
    choices = [(str(t.id), t.name) for t in queries.list_themes(campaign_id)]
    return choices + ([(NO_THEME, none_label)] if none_label else [])


def _back(form, default: str):
    return redirect(form.safe_next(default), code=303)


def _form_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message if isinstance(message, str) else "Check the form.", "error")


def _heartbeat_timeout() -> float:
    return float(current_app.config["THEMES_HEARTBEAT_TIMEOUT"])


def _fail_orphaned_runs(campaign_id: int) -> None:
    """Runs whose worker stopped are marked failed whenever someone looks at runs."""
    if operations.fail_orphaned_runs(_heartbeat_timeout(), campaign_id):
        db.session.commit()


@bp.get("/")
@staff_required
@writes_on_read
def list_themes():
    campaign = _campaign()
    _fail_orphaned_runs(campaign.id)
    data = workspace.overview(campaign)
    return render_template(
        "themes/list_themes.html",
        data=data,
        campaigns=list_campaigns(),
        run_form=forms.RunForm(campaign=campaign.slug),
    )


@bp.post("/runs")
@staff_required
def new_run():
    form = forms.RunForm()
    campaign = get_campaign(form.campaign.data or "") if form.validate_on_submit() else None
    if campaign is None:
        flash("Choose a campaign to analyse.", "error")
        return redirect(url_for("themes.list_themes"), code=303)
    try:
        run = operations.start_run(
            campaign,
            current_user,
            seed=current_app.config["THEMES_SEED"],
            heartbeat_timeout=_heartbeat_timeout(),
        )
    except operations.RunInProgress as error:
        flash(str(error), "info")
        return redirect(url_for("themes.show_run", run_id=error.run.id), code=303)
    db.session.commit()
    tasks.enqueue_run(run.id)
    flash("Theme analysis started.", "info")
    return redirect(url_for("themes.show_run", run_id=run.id), code=303)


@bp.get("/runs/<int:run_id>")
@staff_required
@writes_on_read
def show_run(run_id: int):
    run = db.get_or_404(ThemeRun, run_id)
    _fail_orphaned_runs(run.campaign_id)
    current = queries.current_run(run.campaign_id)
    return render_template(
        "themes/show_run.html", run=run, current=current, cancel_form=forms.CancelRunForm()
    )


@bp.post("/runs/<int:run_id>/cancel")
@staff_required
def cancel_run(run_id: int):
    run = db.get_or_404(ThemeRun, run_id)
    form = forms.CancelRunForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(url_for("themes.show_run", run_id=run.id), code=303)
    try:
        operations.cancel_run(run, current_user)
    except operations.ThemeError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"Run {run.id} cancelled.", "info")
    return redirect(url_for("themes.show_run", run_id=run.id), code=303)


@bp.get("/runs/<int:run_id>/status.json")
@staff_required
@writes_on_read
def show_run_status(run_id: int):
    run = db.get_or_404(ThemeRun, run_id)
    _fail_orphaned_runs(run.campaign_id)
    return jsonify(
        id=run.id,
        status=run.status,
        progress=run.progress,
        message=run.message,
        finished=run.is_finished,
        error=run.error or None,
    )


@bp.get("/<int:theme_id>")
@staff_required
def show_theme(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    page = workspace.theme_page(theme)
    subs = [v.sub_theme for v in page.sub_themes]
    return render_template(
        "themes/show_theme.html",
        page=page,
        theme=theme,
        theme_choices=_theme_choices(theme.campaign_id, "No theme"),
        move_theme_choices=[c for c in _theme_choices(theme.campaign_id) if c[0] != str(theme.id)],
        merge_choices=[(str(s.id), s.display_label) for s in subs],
        rename_form=forms.RenameSubThemeForm(),
        split_form=forms.SplitSubThemeForm(),
        reviewed_form=forms.ReviewedForm(),
        move_form=forms.MoveResponseForm(),
    )


@bp.route("/<int:theme_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_theme(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    form = forms.EditThemeForm(obj=theme)
    if form.validate_on_submit():
        try:
            operations.edit_theme(theme, form.name.data, form.description.data or "", current_user)
        except operations.ThemeError as error:
            form.name.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Theme “{theme.name}” saved.", "info")
            return redirect(url_for("themes.show_theme", theme_id=theme.id), code=303)
    status = 422 if form.errors else 200
    return render_template("themes/edit_theme.html", form=form, theme=theme), status


@bp.post("/<int:theme_id>/reviewed")
@staff_required
def mark_theme_reviewed(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    form = forms.ReviewedForm()
    if form.validate_on_submit():
        operations.mark_theme_reviewed(theme, current_user, form.is_reviewed())
        db.session.commit()
        flash(
            f"“{theme.name}” marked as {'reviewed' if theme.reviewed else 'not reviewed'}.", "info"
        )
    else:
        _form_errors(form)
    return _back(form, url_for("themes.show_theme", theme_id=theme.id))


@bp.post("/responses/<int:response_id>/move")
@staff_required
def move_response(response_id: int):
    response = db.get_or_404(Response, response_id)
    campaign_id = response.conversation.campaign_id
    form = forms.MoveResponseForm()
    form.theme.choices = _theme_choices(campaign_id, "No theme")
    default = url_for("themes.list_themes", campaign=response.conversation.campaign.slug)
    if not form.validate_on_submit():
        _form_errors(form)
        return _back(form, default)
    theme = db.session.get(Theme, form.theme_id()) if form.theme_id() else None
    try:
        operations.move_response(response, theme, current_user)
    except operations.ThemeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(form, default)
    db.session.commit()
    flash(f"Answer moved to {theme.name if theme else 'no theme'}.", "info")
    return _back(form, default)


@bp.post("/responses/<int:response_id>/confirm")
@staff_required
def confirm_assignment(response_id: int):
    response = db.get_or_404(Response, response_id)
    form = forms.ConfirmForm()
    default = url_for("themes.list_needs_review", campaign=response.conversation.campaign.slug)
    if form.validate_on_submit():
        try:
            operations.confirm_assignment(response, current_user)
        except operations.ThemeError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Theme confirmed.", "info")
    return _back(form, default)


def _sub_theme(sub_theme_id: int) -> SubTheme:
    return db.get_or_404(SubTheme, sub_theme_id)


def _sub_theme_home(sub: SubTheme) -> str:
    if sub.theme_id:
        return url_for("themes.show_theme", theme_id=sub.theme_id)
    return url_for("themes.list_themes", campaign=sub.run.campaign.slug)


def _review_form(form_class):
    """GET: what was chosen on the theme page (no CSRF: a GET changes nothing); POST: the
    confirmation page's form. Move, merge and split act only on its `confirm=yes`."""
    if request.method == "GET":
        return form_class(formdata=request.args, meta={"csrf": False})
    return form_class()


def _carried(form, **values) -> dict:
    return {"next": form.next.data or "", **values}


@bp.route("/sub-themes/<int:sub_theme_id>/move", methods=["GET", "POST"])
@staff_required
def move_sub_theme(sub_theme_id: int):
    sub = _sub_theme(sub_theme_id)
    form = _review_form(forms.MoveSubThemeForm)
    form.theme.choices = _theme_choices(sub.run.campaign_id)
    if not form.validate():
        _form_errors(form)
        return _back(form, _sub_theme_home(sub))
    theme = db.session.get(Theme, int(form.theme.data))
    if not confirm.confirmed():
        back = form.safe_next(_sub_theme_home(sub))
        fields = _carried(form, theme=form.theme.data)
        return confirm.page(confirmations.move(sub, theme), back, fields)
    count = operations.move_sub_theme(sub, theme, current_user)
    db.session.commit()
    flash(f"“{sub.display_label}” ({count} answers) moved to {theme.name}.", "info")
    return redirect(url_for("themes.show_theme", theme_id=theme.id), code=303)


@bp.post("/sub-themes/<int:sub_theme_id>/rename")
@staff_required
def rename_sub_theme(sub_theme_id: int):
    sub = _sub_theme(sub_theme_id)
    form = forms.RenameSubThemeForm()
    if form.validate_on_submit():
        operations.rename_sub_theme(sub, form.label.data, current_user)
        db.session.commit()
        flash(f"Sub-theme renamed to “{sub.display_label}”.", "info")
    else:
        _form_errors(form)
    return _back(form, _sub_theme_home(sub))


@bp.route("/sub-themes/<int:sub_theme_id>/merge", methods=["GET", "POST"])
@staff_required
def merge_sub_themes(sub_theme_id: int):
    sub = _sub_theme(sub_theme_id)
    form = _review_form(forms.MergeSubThemesForm)
    siblings = queries.live_sub_themes(sub.run_id, sub.theme_id, emerging=sub.theme_id is None)
    form.target.choices = [(str(s.id), s.display_label) for s in siblings if s.id != sub.id]
    if not form.validate():
        _form_errors(form)
        return _back(form, _sub_theme_home(sub))
    target = db.session.get(SubTheme, int(form.target.data))
    if not confirm.confirmed():
        back = form.safe_next(_sub_theme_home(sub))
        fields = _carried(form, target=form.target.data)
        return confirm.page(confirmations.merge(sub, target), back, fields)
    try:
        operations.merge_sub_themes(target, [sub], current_user)
    except operations.ThemeError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"“{sub.display_label}” merged into “{target.display_label}”.", "info")
    return _back(form, _sub_theme_home(sub))


@bp.route("/sub-themes/<int:sub_theme_id>/split", methods=["GET", "POST"])
@staff_required
def split_sub_theme(sub_theme_id: int):
    sub = _sub_theme(sub_theme_id)
    form = _review_form(forms.SplitSubThemeForm)
    if not form.validate():
        _form_errors(form)
        return _back(form, _sub_theme_home(sub))
    try:
        if not confirm.confirmed():
            what = confirmations.split(sub, form.response_ids(), form.label.data or "")
            fields = _carried(
                form, responses=form.responses.data or [], label=form.label.data or ""
            )
            return confirm.page(what, form.safe_next(_sub_theme_home(sub)), fields)
        new = operations.split_sub_theme(
            sub,
            current_user,
            response_ids=form.response_ids(),
            label=form.label.data or "",
            random_state=current_app.config["THEMES_SEED"],
        )
    except operations.ThemeError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"Split off “{new.display_label}”.", "info")
    return _back(form, _sub_theme_home(sub))


@bp.get("/review")
@staff_required
def list_needs_review():
    campaign = _campaign()
    result = workspace.needs_review(campaign, query_int("page", 1))

    def href(number: int) -> str:
        return url_for("themes.list_needs_review", campaign=campaign.slug, page=number)

    return render_template(
        "themes/needs_review.html",
        campaign=campaign,
        result=result,
        here=href(result.page),
        href=href,
        pages=listing.page_items(result.page, result.pages, href),
        theme_choices=_theme_choices(campaign.id, "No theme"),
    )


@bp.post("/review/<int:response_id>/decide")
@staff_required
def decide_answers(response_id: int):
    response = db.get_or_404(Response, response_id)
    campaign = response.conversation.campaign
    form = forms.DecideForm()
    form.theme.choices = _theme_choices(campaign.id, "No theme")
    if not form.validate_on_submit():
        _form_errors(form)
        return _back(form, url_for("themes.list_needs_review", campaign=campaign.slug))
    same = queue.same_answers(response, form.same_ids()) if form.apply_all.data else []
    theme = (
        None
        if form.confirms() or form.theme_id() is None
        else db.get_or_404(Theme, form.theme_id())
    )
    try:
        n = operations.decide_answers(response, same, current_user, theme, form.confirms())
    except operations.ThemeError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        verb = "Theme confirmed" if form.confirms() else "Moved"
        flash(f"{verb} for {n} answer{'s' if n != 1 else ''}.", "info")
    return _back(form, url_for("themes.list_needs_review", campaign=campaign.slug))


@bp.get("/search")
@staff_required
def search_responses():
    campaign = _campaign()
    q = (request.args.get("q") or "").strip()[:200]
    results = workspace.search(campaign, q) if q else []
    return render_template(
        "themes/search.html",
        campaign=campaign,
        q=q,
        results=results,
        theme_choices=_theme_choices(campaign.id, "No theme"),
    )
