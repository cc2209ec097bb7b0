"""The confirmation step in front of every destructive action (the GOV.UK/NHS pattern).

The button on the edit page is a link (GET) to a page that says what will be lost, with a red
"Yes, …" button that POSTs back to the same address with `confirm=yes` and a "No, go back"
link. A POST without `confirm=yes` (an old one-tap form, a replayed request) changes nothing:
it gets the same confirmation page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import render_template, request

FIELD = "confirm"


@dataclass(frozen=True)
class Confirmation:
    """What a destructive action will do, in words: built by the feature's operations."""

    heading: str  # "Delete the action “…”?"
    losses: Sequence[str]  # what is lost or changed, one sentence each
    button: str  # "Yes, delete this action"
    kept: Sequence[str] = ()  # what is not lost, when that reassures
    caption: str = ""
    undoable: bool = False  # restorable: the callout says so instead of "cannot be undone"


def confirmed() -> bool:
    """True only for the POST that the confirmation page's button sends."""
    return request.method == "POST" and request.form.get(FIELD) == "yes"


def page(
    confirmation: Confirmation, back: str, fields: Mapping[str, str | Sequence[str]] | None = None
):
    """The confirmation page (also the answer to a POST that skipped it).

    `back` is where "No, go back" leads; `fields` are carried to the POST (the chosen target of
    a merge, the answers of a split)."""
    return render_template(
        "confirm.html", c=confirmation, back=back, fields=fields or {}, action=request.path
    )


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 reading', '3 readings' (give `nouns` when adding s is wrong)."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"
