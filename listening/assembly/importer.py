"""Bulk progress updates from a CSV or XLSX file, with a row-by-row report.

Columns: ``pledge_id, date (YYYY-MM-DD), status, text`` and any number of ``metric_<id>``
columns holding a reading for that metric on that date. A row may carry an update (status and
text), readings, or both. Valid rows are applied, bad rows are reported as (row, column,
reason) and skipped. Importing the same file again adds nothing: an identical update (same
pledge, date, status and text) is a duplicate, and a reading replaces the one on that date.

The file is read by intake's spreadsheet reader, the one every import uses (encodings, CSV
and XLSX, size ceilings, row numbers as the spreadsheet shows them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from listening.accounts.models import User
from listening.assembly import operations
from listening.assembly.models import STATUSES, Metric, Pledge, ProgressUpdate
from listening.extensions import db
from listening.ids import parse_id
from listening.intake.importers.reading import ImportFileError, Layout, echo, read_rows

METRIC_COLUMN = re.compile(r"^metric[_ :]?(\d{1,9})$")
_NUMBER = re.compile(r"-?([0-9]{1,15}(\.[0-9]{0,15})?|\.[0-9]{1,15})")
TEMPLATE_HEADER = "pledge_id,date,status,text,metric_1\n"
MAX_ROWS = 5000
LAYOUT = Layout(
    columns=("pledge_id", "date", "status", "text"),
    required=("pledge_id", "date"),
    extra=METRIC_COLUMN,
    max_rows=MAX_ROWS,
    rows_are="updates",
)


@dataclass
class ImportReport:
    updates: int = 0
    readings: int = 0
    duplicates: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, reason

    @property
    def summary(self) -> dict:
        return {
            "updates": self.updates,
            "readings": self.readings,
            "duplicates": self.duplicates,
            "errors": len(self.problems),
        }


class RowError(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def import_updates(
    data: bytes,
    filename: str,
    actor: User | None,
    campaign_id: int | None = None,
    today: date | None = None,
) -> ImportReport:
    """Apply every valid row; the caller commits. A file that cannot be read is an
    AssemblyError on the "file" field, and nothing is imported."""
    today = today or date.today()
    try:
        rows = read_rows(data, filename, LAYOUT)
    except ImportFileError as error:
        raise operations.AssemblyError("file", error.message) from error
    report = ImportReport()
    for row in rows:
        savepoint = db.session.begin_nested()
        try:
            _apply_row(row.values, actor, campaign_id, today, report)
        except (RowError, operations.AssemblyError) as error:
            savepoint.rollback()
            column = error.column if isinstance(error, RowError) else error.field
            reason = error.reason if isinstance(error, RowError) else error.message
            report.problems.append((row.number, column, reason))
        else:
            savepoint.commit()
    return report


def _apply_row(row: dict, actor, campaign_id, today: date, report: ImportReport) -> None:
    if "_stray" in row:
        raise RowError("", "This row has a value in a column with no heading")
    pledge = _pledge(row.get("pledge_id"), campaign_id)
    day = _date(row.get("date"))
    readings = _readings(row, pledge)
    status, text = _status(row.get("status")), (row.get("text") or "").strip()
    if not readings and not (status or text):
        raise RowError("text", "The row has no update and no readings")
    for metric, value, column in readings:
        try:
            operations.record_reading(metric, day, value, actor, today=today)
        except operations.AssemblyError as error:
            raise RowError(column if error.field == "value" else "date", error.message) from None
        report.readings += 1
    if status or text:
        if not status:
            raise RowError("status", "Give the status with the update: " + ", ".join(STATUSES))
        if _is_duplicate(pledge, day, status, text):
            report.duplicates += 1
            return
        try:
            operations.post_update(
                pledge, operations.UpdateInput(day, status, text), actor, today=today
            )
        except operations.AssemblyError as error:
            column = {"posted_on": "date"}.get(error.field, error.field)
            raise RowError(column, error.message) from None
        report.updates += 1


def _pledge(value, campaign_id) -> Pledge:
    value = (value or "").strip()
    if (pledge_id := parse_id(value)) is None:
        raise RowError("pledge_id", "pledge_id must be a pledge number, like 12")
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None or (campaign_id is not None and pledge.campaign_id != campaign_id):
        raise RowError("pledge_id", f"There is no pledge {echo(value)}")
    if pledge.archived_at is not None:
        raise RowError("pledge_id", f"Pledge {echo(value)} is archived: restore it first")
    return pledge


def _date(value) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise RowError("date", "date must be a real date written like 2024-03-31") from None


def _status(value) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    for slug, label in STATUSES.items():
        if value.lower() in (slug, label.lower()):
            return slug
    raise RowError("status", f"“{echo(value)}” is not a status; use one of: " + ", ".join(STATUSES))


def _readings(row: dict, pledge: Pledge) -> list[tuple[Metric, float, str]]:
    result = []
    for column, raw in row.items():
        match = METRIC_COLUMN.match(column or "")
        if not match or not (raw or "").strip():
            continue
        metric = db.session.get(Metric, int(match.group(1)))
        if metric is None or metric.pledge_id != pledge.id:
            raise RowError(column, f"Pledge {pledge.id} has no measure {match.group(1)}")
        text = raw.strip().rstrip("%").replace(",", "").replace("£", "").strip()
        try:
            if not _NUMBER.fullmatch(text):  # float() also takes "nan", "1e999", "١٢"
                raise ValueError(text)
            value = float(text)
        except ValueError:
            raise RowError(column, f"“{echo(raw)}” is not a number") from None
        result.append((metric, value, column))
    return result


def _is_duplicate(pledge: Pledge, day: date, status: str, text: str) -> bool:
    return (
        db.session.scalar(
            select(ProgressUpdate.id)
            .where(
                ProgressUpdate.pledge_id == pledge.id,
                ProgressUpdate.posted_on == day,
                ProgressUpdate.status == status,
                ProgressUpdate.text == text,
            )
            .limit(1)
        )
        is not None
    )
