"""Workshops and the assembly: details, attendance and the ideas raised."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from listening import audit, signals
from listening.accounts.models import User
from listening.assembly.models import ATTENDEE_KINDS, EVENT_KINDS, Attendance, Event, Idea, Pledge
from listening.assembly.operations.common import (
    AssemblyError,
    _choice,
    _date_in_range,
    _require,
    snapshot,
)
from listening.extensions import db
from listening.intake.models import Campaign
from listening.themes.queries import public_theme_names as theme_names


@dataclass(frozen=True)
class EventInput:
    kind: str
    title: str
    held_on: date
    place: str = ""
    summary: str = ""
    theme_slugs: tuple[str, ...] = ()
    attendance: dict[str, int] = field(default_factory=dict)
    ideas: tuple[tuple[str, tuple[str, ...]], ...] | None = None  # (text, slugs); None: keep


def _check_event(campaign: Campaign, data: EventInput, today: date) -> None:
    _require(data.title, "title", "Enter the event’s title")
    _choice(data.kind, EVENT_KINDS, "kind", "Select the kind of event")
    _require(data.held_on, "held_on", "Enter the date of the event")
    _date_in_range(data.held_on, "held_on", "Date of the event", today)
    known = theme_names(campaign.id)
    for slug in data.theme_slugs:
        _choice(slug, known, "themes", f"“{slug}” is not a theme of {campaign.name}")
    for kind, count in data.attendance.items():
        _choice(kind, ATTENDEE_KINDS, f"attendance_{kind}", "Unknown kind of attendee")
        if count is not None and (count < 0 or count > 100_000):
            raise AssemblyError(f"attendance_{kind}", "Attendance must be between 0 and 100,000")
    for text, slugs in data.ideas or ():
        for slug in slugs:
            _choice(slug, known, "ideas", f"Idea “{text[:40]}” names an unknown theme “{slug}”")


def save_event(
    campaign: Campaign,
    data: EventInput,
    actor: User | None,
    event: Event | None = None,
    today: date | None = None,
) -> Event:
    """Create an event, or replace an existing one's details, attendance and ideas."""
    today = today or date.today()
    _check_event(campaign, data, today)
    before = event_snapshot(event) if event is not None else None
    if event is None:
        event = Event(campaign=campaign)
        db.session.add(event)
    event.kind, event.title, event.held_on = data.kind, data.title.strip(), data.held_on
    event.place, event.summary = data.place.strip(), data.summary.strip()
    event.theme_slugs = list(dict.fromkeys(data.theme_slugs))
    existing = {row.kind: row for row in event.attendance}
    for kind, count in data.attendance.items():
        if count is None or count == 0:
            if kind in existing:
                event.attendance.remove(existing[kind])
        elif kind in existing:
            existing[kind].count = count
        else:
            event.attendance.append(Attendance(kind=kind, count=count))
    if data.ideas is not None:
        became = {idea.text: idea.pledge_id for idea in event.ideas}  # keep links by text
        event.ideas.clear()
        db.session.flush()
        for position, (text, slugs) in enumerate(data.ideas):
            if text.strip():
                event.ideas.append(
                    Idea(
                        position=position,
                        text=text.strip(),
                        theme_slugs=list(slugs),
                        pledge_id=became.get(text.strip()),
                    )
                )
    db.session.flush()
    audit.record(
        event,
        "assembly.update" if before else "assembly.create",
        actor,
        before,
        event_snapshot(event),
    )
    signals.public_changed("assembly")
    return event


def event_snapshot(event: Event) -> dict:
    data = snapshot(event)
    data["attendance"] = {row.kind: row.count for row in event.attendance}
    data["ideas"] = [{"text": idea.text, "themes": idea.theme_slugs} for idea in event.ideas]
    return data


def add_idea(event: Event, text: str, slugs, actor: User | None) -> Idea:
    text = _require(text, "text", "Enter the idea or solution")
    known = theme_names(event.campaign_id)
    for slug in slugs:
        _choice(slug, known, "themes", f"“{slug}” is not a theme of this campaign")
    idea = Idea(position=len(event.ideas), text=text, theme_slugs=list(dict.fromkeys(slugs)))
    event.ideas.append(idea)
    db.session.flush()
    audit.record(idea, "assembly.create", actor, None, snapshot(idea))
    signals.public_changed("assembly")
    return idea


def link_idea(idea: Idea, pledge_id: int | None, actor: User | None) -> Idea:
    """Record the pledge an idea became (None: it became none)."""
    if pledge_id is not None:
        pledge = db.session.get(Pledge, pledge_id)
        if pledge is None or pledge.campaign_id != idea.event.campaign_id:
            raise AssemblyError("pledge_id", "Choose one of this campaign’s pledges")
    before = snapshot(idea)
    idea.pledge_id = pledge_id
    db.session.flush()
    audit.record(idea, "assembly.update", actor, before, snapshot(idea))
    signals.public_changed("assembly")
    return idea


def delete_idea(idea: Idea, actor: User | None) -> None:
    audit.record(idea, "assembly.delete", actor, snapshot(idea), None)
    signals.public_changed("assembly")
    idea.event.ideas.remove(idea)
    db.session.flush()


def delete_event(event: Event, actor: User | None) -> None:
    audit.record(event, "assembly.delete", actor, event_snapshot(event), None)
    audit.record_cascade(event, "assembly.delete", actor)
    signals.public_changed("assembly")
    db.session.delete(event)
    db.session.flush()
