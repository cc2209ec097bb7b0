"""Data protection: find, export and erase what is held about a conversation; purge originals.

Rows that belong to a conversation are found by walking foreign keys *into* it (responses,
community groups, theme assignments, published quotes …) through the SQLAlchemy metadata,
so tables added by other features are covered without this module knowing about them.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, func, or_, select, update

from listening import audit, signals
from listening.accounts.models import User
from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake import operations as intake
from listening.intake.models import Conversation, ConversationStatus, Response
from listening.language import detect_language
from listening.themes import erasure as themes_erasure
from listening.timeutil import utcnow

ERASED = "[erased]"
# shown in their own sections of the export, not under "related"
_OWN_TABLES = ("intake_response", "intake_conversation_group")


class PrivacyError(ValueError):
    """A request that cannot be carried out as asked (unknown or ambiguous reference)."""


@dataclass
class Holding:
    """Everything held about one conversation."""

    conversation: Conversation
    related: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    pointers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    audit_events: list[AuditEvent] = field(default_factory=list)

    @property
    def texts(self) -> set[str]:
        """The original and redacted answers (what erasure must remove everywhere)."""
        found = set()
        for response in self.conversation.responses:
            found.update(t for t in (response.text, response.redacted_text) if t)
        return found


def find_conversations(reference: str) -> list[Conversation]:
    """Conversations named by a UUID or by an import reference (several may share one)."""
    reference = (reference or "").strip()
    if not reference:
        return []
    try:
        as_uuid = str(uuid_module.UUID(reference))
    except ValueError:
        as_uuid = None
    if as_uuid:
        found = db.session.scalar(select(Conversation).where(Conversation.uuid == as_uuid))
        if found is not None:
            return [found]
    query = select(Conversation).where(Conversation.reference == reference[:120])
    return list(db.session.scalars(query.order_by(Conversation.created_at)))


def get_conversation(reference: str) -> Conversation:
    """Exactly one conversation for `reference`, or PrivacyError saying why not."""
    found = find_conversations(reference)
    if not found:
        raise PrivacyError(f"No conversation has the reference “{reference}”")
    if len(found) > 1:
        raise PrivacyError(
            f"{len(found)} conversations have the reference “{reference}”: use the UUID of one"
        )
    return found[0]


def _inward_rows(conversation: Conversation) -> tuple[dict, dict]:
    """Rows referencing the conversation (transitively): (to delete, SET NULL pointers)."""
    tables = {t.name: t for t in db.metadata.sorted_tables}
    owned: dict[str, dict[Any, dict]] = {}
    pointers: dict[str, dict[Any, dict]] = {}
    frontier = [(tables["intake_conversation"], {conversation.id})]
    while frontier:
        target, ids = frontier.pop()
        for table in tables.values():
            for fk in table.foreign_keys:
                if fk.column.table is not target or not ids:
                    continue
                rows = db.session.execute(select(table).where(fk.parent.in_(ids))).mappings()
                bucket = pointers if fk.ondelete and fk.ondelete.upper() == "SET NULL" else owned
                new_ids = set()
                for row in rows:
                    key = _row_key(table, row)
                    if key in owned.get(table.name, {}):
                        continue
                    bucket.setdefault(table.name, {})[key] = dict(row) | {"_via": fk.parent.name}
                    if bucket is owned and _single_pk(table) is not None:
                        new_ids.add(row[_single_pk(table).name])
                if new_ids:
                    frontier.append((table, new_ids))
    return owned, pointers


def _single_pk(table: Table):
    columns = list(table.primary_key.columns)
    return columns[0] if len(columns) == 1 else None


def _row_key(table: Table, row) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


def _audit_events(conversation: Conversation, owned: dict) -> list[AuditEvent]:
    """Audit events about the conversation, its responses and rows that hang off it.

    One rule (listening.audit): entity is the table name, entity_id the primary key.
    """
    conditions = [
        (AuditEvent.entity == Conversation.__tablename__)
        & (AuditEvent.entity_id == str(conversation.id))
    ]
    for table_name, rows in owned.items():
        pk = _single_pk(db.metadata.tables[table_name])
        if pk is None or not rows:
            continue
        ids = [str(row[pk.name]) for row in rows.values()]
        conditions.append((AuditEvent.entity == table_name) & AuditEvent.entity_id.in_(ids))
    query = select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.at, AuditEvent.id)
    return list(db.session.scalars(query))


def collect(conversation: Conversation) -> Holding:
    """Everything held about `conversation`."""
    owned, pointers = _inward_rows(conversation)
    return Holding(
        conversation=conversation,
        related={name: list(rows.values()) for name, rows in owned.items()},
        pointers={name: list(rows.values()) for name, rows in pointers.items()},
        audit_events=_audit_events(conversation, owned),
    )


def export(holding: Holding) -> dict[str, Any]:
    """A JSON-ready copy of everything held (for a subject access request)."""
    conversation = holding.conversation
    return {
        "reference": conversation.uuid,
        "exported_at": utcnow().isoformat(),
        "conversation": {
            "uuid": conversation.uuid,
            "import_reference": conversation.reference,
            "campaign": conversation.campaign.slug,
            "borough": conversation.area.slug if conversation.area else None,
            "organisation": conversation.organisation.name,
            "logged_by": conversation.logged_by.email if conversation.logged_by else None,
            "date": conversation.held_on.isoformat() if conversation.held_on else None,
            "format": conversation.format,
            "people_count": conversation.people_count,
            "groups": [g.slug for g in conversation.groups],
            "consent_to_quote": conversation.consent_to_quote,
            "status": conversation.status,
            "source": conversation.source,
            "created_at": _jsonable(conversation.created_at),
            "submitted_at": _jsonable(conversation.submitted_at),
        },
        "responses": [
            {
                "position": r.position,
                "original_text": r.text,
                "redacted_text": r.redacted_text,
                "created_at": _jsonable(r.created_at),
            }
            for r in conversation.responses
        ],
        "related": {
            name: [_jsonable(row) for row in rows]
            for name, rows in sorted(holding.related.items())
            if name not in _OWN_TABLES
        },
        "linked_from": {
            name: [_jsonable(row) for row in rows] for name, rows in holding.pointers.items()
        },
        "audit_events": [
            {
                "at": _jsonable(e.at),
                "actor": e.actor.email if e.actor else None,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "before": e.before,
                "after": e.after,
            }
            for e in holding.audit_events
        ],
    }


def record_search(reference: str, found: list[Conversation], actor: User | None) -> None:
    """Someone looked for what is held under a reference: say who, and what they found."""
    after = {"reference": (reference or "").strip()[:120], "found": [c.uuid for c in found]}
    audit.record(Conversation, "privacy.view", actor, after=after)
    db.session.flush()


def record_view(holding: Holding, actor: User | None) -> None:
    """Someone saw everything held about a conversation, original answers included."""
    audit.record(holding.conversation, "privacy.view", actor)
    db.session.flush()


def record_export(holding: Holding, actor: User | None) -> None:
    """Personal data left the system: say who took it."""
    audit.record(holding.conversation, "privacy.export", actor)
    db.session.flush()


def erase(holding: Holding, actor: User | None) -> dict[str, int]:
    """Delete the conversation and every row that hangs off it; returns rows deleted by table.

    What themes derived from the answers goes too (`themes.erasure`): their embedding cache
    rows, and their part in sub-themes' examples, keywords and labels.
    Audit events stay (who did what, when) but any answer text inside them is replaced.
    A tombstone of the UUID's hash stops a replayed sync from bringing the conversation back.
    """
    conversation = holding.conversation
    earlier = _audited_answers(holding.audit_events)
    texts = holding.texts | earlier
    derived = themes_erasure.forget_answers(
        conversation.campaign_id, [r.id for r in conversation.responses], actor, earlier
    )
    for event in holding.audit_events:
        event.before = _scrub(event.before, texts)
        event.after = _scrub(event.after, texts)
    for name, rows in holding.pointers.items():
        table = db.metadata.tables[name]
        for row in rows:
            match = [c == row[c.name] for c in table.primary_key.columns]
            db.session.execute(update(table).where(*match).values({row["_via"]: None}))
    counts = {}
    for table in reversed(db.metadata.sorted_tables):  # children before parents
        rows = holding.related.get(table.name, [])
        for row in rows:
            match = [c == row[c.name] for c in table.primary_key.columns]
            db.session.execute(delete(table).where(*match))
        if rows:
            counts[table.name] = len(rows)
    uuid = conversation.uuid
    event = audit.record(conversation, "privacy.erase", actor)
    db.session.expunge(conversation)
    db.session.execute(delete(Conversation).where(Conversation.uuid == uuid))
    counts["intake_conversation"] = 1
    if derived["themes_embedding_cache"]:
        counts["themes_embedding_cache"] = derived["themes_embedding_cache"]
    event.after = {
        "deleted": counts,
        "rewritten": {"themes_sub_theme": derived["themes_sub_theme"]},
    }
    intake.add_tombstone(uuid)
    signals.public_changed("privacy")
    db.session.flush()
    db.session.expire_all()
    return counts


def purge_originals(days: int, actor: User | None, now: datetime | None = None) -> int:
    """Clear the original (unredacted) text of answers submitted more than `days` ago."""
    if days < 0:
        raise PrivacyError("The retention period must be 0 days or more")
    cutoff = (now or utcnow()) - timedelta(days=days)
    submitted = func.coalesce(Conversation.submitted_at, Conversation.created_at)
    old = select(Conversation.id).where(
        Conversation.status == ConversationStatus.SUBMITTED, submitted < cutoff
    )
    result = db.session.execute(
        update(Response)
        .where(Response.text.is_not(None), Response.conversation_id.in_(old))
        .values(text=None)
        .execution_options(synchronize_session=False)
    )
    count = result.rowcount or 0
    audit.record(
        Response,
        "privacy.purge_originals",
        actor,
        after={"cleared": count, "days": days, "submitted_before": cutoff.isoformat()},
    )
    signals.public_changed("privacy")
    db.session.flush()
    db.session.expire_all()
    return count


def _audited_answers(events: list[AuditEvent]) -> set[str]:
    """Earlier wordings of the answers, kept by the audit of admin edits (`answers`)."""
    found = set()
    for event in events:
        for state in (event.before, event.after):
            if isinstance(state, dict) and isinstance(state.get("answers"), list):
                found.update(a for a in state["answers"] if isinstance(a, str) and a)
    return found


def _scrub(value: Any, texts: set[str]) -> Any:
    """`value` with every string that contains an erased answer replaced by ERASED."""
    if isinstance(value, str):
        # a whole answer inside the value, or a long excerpt of one (an edited quote)
        hit = any(t in value or (len(value) >= 20 and value in t) for t in texts)
        return ERASED if hit else value
    if isinstance(value, dict):
        return {k: _scrub(v, texts) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, texts) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(bytes(value))} bytes>"
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@dataclass
class ReredactReport:
    """What one pass of `reredact` changed (batches add up)."""

    checked: int = 0  # answers brought up to the current redactor
    changed: int = 0  # of those, answers whose redacted text changed
    from_redacted: int = 0  # originals already purged: the stored redacted text was re-checked
    quotes_withdrawn: int = 0  # approved quotes of changed answers, taken down for re-approval
    sub_themes_rewritten: int = 0
    embeddings_forgotten: int = 0

    def add(self, other: ReredactReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def outdated_answers(campaign_id: int | None = None):
    """The query of answers whose redacted text an older redactor made."""
    from listening.intake.redaction import REDACTOR_VERSION

    query = select(Response.id).where(
        or_(Response.redactor_version.is_(None), Response.redactor_version != REDACTOR_VERSION)
    )
    if campaign_id is not None:
        query = query.join(Conversation).where(Conversation.campaign_id == campaign_id)
    return query.order_by(Response.id)


def reredact_batch(response_ids: list[int], actor: User | None) -> ReredactReport:
    """Apply the current redactor to these answers' originals (or, once the originals are
    purged, to their redacted text); withdraw approved quotes of answers that changed and drop
    what themes derived from the old wording. Flushes; the caller commits each batch, so an
    interrupted pass resumes where it stopped (answers done carry the new version)."""
    from listening.assembly import quotes
    from listening.assembly.models import Quote
    from listening.intake.redaction import REDACTOR_VERSION, redact

    report, old_wordings = ReredactReport(), {}
    rows = db.session.scalars(select(Response).where(Response.id.in_(response_ids))).all()
    for row in rows:
        source = row.source_text
        report.from_redacted += row.text is None
        language = row.language if row.language is not None else detect_language(source)
        new = redact(source, language=language)
        report.checked += 1
        if new != row.redacted_text:
            old_wordings.setdefault(row.conversation.campaign_id, set()).add(row.redacted_text)
            row.redacted_text = new
            report.changed += 1
            approved = select(Quote).where(Quote.response_id == row.id, Quote.status == "approved")
            for quote in db.session.scalars(approved):
                quotes.withdraw_quote(quote, actor)
                report.quotes_withdrawn += 1
        row.redactor_version = REDACTOR_VERSION
    for campaign_id, wordings in old_wordings.items():
        derived = themes_erasure.forget_wordings(campaign_id, wordings, actor)
        report.sub_themes_rewritten += derived["themes_sub_theme"]
        report.embeddings_forgotten += derived["themes_embedding_cache"]
    if report.checked:
        audit.record(
            Response,
            "privacy.reredact",
            actor,
            after={"version": REDACTOR_VERSION, **report.__dict__},
        )
    if report.changed:
        signals.public_changed("privacy")
    db.session.flush()
    return report
