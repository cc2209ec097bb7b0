"""Pledges and their signatories."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from listening import audit, signals
from listening.accounts.models import User
from listening.assembly.models import STATUSES, Event, Pledge, PledgeTheme, Signatory
from listening.assembly.operations.common import (
    AssemblyError,
    _choice,
    _date_in_range,
    _require,
    _valid_themes,
    find_or_create_organisation,
    snapshot,
)
from listening.extensions import db
from listening.intake.models import Area, Campaign
from listening.organisations.models import Organisation


@dataclass(frozen=True)
class PledgeInput:
    title: str
    commitment: str
    theme_slugs: tuple[str, ...]
    lead_organisation_id: int | None
    event_id: int | None = None
    area_id: int | None = None
    subtheme_ids: dict[str, tuple[int, ...]] = field(default_factory=dict)
    signed_on: date | None = None
    due_on: date | None = None
    status: str = "not-started"
    manual_progress: int = 0


@dataclass(frozen=True)
class SignatoryInput:
    organisation: str  # name; created if new
    person: str
    role: str = ""


def _check_pledge(
    campaign: Campaign, data: PledgeInput, today: date
) -> tuple[list[str], Event | None]:
    _require(data.title, "title", "Enter the pledge’s title")
    if len(data.title.strip()) > 200:
        raise AssemblyError("title", "Title must be 200 characters or fewer")
    _require(data.commitment, "commitment", "Enter the commitment in plain words")
    slugs = _valid_themes(campaign, data.theme_slugs)
    for slug in data.subtheme_ids:
        if slug not in slugs:
            raise AssemblyError(
                "subthemes", "Each sub-theme must belong to one of the themes you selected"
            )
    if (
        data.lead_organisation_id is None
        or db.session.get(Organisation, data.lead_organisation_id) is None
    ):
        raise AssemblyError("lead_organisation", "Select the lead organisation")
    event = None
    if data.event_id is not None:
        event = db.session.get(Event, data.event_id)
        if event is None or event.campaign_id != campaign.id:
            raise AssemblyError("event", "Select an event of this campaign")
    if data.area_id is not None:
        area = db.session.get(Area, data.area_id)
        if area is None or area.campaign_id != campaign.id:
            raise AssemblyError("area", "Select a borough of this campaign")
    _choice(data.status, STATUSES, "status", "Select the pledge’s status")
    if not 0 <= data.manual_progress <= 100:
        raise AssemblyError("manual_progress", "Progress must be between 0 and 100")
    _date_in_range(data.signed_on, "signed_on", "Date signed", today)
    _date_in_range(data.due_on, "due_on", "Due date", today)
    signed = data.signed_on or (event.held_on if event else None)
    if data.due_on and signed and data.due_on < signed:
        raise AssemblyError(
            "due_on", f"Due date must be on or after the date it was signed ({signed:%-d %B %Y})"
        )
    return slugs, event


def save_pledge(
    campaign: Campaign,
    data: PledgeInput,
    actor: User | None,
    pledge: Pledge | None = None,
    today: date | None = None,
) -> Pledge:
    """Create a pledge or change one; themes are replaced by the ones given."""
    slugs, event = _check_pledge(campaign, data, today or date.today())
    before = pledge_snapshot(pledge) if pledge is not None else None
    if pledge is None:
        pledge = Pledge(campaign=campaign)
        db.session.add(pledge)
    pledge.title, pledge.commitment = data.title.strip(), data.commitment.strip()
    pledge.lead_organisation_id, pledge.event_id = data.lead_organisation_id, data.event_id
    pledge.area_id, pledge.due_on = data.area_id, data.due_on
    pledge.signed_on = data.signed_on or (event.held_on if event else None)
    pledge.status, pledge.manual_progress = data.status, data.manual_progress
    wanted = {(slug, sub) for slug in slugs for sub in (data.subtheme_ids.get(slug) or (None,))}
    for row in list(pledge.themes):
        if (row.theme_slug, row.subtheme_id) not in wanted:
            pledge.themes.remove(row)
    have = {(row.theme_slug, row.subtheme_id) for row in pledge.themes}
    for slug, sub in sorted(wanted - have, key=lambda item: (slugs.index(item[0]), item[1] or 0)):
        pledge.themes.append(PledgeTheme(theme_slug=slug, subtheme_id=sub))
    db.session.flush()
    audit.record(
        pledge,
        "assembly.update" if before else "assembly.create",
        actor,
        before,
        pledge_snapshot(pledge),
    )
    signals.public_changed("assembly")
    if before is not None and before["status"] != pledge.status:
        signals.pledge_status_changed.send(
            "assembly", pledge_id=pledge.id, before=before["status"], after=pledge.status
        )
    return pledge


def pledge_snapshot(pledge: Pledge) -> dict:
    data = snapshot(pledge)
    data["themes"] = [[row.theme_slug, row.subtheme_id] for row in pledge.themes]
    return data


def delete_pledge(pledge: Pledge, actor: User | None) -> None:
    audit.record(pledge, "assembly.delete", actor, pledge_snapshot(pledge), None)
    audit.record_cascade(pledge, "assembly.delete", actor)
    signals.public_changed("assembly")
    db.session.delete(pledge)
    db.session.flush()


# ---------------------------------------------------------------------------------- signatories


def add_signatory(pledge: Pledge, data: SignatoryInput, actor: User | None) -> Signatory:
    person = _require(data.person, "person", "Enter the name of the person who signed")
    if len(person) > 200 or len(data.role) > 200:
        raise AssemblyError("person", "Name and role must be 200 characters or fewer")
    organisation = find_or_create_organisation(data.organisation, actor)
    row = Signatory(
        organisation=organisation,
        person=person,
        role=data.role.strip(),
        position=len(pledge.signatories),
    )
    pledge.signatories.append(row)
    db.session.flush()
    audit.record(row, "assembly.create", actor, None, snapshot(row))
    signals.public_changed("assembly")
    return row


def remove_signatory(row: Signatory, actor: User | None) -> None:
    audit.record(row, "assembly.delete", actor, snapshot(row), None)
    signals.public_changed("assembly")
    db.session.delete(row)
    db.session.flush()
