"""Choosing, approving and withdrawing public quotes.

Only answers whose conversation was submitted with consent to quote are eligible; only their
`redacted_text` is ever copied, edits are allowed inside [square brackets] only, and nothing
is public until a reviewer approves it. Public reads re-check all of this at display time.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from listening import audit, signals
from listening.accounts.models import User
from listening.assembly import quotetext
from listening.assembly.models import Pledge, Quote
from listening.assembly.operations import AssemblyError, snapshot
from listening.extensions import db
from listening.intake.models import Conversation, ConversationStatus, Response
from listening.likes import ESCAPE, escape_like
from listening.themes.queries import public_theme_names as theme_names
from listening.timeutil import utcnow

_PERSONAL = re.compile(r"@|\d{3,}|https?://|www\.", re.IGNORECASE)


def eligible(response: Response) -> bool:
    conversation = response.conversation
    return (
        bool(conversation.consent_to_quote)
        and conversation.status == ConversationStatus.SUBMITTED
        and not response.safeguarding_flag  # a possible disclosure is never quoted
    )


def eligible_responses(campaign_id: int, search: str = "", limit: int = 50) -> list[Response]:
    """Consented, submitted answers of the campaign, optionally containing `search`."""
    query = (
        select(Response)
        .join(Conversation)
        .where(
            Conversation.campaign_id == campaign_id,
            Conversation.consent_to_quote.is_(True),
            Conversation.status == ConversationStatus.SUBMITTED,
            Response.safeguarding_flag.is_(False),
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


def approve_quote(quote: Quote, actor: User | None, checked: bool = False) -> Quote:
    """Publish a proposed (or withdrawn) quote after checking it again.

    The redactor runs once more on the text as the last guard: if it finds anything, the
    quote is only published when the reviewer says they have checked it (`checked`).
    """
    if not eligible(quote.response):
        raise AssemblyError("response", "This answer can no longer be quoted")
    if not quotetext.matches(quote.text, quote.response.redacted_text):
        raise AssemblyError(
            "text", "The answer has changed since this quote was chosen. Choose it again"
        )
    if not checked and (found := personal_details(quote.text, quote.response.language)):
        listed = "; ".join(f"“{span.text}” ({span.kind})" for span in found)
        raise AssemblyError(
            "checked",
            f"This quote may contain personal details: {listed}. Withdraw it and choose the "
            "answer again, or tick “I have checked this contains no personal details”",
        )
    before = snapshot(quote)
    quote.status, quote.approved_by_id, quote.approved_at = "approved", _id(actor), utcnow()
    quote.withdrawn_at = None
    db.session.flush()
    audit.record(quote, "assembly.approve", actor, before, snapshot(quote))
    signals.public_changed("assembly")
    return quote


def personal_details(text: str, language: str | None = None):
    """What the current redactor would still take out of `text` (spans, in order), for an
    answer in `language` (None: not known, the English redactor)."""
    from listening.intake.redaction import find_pii  # loads the model on first use

    return find_pii(text, language=language)


def withdraw_quote(quote: Quote, actor: User | None) -> Quote:
    before = snapshot(quote)
    quote.status, quote.withdrawn_at = "withdrawn", utcnow()
    db.session.flush()
    audit.record(quote, "assembly.withdraw", actor, before, snapshot(quote))
    signals.public_changed("assembly")
    return quote


def public_quotes(
    campaign_id: int, theme_slug: str | None = None, pledge_id: int | None = None, limit: int = 12
) -> list[Quote]:
    """Approved quotes whose answer is still consented, submitted and unchanged."""
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
