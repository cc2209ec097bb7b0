"""Reading an import file: CSV (UTF-8, UTF-16 with a BOM, Windows-1252 or Latin-1; comma,
semicolon or tab separated) or XLSX (first sheet) → rows keyed by template column, numbered as
the spreadsheet numbers them (the header is row 1)."""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

COLUMNS = (
    "conversation_ref",
    "date",
    "borough",
    "organisation",
    "format",
    "people_count",
    "groups",
    "consent_to_quote",
    "response",
)
MAX_ROWS = 50_000


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, empty, bad header): nothing imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    number: int
    values: dict[str, str]


def read_rows(data: bytes, filename: str) -> list[SheetRow]:
    """The data rows of a CSV or XLSX file, keyed by column; raises ImportFileError."""
    if not data:
        raise ImportFileError("The file is empty. Choose the CSV or Excel file with the rows.")
    suffix = Path(filename or "").suffix.lower()
    if data.startswith(b"PK\x03\x04") or suffix == ".xlsx":
        table = _xlsx_table(data)
    elif suffix in (".csv", ".txt", ""):
        table = _csv_table(_decode(data).replace("\x00", ""))  # NUL: never typed; PG refuses it
    elif suffix == ".xls":
        raise ImportFileError("Old .xls workbooks cannot be read: save it as .xlsx or CSV.")
    else:
        raise ImportFileError("The file must be a CSV or an Excel workbook (.xlsx).")
    return _to_rows(table)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252, else Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFileError("The file could not be read as UTF-16 text.") from error
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_table(text: str) -> list[tuple[int, list[str]]]:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: _known_columns(first_line, d))
    table = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            table.append((number, cells))
            if number > MAX_ROWS + 1:
                raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows: split it.")
    except csv.Error as error:
        raise ImportFileError(f"Row {len(table) + 1} could not be read as CSV: {error}.") from error
    return table


def _known_columns(line: str, delimiter: str) -> int:
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return sum(_column_name(c) in COLUMNS for c in cells)


def _xlsx_table(data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl

    table = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
            raise ImportFileError(
                "The file could not be read as an Excel workbook (.xlsx)."
            ) from error
        try:
            sheet = book.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                table.append((number, [_cell_text(v) for v in values]))
                if number > MAX_ROWS + 1:
                    raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows: split it.")
        except ImportFileError:
            raise
        except Exception as error:  # a damaged workbook can fail in many ways inside openpyxl
            raise ImportFileError("The workbook is damaged and could not be read.") from error
        finally:
            book.close()
    return table


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "")


def _column_name(raw: str) -> str:
    """`Conversation ref`, `DATE (YYYY-MM-DD)` and `people-count` all name template columns."""
    text = re.sub(r"\(.*?\)", "", str(raw).replace("\ufeff", "")).strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _to_rows(table: list[tuple[int, list[str]]]) -> list[SheetRow]:
    table = [(n, cells) for n, cells in table if any(str(c).strip() for c in cells)]
    if not table:
        raise ImportFileError("The file is empty. Choose the CSV or Excel file with the rows.")
    (_header_number, header), body = table[0], table[1:]
    names = _check_header(header)
    if not body:
        raise ImportFileError("The file has a header row but no rows of responses under it.")
    return [SheetRow(number, _row_values(names, cells)) for number, cells in body]


def _check_header(header: list[str]) -> list[str]:
    names = [_column_name(c) for c in header]
    unknown = [str(c).strip() for c, n in zip(header, names, strict=True) if n and n not in COLUMNS]
    missing = [c for c in COLUMNS if c not in names]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if not any(n in COLUMNS for n in names):
        raise ImportFileError(
            "The first row must name the template's columns: "
            + ", ".join(COLUMNS)
            + ". Download the blank template to start from."
        )
    problems = []
    if unknown:
        problems.append("has columns the template does not have: " + ", ".join(unknown))
    if missing:
        problems.append("is missing the columns " + ", ".join(missing))
    if repeated:
        problems.append("repeats the columns " + ", ".join(repeated))
    if problems:
        raise ImportFileError(
            "The header row " + "; and ".join(problems) + ". Download the blank template to "
            "see the columns."
        )
    return names


def _row_values(names: list[str], cells: list[str]) -> dict[str, str]:
    values = {name: "" for name in COLUMNS}
    for index, cell in enumerate(cells):
        name = names[index] if index < len(names) else ""
        text = str(cell).strip()
        if name:
            values[name] = text
        elif text:
            values.setdefault("_stray", text)
    return values
