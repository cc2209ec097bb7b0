"""Bulk import of conversations from CSV or XLSX files in the import template.

One row per response; rows with the same `conversation_ref` and organisation form one
conversation. Each conversation is checked by the same `ConversationForm` as the web form and
the sync API, then saved with `operations.save_conversation(..., source="import")`.

- Row numbers are the spreadsheet's own (the header is row 1), so people can find them.
- A conversation with any error is not imported at all; the report lists it with its rows.
- Organisations must already exist (a typo would otherwise create a stray organisation and
  split the coverage figures); the error suggests the closest known name.
- Re-importing a file creates nothing: a conversation's UUID is derived from the campaign,
  the organisation and the reference (an HMAC under the installation's secret, see
  `importids`), and an identical one counts as a duplicate. A changed conversation under a
  reference already imported is reported, never overwritten. Rows imported before the secret
  (under the old, public derivation) are still found, and only when they are imports of that
  organisation's reference: a partner's conversation sent under such a UUID is not one.
- An import is a job (`start_import`, then `run_import` on the job runner, or at once in the
  CLI): the file is read and checked first, then each batch of conversations has its answers
  redacted with no transaction open and is written in one short transaction that also records
  how far the import got, so people syncing meanwhile wait milliseconds, not minutes, and a job
  run again goes on from the last batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.exc import IntegrityError

from listening import audit, jobs, signals
from listening.accounts.models import User
from listening.dbwrite import retry_when_busy
from listening.extensions import db, read_only
from listening.intake import formdata, importids, operations
from listening.intake.forms import MAX_ANSWERS
from listening.intake.importers.checking import (
    FIELD_COLUMNS,
    Checker,
    Group,
    RowError,
    form_errors,
    group_rows,
)
from listening.intake.importers.reading import COLUMNS, ImportFileError, echo, read_rows
from listening.intake.models import Campaign, Conversation, ImportJob, ImportStatus
from listening.intake.safeguarding import tasks as safeguarding_tasks

__all__ = [
    "COLUMNS",
    "ImportFileError",
    "ImportReport",
    "RowError",
    "Skipped",
    "echo",
    "import_file",
    "read_rows",
    "run_import",
    "start_import",
]
BATCH = 25  # conversations per transaction
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Skipped:
    """A conversation left out because some of its rows had errors."""

    reference: str
    organisation: str
    rows: tuple[int, ...]


@dataclass
class ImportReport:
    created: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    rows: int = 0
    conversation_ids: list[int] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> dict[str, int]:
        """The CLI's contract: created, duplicates, and how many rows had errors."""
        return {"created": self.created, "duplicates": self.duplicates, "errors": self.error_rows}


