"""Organisations admin: the facilitating organisations and where outreach stands with each.

The form, model and operations are the organisations feature's; the pages stay in intake (at
/intake/organisations) because an organisation is tied to a borough, which intake owns."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from listening.extensions import db
from listening.ids import query_int
from listening.intake import bp, listing
from listening.intake.models import Area
from listening.organisations import operations
from listening.organisations.forms import OrganisationForm
from listening.organisations.models import ORGANISATION_TYPES, OUTREACH_STATUSES
from listening.security import admin_required

ORGANISATIONS_PER_PAGE = 25


@bp.get("/organisations")
@admin_required
def list_organisations():
    status = request.args.get("status")
    status = status if status in OUTREACH_STATUSES else None
    name = " ".join((request.args.get("name") or "").split())[:100]
    rows, total, page = operations.page_organisations(
        name, status, query_int("page", 1), ORGANISATIONS_PER_PAGE
    )
    pages = max(1, -(-total // ORGANISATIONS_PER_PAGE))

    def href(number: int | None = None, **changes) -> str:
        args = {"name": name, "status": status, "page": number} | changes
        return url_for("intake.list_organisations", **{k: v for k, v in args.items() if v})

    return render_template(
        "intake/organisations.html",
        organisations=rows,
        total=total,
        page=page,
        pages=pages,
        first=(page - 1) * ORGANISATIONS_PER_PAGE + 1,
        page_items=listing.page_items(page, pages, href),
        href=href,
        name=name,
        status=status,
        status_names=OUTREACH_STATUSES,
        type_names=ORGANISATION_TYPES,
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@admin_required
def new_organisation():
    return _edit(None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_organisation(organisation_id: int):
    return _edit(operations.get_organisation(organisation_id) or abort(404))


def _edit(organisation):
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    form.set_areas(db.session.scalars(select(Area).order_by(Area.campaign_id, Area.name)).all())
    if request.method == "GET":
        form.area.data = str(organisation.area_id) if organisation and organisation.area_id else ""
        form.outreach_status.data = form.outreach_status.data or "not-contacted"
    context = {"form": form, "organisation": organisation}
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("intake/organisation_form.html", **context), status
    area = db.session.get(Area, int(form.area.data)) if form.area.data else None
    try:
        saved = operations.save_organisation(organisation, form.data, area, current_user)
    except operations.OrganisationError as error:
        getattr(form, error.field).errors = [error.message]
        return render_template("intake/organisation_form.html", **context), 422
    db.session.commit()
    flash(f"Saved {saved.name}.", "info")
    return redirect(url_for("intake.list_organisations"), code=303)
