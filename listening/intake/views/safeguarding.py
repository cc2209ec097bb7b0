"""Safeguarding cases (a campaign's leads, and admins), and each campaign's guidance and
leads (admins)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from listening.extensions import db, writes_on_read
from listening.intake import safeguarding_bp as bp
from listening.intake.campaigns import campaign_arg
from listening.intake.forms_admin import CloseCaseForm, GuidanceForm, LeadsForm
from listening.intake.models import FORMATS
from listening.intake.safeguarding import operations, tasks
from listening.security import Role, admin_required, roles_required

lead_required = roles_required(Role.SAFEGUARDING_LEAD, Role.ADMIN)


@bp.get("/")
@lead_required
def list_cases():
    """An admin: one campaign (`?campaign=`, else the default). A lead: the campaign named if
    they lead it (403 if not), else every campaign they lead."""
    mine = operations.campaigns_led_by(current_user)
    if current_user.role == Role.ADMIN:
        campaign = campaign_arg()
        shown = [campaign]
    elif request.args.get("campaign"):
        campaign = campaign_arg()
        if campaign.id not in {c.id for c in mine}:
            abort(403)
        shown = [campaign]
    else:
        campaign, shown = None, mine
    show_all = request.args.get("show") == "all"
    return render_template(
        "intake/safeguarding_cases.html",
        campaign=campaign,
        campaigns=mine,
        cases=operations.list_cases(shown, open_only=not show_all),
        show_all=show_all,
        leads=operations.campaign_leads(campaign) if campaign else None,
        kind_label=operations.kind_label,
        severity=operations.case_severity,
    )


def _case_or_404(case_id: int):
    case = operations.get_case(case_id)
    if case is None:
        abort(404)
    if not operations.may_handle(current_user, case.campaign_id):
        abort(403)  # a lead of another campaign
    return case


def _render_case(case, form, status: int = 200):
    return render_template(
        "intake/safeguarding_case.html",
        case=case,
        form=form,
        kind_label=operations.kind_label,
        severity=operations.case_severity(case),
        kinds=[operations.kind_label(k) for k in case.kinds.split(",") if k],
        formats=FORMATS,
    ), status


@bp.get("/cases/<int:case_id>")
@lead_required
@writes_on_read  # reading the flagged answers in full is audited
def show_case(case_id: int):
    case = _case_or_404(case_id)
    operations.record_read(case, current_user)
    db.session.commit()
    return _render_case(case, CloseCaseForm())


@bp.post("/cases/<int:case_id>/seen")
@lead_required
def mark_seen(case_id: int):
    case = _case_or_404(case_id)
    operations.mark_seen(case, current_user)
    db.session.commit()
    flash("Marked as seen.", "info")
    return redirect(url_for("safeguarding.show_case", case_id=case.id), code=303)


@bp.post("/cases/<int:case_id>/close")
@lead_required
def close_case(case_id: int):
    case = _case_or_404(case_id)
    form = CloseCaseForm()
    if not form.validate_on_submit():
        return _render_case(case, form, 422)
    try:
        if form.outcome.data == "released":
            operations.release_case(case, current_user, form.note.data)
        else:
            operations.close_case(
                case, current_user, form.outcome.data == "action_taken", form.note.data
            )
    except operations.CaseError as error:
        getattr(form, error.field).errors = [error.message]
        return _render_case(case, form, 422)
    db.session.commit()
    if case.status == "released":
        tasks.after_release(case.conversation_id)
        flash("Released as a false alarm: the answers are ordinary answers again.", "info")
    else:
        flash("Recorded. The case is closed.", "info")
    return redirect(url_for("safeguarding.list_cases", campaign=case.campaign.slug), code=303)


def _leads_form(campaign, formdata=None) -> LeadsForm:
    form = LeadsForm(formdata=formdata, data={"leads": [u.id for u in campaign.safeguarding_leads]})
    form.leads.choices = [(u.id, u.email) for u in operations.lead_candidates()]
    return form


def _render_settings(campaign, form=None, leads_form=None, status: int = 200):
    if form is None:
        form = GuidanceForm(data={"guidance": campaign.safeguarding_guidance})
    return render_template(
        "intake/safeguarding_guidance.html",
        form=form,
        leads_form=leads_form or _leads_form(campaign, formdata=None),
        campaign=campaign,
        leads=operations.campaign_leads(campaign),
        preview=operations.guidance_for(campaign),
    ), status


@bp.route("/guidance", methods=["GET", "POST"])
@admin_required
def edit_guidance():
    campaign = campaign_arg(lenient=True)
    if request.method == "GET":
        return _render_settings(campaign)
    form = GuidanceForm()
    if not form.validate_on_submit():
        return _render_settings(campaign, form=form, status=422)
    operations.set_guidance(campaign, form.guidance.data or "", current_user)
    db.session.commit()
    flash("Safeguarding guidance saved.", "info")
    return redirect(url_for("safeguarding.edit_guidance", campaign=campaign.slug), code=303)


@bp.post("/leads")
@admin_required
def set_leads():
    campaign = campaign_arg(lenient=True)
    form = _leads_form(campaign, formdata=request.form)
    if not form.validate_on_submit():
        return _render_settings(campaign, leads_form=form, status=422)
    try:
        operations.set_leads(campaign, form.leads.data or [], current_user)
    except operations.CaseError as error:
        form.leads.errors = [error.message]
        return _render_settings(campaign, leads_form=form, status=422)
    db.session.commit()
    flash("Safeguarding leads saved.", "info")
    return redirect(url_for("safeguarding.edit_guidance", campaign=campaign.slug), code=303)
