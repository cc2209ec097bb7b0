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
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.exc import IntegrityError

from listening import audit, signals
from listening.accounts.models import User
from listening.extensions import db
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
from listening.intake.models import Campaign, Conversation

__all__ = [
    "COLUMNS",
    "ImportFileError",
    "ImportReport",
    "RowError",
    "Skipped",
    "echo",
    "import_file",
    "read_rows",
]


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
) -> ImportReport:
    """Import every valid conversation in the file; flushes, the caller commits.

    Raises ImportFileError when the file cannot be read at all (nothing is imported).
    """
    if isinstance(path_or_stream, (str, Path)):
        filename = filename or Path(path_or_stream).name
        data = Path(path_or_stream).read_bytes()
    else:
        data = path_or_stream.read()
    rows = read_rows(data, filename or "")
    checker = Checker(campaign)
    conversations, loose = group_rows(rows, checker)
    report = ImportReport(rows=len(rows), errors=list(loose))
    for group in conversations:
        _import_group(group, checker, actor, report)
    report.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 0))
    audit.record(
        campaign,
        "intake.import",
        actor,
        after={"file": echo(filename or "upload"), "rows": report.rows} | report.summary(),
    )
    signals.public_changed("intake")
    db.session.flush()
    return report


def _import_group(group: Group, checker: Checker, actor: User | None, report) -> None:
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
    if not errors:
        errors = _save(group, formdata.to_input(form, submit=True), checker, actor, report)
    if errors:
        report.errors += errors
        rows = tuple(r.number for r in group.rows)
        report.skipped.append(Skipped(echo(group.reference), echo(group.organisation), rows))


def _save(
    group: Group, data, checker: Checker, actor: User | None, report: ImportReport
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
            conversation, created = operations.save_conversation(data, actor, source="import")
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
