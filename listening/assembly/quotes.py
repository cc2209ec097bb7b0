"""Choosing, approving and withdrawing public quotes.

Only answers whose conversation was submitted with consent to quote are eligible; only their
`redacted_text` is ever copied, edits are allowed inside [square brackets] only, and nothing
is public until a reviewer approves it. Public reads re-check all of this at display time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from listening import audit, mail, signals, urls
from listening.accounts.models import User
from listening.assembly import quotetext
from listening.assembly.models import QUOTE_CHECKLIST, Pledge, Quote
from listening.assembly.operations import AssemblyError, snapshot
from listening.extensions import db
from listening.intake import screening
from listening.intake.models import Campaign, Conversation, ConversationStatus, Response
from listening.likes import ESCAPE, escape_like
from listening.themes.queries import public_theme_names as theme_names
from listening.timeutil import utcnow

log = logging.getLogger(__name__)
_PERSONAL = re.compile(r"@|\d{3,}|https?://|www\.", re.IGNORECASE)


def eligible(response: Response) -> bool:
    """Consented, submitted and cleared (screened by the current redactor and detector, not
    flagged: a possible disclosure is never quoted)."""
    conversation = response.conversation
    return (
        bool(conversation.consent_to_quote)
        and conversation.status == ConversationStatus.SUBMITTED
        and screening.is_cleared(response)
    )


def eligible_responses(campaign_id: int, search: str = "", limit: int = 50) -> list[Response]:
    """Consented, submitted, cleared answers of the campaign, optionally containing `search`."""
    query = (
        select(Response)
        .join(Conversation)
        .where(
            Conversation.campaign_id == campaign_id,
            Conversation.consent_to_quote.is_(True),
            Conversation.status == ConversationStatus.SUBMITTED,
            screening.cleared(),
        )
        .order_by(Response.id)
        .limit(limit)
    )
    if search.strip():
        query = query.where(
            Response.redacted_text.ilike(f"%{escape_like(search.strip())}%", escape=ESCAPE)
        )
    return list(db.session.scalars(query))


def _check_brackets_add_nothing_personal(text: str) -> None:
    """Editors' words must not put back what redaction took out."""
    redact = _redactor()
    for piece in quotetext.split_pieces(text):
        if not piece.bracketed:
            continue
        cleaned = redact(piece.text) if redact else piece.text
        if cleaned != piece.text or _PERSONAL.search(piece.text):
            raise AssemblyError(
                "text",
                "Words in [square brackets] must not contain names, "
                "numbers, email or web addresses",
            )


def _redactor():
    try:
        from listening.intake.redaction import redact
    except ImportError:
        return None
    return redact


def propose_quote(
    response: Response,
    text: str,
    actor: User | None,
    theme_slug: str | None = None,
    pledge: Pledge | None = None,
) -> Quote:
    """A reviewer's choice of quote, not yet public."""
    if not eligible(response):
        raise AssemblyError(
            "response",
            "This answer cannot be quoted: the people in the "
            "conversation did not agree, or it is still a draft",
        )
    campaign_id = response.conversation.campaign_id
    if theme_slug is None and pledge is None:
        raise AssemblyError("theme", "Choose the theme or the pledge the quote illustrates")
    if theme_slug is not None and theme_slug not in theme_names(campaign_id):
        raise AssemblyError("theme", "Choose a theme of this campaign")
    if pledge is not None and pledge.campaign_id != campaign_id:
        raise AssemblyError("pledge", "Choose a pledge of this campaign")
    try:
        published = quotetext.check(text, response.redacted_text)
    except quotetext.QuoteTextError as error:
        raise AssemblyError("text", str(error)) from error
    _check_brackets_add_nothing_personal(published)
    quote = Quote(
        campaign_id=campaign_id,
        response=response,
        theme_slug=theme_slug,
        pledge=pledge,
        text=published,
        status="proposed",
        proposed_by_id=_id(actor),
    )
    db.session.add(quote)
    db.session.flush()
    audit.record(quote, "assembly.propose", actor, None, snapshot(quote))
    signals.public_changed("assembly")
    return quote


CHECKLIST = QUOTE_CHECKLIST  # what a reviewer confirms, every time, before publishing
WITHDRAWN_REASONS = {
    "flagged": "its answer was flagged as a possible safeguarding disclosure",
    "edited": "its answer was changed",
}


def approve_quote(quote: Quote, actor: User | None, confirmed: Collection[str] = ()) -> Quote:
    """Publish a proposed (or withdrawn) quote after checking it again.

    The reviewer must have confirmed every item of CHECKLIST (`confirmed`: the names ticked),
    whatever the redactor finds; what it finds is shown to them as a warning
    (`personal_details`), not as the gate."""
    if not eligible(quote.response):
        raise AssemblyError("response", "This answer can no longer be quoted")
    if not quotetext.matches(quote.text, quote.response.redacted_text):
        raise AssemblyError(
            "text", "The answer has changed since this quote was chosen. Choose it again"
        )
    for field, words in CHECKLIST.items():
        if field not in confirmed:
            raise AssemblyError(field, f"Confirm the quote has: {words[0].lower()}{words[1:]}")
    before = snapshot(quote)
    quote.status, quote.approved_by_id, quote.approved_at = "approved", _id(actor), utcnow()
    quote.withdrawn_at = quote.withdrawn_reason = None
    db.session.flush()
    audit.record(quote, "assembly.approve", actor, before, snapshot(quote))
    signals.public_changed("assembly")
    return quote


