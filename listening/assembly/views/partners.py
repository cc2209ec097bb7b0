"""Loop-closing for partners: how an organisation's conversations fed the themes and pledges."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from listening.assembly import bp, queries
from listening.assembly.models import STATUSES
from listening.assembly.views.common import staff_campaign
from listening.extensions import db
from listening.organisations.models import Organisation
from listening.security import any_role_required, staff_required


@bp.get("/partners/<int(max=2147483647):organisation_id>")
@any_role_required
def show_partner(organisation_id: int):
    """For the organisation's own partners and for staff; anyone else gets 403."""
    if not current_user.is_staff and current_user.organisation_id != organisation_id:
        abort(403)
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    campaign = staff_campaign()
    people, conversations = queries.organisation_conversation_totals(campaign, organisation.id)
    published, themes = queries.theme_summaries(campaign, organisation_id=organisation.id)
    return render_template(
        "assembly/partner.html",
        organisation=organisation,
        campaign=campaign,
        people=people,
        conversations=conversations,
        analysis_published=published,
        themes=themes,
        statuses=STATUSES,
        by_borough=[row for row in queries.people_by_borough(campaign, organisation.id) if row[1]],
    )


@bp.get("/partners")
@staff_required
def list_partners():
    """Staff: every organisation that facilitated conversations, to open its page."""
    campaign = staff_campaign()
    return render_template(
        "assembly/list_partners.html",
        campaign=campaign,
        rows=queries.facilitating_organisations(campaign),
    )
