"""Row ids and whole numbers typed or sent by clients: the one parser.

`str.isdigit()` is true for "²" and "١", which `int()` then refuses (a 500) or reads as a number
nobody typed, and an id past the database's integer range makes PostgreSQL raise. Every integer
a client sends goes through `parse_int` (ASCII digits only): ids through `parse_id`, typed
numbers through `parse_whole_number`, query-string numbers through `query_int` (a 400 naming
the parameter), URL parts through `AsciiIntegerConverter`, form fields through the forms'
`WholeNumberField`s.
"""

from __future__ import annotations

import re

from flask import abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2_147_483_647  # the INTEGER primary keys of SQLite and PostgreSQL alike
_INTEGER = re.compile(r"-?[0-9]{1,12}")


def parse_int(value: object, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """A whole number of at most 12 ASCII digits (optionally negative) within the bounds, or
    None. Python ints pass through (JSON numbers); booleans and anything else do not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number


def parse_id(value: object) -> int | None:
    """A positive row id written in ASCII digits and within range, or None."""
    text = str(value).strip() if value is not None else ""
    return parse_int(text, 1, MAX_ID) if not text.startswith("-") else None


def parse_whole_number(text: str) -> int | None:
    """An optionally negative whole number of at most 12 ASCII digits (commas allowed as
    thousands separators), or None."""
    return parse_int(text.strip().replace(",", ""))


def query_int(name: str, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    """The whole number in `?name=` (absent or empty: `default`); anything else is a 400 that
    names the parameter and the values it takes (JSON for the API, a page for people)."""
    raw = request.args.get(name, "")
    if not raw:
        return default
    number = parse_int(raw, minimum, maximum)
    if number is None or raw.strip() != raw:
        limit = f" from {minimum} to {maximum}" if maximum is not None else f" of {minimum} or more"
        abort(400, f"{name} must be a whole number{limit}.")
    return number


class AsciiIntegerConverter(IntegerConverter):
    """`<int:…>` in routes, matching ASCII digits only (Werkzeug's `\\d+` matches "١٢")."""

    regex = r"[0-9]+"
