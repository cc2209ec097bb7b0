"""Flag answers that look like safeguarding disclosures, open cases, and the lead's workflow.

A flagged answer (`Response.safeguarding_flag`) is never themed, quoted or published: theme
runs and the assignment of new answers leave it out, quote approval refuses it, and when an
answer is flagged after it was themed, themes forget it (`signals.responses_flagged`).

Each campaign has its own leads (`Campaign.safeguarding_leads`, set by an admin): a lead sees
and acts on their campaigns' cases only; an admin sees all. A lead who finds a false alarm
releases it (`release_case`): the answers are ordinary again, and their sentences never flag
again (their hashes are kept); a sentence added or changed later is checked afresh. A case
closed any other way keeps its answers flagged for good.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Contact:
    """How a partner reaches a campaign's safeguarding lead."""

    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class Guidance:
    """What a partner is shown when an answer may be a disclosure: the steps (in the template,
    translated), the campaign's leads, and the campaign's own text under them."""

    leads: tuple[Contact, ...]
    text: str


class CaseError(ValueError):
    """A lead's action that cannot be done; `field` names the input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def kind_label(kind: str | None) -> str:
    """The words for a kind ("Self-harm"), old stored kinds included."""
    return detector.label(kind)


def kind_severity(kind: str | None) -> int:
    """How urgent a kind is, 1 the most (`detector.severity`)."""
    return detector.severity(kind)


def case_severity(case: SafeguardingCase) -> int:
    """The severity of the case's most urgent kind."""
    return min(
        (kind_severity(k) for k in case.kinds.split(",") if k), default=detector.UNKNOWN_SEVERITY
    )


def guidance_for(campaign: Campaign) -> Guidance:
    """The guidance for the campaign's partners: its leads' contacts and its own text."""
    leads = tuple(
        Contact(u.name.strip() or u.email, u.email, u.phone) for u in campaign_leads(campaign)
    )
    return Guidance(leads, (campaign.safeguarding_guidance or "").strip())


def set_guidance(campaign: Campaign, text: str, actor: User) -> None:
    """Admin: change the guidance partners see (empty: the default); audited."""
    before = {"safeguarding_guidance": campaign.safeguarding_guidance}
    campaign.safeguarding_guidance = (text or "").strip()
    db.session.flush()
    audit.record(
        campaign, "intake.set_guidance", actor, before, {"safeguarding_guidance": text.strip()}
    )


def _digest(sentence: str) -> str:
    return hashlib.sha256(sentence.strip().encode("utf-8")).hexdigest()[:16]


def unreleased_text(response: Response) -> str:
    """What is left to check: the answer less the sentences a lead released as a false alarm
    ("" when nothing was added or changed since)."""
    text = response.source_text or ""  # what the detector reads
    if not response.safeguarding_released:
        return text
    released = set(response.safeguarding_released.split())
    return " ".join(s for s in detector.sentences(text) if _digest(s) not in released)


def flag_answers(responses: Iterable[Response], findings: Iterable, version: str) -> list[int]:
    """Mark these answers flagged where their finding says so; returns the newly flagged ids.

    A flag is never cleared here: an answer once flagged stays out of themes and quotes until
    its conversation is erased, or a lead releases it as a false alarm."""
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
    texts = [unreleased_text(r) for r in responses]  # released sentences never flag again
    newly = flag_answers(responses, found.check(texts), found.version)
    if conversation.status == ConversationStatus.SUBMITTED and any(
        r.safeguarding_flag for r in responses
    ):
        open_case(conversation, actor, reopen=bool(newly))
    return newly


def needs_guidance(conversation: Conversation) -> bool:
    """The partner is shown the safeguarding guidance: an answer is flagged as a possible
    disclosure (not merely because the detector could not read its language)."""
    return any(
        r.safeguarding_flag and r.safeguarding_kind != detector.UNREAD
        for r in conversation.responses
    )


def case_for(conversation: Conversation) -> SafeguardingCase | None:
    return db.session.scalar(
        select(SafeguardingCase).where(SafeguardingCase.conversation_id == conversation.id)
    )


def open_case(
    conversation: Conversation, actor: User | None, reopen: bool = False
) -> SafeguardingCase:
    """The conversation's case, opened (audited) when it has none; its kinds kept up to date.
    `reopen`: answers were newly flagged, so a closed case opens again (audited)."""
    kinds = ",".join(  # the most urgent first
        sorted(
            {r.safeguarding_kind or "other" for r in conversation.responses if r.safeguarding_flag},
            key=lambda k: (detector.severity(k), k),
        )
    )
    case = case_for(conversation)
    if case is not None:
        case.kinds = kinds
        if reopen and not case.is_open:
            before = _snapshot(case)
            case.status, case.opened_at = CaseStatus.NEW, utcnow()
            case.seen_at = case.seen_by_id = case.closed_at = case.closed_by_id = None
            case.note = ""
            db.session.flush()
            audit.record(case, "intake.reopen_case", actor, before, _snapshot(case))
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


