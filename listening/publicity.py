"""Small-number suppression for everything public: pages, JSON, CSV and feeds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from flask import current_app, has_app_context
from flask_babel import format_decimal, get_locale, gettext

K = TypeVar("K")

DEFAULT_MIN_COUNT = 5


def min_count() -> int:
    if has_app_context():
        return int(current_app.config.get("PUBLIC_MIN_COUNT", DEFAULT_MIN_COUNT))
    return DEFAULT_MIN_COUNT


def is_suppressed(count: int | None, minimum: int | None = None) -> bool:
    """Counts under the minimum (including 0 and unknown) are not shown in public."""
    return count is None or count < (minimum if minimum is not None else min_count())


def public_count(count: int | None, minimum: int | None = None) -> int | str:
    """The count, or the words "fewer than N" (the HTML pages; JSON and CSV use count_fields)."""
    minimum = minimum if minimum is not None else min_count()
    if is_suppressed(count, minimum):
        return f"fewer than {minimum}"
    return int(count)


def public_count_text(count: int | None, minimum: int | None = None) -> str:
    """The count with thousands separators, or "fewer than N", in the page's language (the
    Jinja filter)."""
    minimum = minimum if minimum is not None else min_count()
    value = public_count(count, minimum)
    if isinstance(value, int):
        return _number_text(value)
    return gettext("fewer than %(minimum)s", minimum=minimum)


def _number_text(value: int) -> str:
    if str(get_locale() or "en") == "en":
        return f"{value:,}"
    return format_decimal(value)


WITHHELD = "withheld"


def withheld_parts(parts: Mapping[K, int | None], minimum: int | None = None) -> set[K]:
    """Keys of the parts of a published total that are not shown.

    Primary suppression hides every part under the minimum. When one of those is not zero, the
    smallest part at or above the minimum is withheld too (secondary suppression, as ONS does),
    so subtracting the shown parts from the total never gives a small count exactly. (When
    every part is small there is nothing left to withhold: 8 people as 4 + 4 stay deducible.)
    """
    minimum = minimum if minimum is not None else min_count()
    hidden = {key for key, count in parts.items() if is_suppressed(count, minimum)}
    if any(parts[key] for key in hidden):
        shown = [key for key in parts if key not in hidden]
        if shown:
            hidden.add(min(shown, key=lambda key: (parts[key], str(key))))
    return hidden


def public_parts(parts: Mapping[K, int | None], minimum: int | None = None) -> dict[K, int | str]:
    """Each part as public_count gives it, with secondarily suppressed parts as "withheld"."""
    minimum = minimum if minimum is not None else min_count()
    hidden = withheld_parts(parts, minimum)
    return {
        key: WITHHELD
        if key in hidden and not is_suppressed(count, minimum)
        else public_count(count, minimum)
        for key, count in parts.items()
    }


def public_parts_text(parts: Mapping[K, int | None]) -> dict[K, str]:
    """public_parts with thousands separators (the Jinja filter)."""
    minimum = min_count()
    text = {WITHHELD: gettext("withheld"), f"fewer than {minimum}": public_count_text(0, minimum)}
    return {
        key: _number_text(v) if isinstance(v, int) else text.get(v, v)
        for key, v in public_parts(parts, minimum).items()
    }


def count_fields(name: str, count: int | None, minimum: int | None = None) -> dict:
    """A count for JSON: `{name: int or None, name_suppressed: bool}` (never a string)."""
    suppressed = is_suppressed(count, minimum)
    return {name: None if suppressed else int(count), f"{name}_suppressed": suppressed}


def parts_fields(
    parts: Mapping[K, int | None], name: str = "people", minimum: int | None = None
) -> dict[K, dict]:
    """Each part as count_fields gives it; secondarily withheld parts are suppressed too."""
    hidden = withheld_parts(parts, minimum)
    return {
        key: {name: None if key in hidden else int(count), f"{name}_suppressed": key in hidden}
        for key, count in parts.items()
    }