def import_file(
    path_or_stream: str | Path | BinaryIO,
    filename: str | None,
    campaign: Campaign,
    actor: User | None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import every valid conversation in the file now, a batch per transaction (commits).

    Raises ImportFileError when the file cannot be read at all (nothing is imported).
    """
    if isinstance(path_or_stream, (str, Path)):
        filename = filename or Path(path_or_stream).name
        data = Path(path_or_stream).read_bytes()
    else:
        data = path_or_stream.read()
    job = start_import(data, filename, campaign, actor)
    db.session.commit()
    return report_for(run_import(job.id, on_progress))


def start_import(
    data: bytes, filename: str | None, campaign: Campaign, actor: User | None
) -> ImportJob:
    """Keep the file for an import job once it can be read (else ImportFileError, at once,
    for the form to show); flushes, the caller commits and then runs or enqueues it."""
    read_rows(data, filename or "")
    job = ImportJob(
        campaign_id=campaign.id,
        actor_id=actor.id if actor is not None else None,
        filename=(filename or "upload")[:255],
        data=data,
    )
    db.session.add(job)
    db.session.flush()
    return job


def enqueue_import(import_id: int) -> None:
    """Run a committed import on the job runner (RQ, or in-process); one retry on RQ."""
    jobs.enqueue(run_import_job, import_id, retries=1)


def run_import_job(import_id: int) -> None:
    """The job behind an upload: progress is committed on the import row as it goes."""
    with jobs.job_app_context():
        run_import(int(import_id))


def run_import(
    import_id: int, on_progress: Callable[[int, int], None] | None = None, batch: int = BATCH
) -> ImportJob | None:
    """Import a started import's file, a batch of conversations per transaction; commits.

    Safe to run again: a finished import is left alone, an unfinished or failed one goes on
    after its last committed batch (and a conversation already there counts as a duplicate, as in a
    second import of the same file). `on_progress(done, total)` after each batch.
    """
    with read_only():
        job = db.session.get(ImportJob, import_id)
        if job is None or job.status == ImportStatus.SUCCEEDED:
            db.session.rollback()
            return job
        rows = read_rows(job.data or b"", job.filename)
        checker = Checker(job.campaign)
        groups, loose = group_rows(rows, checker)
        done, actor_id = job.done, job.actor_id
        db.session.commit()  # end the read: batches write in transactions of their own
    try:
        retry_when_busy(lambda: _begin(import_id, len(rows), len(groups), loose))
        for start in range(done, len(groups), max(batch, 1)):
            chunk = groups[start : start + max(batch, 1)]
            with read_only():  # the form's checks read; the batch's transaction only writes
                checked = [_check_group(group, checker) for group in chunk]
                db.session.rollback()
            texts = (t for data, _errors in checked if data for t in data.responses)
            prepared = operations.prepare_answers(texts)
            created = retry_when_busy(
                lambda chunk=chunk, checked=checked, start=start, prepared=prepared: _write_batch(
                    import_id, chunk, checked, checker, actor_id, prepared, start + len(chunk)
                )
            )
            safeguarding_tasks.after_submit(created)
            if on_progress is not None:
                on_progress(start + len(chunk), len(groups))
        return retry_when_busy(lambda: _finish(import_id))
    except Exception as exc:
        db.session.rollback()
        log.exception("import %s failed", import_id)
        message = f"{type(exc).__name__}: {exc}"[:500]
        retry_when_busy(lambda: _fail(import_id, message))
        raise


def _begin(import_id: int, rows: int, total: int, loose: list[RowError]) -> None:
    job = db.session.get(ImportJob, import_id)
    if job.done == 0:  # the first go: the rows that belong to no conversation
        job.errors = [[e.row, e.column, e.reason] for e in loose]
    job.status, job.rows, job.total = ImportStatus.RUNNING, rows, total
    db.session.commit()


def _write_batch(
    import_id: int,
    chunk: list[Group],
    checked: list[tuple],
    checker: Checker,
    actor_id: int | None,
    prepared: dict,
    done: int,
) -> list[int]:
    """One batch of conversations and the import's progress, in one transaction."""
    job = db.session.get(ImportJob, import_id)
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    report = ImportReport()
    for group, result in zip(chunk, checked, strict=True):
        _import_group(group, result, checker, actor, report, prepared)
    job.done, job.created = done, job.created + report.created
    job.duplicates += report.duplicates
    job.errors = job.errors + [[e.row, e.column, e.reason] for e in report.errors]
    job.skipped = job.skipped + [
        [s.reference, s.organisation, list(s.rows)] for s in report.skipped
    ]
    db.session.commit()
    return report.conversation_ids


def _finish(import_id: int) -> ImportJob:
    job = db.session.get(ImportJob, import_id)
    report = report_for(job)
    audit.record(
        job.campaign,
        "intake.import",
        db.session.get(User, job.actor_id) if job.actor_id is not None else None,
        after={"file": echo(job.filename), "rows": job.rows} | report.summary(),
    )
    job.status, job.data = ImportStatus.SUCCEEDED, None  # the file is not kept once imported
    signals.public_changed("intake")
    db.session.commit()
    return job


def _fail(import_id: int, message: str) -> None:
    job = db.session.get(ImportJob, import_id)
    if job is not None:
        job.status, job.message = ImportStatus.FAILED, message
        db.session.commit()


def report_for(job: ImportJob) -> ImportReport:
    """What an import did so far, as the report the page and the CLI show."""
    errors = [RowError(row, column, reason) for row, column, reason in job.errors or []]
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 0))
    skipped = [Skipped(ref, org, tuple(rows)) for ref, org, rows in job.skipped or []]
    return ImportReport(job.created, job.duplicates, errors, skipped, job.rows)


