"""Text normalisation before detection, with a map back to the caller's offsets.

NFKC folds look-alike characters (full-width digits, ligatures, non-breaking spaces) and
format characters (Unicode category Cf: zero-width spaces and joiners, soft hyphens, bidi
controls) are removed, so "Fati\u200bma" is analysed as "Fatima". Digits of other scripts
(Arabic-Indic "٠٧٧٠٠", Bengali "০৭৭০০") become ASCII digits, one for one, so number patterns
see them. Spans found in the
normalised text are mapped back so callers always redact the text they passed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A base character and the combining marks after it normalise together.
_CLUSTER = re.compile(
    r".[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.S
)


@dataclass(frozen=True)
class Normalised:
    """Normalised text; `starts[i]`/`ends[i]` bound the original characters of `text[i]`."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the span of the original it came from."""
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> Normalised:
    """NFKC-normalise `text` and drop format characters, remembering where each came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _CLUSTER.finditer(text):
        kept = "".join(c for c in match[0] if unicodedata.category(c) != "Cf")
        piece = unicodedata.normalize("NFKC", kept)
        piece = "".join(_ascii_digit(c) for c in piece if unicodedata.category(c) != "Cf")
        out.append(piece)
        starts += [match.start()] * len(piece)
        ends += [match.end()] * len(piece)
    return Normalised("".join(out), tuple(starts), tuple(ends))


def _ascii_digit(char: str) -> str:
    value = unicodedata.decimal(char, None)
    return str(value) if value is not None and not char.isascii() else char


def identity(text: str) -> Normalised:
    """The text as it is (for the ablation without normalisation)."""
    return Normalised(text, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
