"""Record every state change: who, what, when, before and after. One rule for every feature:

* entity = the changed row's table name (``intake_response``), entity_id = its primary key
  (``"*"`` when a bulk operation is recorded against a whole table);
* action = ``<feature>.<verb>`` (``themes.move_response``), the feature doing the change.

`record` is the only way to write an event, and it enforces the rule; `record_cascade` adds one
event per row the database deletes (or unlinks) along with a deleted row, so that nothing
disappears unrecorded behind an ``ON DELETE CASCADE``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Table, inspect, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from listening.extensions import db
from listening.timeutil import utcnow

# The features, lowest layer first: audit actions are named after them, and tests/test_layers.py
# checks that each imports only those before it.
FEATURES = (
    "organisations",
    "accounts",
    "intake",
    "themes",
    "assembly",
    "report",
    "privacy",
    "follow",
    "pages",
)
ACTION = re.compile(rf"^({'|'.join(FEATURES)})\.[a-z][a-z_]*$")
ALL_ROWS = "*"
# columns never copied into an event about a cascaded row: secrets and people's addresses
PRIVATE_COLUMN = re.compile(r"email|token|hash|password|secret")
_CASCADING = ("CASCADE", "SET NULL")


class AuditEvent(db.Model):
    """Who changed what, when, with the state before and after."""

    __tablename__ = "accounts_audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(80))
    entity: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[str] = mapped_column(String(80), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor = relationship("User")


def record(
    row: Any,
    action: str,
    actor: Any | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event about `row` (a model instance, or a model class for a bulk change).

    The caller flushes first, so a new row has its primary key; it commits with its unit of work.
    """
    if not ACTION.match(action):
        raise ValueError(f"audit action {action!r} is not <feature>.<verb>")
    entity, entity_id = entity_of(row)
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=_jsonable(before),
        after=_jsonable(after),
    )
    db.session.add(event)
    return event


def record_cascade(row: Any, action: str, actor: Any | None) -> list[AuditEvent]:
    """Before `row` is deleted: an event per row that goes with it (ON DELETE CASCADE, all the
    way down) with that row's values as `before` and ``{"deleted_with": …}`` as `after`, and per
    row that only loses its link (SET NULL) with the link before and after."""
    if not ACTION.match(action):
        raise ValueError(f"audit action {action!r} is not <feature>.<verb>")
    parent = "-".join(entity_of(row))
    events = []
    frontier = [(row.__table__, {inspect(row).identity[0]})]
    while frontier:
        target, ids = frontier.pop()
        for table in db.metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table is target and (fk.ondelete or "").upper() in _CASCADING:
                    found = db.session.execute(select(table).where(fk.parent.in_(ids))).mappings()
                    children = list(found)
                    events += [
                        _cascaded(table, fk, child, action, actor, parent) for child in children
                    ]
                    pk = list(table.primary_key.columns)
                    if fk.ondelete.upper() == "CASCADE" and len(pk) == 1 and children:
                        frontier.append((table, {child[pk[0].name] for child in children}))
    return events


def _cascaded(table: Table, fk, child, action: str, actor, parent: str) -> AuditEvent:
    entity_id = "-".join(str(child[c.name]) for c in table.primary_key.columns)
    if fk.ondelete.upper() == "SET NULL":
        before, after = {fk.parent.name: child[fk.parent.name]}, {fk.parent.name: None}
    else:
        before = {
            c.name: child[c.name]
            for c in table.columns
            if not isinstance(c.type, LargeBinary) and not PRIVATE_COLUMN.search(c.name)
        }
        after = {"deleted_with": parent}
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity=table.name,
        entity_id=entity_id,
        before=_jsonable(before),
        after=_jsonable(after),
    )
    db.session.add(event)
    return event


def entity_of(row: Any) -> tuple[str, str]:
    """(table name, primary key as text) of a model instance; (table name, "*") of a class."""
    if isinstance(row, type):
        return row.__table__.name, ALL_ROWS
    identity = inspect(row).identity
    if identity is None:
        raise ValueError(f"flush {row!r} before auditing it: it has no primary key yet")
    return row.__table__.name, "-".join(str(part) for part in identity)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return str(value)
