"""Bulk progress updates from CSV, with a row-by-row report.

Columns: ``pledge_id, date (YYYY-MM-DD), status, text`` and any number of ``metric_<id>``
columns holding a reading for that metric on that date. A row may carry an update (status and
text), readings, or both. Valid rows are applied, bad rows are reported as (row, column,
reason) and skipped. Importing the same file again adds nothing: an identical update (same
pledge, date, status and text) is a duplicate, and a reading replaces the one on that date.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from listening.accounts.models import User
from listening.assembly import operations
from listening.assembly.models import STATUSES, Metric, Pledge, ProgressUpdate
from listening.extensions import db
from listening.ids import parse_id

REQUIRED = ("pledge_id", "date")
METRIC_COLUMN = re.compile(r"^metric[_ :]?(\d{1,9})$")
TEMPLATE_HEADER = "pledge_id,date,status,text,metric_1\n"
MAX_ROWS = 5000


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


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise operations.AssemblyError(
            "file", "The file must be a CSV saved as UTF-8 (in Excel: CSV UTF-8)"
        ) from error
    if "\x00" in text:
        raise operations.AssemblyError("file", "This is not a CSV file: save it as CSV UTF-8")
    return text


def import_updates(
    text: str, actor: User | None, campaign_id: int | None = None, today: date | None = None
) -> ImportReport:
    """Apply every valid row; the caller commits."""
    today = today or date.today()
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise operations.AssemblyError(
            "file", f"The first row must name the columns; missing: {', '.join(missing)}"
        )
    reader.fieldnames = header
    report = ImportReport()
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            report.problems.append((number, "", f"Only {MAX_ROWS:,} rows can be imported at once"))
            break
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        savepoint = db.session.begin_nested()
        try:
            _apply_row(row, actor, campaign_id, today, report)
        except (RowError, operations.AssemblyError) as error:
            savepoint.rollback()
            column = error.column if isinstance(error, RowError) else error.field
            reason = error.reason if isinstance(error, RowError) else error.message
            report.problems.append((number, column, reason))
        else:
            savepoint.commit()
    return report


def _apply_row(row: dict, actor, campaign_id, today: date, report: ImportReport) -> None:
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
        raise RowError("pledge_id", f"There is no pledge {value}")
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
    raise RowError("status", f"“{value}” is not a status; use one of: " + ", ".join(STATUSES))


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
            value = float(text)
        except ValueError:
            raise RowError(column, f"“{raw.strip()}” is not a number") from None
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
