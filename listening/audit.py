"""Record every state change: who, what, when, before and after. One rule for every feature:

* entity = the changed row's table name (``intake_response``), entity_id = its primary key
  (``"*"`` when a bulk operation is recorded against a whole table);
* action = ``<feature>.<verb>`` (``themes.move_response``), the feature doing the change.

`record` is the only way to write an event, and it enforces the rule.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from listening.extensions import db
from listening.timeutil import utcnow

FEATURES = (
    "organisations",
    "accounts",
    "intake",
    "themes",
    "assembly",
    "privacy",
    "follow",
    "pages",
)
ACTION = re.compile(rf"^({'|'.join(FEATURES)})\.[a-z][a-z_]*$")
ALL_ROWS = "*"


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
