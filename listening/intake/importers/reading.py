"""Reading an import file: CSV (UTF-8, UTF-16 with a BOM, Windows-1252 or Latin-1; comma,
semicolon or tab separated) or XLSX (first sheet) → rows keyed by template column, numbered as
the spreadsheet numbers them (the header is row 1).

The one spreadsheet reader of every import (conversations, progress updates): a `Layout` names
the columns of each. Spreadsheet bombs are refused before they are read in full: an XLSX's zip
entries, its sheet's stated size and its shared strings are checked first, and every row, cell
and the whole table have a ceiling. Values echoed back in reports are cut short (`echo`).
"""

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
MAX_COLUMNS = 100  # cells in one row (trailing blank cells are not counted)
CSV_FIELD_LIMIT = 131_072  # the csv module's default field limit
MAX_CELL_CHARS = 30_000  # above the longest answer the form accepts, so the form explains it
MAX_CELLS = 1_000_000
MAX_UNZIPPED = 100 * 1024 * 1024  # all of an XLSX's parts, uncompressed
ECHO_CHARS = 60


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of import: all of `columns` are expected, `required` (default:
    all) must be present, and any column whose name matches `extra` is kept as well."""

    columns: tuple[str, ...]
    required: tuple[str, ...] | None = None
    extra: re.Pattern | None = None
    max_rows: int = MAX_ROWS
    rows_are: str = "responses"  # what a data row holds, for the message about a bare header

    def known(self, name: str) -> bool:
        return name in self.columns or bool(self.extra and self.extra.match(name))


CONVERSATIONS = Layout(COLUMNS)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, empty, bad header): nothing imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    number: int
    values: dict[str, str]


def echo(value: object, limit: int = ECHO_CHARS) -> str:
    """A value as a report may quote it: one line, at most `limit` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def read_rows(data: bytes, filename: str, layout: Layout = CONVERSATIONS) -> list[SheetRow]:
    """The data rows of a CSV or XLSX file, keyed by column; raises ImportFileError."""
    if not data:
        raise ImportFileError("The file is empty. Choose the CSV or Excel file with the rows.")
    suffix = Path(filename or "").suffix.lower()
    if data.startswith(b"PK\x03\x04") or suffix == ".xlsx":
        table = _xlsx_table(data, layout.max_rows)
    elif suffix in (".csv", ".txt", ""):
        text = _decode(data).replace("\x00", "")  # NUL: never typed; PG refuses it
        table = _csv_table(text, layout)
    elif suffix == ".xls":
        raise ImportFileError("Old .xls workbooks cannot be read: save it as .xlsx or CSV.")
    else:
        raise ImportFileError("The file must be a CSV or an Excel workbook (.xlsx).")
    return _to_rows(table, layout)


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


def _csv_table(text: str, layout: Layout) -> list[tuple[int, list[str]]]:
    # The csv module's field limit is process-wide and other libraries raise it (frictionless
    # does on import): put back the module's default each time, so a file is refused the same
    # way whatever else the process has loaded.
    csv.field_size_limit(CSV_FIELD_LIMIT)
    first_line = re.split(r"\r\n|\r|\n", text.lstrip("\ufeff"), maxsplit=1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: _known_columns(first_line, d, layout))
    table = []
    counter = _Counter(layout.max_rows)
    try:
        for number, cells in enumerate(
            csv.reader(io.StringIO(text, newline=None), delimiter=delimiter), 1
        ):
            table.append((number, counter.check(number, cells)))
    except csv.Error as error:
        raise _csv_error(len(table) + 1, error) from error
    return table


def _known_columns(line: str, delimiter: str, layout: Layout) -> int:
    try:
        cells = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error as error:  # e.g. a header cell over the csv module's field limit
        raise _csv_error(1, error) from error
    return sum(layout.known(_column_name(c)) for c in cells)


def _csv_error(number: int, error: csv.Error) -> ImportFileError:
    reason = str(error)
    if "field larger than field limit" in reason:
        reason = f"a cell is longer than {MAX_CELL_CHARS:,} characters"
    return ImportFileError(f"Row {number} could not be read as CSV: {echo(reason, 120)}.")


