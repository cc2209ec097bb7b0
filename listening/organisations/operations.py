"""Find, create and update organisations (audited). Callers commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from listening import audit, signals
from listening.extensions import db
from listening.likes import ESCAPE, equals_ignoring_case, escape_like
from listening.organisations.models import Organisation


class OrganisationError(ValueError):
    """A problem a person can fix; `field` names the input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def list_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def page_organisations(
    name: str, status: str | None, page: int, per_page: int
) -> tuple[list[Organisation], int, int]:
    """One page of organisations by name, those whose name contains `name` (any case) and with
    outreach `status` when given; the rows, how many match, and the page shown (a page past
    the end shows the last)."""
    query = select(Organisation)
    if name:
        query = query.where(Organisation.name.ilike(f"%{escape_like(name)}%", escape=ESCAPE))
    if status:
        query = query.where(Organisation.outreach_status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = min(max(page, 1), max(1, -(-total // per_page)))
    rows = db.session.scalars(
        query.order_by(Organisation.name, Organisation.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), total, page


def get_organisation(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def snapshot(organisation: Organisation) -> dict:
    return {
        "name": organisation.name,
        "type": organisation.type,
        "area": organisation.area.slug if organisation.area else None,
        "outreach_status": organisation.outreach_status,
        "contact_notes": organisation.contact_notes,
    }


def save_organisation(
    organisation: Organisation | None, fields: dict, area: Any | None, actor: Any | None
) -> Organisation:
    """Create (`organisation=None`) or update an organisation, audited; names are unique in
    any case, because imports and the API find organisations by name."""
    name = " ".join(str(fields["name"]).split())
    clash = db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.lower())
    )
    if clash is not None and clash is not organisation:
        raise OrganisationError("name", f"There is already an organisation called “{clash.name}”")
    before = snapshot(organisation) if organisation else None
    organisation = organisation or Organisation()
    organisation.name = name
    organisation.type = fields["type"]
    organisation.area = area
    organisation.outreach_status = fields["outreach_status"]
    organisation.contact_notes = fields.get("contact_notes") or ""
    db.session.add(organisation)
    db.session.flush()
    after = snapshot(organisation)
    if after != before:
        action = "organisations.update" if before else "organisations.create"
        audit.record(organisation, action, actor, before, after)
        signals.public_changed("organisations")
    return organisation


def find_or_create_organisation(name: str, actor: Any | None, type_: str = "other"):
    """Organisations are matched by name (case-insensitive) and created when new."""
    name = (name or "").strip()
    if not name:
        raise OrganisationError("organisation", "Enter the organisation’s name")
    if len(name) > 200:
        raise OrganisationError("organisation", "Organisation name must be 200 characters or fewer")
    found = db.session.scalar(
        select(Organisation).where(equals_ignoring_case(Organisation.name, name))
    )
    if found is not None:
        return found
    organisation = Organisation(name=name, type=type_, outreach_status="not-contacted")
    db.session.add(organisation)
    db.session.flush()
    audit.record(organisation, "organisations.create", actor, None, snapshot(organisation))
    signals.public_changed("organisations")
    return organisation
