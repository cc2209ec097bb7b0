"""Small-number suppression for everything public: pages, JSON, CSV and feeds."""

from __future__ import annotations

from flask import current_app, has_app_context

DEFAULT_MIN_COUNT = 5


def min_count() -> int:
    if has_app_context():
        return int(current_app.config.get("PUBLIC_MIN_COUNT", DEFAULT_MIN_COUNT))
    return DEFAULT_MIN_COUNT


def is_suppressed(count: int | None, minimum: int | None = None) -> bool:
    """Counts under the minimum (including 0 and unknown) are not shown in public."""
    return count is None or count < (minimum if minimum is not None else min_count())


def public_count(count: int | None, minimum: int | None = None) -> int | str:
    """The count, or the words "fewer than N" (used by the JSON API and CSV downloads)."""
    minimum = minimum if minimum is not None else min_count()
    if is_suppressed(count, minimum):
        return f"fewer than {minimum}"
    return int(count)


def public_count_text(count: int | None, minimum: int | None = None) -> str:
    """The count with thousands separators, or "fewer than N" (the Jinja filter)."""
    value = public_count(count, minimum)
    return f"{value:,}" if isinstance(value, int) else value
