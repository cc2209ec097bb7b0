"""Deleting (archiving, for pledges; withdrawing, for quotes) always goes through a page that
says what will be lost: GET shows it, only its POST with `confirm=yes` acts (listening/confirm)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, url_for

from listening import confirm
from listening.assembly import bp, operations, quotes
from listening.assembly import models as m
from listening.assembly.views.common import actor
from listening.extensions import db
from listening.security import staff_required


def _pledge_page(pledge_id: int) -> str:
    return url_for("assembly.show_staff_pledge", pledge_id=pledge_id)


@dataclass(frozen=True)
class Removable:
    model: type
    remove: Callable  # operation(row, actor)
    back: Callable[[object], str]  # where the confirmation's "No" and the done page lead
    done: str  # the flash message


REMOVABLE = {
    "signatories": Removable(
        m.Signatory, operations.remove_signatory, lambda r: _pledge_page(r.pledge_id), "Deleted."
    ),
    "actions": Removable(
        m.Action, operations.delete_action, lambda r: _pledge_page(r.pledge_id), "Deleted."
    ),
    "metrics": Removable(
        m.Metric, operations.delete_metric, lambda r: _pledge_page(r.pledge_id), "Deleted."
    ),
    "readings": Removable(
        m.Reading, operations.delete_reading, lambda r: _pledge_page(r.metric.pledge_id), "Deleted."
    ),
    "updates": Removable(
        m.ProgressUpdate, operations.delete_update, lambda r: _pledge_page(r.pledge_id), "Deleted."
    ),
    "ideas": Removable(
        m.Idea,
        operations.delete_idea,
        lambda r: url_for("assembly.show_staff_event", event_id=r.event_id),
        "Idea deleted.",
    ),
    "events": Removable(
        m.Event,
        operations.delete_event,
        lambda _r: url_for("assembly.list_staff_events"),
        "Event deleted.",
    ),
    "quotes": Removable(
        m.Quote,
        quotes.withdraw_quote,
        lambda _r: url_for("assembly.list_staff_quotes"),
        "Quote withdrawn.",
    ),
}


@bp.route("/staff/<kind>/<int(max=2147483647):row_id>/delete", methods=["GET", "POST"])
@staff_required
def delete_part(kind: str, row_id: int):
    if kind == "quotes":  # quotes are withdrawn, at their own address
        abort(404)
    return _remove(kind, row_id)


@bp.route("/staff/quotes/<int(max=2147483647):quote_id>/withdraw", methods=["GET", "POST"])
@staff_required
def withdraw_quote(quote_id: int):
    return _remove("quotes", quote_id)


def _remove(kind: str, row_id: int):
    spec = REMOVABLE.get(kind) or abort(404)
    row = db.session.get(spec.model, row_id) or abort(404)
    back = spec.back(row)
    if not confirm.confirmed():
        return confirm.page(operations.consequences(row), back)
    spec.remove(row, actor())
    db.session.commit()
    flash(spec.done, "info")
    return redirect(back, code=303)


# the old delete address (first: url_for builds with the last rule, /archive)
@bp.route("/staff/pledges/<int(max=2147483647):pledge_id>/delete", methods=["GET", "POST"])
@bp.route("/staff/pledges/<int(max=2147483647):pledge_id>/archive", methods=["GET", "POST"])
@staff_required
def archive_pledge(pledge_id: int):
    """Pledges are archived, never deleted (the old delete address asks the same question)."""
    pledge = db.session.get(m.Pledge, pledge_id) or abort(404)
    if not confirm.confirmed():
        return confirm.page(operations.consequences(pledge), _pledge_page(pledge.id))
    operations.archive_pledge(pledge, actor())
    db.session.commit()
    flash(f"Pledge “{pledge.title}” archived. Restore it from “Archived pledges”.", "info")
    return redirect(url_for("assembly.list_staff_pledges", _anchor="archived"), code=303)


@bp.post("/staff/pledges/<int(max=2147483647):pledge_id>/restore")
@staff_required
def restore_pledge(pledge_id: int):
    pledge = db.session.get(m.Pledge, pledge_id) or abort(404)
    operations.restore_pledge(pledge, actor())
    db.session.commit()
    flash(f"Pledge “{pledge.title}” restored: it is public again.", "info")
    return redirect(_pledge_page(pledge.id), code=303)