def personal_details(text: str, language: str | None = None):
    """What the current redactor would still take out of `text` (spans, in order), for an
    answer in `language` (None: not known, the English redactor)."""
    from listening.intake.redaction import find_pii  # loads the model on first use

    return find_pii(text, language=language)


def withdraw_quote(quote: Quote, actor: User | None, reason: str | None = None) -> Quote:
    """Take a quote down (audited); `reason` (a WITHDRAWN_REASONS key) when the system did."""
    before = snapshot(quote)
    quote.status, quote.withdrawn_at, quote.withdrawn_reason = "withdrawn", utcnow(), reason
    db.session.flush()
    audit.record(quote, "assembly.withdraw", actor, before, snapshot(quote))
    signals.public_changed("assembly")
    return quote


def withdraw_for_answers(response_ids: Collection[int], reason: str) -> list[Quote]:
    """Answers were flagged or their words changed: their approved quotes come down at once
    (pages, API, CSVs, reports read only approved ones), each audited, and the reviewer who
    approved it is told once the change commits (an email with a link, no answer text)."""
    approved = select(Quote).where(
        Quote.response_id.in_(list(response_ids)), Quote.status == "approved"
    )
    withdrawn = [withdraw_quote(q, None, reason) for q in db.session.scalars(approved)]
    for quote in withdrawn:
        reviewer = db.session.get(User, quote.approved_by_id) if quote.approved_by_id else None
        if reviewer is not None and reviewer.active:
            _after_commit_mail(reviewer.email, quote)
    return withdrawn


def on_responses_flagged(_sender, ids: list[int], **_extra) -> None:
    """Receiver of `signals.responses_flagged` (inside intake's unit of work)."""
    withdraw_for_answers(ids, "flagged")


def on_responses_reworded(_sender, ids: list[int], **_extra) -> None:
    """Receiver of `signals.responses_reworded` (inside intake's unit of work)."""
    withdraw_for_answers(ids, "edited")


_PENDING = "assembly_withdrawn_quote_mail"


def _after_commit_mail(to: str, quote: Quote) -> None:
    campaign = db.session.get(Campaign, quote.campaign_id)
    link = urls.absolute(f"/staff/quotes?campaign={campaign.slug}")
    body = (
        f"A quote you approved for {campaign.name} has been withdrawn from public pages, "
        f"because {WITHDRAWN_REASONS[quote.withdrawn_reason]}. It is not public any more.\n\n"
        f"Sign in to see it (quote {quote.id}): {link}\n"
    )
    db.session.info.setdefault(_PENDING, []).append((to, body))


def _send_pending(session) -> None:
    """After a commit: send the withdrawal emails that commit made true."""
    for to, body in session.info.pop(_PENDING, []):
        try:
            mail.send(to, "A quote you approved was withdrawn", body)
        except OSError:
            log.exception("could not email reviewer about a withdrawn quote")


def _drop_pending(session, *_args) -> None:
    session.info.pop(_PENDING, None)


def init_app(app) -> None:
    """Connect the withdrawal receivers and the after-commit mail (once per process)."""
    signals.responses_flagged.connect(on_responses_flagged)
    signals.responses_reworded.connect(on_responses_reworded)
    if not event.contains(Session, "after_commit", _send_pending):
        event.listen(Session, "after_commit", _send_pending)
        event.listen(Session, "after_rollback", _drop_pending)


def public_quotes(
    campaign_id: int, theme_slug: str | None = None, pledge_id: int | None = None, limit: int = 12
) -> list[Quote]:
    """Approved quotes whose answer is still consented, submitted, cleared and unchanged."""
    query = (
        select(Quote)
        .join(Response, Quote.response_id == Response.id)
        .join(Conversation, Response.conversation_id == Conversation.id)
        .outerjoin(Pledge, Quote.pledge_id == Pledge.id)
        .where(
            Quote.campaign_id == campaign_id,
            Pledge.archived_at.is_(None),  # no pledge, or one that is not archived
            Quote.status == "approved",
            Conversation.consent_to_quote.is_(True),
            Conversation.status == ConversationStatus.SUBMITTED,
            screening.cleared(),
        )
        .order_by(Quote.approved_at.desc(), Quote.id.desc())
    )
    if theme_slug is not None:
        query = query.where(Quote.theme_slug == theme_slug)
    if pledge_id is not None:
        query = query.where(Quote.pledge_id == pledge_id)
    rows = [
        q for q in db.session.scalars(query) if quotetext.matches(q.text, q.response.redacted_text)
    ]
    return rows[:limit]


def list_quotes(campaign_id: int, status: str | None = None) -> list[Quote]:
    query = select(Quote).where(Quote.campaign_id == campaign_id).order_by(Quote.id.desc())
    if status:
        query = query.where(Quote.status == status)
    return list(db.session.scalars(query))


def _id(user: User | None) -> int | None:
    return user.id if user is not None else None
