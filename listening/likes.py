"""Case-insensitive equality in SQL that treats `%` and `_` as the characters they are.

`column.ilike(text)` reads `%` and `_` in `text` as wildcards, so a name typed as "%" would
match any organisation. Compare names with `equals_ignoring_case`; search with `escape_like`.
"""

from __future__ import annotations

ESCAPE = "\\"


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards (and the escape character) escaped."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def equals_ignoring_case(column, text: str):
    """A SQL condition: `column` equals `text`, ignoring case, wildcards taken literally."""
    return column.ilike(escape_like(text), escape=ESCAPE)
