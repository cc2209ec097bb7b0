"""Get-or-create helpers for campaigns and organisations (audited), shared by the demo loaders."""

from __future__ import annotations

from sqlalchemy import select

from listening import audit
from listening.extensions import db
from listening.intake import operations
from listening.intake.models import Area, Campaign, CommunityGroup
from listening.organisations.models import Organisation


def ensure_campaign(spec: dict, boroughs, groups=()) -> tuple[Campaign, bool]:
    """The campaign with `spec["slug"]`, with its areas and groups; created if missing."""
    campaign = operations.get_campaign(spec["slug"])
    created = campaign is None
    if created:
        campaign = Campaign(**spec)
        db.session.add(campaign)
    known_areas = {a.slug for a in campaign.areas}
    for slug, name, ons_code, population in boroughs:
        if slug not in known_areas:
            campaign.areas.append(
                Area(slug=slug, name=name, ons_code=ons_code, population=population)
            )
    known_groups = {g.slug for g in campaign.groups}
    for slug, name in groups:
        if slug not in known_groups:
            campaign.groups.append(CommunityGroup(slug=slug, name=name))
    db.session.flush()
    if created:
        after = {
            "slug": campaign.slug,
            "areas": [a.slug for a in campaign.areas],
            "groups": [g.slug for g in campaign.groups],
        }
        audit.record(campaign, "intake.create", None, after=after)
    return campaign, created


def ensure_organisation(
    name: str, kind: str, area: Area | None, status: str, notes: str = ""
) -> tuple[Organisation, bool]:
    """The organisation called `name`; created (with type, area and status) if missing."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is not None:
        return organisation, False
    organisation = Organisation(
        name=name, type=kind, area=area, outreach_status=status, contact_notes=notes
    )
    db.session.add(organisation)
    db.session.flush()
    after = {"name": name, "type": kind, "area": area.slug if area else None, "status": status}
    audit.record(organisation, "organisations.create", None, after=after)
    return organisation, True