class _Counter:
    """The ceilings on rows, cells per row, characters per cell and cells in all."""

    def __init__(self, max_rows: int):
        self.max_rows, self.cells = max_rows, 0

    def check(self, number: int, cells: list) -> list:
        if number > self.max_rows + 1:
            raise ImportFileError(f"The file has more than {self.max_rows:,} rows: split it.")
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells = cells[:-1]
        if len(cells) > MAX_COLUMNS:
            raise ImportFileError(
                f"Row {number} has {len(cells):,} cells; an import has at most {MAX_COLUMNS}."
            )
        self.cells += len(cells)
        if self.cells > MAX_CELLS:
            raise ImportFileError(f"The file has more than {MAX_CELLS:,} cells: split it.")
        for cell in cells:
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                raise ImportFileError(
                    f"Row {number} has a cell longer than {MAX_CELL_CHARS:,} characters."
                )
        return cells


def _check_zip(data: bytes) -> None:
    """Refuse a workbook whose parts would unzip to more than MAX_UNZIPPED, before opening it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportFileError("The file could not be read as an Excel workbook (.xlsx).") from error
    if unzipped > MAX_UNZIPPED:
        raise ImportFileError(
            f"The workbook unpacks to more than {MAX_UNZIPPED // 1024 // 1024} MB: "
            "save it as CSV, or split it."
        )


def _check_sheet(sheet, max_rows: int) -> None:
    """Refuse a sheet that says it is too big, and over-long shared strings, before reading."""
    # openpyxl has parsed the shared strings (bounded by MAX_UNZIPPED) but no row yet; in
    # read-only mode they are held by the sheet, not the book
    strings = getattr(sheet, "_shared_strings", None) or ()
    longest = max((len(s) for s in strings if isinstance(s, str)), default=0)
    if longest > MAX_CELL_CHARS:
        raise ImportFileError(f"The workbook has a cell longer than {MAX_CELL_CHARS:,} characters.")
    rows, columns = sheet.max_row or 0, sheet.max_column or 0  # from the sheet's <dimension>
    if rows > max_rows + 1:
        raise ImportFileError(f"The file has more than {max_rows:,} rows: split it.")
    if columns > MAX_COLUMNS:
        raise ImportFileError(
            f"The sheet is {columns:,} columns wide; an import has at most {MAX_COLUMNS}."
        )
    if rows * columns > MAX_CELLS:
        raise ImportFileError(f"The file has more than {MAX_CELLS:,} cells: split it.")


def _xlsx_table(data: bytes, max_rows: int = MAX_ROWS) -> list[tuple[int, list[str]]]:
    import openpyxl

    _check_zip(data)
    table = []
    counter = _Counter(max_rows)
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
            _check_sheet(sheet, max_rows)
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = counter.check(number, list(values))
                table.append((number, [_cell_text(v) for v in cells]))
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


def _to_rows(table: list[tuple[int, list[str]]], layout: Layout) -> list[SheetRow]:
    table = [(n, cells) for n, cells in table if any(str(c).strip() for c in cells)]
    if not table:
        raise ImportFileError("The file is empty. Choose the CSV or Excel file with the rows.")
    (_header_number, header), body = table[0], table[1:]
    names = _check_header(header, layout)
    if not body:
        raise ImportFileError(
            f"The file has a header row but no rows of {layout.rows_are} under it."
        )
    return [SheetRow(number, _row_values(names, cells, layout)) for number, cells in body]


def _check_header(header: list[str], layout: Layout) -> list[str]:
    names = [_column_name(c) for c in header]
    unknown = [echo(c) for c, n in zip(header, names, strict=True) if n and not layout.known(n)]
    required = layout.columns if layout.required is None else layout.required
    missing = [c for c in required if c not in names]
    repeated = sorted({echo(n) for n in names if n and names.count(n) > 1})
    if not any(layout.known(n) for n in names):
        raise ImportFileError(
            "The first row must name the template's columns: "
            + ", ".join(layout.columns)
            + ". Download the blank template to start from."
        )
    problems = []
    if unknown:
        problems.append("has columns the template does not have: " + ", ".join(unknown[:10]))
    if missing:
        problems.append("is missing the columns " + ", ".join(missing))
    if repeated:
        problems.append("repeats the columns " + ", ".join(repeated[:10]))
    if problems:
        raise ImportFileError(
            "The header row " + "; and ".join(problems) + ". Download the blank template to "
            "see the columns."
        )
    return names


def _row_values(names: list[str], cells: list[str], layout: Layout) -> dict[str, str]:
    values = {name: "" for name in layout.columns}
    for index, cell in enumerate(cells):
        name = names[index] if index < len(names) else ""
        text = str(cell).strip()
        if name:
            values[name] = text
        elif text:
            values.setdefault("_stray", text)
    return values
