"""Flag answers that look like safeguarding disclosures, open cases, and the lead's workflow.

A flagged answer (`Response.safeguarding_flag`) is never themed, quoted or published: theme
runs and the assignment of new answers leave it out, quote approval refuses it, and when an
answer is flagged after it was themed, themes forget it (`signals.responses_flagged`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from listening import audit, signals
from listening.accounts.models import User
from listening.extensions import db
from listening.intake.models import (
    OPEN_CASE_STATUSES,
    Campaign,
    CaseStatus,
    Conversation,
    ConversationStatus,
    Response,
    SafeguardingCase,
)
from listening.intake.safeguarding import detector
from listening.security import Role
from listening.timeutil import utcnow

DEFAULT_GUIDANCE = (
    "Something said in this conversation may mean that someone is at risk of harm. "
    "If anyone is in immediate danger, call 999. Otherwise, follow your organisation's "
    "safeguarding procedure today and tell your safeguarding lead what you heard. "
    "Do not promise to keep it secret, do not investigate yourself, and write down what was "
    "said in the person's own words. The campaign's safeguarding lead has been told about "
    "this conversation. Samaritans: 116 123 (free, any time). "
    "Childline: 0800 1111. National Domestic Abuse Helpline: 0808 2000 247."
)


class CaseError(ValueError):
    """A lead's action that cannot be done; `field` names the input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def kind_label(kind: str | None) -> str:
    """The words for a kind ("Self-harm or suicide")."""
    kinds = detector.rules_data()["kinds"]
    return kinds[kind]["label"] if kind in kinds else "Other"


def guidance_for(campaign: Campaign) -> str:
    """The campaign's safeguarding guidance for partners, or the default."""
    return (campaign.safeguarding_guidance or "").strip() or DEFAULT_GUIDANCE


def set_guidance(campaign: Campaign, text: str, actor: User) -> None:
    """Admin: change the guidance partners see (empty: the default); audited."""
    before = {"safeguarding_guidance": campaign.safeguarding_guidance}
    campaign.safeguarding_guidance = (text or "").strip()
    db.session.flush()
    audit.record(
        campaign, "intake.set_guidance", actor, before, {"safeguarding_guidance": text.strip()}
    )


def flag_answers(responses: Iterable[Response], findings: Iterable, version: str) -> list[int]:
    """Mark these answers flagged where their finding says so; returns the newly flagged ids.

    A flag is never cleared here: an answer once flagged stays out of themes and quotes until
    its conversation is erased (the lead closes the case, the answer stays private)."""
    newly = []
    for response, finding in zip(responses, findings, strict=True):
        if finding.flag and not response.safeguarding_flag:
            response.safeguarding_flag = True
            response.safeguarding_kind = finding.kind
            response.safeguarding_version = version
            newly.append(response)
    db.session.flush()
    if newly:
        signals.responses_flagged.send("intake", ids=[r.id for r in newly])
    return [r.id for r in newly]


def screen_conversation(conversation: Conversation, actor: User | None, found=None) -> list[int]:
    """Check the answers (the rules, or the detector `found` given), flag, open a case when
    the conversation is submitted; flushes. Returns the ids of answers newly flagged."""
    found = found or detector.Detector()
    responses = list(conversation.responses)
    texts = [r.text if r.text is not None else r.redacted_text for r in responses]
    newly = flag_answers(responses, found.check(texts), found.version)
    if conversation.status == ConversationStatus.SUBMITTED and any(
        r.safeguarding_flag for r in responses
    ):
        open_case(conversation, actor)
    return newly


def is_flagged(conversation: Conversation) -> bool:
    return any(r.safeguarding_flag for r in conversation.responses)


def case_for(conversation: Conversation) -> SafeguardingCase | None:
    return db.session.scalar(
        select(SafeguardingCase).where(SafeguardingCase.conversation_id == conversation.id)
    )


def open_case(conversation: Conversation, actor: User | None) -> SafeguardingCase:
    """The conversation's case, opened (audited) when it has none; its kinds kept up to date."""
    kinds = ",".join(
        sorted(
            {r.safeguarding_kind or "other" for r in conversation.responses if r.safeguarding_flag}
        )
    )
    case = case_for(conversation)
    if case is not None:
        case.kinds = kinds
        return case
    case = SafeguardingCase(
        conversation=conversation,
        campaign_id=conversation.campaign_id,
        status=CaseStatus.NEW,
        kinds=kinds,
    )
    db.session.add(case)
    db.session.flush()
    audit.record(case, "intake.open_case", actor, None, {"status": case.status, "kinds": kinds})
    return case


def list_cases(campaign: Campaign, open_only: bool = True) -> list[SafeguardingCase]:
    """The campaign's cases, newest first (open ones only by default)."""
    query = select(SafeguardingCase).where(SafeguardingCase.campaign_id == campaign.id)
    if open_only:
        query = query.where(SafeguardingCase.status.in_(OPEN_CASE_STATUSES))
    return list(db.session.scalars(query.order_by(SafeguardingCase.opened_at.desc())))


def get_case(case_id: int) -> SafeguardingCase | None:
    return db.session.get(SafeguardingCase, case_id)


def record_read(case: SafeguardingCase, actor: User) -> None:
    """The lead was shown the flagged answers in full: say who and which."""
    shown = [r.id for r in case.conversation.responses if r.safeguarding_flag]
    audit.record(case, "intake.read_case", actor, after={"responses": shown})
    db.session.flush()


def _snapshot(case: SafeguardingCase) -> dict:
    return {"status": case.status, "note": case.note}


def mark_seen(case: SafeguardingCase, actor: User) -> None:
    """new → seen (audited); a case already seen or closed is left as it is."""
    if case.status != CaseStatus.NEW:
        return
    before = _snapshot(case)
    case.status, case.seen_at, case.seen_by_id = CaseStatus.SEEN, utcnow(), actor.id
    db.session.flush()
    audit.record(case, "intake.mark_seen", actor, before, _snapshot(case))


def close_case(case: SafeguardingCase, actor: User, action_taken: bool, note: str) -> None:
    """Record the action taken (or that none was needed), with a required note; audited."""
    note = (note or "").strip()
    if not note:
        raise CaseError("note", "Enter what was done, or why no action is needed")
    if not case.is_open:
        raise CaseError("note", "This case is already closed")
    before = _snapshot(case)
    if case.seen_at is None:
        case.seen_at, case.seen_by_id = utcnow(), actor.id
    case.status = CaseStatus.ACTION_TAKEN if action_taken else CaseStatus.NO_ACTION_NEEDED
    case.note, case.closed_at, case.closed_by_id = note, utcnow(), actor.id
    db.session.flush()
    audit.record(case, "intake.close_case", actor, before, _snapshot(case))


def leads() -> list[User]:
    """Active users with the safeguarding lead role."""
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.SAFEGUARDING_LEAD, User.active.is_(True))
        )
    )
