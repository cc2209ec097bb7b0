"""What deleting a row (or archiving a pledge) loses, in words; archiving and restoring pledges.

`consequences(row)` is read by the confirmation page before anything is deleted; the counts
come from the rows themselves, so the page says exactly what the delete will take with it.
"""

from __future__ import annotations

from sqlalchemy import func, select

from listening import audit, signals
from listening.accounts.models import User
from listening.assembly.models import (
    Action,
    Event,
    Idea,
    Metric,
    Pledge,
    ProgressUpdate,
    Quote,
    Reading,
    Signatory,
)
from listening.confirm import Confirmation, plural
from listening.extensions import db
from listening.themes.queries import public_theme_names as theme_names
from listening.timeutil import utcnow

RECOUNTED = "The pledge’s progress is worked out again from what is left."


def archive_pledge(pledge: Pledge, actor: User | None) -> Pledge:
    """Take a pledge off every public page, the API, the CSVs and the feed; restorable."""
    if pledge.archived_at is None:
        pledge.archived_at, pledge.archived_by_id = utcnow(), actor.id if actor else None
        db.session.flush()
        audit.record(pledge, "assembly.archive", actor, {"archived": False}, {"archived": True})
        signals.public_changed("assembly")
    return pledge


def restore_pledge(pledge: Pledge, actor: User | None) -> Pledge:
    """Put an archived pledge back, with everything it had."""
    if pledge.archived_at is not None:
        pledge.archived_at, pledge.archived_by_id = None, None
        db.session.flush()
        audit.record(pledge, "assembly.restore", actor, {"archived": True}, {"archived": False})
        signals.public_changed("assembly")
    return pledge


def consequences(row) -> Confirmation:
    """The confirmation of deleting `row` (archiving, for a pledge): what goes, what stays."""
    return _DESCRIBE[type(row)](row)


def _pledge(pledge: Pledge) -> Confirmation:
    readings = sum(len(metric.readings) for metric in pledge.metrics)
    return Confirmation(
        heading=f"Archive the pledge “{pledge.title}”?",
        caption=f"Pledge {pledge.id}",
        losses=[
            "It disappears from the public pledge tracker, its themes’ pages, the API, "
            "the open data files and the updates feed; its public page says "
            "“page not found”.",
            "People who follow it get no emails about it while it is archived.",
        ],
        kept=[
            f"Its {plural(len(pledge.signatories), 'signatory', 'signatories')}, "
            f"{plural(len(pledge.actions), 'action')}, "
            f"{plural(len(pledge.metrics), 'measure')} with {plural(readings, 'reading')} and "
            f"{plural(len(pledge.updates), 'progress update')} are kept. Restore it from "
            "“Archived pledges” on the pledges page and it comes back as it was.",
        ],
        button="Yes, archive this pledge",
        undoable=True,
    )


def _signatory(row: Signatory) -> Confirmation:
    who = ", ".join(part for part in (row.person, row.role, row.organisation.name) if part)
    return Confirmation(
        heading=f"Delete the signatory {row.person}?",
        caption=row.pledge.title,
        losses=[f"{who} is no longer listed as a signatory of “{row.pledge.title}”."],
        button="Yes, delete this signatory",
    )


def _action(row: Action) -> Confirmation:
    return Confirmation(
        heading=f"Delete the action “{row.title}”?",
        caption=row.pledge.title,
        losses=[
            f"The action{' (done)' if row.done else ''} is removed from the pledge and its "
            "public page.",
            RECOUNTED,
        ],
        button="Yes, delete this action",
    )


def _metric(row: Metric) -> Confirmation:
    readings = len(row.readings)
    losses = [f"The measure “{row.name}” and its chart are removed from the pledge."]
    if readings:
        losses.append(f"Deleting this measure also deletes its {plural(readings, 'reading')}.")
    return Confirmation(
        heading=f"Delete the measure “{row.name}”?",
        caption=row.pledge.title,
        losses=[*losses, RECOUNTED],
        button="Yes, delete this measure",
    )


def _reading(row: Reading) -> Confirmation:
    return Confirmation(
        heading=f"Delete the reading of {row.taken_on:%-d %B %Y}?",
        caption=row.metric.name,
        losses=[
            f"The reading of {row.value:g} on {row.taken_on:%-d %B %Y} is removed from "
            f"“{row.metric.name}”, its chart and the open data.",
            RECOUNTED,
        ],
        button="Yes, delete this reading",
    )


def _update(row: ProgressUpdate) -> Confirmation:
    text = row.text if len(row.text) <= 120 else row.text[:119] + "…"
    return Confirmation(
        heading=f"Delete the progress update of {row.posted_on:%-d %B %Y}?",
        caption=row.pledge.title,
        losses=[
            f"The update “{text}” is removed from the pledge’s public page, the open data "
            "and the updates feed.",
            "Emails already sent about it to people who follow the pledge cannot be recalled.",
        ],
        button="Yes, delete this update",
    )


def _event(row: Event) -> Confirmation:
    pledges = db.session.scalar(select(func.count(Pledge.id)).where(Pledge.event_id == row.id))
    losses = [
        f"Deleting this event also deletes its {plural(len(row.ideas), 'idea')} and its "
        f"attendance ({plural(row.attendance_total, 'person', 'people')})."
    ]
    if pledges:
        losses.append(
            f"{plural(pledges, 'pledge')} signed at it will no longer say where "
            f"{'it was' if pledges == 1 else 'they were'} signed."
        )
    return Confirmation(
        heading=f"Delete the event “{row.title}”?",
        caption=f"{row.held_on:%-d %B %Y}",
        losses=losses,
        button="Yes, delete this event",
    )


def _idea(row: Idea) -> Confirmation:
    text = row.text if len(row.text) <= 120 else row.text[:119] + "…"
    losses = [f"The idea “{text}” is removed from “{row.event.title}”."]
    if row.pledge is not None:
        losses.append(f"The record that it became the pledge “{row.pledge.title}” is lost.")
    return Confirmation(
        heading="Delete this idea?",
        caption=row.event.title,
        losses=losses,
        button="Yes, delete this idea",
    )


def _quote(row: Quote) -> Confirmation:
    name = theme_names(row.campaign_id).get(row.theme_slug or "", row.theme_slug)
    where = [f"the theme “{name}”"] if row.theme_slug else []
    where += [f"the pledge “{row.pledge.title}”"] if row.pledge is not None else []
    public = row.status == "approved"
    return Confirmation(
        heading="Withdraw this quote?",
        losses=[
            (
                f"The quote is taken off the public pages of {' and '.join(where)}."
                if public
                else "The quote is no longer waiting for approval."
            ),
            f"“{row.text if len(row.text) <= 160 else row.text[:159] + '…'}”",
        ],
        kept=["The answer it comes from is kept; you can approve the quote again later."],
        button="Yes, withdraw this quote",
        undoable=True,
    )


_DESCRIBE = {
    Pledge: _pledge,
    Signatory: _signatory,
    Action: _action,
    Metric: _metric,
    Reading: _reading,
    ProgressUpdate: _update,
    Event: _event,
    Idea: _idea,
    Quote: _quote,
}
