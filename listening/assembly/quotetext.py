"""Check that a published quote is the redacted answer, edited only inside [square brackets].

The published text is split into literal pieces and bracketed pieces:
``L0 [B1] L1 [B2] … Ln``. It is valid when the redacted text can be written as
``L0 X1 L1 X2 … Ln`` for some spans ``Xi`` (each bracket stands in for a span of the original,
possibly empty: an insertion, a replacement or an elision like "[…]"). Literal pieces are
matched exactly, in order, anchored at both ends, after collapsing runs of whitespace. Matching
each middle piece at its leftmost possible position is optimal, so the check is linear-ish and
cannot backtrack catastrophically the way a regular expression with many ``.*?`` could.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
MAX_BRACKET_SHARE = 0.5  # at most half of a quote may be the editor's words


@dataclass(frozen=True)
class Piece:
    text: str
    bracketed: bool


class QuoteTextError(ValueError):
    """The published text is not a faithful, bracket-only edit of the redacted text."""


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def split_pieces(published: str) -> list[Piece]:
    """Literal and bracketed pieces; raises on nested or unbalanced brackets."""
    pieces: list[Piece] = []
    buffer: list[str] = []
    depth = 0
    for char in published:
        if char == "[":
            if depth:
                raise QuoteTextError("Square brackets cannot be nested")
            pieces.append(Piece("".join(buffer), False))
            buffer, depth = [], 1
        elif char == "]":
            if not depth:
                raise QuoteTextError("There is a ] without a matching [")
            pieces.append(Piece("".join(buffer), True))
            buffer, depth = [], 0
        else:
            buffer.append(char)
    if depth:
        raise QuoteTextError("There is a [ without a matching ]")
    pieces.append(Piece("".join(buffer), False))
    return pieces


def _literals(pieces: list[Piece]) -> list[str]:
    """Literal pieces between brackets (always one more than the number of brackets)."""
    literals, current = [], ""
    for piece in pieces:
        if piece.bracketed:
            literals.append(current)
            current = ""
        else:
            current += piece.text
    literals.append(current)
    return literals


def matches(published: str, redacted: str) -> bool:
    """True when `published` is `redacted` with edits only inside brackets."""
    try:
        pieces = split_pieces(normalise(published))
    except QuoteTextError:
        return False
    literals = _literals(pieces)
    source = normalise(redacted)
    if len(literals) == 1:
        return literals[0] == source
    # Spaces touching a bracket are not significant: "a [b] c" may stand for "a c".
    first, last = literals[0].rstrip(), literals[-1].lstrip()
    middle = [literal.strip() for literal in literals[1:-1]]
    if not source.startswith(first) or not source.endswith(last):
        return False
    if len(first) + len(last) > len(source):
        return False
    position, end = len(first), len(source) - len(last)
    for literal in middle:
        found = source.find(literal, position, end)
        if found < 0:
            return False
        position = found + len(literal)
    return True


def check(published: str, redacted: str) -> str:
    """The normalised published text, or QuoteTextError with a message a reviewer can act on."""
    text = normalise(published)
    if not text:
        raise QuoteTextError("Enter the text to publish")
    pieces = split_pieces(text)  # raises for unbalanced brackets
    if not matches(text, redacted):
        raise QuoteTextError(
            "The quote must be the person's words as redacted. Put any edits inside "
            "[square brackets]"
        )
    bracketed = sum(len(piece.text) + 2 for piece in pieces if piece.bracketed)
    if not any(piece.text.strip() for piece in pieces if not piece.bracketed):
        raise QuoteTextError("The quote must include some of the person's own words")
    if bracketed > MAX_BRACKET_SHARE * len(text):
        raise QuoteTextError("Most of the quote must be the person's own words, not edits")
    return text
