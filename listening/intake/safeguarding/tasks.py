"""After a submit: the model stages (similarity, classifier), the lead's email, then themes.

The rules and the language rule run at once when a conversation is saved (the partner sees
the guidance). The model stages need the sentence encoder, which lives in the themes feature
above intake: the app factory passes it in as `app.extensions["sentence_encoder"]`.
Only after this check does intake tell themes about the conversations, so a newly flagged
answer is never themed; themes forget an answer flagged later (`signals.responses_flagged`).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from listening import audit, jobs, mail, signals, urls
from listening.dbwrite import retry_when_busy
from listening.extensions import db, read_only
from listening.intake.models import CaseStatus, Conversation, SafeguardingCase
from listening.intake.safeguarding import detector, operations

log = logging.getLogger(__name__)
_detectors: dict[int, detector.Detector] = {}
_lock = threading.Lock()


def full_detector() -> detector.Detector:
    """Every stage with the app's encoder (built and fitted once per process, the training
    vectors kept in instance/cache/ between processes), or the rules and the language rule
    alone."""
    encode = current_app.extensions.get("sentence_encoder")
    if encode is None:
        return detector.Detector()
    with _lock:
        if id(encode) not in _detectors:
            cache = Path(current_app.instance_path) / "cache"
            _detectors[id(encode)] = detector.Detector(encode, cache_dir=cache)
        return _detectors[id(encode)]


def full_version() -> str:
    """The version `full_detector()` stamps on what it screens, without loading the model
    (public pages ask it on every request through the publication gate)."""
    return detector.version(current_app.extensions.get("sentence_encoder") is not None)


def after_submit(conversation_ids: list[int]) -> None:
    """Call after committing submitted conversations (form, API, import)."""
    ids = [int(i) for i in conversation_ids]
    if ids:
        jobs.enqueue(screen_conversations_job, *ids)


def screen_conversations_job(*conversation_ids: int) -> None:
    """Similarity check of these conversations' answers, new cases emailed, then themes told."""
    with jobs.job_app_context():
        try:
            screen_conversations(conversation_ids)
        except Exception:  # the model failed to load: the rules' flags stand, themes go on
            db.session.rollback()
            log.exception("safeguarding similarity check failed for %s", conversation_ids)
        signals.conversations_submitted.send("intake", ids=list(conversation_ids))


class Checked:
    """The detector's findings, worked out before the write transaction: the same text gets
    the same finding, and a text edited meanwhile is checked when it is met."""

    def __init__(self, found: detector.Detector, texts: list[str]):
        self.found, self.version = found, found.version
        unique = list(dict.fromkeys(texts))
        self.findings = dict(zip(unique, found.check(unique), strict=True))

    def check(self, texts) -> list[detector.Finding]:
        """One finding per text, in order (as `Detector.check`)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self.findings]
        if missing:
            self.findings.update(zip(missing, self.found.check(missing), strict=True))
        return [self.findings[t] for t in texts]


def screen_conversations(conversation_ids) -> None:
    """Run the full detector on the conversations' answers; commit; email new cases' leads.

    The model runs between a read and a short write: no write lock is held while it computes.
    """
    found = full_detector()
    query = select(Conversation).where(Conversation.id.in_(list(conversation_ids)))
    with read_only():
        texts = [
            operations.unreleased_text(r)
            for conversation in db.session.scalars(query)
            for r in conversation.responses
        ]
        db.session.rollback()
    checked = Checked(found, texts)

    def write() -> list[Conversation]:
        conversations = db.session.scalars(query).all()
        for conversation in conversations:
            operations.screen_conversation(conversation, None, checked, stamp=True)
        db.session.commit()
        return conversations

    conversations = retry_when_busy(write)
    for conversation in conversations:
        case = operations.case_for(conversation)
        if case is not None and case.status == CaseStatus.NEW:
            notify_leads(case)


def after_release(conversation_id: int) -> None:
    """Call after committing a released case: themes take its now ordinary answers."""
    signals.conversations_submitted.send("intake", ids=[int(conversation_id)])


def notify_leads(case: SafeguardingCase) -> None:
    """Email the campaign's safeguarding leads once per opening of a case: a link only, no
    answer text and no kind of harm (email is not a safe place for either)."""
    events = select(audit.AuditEvent.id).where(
        audit.AuditEvent.entity == SafeguardingCase.__tablename__,
        audit.AuditEvent.entity_id == str(case.id),
    )
    notified = db.session.scalar(
        events.where(audit.AuditEvent.action == "intake.notify_leads")
        .order_by(audit.AuditEvent.id.desc())
        .limit(1)
    )
    reopened = db.session.scalar(
        events.where(audit.AuditEvent.action == "intake.reopen_case")
        .order_by(audit.AuditEvent.id.desc())
        .limit(1)
    )
    if notified is not None and (reopened is None or reopened < notified):
        return
    people = operations.campaign_leads(case.campaign)
    if not people:
        log.warning("safeguarding case %s: campaign %s has no lead", case.id, case.campaign.slug)
        return
    link = urls.absolute(f"/safeguarding/cases/{case.id}")
    body = (
        f"A conversation logged for {case.campaign.name} may contain a safeguarding "
        f"disclosure. You are a safeguarding lead for this campaign.\n\n"
        f"Sign in and open the case to read it and record what you do: {link}\n"
    )
    sent = []
    for lead in people:
        try:
            if mail.send(lead.email, "New safeguarding case", body):
                sent.append(lead.id)
        except OSError:
            log.exception("could not email safeguarding lead %s", lead.id)
    if sent:
        audit.record(case, "intake.notify_leads", None, after={"leads": sent})
        db.session.commit()
