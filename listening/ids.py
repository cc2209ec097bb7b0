"""Row ids and whole numbers typed or sent by clients.

`str.isdigit()` is true for "²" and "١", which `int()` then refuses or reads as a number nobody
typed, and an id past the database's integer range makes PostgreSQL raise: every id a client
sends goes through `parse_id`, every typed whole number through `parse_whole_number`.
"""

from __future__ import annotations

import re

MAX_ID = 2_147_483_647  # the INTEGER primary keys of SQLite and PostgreSQL alike
_ASCII_DIGITS = re.compile(r"[0-9]+")
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")


def parse_id(value: object) -> int | None:
    """A positive row id written in ASCII digits and within range, or None."""
    text = str(value).strip() if value is not None else ""
    if not _ASCII_DIGITS.fullmatch(text) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_whole_number(text: str) -> int | None:
    """An optionally negative whole number of at most 12 ASCII digits, or None."""
    text = text.strip().replace(",", "")
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None
