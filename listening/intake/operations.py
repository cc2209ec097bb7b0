"""Intake operations: save conversations idempotently, with redaction and an audit trail."""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select

from listening import audit, signals
from listening.accounts.models import User
from listening.extensions import db
from listening.intake import importids
from listening.intake.forms import DRAFT_MAY_LEAVE_EMPTY
from listening.intake.models import (
    Area,
    Campaign,
    CommunityGroup,
    Conversation,
    ConversationStatus,
    Erasure,
    Response,
)
from listening.intake.safeguarding import operations as safeguarding
from listening.language import detect_language
from listening.likes import equals_ignoring_case
from listening.organisations import operations as organisations
from listening.organisations.models import Organisation
from listening.security import Role
from listening.timeutil import utcnow

ERASED = "This conversation was erased on request; it cannot be sent"
MAX_POSITION = 1_000_000  # above any answer's position: room to renumber answers in place


MISSING = {
    "borough": "borough",
    "date": "date",
    "format": "format",
    "people_count": "number of people",
    "consent_to_quote": "answer about being quoted",
    "responses": "answers",
}


class IntakeError(ValueError):
    """A problem with a conversation that a person can fix; `field` names the input."""

    def __init__(self, field: str, message: str, status: int = 422):
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status


class ConflictError(IntakeError):
    """The client's UUID already names a different conversation."""


@dataclass(frozen=True)
class ConversationInput:
    """A validated conversation, as slugs and names (from the form, the API or an import)."""

    uuid: str
    campaign: str
    borough: str | None  # None (and the others below): a draft left it empty
    organisation: str
    date: date | None
    format: str | None
    people_count: int | None
    groups: tuple[str, ...]
    consent_to_quote: bool | None
    responses: tuple[str, ...]
    submit: bool = True
    reference: str | None = None
    extra: dict = field(default_factory=dict, compare=False)

    def fingerprint(self) -> str:
        """What the conversation says (not how it was sent): replays have the same one."""
        data = asdict(self)
        for key in ("submit", "extra", "reference"):
            data.pop(key)
        data["groups"] = sorted(data["groups"])
        data["date"] = self.date.isoformat() if self.date else None
        data["responses"] = [r.strip() for r in self.responses if r.strip()]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def missing(self) -> str | None:
        """The first field a submitted conversation needs and this one lacks (drafts may)."""
        for name in DRAFT_MAY_LEAVE_EMPTY:
            if getattr(self, name) in (None, ""):
                return name
        return None if any(r.strip() for r in self.responses) else "responses"


def get_campaign(slug: str) -> Campaign | None:
    return db.session.scalar(select(Campaign).where(Campaign.slug == slug))


def list_campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.starts_on.desc())))


def default_campaign(preferred_slug: str | None = None) -> Campaign | None:
    if preferred_slug and (campaign := get_campaign(preferred_slug)):
        return campaign
    return db.session.scalar(select(Campaign).order_by(Campaign.created_at.desc()).limit(1))


LOGGING_ROLES = (Role.PARTNER, Role.REVIEWER, Role.ADMIN)


def organisations_for(user: User) -> list[Organisation]:
    """Partners log for their own organisation; staff for any; anyone else (a safeguarding
    lead) for none."""
    if user.role == Role.PARTNER:
        return [user.organisation] if user.organisation else []
    return organisations.list_organisations() if user.is_staff else []


def get_conversation(uuid: str) -> Conversation | None:
    return db.session.scalar(select(Conversation).where(Conversation.uuid == str(uuid)))


def can_view(user: User, conversation: Conversation) -> bool:
    return user.is_staff or (
        user.organisation_id is not None and conversation.organisation_id == user.organisation_id
    )


def can_edit(user: User, conversation: Conversation) -> bool:
    if user.role == Role.ADMIN:
        return True
    return conversation.is_draft and can_view(user, conversation)


def _lookup(model, campaign: Campaign, key: str, field_name: str, label: str):
    key = (key or "").strip()
    row = db.session.scalar(
        select(model).where(model.campaign_id == campaign.id, model.slug == key.lower())
    ) or db.session.scalar(
        select(model).where(model.campaign_id == campaign.id, equals_ignoring_case(model.name, key))
    )
    if row is None:
        raise IntakeError(field_name, f"{label} “{key}” is not part of {campaign.name}")
    return row


def resolve(data: ConversationInput, actor: User) -> dict:
    """Turn slugs and names into rows; raises IntakeError naming the field."""
    campaign = get_campaign(data.campaign)
    if campaign is None:
        raise IntakeError("campaign", f"Campaign “{data.campaign}” does not exist")
    organisation = db.session.scalar(
        select(Organisation).where(
            equals_ignoring_case(Organisation.name, data.organisation.strip())
        )
    )
    if organisation is None:
        raise IntakeError("organisation", f"Organisation “{data.organisation}” does not exist")
    if actor is not None and actor.role not in LOGGING_ROLES:
        raise IntakeError("organisation", "Only partners and staff can log conversations", 403)
    if (
        actor is not None
        and actor.role == Role.PARTNER
        and organisation.id != actor.organisation_id
    ):
        raise IntakeError(
            "organisation", "Partners can only log conversations for their own organisation", 403
        )
    return {
        "campaign": campaign,
        "area": _lookup(Area, campaign, data.borough, "borough", "Borough")
        if data.borough
        else None,
        "organisation": organisation,
        "groups": [
            _lookup(CommunityGroup, campaign, g, "groups", "Community group") for g in data.groups
        ],
    }