def list_cases(campaigns: Iterable[Campaign], open_only: bool = True) -> list[SafeguardingCase]:
    """These campaigns' cases (open ones only by default): open cases first, the most severe
    first and, within a severity, the one waiting longest; then closed ones, latest first."""
    ids = [c.id for c in campaigns]
    query = select(SafeguardingCase).where(SafeguardingCase.campaign_id.in_(ids))
    if open_only:
        query = query.where(SafeguardingCase.status.in_(OPEN_CASE_STATUSES))
    cases = list(db.session.scalars(query.order_by(SafeguardingCase.id)))
    waiting = sorted(
        (c for c in cases if c.is_open), key=lambda c: (case_severity(c), c.opened_at, c.id)
    )
    closed = sorted(
        (c for c in cases if not c.is_open), key=lambda c: c.closed_at or c.opened_at, reverse=True
    )
    return waiting + closed


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


def _close(case: SafeguardingCase, actor: User, status: str, note: str) -> dict:
    note = (note or "").strip()
    if not note:
        raise CaseError("note", "Enter what was done, or why no action is needed")
    if not case.is_open:
        raise CaseError("note", "This case is already closed")
    before = _snapshot(case)
    if case.seen_at is None:
        case.seen_at, case.seen_by_id = utcnow(), actor.id
    case.status = status
    case.note, case.closed_at, case.closed_by_id = note, utcnow(), actor.id
    return before


def close_case(case: SafeguardingCase, actor: User, action_taken: bool, note: str) -> None:
    """Record the action taken (or that none was needed), with a required note; audited.
    The answers stay flagged: never themed, quoted, exported or published."""
    status = CaseStatus.ACTION_TAKEN if action_taken else CaseStatus.NO_ACTION_NEEDED
    before = _close(case, actor, status, note)
    db.session.flush()
    audit.record(case, "intake.close_case", actor, before, _snapshot(case))


def release_case(case: SafeguardingCase, actor: User, reason: str) -> list[int]:
    """Not a disclosure: close the case as a false alarm (reason required; audited) and make its
    flagged answers ordinary again. Each keeps the hashes of its sentences (original and
    redacted), so they never flag again. Returns the released answers' ids; the caller commits
    and then tells themes (`tasks.after_release`)."""
    before = _close(case, actor, CaseStatus.RELEASED, reason)
    released = [r for r in case.conversation.responses if r.safeguarding_flag]
    for response in released:
        sentences = [
            s for t in (response.text, response.redacted_text) for s in detector.sentences(t)
        ]
        old = (response.safeguarding_released or "").split()
        response.safeguarding_released = " ".join(
            sorted(set(old) | {_digest(s) for s in sentences})
        )
        response.safeguarding_flag = False
    db.session.flush()
    after = {**_snapshot(case), "released": [r.id for r in released]}
    audit.record(case, "intake.release_case", actor, before, after)
    return [r.id for r in released]


def lead_candidates() -> list[User]:
    """Active users with the safeguarding lead role, by email."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.SAFEGUARDING_LEAD, User.active.is_(True))
            .order_by(User.email)
        )
    )


def campaign_leads(campaign: Campaign) -> list[User]:
    """The campaign's designated leads who can act (active, still with the lead role)."""
    return [u for u in campaign.safeguarding_leads if u.active and u.role == Role.SAFEGUARDING_LEAD]


def set_leads(campaign: Campaign, user_ids: Iterable[int], actor: User) -> None:
    """Admin: designate the campaign's leads (users with the lead role only); audited."""
    wanted = set(user_ids)
    people = [u for u in lead_candidates() if u.id in wanted]
    if len(people) != len(wanted):
        raise CaseError("leads", "Choose from the safeguarding leads listed")
    before = sorted(u.email for u in campaign.safeguarding_leads)
    campaign.safeguarding_leads = people
    db.session.flush()
    after = sorted(u.email for u in people)
    if before != after:
        audit.record(
            campaign, "intake.set_safeguarding_leads", actor, {"leads": before}, {"leads": after}
        )


def campaigns_led_by(user: User) -> list[Campaign]:
    """The campaigns whose cases this user may see: all for an admin, else those they lead."""
    query = select(Campaign).order_by(Campaign.name)
    if user.role != Role.ADMIN:
        query = query.where(Campaign.safeguarding_leads.any(User.id == user.id))
    return list(db.session.scalars(query))


def may_handle(user: User, campaign_id: int) -> bool:
    """An admin, or a lead designated for this campaign."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SAFEGUARDING_LEAD and any(
        c.id == campaign_id for c in campaigns_led_by(user)
    )
