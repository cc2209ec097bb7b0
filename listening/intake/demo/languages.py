"""Answers given in other languages than English, as partners in Lambeth and Southwark
transcribe them: Portuguese, Spanish, Polish, Somali, Bengali, Yoruba, Arabic and Turkish.

`other_languages.csv`: six per language across the five SEL themes (the theme each was written
for), written for the demo, with no personal details. Each set of answers replaces those of a
one-to-one conversation in Lambeth or Southwark, so the demo's people and answer counts stay as
they were; the language of each is detected when it is saved, as for any answer.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import NamedTuple

BOROUGHS = ("lambeth", "southwark")
_TABLE = Path(__file__).with_name("other_languages.csv")


class OtherLanguageAnswer(NamedTuple):
    language: str  # ISO 639-1
    theme: str  # the SEL theme it was written for
    text: str


@functools.cache
def answers() -> tuple[OtherLanguageAnswer, ...]:
    """Every answer of the table, in its order (grouped by language)."""
    with _TABLE.open(encoding="utf-8", newline="") as fh:
        return tuple(OtherLanguageAnswer(**row) for row in csv.DictReader(fh))