def _check_group(group: Group, checker: Checker) -> tuple[object | None, list[RowError]]:
    """The conversation's input when its rows pass the form's checks, and its errors (reads
    only: done before the batch's write transaction)."""
    ref = checker.import_uuid(group)
    errors = list(group.errors)
    if len(group.responses) > MAX_ANSWERS:
        errors.append(
            RowError(
                group.responses[MAX_ANSWERS][1],
                "response",
                (
                    f"A conversation can have at most {MAX_ANSWERS} responses: give the rest "
                    "another conversation_ref"
                ),
            )
        )
    form = checker.form_for(group, ref)
    errors += form_errors(form, group, checker)
    return (None if errors else formdata.to_input(form, submit=True)), errors


def _import_group(
    group: Group, checked, checker: Checker, actor: User | None, report, prepared: dict
) -> None:
    data, errors = checked
    if not errors:
        errors = _save(group, data, checker, actor, report, prepared)
    if errors:
        report.errors += errors
        rows = tuple(r.number for r in group.rows)
        report.skipped.append(Skipped(echo(group.reference), echo(group.organisation), rows))


def _save(
    group: Group, data, checker: Checker, actor: User | None, report: ImportReport, prepared: dict
) -> list[RowError]:
    data = replace(data, reference=group.reference)
    first = group.rows[0].number
    existing = operations.get_conversation(data.uuid)
    if existing is None:
        legacy = importids.legacy_import_uuid(
            checker.campaign.slug, group.organisation, group.reference
        )
        if operations.was_erased(legacy):
            return [RowError(first, "conversation_ref", operations.ERASED)]
        existing = _imported_before(operations.get_conversation(legacy), data, checker)
        if existing is not None:
            data = replace(data, uuid=existing.uuid)  # its fingerprint was made with that UUID
    if existing is not None:
        if existing.payload_hash == data.fingerprint():
            report.duplicates += 1
            return []
        reason = (
            f"Conversation “{echo(group.reference)}” of {echo(group.organisation)} was imported "
            "before with different details, and was left as it was: give a new conversation its "
            "own reference, or ask an administrator to correct the old one"
        )
        return [RowError(first, "conversation_ref", reason)]
    try:
        with db.session.begin_nested():
            conversation, created = operations.save_conversation(
                data, actor, source="import", prepared=prepared
            )
    except operations.IntakeError as error:
        column = FIELD_COLUMNS.get(error.field, error.field)
        return [RowError(first, column if column in COLUMNS else "conversation_ref", error.message)]
    except IntegrityError:  # the same file imported twice at once: the other import won
        winner = operations.get_conversation(data.uuid)
        if winner is None or winner.payload_hash != data.fingerprint():
            raise
        report.duplicates += 1
        return []
    if created:
        report.created += 1
        report.conversation_ids.append(conversation.id)
    else:
        report.duplicates += 1
    return []


def _imported_before(row: Conversation | None, data, checker: Checker) -> Conversation | None:
    """`row` (found under the old UUID) when it is this organisation's import of this reference,
    not a conversation someone sent through the API or the form under that UUID."""
    if (
        row is not None
        and row.source == "import"
        and row.campaign_id == checker.campaign.id
        and row.reference == data.reference
        and row.organisation.name == data.organisation
    ):
        return row
    return None
