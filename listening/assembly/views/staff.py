"""Staff pages for pledges and their signatories, actions, metrics, readings and updates."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request, url_for

from listening.assembly import bp, forms, operations, queries
from listening.assembly import models as m
from listening.assembly.views.common import actor, handle_form, staff_campaign
from listening.assembly.views.public import pledge_context
from listening.extensions import db
from listening.ids import parse_id
from listening.organisations import operations as organisations
from listening.security import staff_required
from listening.themes.queries import public_theme_names as theme_names


def _get(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row


def _pledge_url(pledge_id: int) -> str:
    return url_for("assembly.show_staff_pledge", pledge_id=pledge_id)


@bp.get("/staff/pledges")
@staff_required
def list_staff_pledges():
    campaign = staff_campaign()
    pledges = queries.list_pledges(campaign)
    today = date.today()
    rows = [(p, pledge_context(p, today)) for p in pledges]
    rows.sort(key=lambda row: (not row[1]["stale"], row[0].id))
    return render_template(
        "assembly/staff/list_pledges.html",
        campaign=campaign,
        rows=rows,
        statuses=m.STATUSES,
        theme_names=theme_names(campaign.id),
        stale_count=sum(1 for _, ctx in rows if ctx["stale"]),
        archived=queries.list_pledges(campaign, archived=True),
    )


def _pledge_form(campaign, pledge=None):
    form = forms.PledgeForm(obj=pledge if request.method == "GET" else None)
    names = theme_names(campaign.id)
    form.themes.choices = list(names.items())
    subthemes = queries.subtheme_choices(campaign.id)
    current, orphans = queries.pledge_subtheme_links(pledge) if pledge else ([], [])
    subthemes += orphans
    form.subtheme_slugs = {sub_id: slug for sub_id, slug, _ in subthemes}
    if subthemes:
        form.subthemes.choices = [
            (sub_id, f"{names.get(slug, slug)}: {label}") for sub_id, slug, label in subthemes
        ]
    else:
        del form.subthemes
    form.lead_organisation.choices = [("", "Select an organisation")] + [
        (str(o.id), o.name) for o in organisations.list_organisations()
    ]
    form.event.choices = [("", "Not signed at an event")] + [
        (str(e.id), f"{e.title} ({e.held_on:%-d %b %Y})") for e in queries.list_events(campaign)
    ]
    form.area.choices = [("", "The whole region")] + [
        (str(a.id), a.name) for a in campaign.areas if a.slug != "unspecified"
    ]
    if request.method == "GET" and pledge is not None:
        form.themes.data = pledge.theme_slugs
        if subthemes:
            form.subthemes.data = current + [sub_id for sub_id, _, _ in orphans]
        form.lead_organisation.data = str(pledge.lead_organisation_id)
        form.event.data = str(pledge.event_id or "")
        form.area.data = str(pledge.area_id or "")
    return form


def _pledge_input(form) -> operations.PledgeInput:
    chosen: dict[str, list[int]] = {}
    for sub_id in (form.subthemes.data or []) if "subthemes" in form else []:
        chosen.setdefault(form.subtheme_slugs[sub_id], []).append(sub_id)
    return operations.PledgeInput(
        title=form.title.data or "",
        commitment=form.commitment.data or "",
        theme_slugs=tuple(form.themes.data or ()),
        subtheme_ids={slug: tuple(ids) for slug, ids in chosen.items()},
        lead_organisation_id=parse_id(form.lead_organisation.data),
        event_id=parse_id(form.event.data),
        area_id=parse_id(form.area.data),
        signed_on=form.signed_on.data,
        due_on=form.due_on.data,
        status=form.status.data or "",
        manual_progress=form.manual_progress.data or 0,
    )


@bp.route("/staff/pledges/new", methods=["GET", "POST"])
@staff_required
def new_pledge():
    campaign = staff_campaign()
    form = _pledge_form(campaign)
    return handle_form(
        form,
        lambda: operations.save_pledge(campaign, _pledge_input(form), actor()),
        lambda pledge: _pledge_url(pledge.id),
        "Pledge created.",
        title="New pledge",
        back=url_for("assembly.list_staff_pledges"),
        submit="Create pledge",
    )


@bp.get("/staff/pledges/<int(max=2147483647):pledge_id>")
@staff_required
def show_staff_pledge(pledge_id: int):
    pledge = queries.get_pledge(None, pledge_id, archived=True) or abort(404)
    return render_template(
        "assembly/staff/show_pledge.html",
        pledge=pledge,
        theme_names=theme_names(pledge.campaign_id),
        statuses=m.STATUSES,
        units=m.UNITS,
        **pledge_context(pledge),
    )


@bp.route("/staff/pledges/<int(max=2147483647):pledge_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_pledge(pledge_id: int):
    pledge = _get(m.Pledge, pledge_id)
    form = _pledge_form(pledge.campaign, pledge)
    return handle_form(
        form,
        lambda: operations.save_pledge(pledge.campaign, _pledge_input(form), actor(), pledge),
        lambda p: _pledge_url(p.id),
        "Pledge saved.",
        title=f"Edit pledge: {pledge.title}",
        back=_pledge_url(pledge.id),
        submit="Save pledge",
    )


@bp.route("/staff/pledges/<int(max=2147483647):pledge_id>/signatories/new", methods=["GET", "POST"])
@staff_required
def new_signatory(pledge_id: int):
    pledge = _get(m.Pledge, pledge_id)
    form = forms.SignatoryForm()

    def data():
        return operations.SignatoryInput(
            form.organisation.data or "", form.person.data or "", form.role.data or ""
        )

    return handle_form(
        form,
        lambda: operations.add_signatory(pledge, data(), actor()),
        lambda _row: _pledge_url(pledge.id),
        "Signatory added.",
        title=f"Add a signatory to “{pledge.title}”",
        back=_pledge_url(pledge.id),
        submit="Add",
    )


def _action_input(form) -> operations.ActionInput:
    return operations.ActionInput(
        title=form.title.data or "",
        owner=form.owner.data or "",
        due_on=form.due_on.data,
        done=bool(form.done.data),
        done_on=form.done_on.data,
        weight=form.weight.data or 1,
    )


@bp.route("/staff/pledges/<int(max=2147483647):pledge_id>/actions/new", methods=["GET", "POST"])
@bp.route("/staff/actions/<int(max=2147483647):action_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_action(pledge_id: int | None = None, action_id: int | None = None):
    action = _get(m.Action, action_id) if action_id else None
    pledge = action.pledge if action else _get(m.Pledge, pledge_id)
    form = forms.ActionForm(obj=action if request.method == "GET" else None)
    return handle_form(
        form,
        lambda: operations.save_action(pledge, _action_input(form), actor(), action),
        lambda _row: _pledge_url(pledge.id),
        "Action saved.",
        title=("Edit action" if action else "Add an action") + f" for “{pledge.title}”",
        back=_pledge_url(pledge.id),
        submit="Save action",
    )


def _metric_input(form) -> operations.MetricInput:
    return operations.MetricInput(
        name=form.name.data or "",
        unit=form.unit.data or "",
        direction=form.direction.data or "",
        baseline=form.baseline.number,
        target=form.target.number,
        baseline_on=form.baseline_on.data,
        target_on=form.target_on.data,
        weight=form.weight.data or 1,
    )


@bp.route("/staff/pledges/<int(max=2147483647):pledge_id>/metrics/new", methods=["GET", "POST"])
@bp.route("/staff/metrics/<int(max=2147483647):metric_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_metric(pledge_id: int | None = None, metric_id: int | None = None):
    metric = _get(m.Metric, metric_id) if metric_id else None
    pledge = metric.pledge if metric else _get(m.Pledge, pledge_id)
    form = forms.MetricForm(obj=metric if request.method == "GET" else None)
    if metric and request.method == "GET":
        form.baseline.data, form.target.data = f"{metric.baseline:g}", f"{metric.target:g}"
    return handle_form(
        form,
        lambda: operations.save_metric(pledge, _metric_input(form), actor(), metric),
        lambda _row: _pledge_url(pledge.id),
        "Measure saved.",
        title=("Edit measure" if metric else "Add a measure") + f" for “{pledge.title}”",
        back=_pledge_url(pledge.id),
        submit="Save measure",
    )


@bp.route("/staff/metrics/<int(max=2147483647):metric_id>/readings/new", methods=["GET", "POST"])
@staff_required
def new_reading(metric_id: int):
    metric = _get(m.Metric, metric_id)
    form = forms.ReadingForm()
    return handle_form(
        form,
        lambda: operations.record_reading(
            metric, form.taken_on.data, form.value.number, actor(), note=form.note.data or ""
        ),
        lambda _row: _pledge_url(metric.pledge_id),
        "Reading recorded.",
        title=f"Record a reading: {metric.name}",
        back=_pledge_url(metric.pledge_id),
        submit="Record reading",
        unit_hint=m.UNITS.get(metric.unit),
    )


@bp.route("/staff/pledges/<int(max=2147483647):pledge_id>/updates/new", methods=["GET", "POST"])
@staff_required
def new_update(pledge_id: int):
    pledge = _get(m.Pledge, pledge_id)
    form = forms.UpdateForm(status=pledge.status, posted_on=date.today())

    def data():
        return operations.UpdateInput(
            form.posted_on.data,
            form.status.data or "",
            form.text.data or "",
            form.author_name.data or "",
        )

    return handle_form(
        form,
        lambda: operations.post_update(pledge, data(), actor()),
        lambda _row: _pledge_url(pledge.id),
        "Progress update published.",
        title=f"Post a progress update for “{pledge.title}”",
        back=_pledge_url(pledge.id),
        submit="Publish update",
    )