def _snapshot(conversation: Conversation) -> dict:
    return {
        "status": conversation.status,
        "borough": conversation.area.slug if conversation.area else None,
        "organisation": conversation.organisation.name if conversation.organisation else None,
        "date": conversation.held_on,
        "format": conversation.format,
        "people_count": conversation.people_count,
        "groups": [g.slug for g in conversation.groups],
        "consent_to_quote": conversation.consent_to_quote,
        "responses": len(conversation.responses),
    }


@dataclass(frozen=True)
class PreparedAnswer:
    """An answer's language and redacted text, worked out before any transaction begins."""

    language: str | None
    redacted: str


def prepare_answers(texts) -> dict[str, PreparedAnswer]:
    """Detect the language of and redact each answer (the slow part of a save) with no
    transaction open, so a writer never holds the database while a model runs."""
    from listening.intake.redaction import redact  # spaCy loads on first use

    prepared = {}
    for text in {t.strip() for t in texts if t and t.strip()}:
        language = detect_language(text)
        prepared[text] = PreparedAnswer(language, redact(text, language=language))
    return prepared


def save_conversation(
    data: ConversationInput,
    actor: User,
    source: str = "web",
    allow_edit_submitted: bool = False,
    prepared: dict[str, PreparedAnswer] | None = None,
) -> tuple[Conversation, bool]:
    """Create or update the conversation named by `data.uuid`; returns (conversation, created).

    Sending the same conversation again (a double tap, a retry, a replayed sync) changes
    nothing. A different conversation under a UUID that is already submitted is a conflict.
    `prepared` (from `prepare_answers`, made before the transaction) saves redacting inside it.
    """
    existing = get_conversation(data.uuid)
    if existing is None and was_erased(data.uuid):
        raise IntakeError("uuid", ERASED, 410)
    if (
        existing is None
        and source != "import"
        and importids.is_import_uuid(importids.installation_secret(), data.uuid)
    ):
        raise ConflictError(
            "uuid", "This UUID is kept for an imported conversation: send it under a new one", 409
        )
    fingerprint = data.fingerprint()
    if existing is not None:
        if not can_view(actor, existing):
            raise ConflictError("uuid", "This reference belongs to another organisation", 409)
        same = existing.payload_hash == fingerprint
        if same and (existing.status == ConversationStatus.SUBMITTED or not data.submit):
            return existing, False
        editable = can_edit(actor, existing) if allow_edit_submitted else existing.is_draft
        if not editable:
            raise ConflictError(
                "uuid",
                "A different conversation was already submitted with this reference",
                409,
            )
    stays_submitted = existing is not None and not existing.is_draft
    if (data.submit or stays_submitted) and (missing := data.missing()):
        raise IntakeError(missing, f"A submitted conversation needs its {MISSING[missing]}")
    rows = resolve(data, actor)
    conversation = existing or Conversation(uuid=str(data.uuid), source=source, logged_by=actor)
    before = _snapshot(conversation) if existing else None
    conversation.campaign = rows["campaign"]
    conversation.area = rows["area"]
    conversation.organisation = rows["organisation"]
    conversation.groups = rows["groups"]
    conversation.held_on = data.date
    conversation.format = data.format
    conversation.people_count = data.people_count
    conversation.consent_to_quote = data.consent_to_quote
    conversation.reference = data.reference
    conversation.payload_hash = fingerprint
    answers = _update_responses(conversation, data.responses, prepared or {})
    if data.submit and conversation.status != ConversationStatus.SUBMITTED:
        conversation.status = ConversationStatus.SUBMITTED
        conversation.submitted_at = utcnow()
    elif not existing:
        conversation.status = ConversationStatus.DRAFT
    db.session.add(conversation)
    db.session.flush()
    safeguarding.screen_conversation(conversation, actor)  # the rules; similarity after commit
    action = "intake.update" if existing else "intake.create"
    after = _snapshot(conversation)
    if existing and answers is not None:  # what the answers said, before and after the edit
        before, after = before | {"answers": answers[0]}, after | {"answers": answers[1]}
    audit.record(conversation, action, actor, before, after)
    signals.public_changed("intake")
    return conversation, existing is None


def record_original_read(conversation: Conversation, actor: User) -> None:
    """`actor` was shown the original (unredacted) wording of answers: say who, and which."""
    shown = [r.id for r in conversation.responses if r.text and r.text != r.redacted_text]
    if shown:
        audit.record(conversation, "privacy.read_original", actor, after={"responses": shown})
        db.session.flush()


def uuid_hash(uuid: str) -> str:
    """What an erasure tombstone keeps of a conversation's UUID."""
    return hashlib.sha256(str(uuid).strip().lower().encode()).hexdigest()


