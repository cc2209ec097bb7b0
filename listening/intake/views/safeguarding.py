"""The safeguarding lead's cases, and the guidance partners see (edited by admins)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from listening.extensions import db, writes_on_read
from listening.intake import safeguarding_bp as bp
from listening.intake.campaigns import campaign_arg
from listening.intake.forms_admin import CloseCaseForm, GuidanceForm
from listening.intake.safeguarding import operations
from listening.security import Role, admin_required, roles_required

lead_required = roles_required(Role.SAFEGUARDING_LEAD)


@bp.get("/")
@lead_required
def list_cases():
    campaign = campaign_arg()
    show_all = request.args.get("show") == "all"
    cases = operations.list_cases(campaign, open_only=not show_all)
    return render_template(
        "intake/safeguarding_cases.html",
        campaign=campaign,
        cases=cases,
        show_all=show_all,
        kind_label=operations.kind_label,
    )


def _case_or_404(case_id: int):
    case = operations.get_case(case_id)
    if case is None:
        abort(404)
    return case


def _render_case(case, form, status: int = 200):
    return render_template(
        "intake/safeguarding_case.html", case=case, form=form, kind_label=operations.kind_label
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
        operations.close_case(
            case, current_user, form.outcome.data == "action_taken", form.note.data
        )
    except operations.CaseError as error:
        getattr(form, error.field).errors = [error.message]
        return _render_case(case, form, 422)
    db.session.commit()
    flash("Recorded. The case is closed.", "info")
    return redirect(url_for("safeguarding.list_cases", campaign=case.campaign.slug), code=303)


@bp.route("/guidance", methods=["GET", "POST"])
@admin_required
def edit_guidance():
    campaign = campaign_arg(lenient=True)
    context = {"campaign": campaign, "default": operations.DEFAULT_GUIDANCE}
    if request.method == "GET":
        form = GuidanceForm(data={"guidance": campaign.safeguarding_guidance})
        return render_template("intake/safeguarding_guidance.html", form=form, **context)
    form = GuidanceForm()
    if not form.validate_on_submit():
        return render_template("intake/safeguarding_guidance.html", form=form, **context), 422
    operations.set_guidance(campaign, form.guidance.data or "", current_user)
    db.session.commit()
    flash("Safeguarding guidance saved.", "info")
    return redirect(url_for("safeguarding.edit_guidance", campaign=campaign.slug), code=303)
