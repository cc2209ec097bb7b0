"""CSV downloads that spreadsheets cannot turn into formulas (shared by every feature).

A text cell starting with = + - @ tab or carriage return gets a leading apostrophe, so Excel,
LibreOffice and Google Sheets show it as text instead of running it (CSV/formula injection).
Numbers stay numbers, even negative ones.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from flask import Response

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The text to write for one cell, neutralised if a spreadsheet would treat it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_STARTS) else text


def to_csv(header: Sequence, rows: Iterable[Sequence]) -> str:
    """The CSV text (CRLF line ends, as RFC 4180 and Excel expect) with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> Response:
    """A download; the UTF-8 byte-order mark makes Excel read non-ASCII text correctly."""
    response = Response("\ufeff" + to_csv(header, rows), mimetype="text/csv")
    safe_name = "".join(c for c in filename if c.isalnum() or c in "._-") or "export.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response