def was_erased(uuid: str) -> bool:
    """True when a conversation with this UUID was erased on request."""
    return db.session.get(Erasure, uuid_hash(uuid)) is not None


def add_tombstone(uuid: str) -> None:
    """Remember that the conversation with this UUID was erased (a hash, nothing else)."""
    db.session.add(Erasure(uuid_hash=uuid_hash(uuid)))


def _update_responses(
    conversation: Conversation, texts: tuple[str, ...], prepared: dict[str, PreparedAnswer]
) -> tuple[list[str], list[str]] | None:
    """Bring the answers in line with `texts`, changing rows in place so that what hangs off an
    answer (approved quotes, reviewers' theme decisions) stays with it; only answers that are
    gone are deleted and only new ones added. Returns the redacted answers (before, after)
    when they changed: the audit keeps redacted text, never the original."""
    from listening.intake.redaction import REDACTOR_VERSION

    kept = [t.strip() for t in texts if t and t.strip()]
    rows = list(conversation.responses)
    current = [r.source_text for r in rows]  # purged: redacted
    if current == kept:
        return None
    missing = [t for t in kept if t not in prepared]
    prepared = prepared | (prepare_answers(missing) if missing else {})
    before = [r.redacted_text for r in rows]
    final: list[Response] = []
    reworded: list[int] = []
    matcher = difflib.SequenceMatcher(a=current, b=kept, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = rows[i1:i2], kept[j1:j2]
        if tag == "equal":
            final += old
            continue
        for row, text in zip(old, new, strict=False):  # an edited answer keeps its row
            row.text, row.language = text, prepared[text].language
            row.redacted_text = prepared[text].redacted
            row.redactor_version = REDACTOR_VERSION
            row.safeguarding_version = row.screened_at = None  # new words: screened afresh
            reworded.append(row.id)
            final.append(row)
        for row in old[len(new) :]:
            conversation.responses.remove(row)  # delete-orphan: only this answer goes
        for text in new[len(old) :]:
            final.append(
                Response(
                    text=text,
                    redacted_text=prepared[text].redacted,
                    redactor_version=REDACTOR_VERSION,
                    language=prepared[text].language,  # it chose the redactor's name layer
                )
            )
    _renumber(conversation, final)
    if reworded:  # approved quotes of these answers come down (assembly listens)
        signals.responses_reworded.send("intake", ids=reworded)
    return before, [r.redacted_text for r in final]


def _renumber(conversation: Conversation, final: list[Response]) -> None:
    moving = [r for r in final if r.id is not None]
    if any(r.position != n for n, r in enumerate(final, start=1) if r.id is not None):
        for offset, row in enumerate(moving, start=1):  # out of the way of the unique key
            row.position = MAX_POSITION + offset
        db.session.flush()
    for position, row in enumerate(final, start=1):
        row.position = position
        if row.id is None:
            conversation.responses.append(row)
    conversation.responses.sort(key=lambda r: r.position)


class RoundError(ValueError):
    """A campaign cannot follow that round (itself, or a round that follows it)."""


def set_previous_round(campaign: Campaign, previous: Campaign | None, actor: User | None) -> None:
    """Declare the listening round `campaign` follows (None: it follows none). Audited."""
    probe = previous
    while probe is not None:
        if probe.id == campaign.id:
            raise RoundError(f"{campaign.slug} cannot follow {previous.slug}: that makes a loop.")
        probe = probe.previous_round
    before = {"previous_round": campaign.previous_round.slug if campaign.previous_round else None}
    campaign.previous_round_id = previous.id if previous is not None else None
    db.session.flush()
    db.session.refresh(campaign)
    after = {"previous_round": previous.slug if previous is not None else None}
    audit.record(campaign, "intake.set_previous_round", actor, before, after)


def list_drafts_for(user: User, limit: int = 200) -> list[Conversation]:
    """Drafts to continue: a partner's organisation's, or the ones a staff member started."""
    query = (
        select(Conversation)
        .where(Conversation.status == ConversationStatus.DRAFT)
        .order_by(Conversation.updated_at.desc())
        .limit(limit)
    )
    if user.is_staff:
        query = query.where(Conversation.logged_by_id == user.id)
    else:
        query = query.where(Conversation.organisation_id == (user.organisation_id or -1))
    return list(db.session.scalars(query))


def detect_missing_languages(after_id: int = 0, batch: int = 500) -> tuple[int, int, int]:
    """Detect the language of the next `batch` answers (id > `after_id`) that have none, e.g.
    stored before it was recorded. Returns (last id looked at, answers looked at, languages
    found); call again with the last id until none are looked at. Audited per batch."""
    rows = list(
        db.session.scalars(
            select(Response)
            .where(Response.language.is_(None), Response.id > after_id)
            .order_by(Response.id)
            .limit(batch)
        )
    )
    found: dict[str, int] = {}
    for row in rows:
        row.language = detect_language(row.source_text)
        if row.language is not None:
            found[row.language] = found.get(row.language, 0) + 1
    db.session.flush()
    if found:
        audit.record(Response, "intake.detect_languages", None, None, {"languages": found})
    return (rows[-1].id if rows else after_id), len(rows), sum(found.values())
