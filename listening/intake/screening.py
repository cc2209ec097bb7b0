"""The publication gate: what screened each answer, and which answers are cleared.

Every answer records the redactor that made its `redacted_text` (`redactor_version`), the full
safeguarding detector that last screened it, flagged or not (`safeguarding_version`), and when
(`screened_at`). An answer is *cleared* only when both are the current versions and it is not
flagged; only cleared answers are themed, searched, quoted, moved, shown as examples or
published (`cleared()` in queries, `is_cleared()` for one answer). The current detector version
is read from the detector (`safeguarding.tasks.full_version`), never written down here, so a
new detector makes every answer wait for `screen` again (`flask intake rescreen`, the sweep at
start-up and before each theme run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from listening import audit, signals
from listening.accounts.models import User
from listening.extensions import db
from listening.intake.models import (
    CaseStatus,
    Conversation,
    ConversationStatus,
    Response,
)
from listening.intake.safeguarding import operations as safeguarding
from listening.intake.safeguarding import tasks as safeguarding_tasks
from listening.timeutil import utcnow

BATCH = 200  # answers screened and committed together


def current_versions() -> tuple[str, str]:
    """(redactor version, full safeguarding detector version) an answer must carry."""
    from listening.intake.redaction import REDACTOR_VERSION

    return REDACTOR_VERSION, safeguarding_tasks.full_version()


def cleared():
    """A clause over `Response`: screened by the current redactor and detector, not flagged."""
    redactor, detector = current_versions()
    return and_(
        Response.redactor_version == redactor,
        Response.safeguarding_version == detector,
        Response.safeguarding_flag.is_(False),
    )


def is_cleared(response: Response) -> bool:
    """The same test as `cleared()`, for one answer already loaded."""
    redactor, detector = current_versions()
    return (
        response.redactor_version == redactor
        and response.safeguarding_version == detector
        and not response.safeguarding_flag
    )


def outdated(campaign_id: int | None = None, screened_before: datetime | None = None):
    """The query of ids of submitted conversations' answers not screened by the current
    versions, in id order. `screened_before`: instead, every answer not screened since then
    (a pass over all answers, `intake rescreen --all`)."""
    redactor, detector = current_versions()
    query = (
        select(Response.id)
        .join(Conversation, Conversation.id == Response.conversation_id)
        .where(Conversation.status == ConversationStatus.SUBMITTED)
    )
    if screened_before is not None:
        query = query.where(
            or_(Response.screened_at.is_(None), Response.screened_at < screened_before)
        )
    else:
        query = query.where(
            or_(
                Response.redactor_version.is_(None),
                Response.redactor_version != redactor,
                Response.safeguarding_version.is_(None),
                Response.safeguarding_version != detector,
            )
        )
    if campaign_id is not None:
        query = query.where(Conversation.campaign_id == campaign_id)
    return query.order_by(Response.id)


@dataclass
class ScreenReport:
    """What screening did (batches add up); `as_dict` is what `intake rescreen` prints."""

    screened: int = 0  # answers stamped with the current versions
    flagged: int = 0  # of those, newly flagged
    redacted: int = 0  # of those, whose redacted text a newer redactor changed
    cleared: int = 0  # of those, cleared now

    def add(self, other: ScreenReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class _Computed:
    source: str  # the words screened; the answer is skipped if they changed meanwhile
    redacted: str | None  # the new redacted text, when the redactor version was old
    finding: object


def screen(response_ids: Sequence[int], actor: User | None) -> ScreenReport:
    """Screen these answers with the current redactor (when theirs is older) and the full
    detector; flag and open cases as intake does, stamp versions and `screened_at`; email the
    leads of new cases. Commits: the redaction and the model run first with no transaction
    open, then the results are written in one short transaction (one audit event). An answer
    whose words changed meanwhile is left for the next screening."""
    ids = sorted({int(i) for i in response_ids})
    if not ids:
        return ScreenReport()
    computed = _compute(ids)  # no transaction (SQLite: no write lock) held while it computes
    report, conversations = _write(computed, actor)
    db.session.commit()
    for conversation in conversations:
        case = safeguarding.case_for(conversation)
        if case is not None and case.status == CaseStatus.NEW:
            safeguarding_tasks.notify_leads(case)
    return report


def _compute(ids: list[int]) -> dict[int, _Computed]:
    """Read the answers, end the transaction, then redact (when the redactor is older) and
    run the detector with none open."""
    from listening.intake.redaction import REDACTOR_VERSION, redact
    from listening.language import detect_language

    unreleased = safeguarding.unreleased_text  # released sentences never flag again
    rows = [
        (r.id, r.source_text, r.text is None, r.language, r.redactor_version, unreleased(r))
        for r in db.session.scalars(select(Response).where(Response.id.in_(ids)))
    ]
    db.session.commit()
    redacted: dict[int, str | None] = {}
    texts = []
    for rid, source, purged, language, version, checked in rows:
        new = None
        if version != REDACTOR_VERSION:
            new = redact(source, language=language or detect_language(source))
        redacted[rid] = new
        # a purged original: the detector reads the new redacted text
        texts.append(new if purged and new is not None else checked)
    findings = safeguarding_tasks.full_detector().check(texts)
    return {
        row[0]: _Computed(row[1], redacted[row[0]], finding)
        for row, finding in zip(rows, findings, strict=True)
    }


def _write(computed: dict[int, _Computed], actor: User | None):
    from listening.intake.redaction import REDACTOR_VERSION

    found = safeguarding_tasks.full_detector()
    report = ScreenReport()
    rows = db.session.scalars(
        select(Response)
        .where(Response.id.in_(list(computed)))
        .execution_options(populate_existing=True)
    ).all()
    rows = [r for r in rows if r.source_text == computed[r.id].source]
    reworded = []
    for row in rows:
        new = computed[row.id].redacted
        if new is not None:
            if new != row.redacted_text:
                row.redacted_text = new
                reworded.append(row.id)
            row.redactor_version = REDACTOR_VERSION
    if reworded:  # approved quotes of these answers come down (assembly listens)
        signals.responses_reworded.send("intake", ids=reworded)
        signals.public_changed("intake")
    newly = safeguarding.flag_answers(
        rows, [computed[r.id].finding for r in rows], found.version, stamp=True
    )
    conversations = {r.conversation_id: r.conversation for r in rows}
    for conversation in conversations.values():
        if conversation.status == ConversationStatus.SUBMITTED and safeguarding.is_flagged(
            conversation
        ):
            opens = any(r.id in newly for r in conversation.responses)
            safeguarding.open_case(conversation, actor, reopen=opens)
    report.screened, report.flagged, report.redacted = len(rows), len(newly), len(reworded)
    report.cleared = sum(is_cleared(r) for r in rows)
    if rows:
        audit.record(
            Response,
            "intake.screen",
            actor,
            after={"versions": list(current_versions()), **report.as_dict()},
        )
    db.session.flush()
    return report, list(conversations.values())


def screen_outdated(
    campaign_id: int | None = None,
    actor: User | None = None,
    screened_before: datetime | None = None,
    batch: int = BATCH,
    on_batch=None,
) -> ScreenReport:
    """Screen, `batch` answers at a time (each committed, one audit event each), every
    submitted answer not screened by the current versions (or not since `screened_before`).
    Resumable: answers done carry the current versions and a new `screened_at`, so a pass
    killed half-way starts again where it stopped. `on_batch(visited, total_report)`."""
    total = ScreenReport()
    after = 0
    while True:
        query = outdated(campaign_id, screened_before).where(Response.id > after).limit(batch)
        ids = list(db.session.scalars(query))
        if not ids:
            return total
        total.add(screen(ids, actor))
        after = ids[-1]
        if on_batch is not None:
            on_batch(len(ids), total)


def count_outdated(campaign_id: int | None = None, screened_before: datetime | None = None) -> int:
    """How many answers `screen_outdated` would visit."""
    query = outdated(campaign_id, screened_before).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query)) or 0


_PASS = "intake.rescreen_all"


def start_full_pass(campaign_id: int | None, actor: User | None) -> datetime:
    """The start time of a pass over all answers (`rescreen --all`): an unfinished earlier
    pass of the same scope is resumed (its start time kept), else one begins now (audited)."""
    last = db.session.scalar(
        select(audit.AuditEvent)
        .where(audit.AuditEvent.action == _PASS, audit.AuditEvent.entity == Response.__tablename__)
        .order_by(audit.AuditEvent.id.desc())
        .limit(1)
    )
    state = (last.after or {}) if last is not None else {}
    if state.get("campaign") == campaign_id and not state.get("finished") and state.get("started"):
        return datetime.fromisoformat(state["started"])
    started = utcnow()
    audit.record(Response, _PASS, actor, after={"campaign": campaign_id, "started": started})
    db.session.commit()
    return started


def finish_full_pass(campaign_id: int | None, started: datetime, actor: User | None) -> None:
    """Record that the pass begun at `started` went through every answer; commits."""
    after = {"campaign": campaign_id, "started": started, "finished": True}
    audit.record(Response, _PASS, actor, after=after)
    db.session.commit()
