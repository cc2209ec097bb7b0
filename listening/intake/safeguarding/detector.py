"""Detect likely safeguarding disclosures in an answer: a rules list plus embedding similarity.

Pure: no Flask, no database. The rules (rules.json) are JavaScript-compatible regular
expressions, matched per sentence, so the partner form runs the same list offline. The
similarity stage compares the answer with a few described situations per kind (and with a few
described benign contrasts) using any sentence encoder passed in: `encode(texts) -> (n, d)`
L2-normalised vectors. Intake sits below themes, so it never loads the model itself; the app
factory passes the themes encoder in (`app.extensions["sentence_encoder"]`).

Combined rule (chosen on the dev split, see bench/safeguarding.py): flag when the rules fire,
or when the similarity margin (best situation minus best contrast) reaches `margin` and no
suppressor (figure of speech, resolved, negated) matches the answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

RULES_FILE = Path(__file__).with_name("rules.json")
MARGIN = 0.38  # chosen on dev by a fixed rule (bench/safeguarding.py): ≤ 1 % of demo answers
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})

Encoder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Finding:
    """What the detector says about one answer."""

    flag: bool
    kind: str | None
    stage: str | None = None  # "rules" or "similarity"
    score: float = 0.0  # similarity margin (0 when not computed)


@cache
def rules_data() -> dict:
    """The rules file, parsed (also sent to the partner form for its offline check)."""
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def client_rules() -> str:
    """The rules stage as JSON for the partner form's offline check (no situations)."""
    data = rules_data()
    return json.dumps(
        {
            "version": data["version"],
            "order": data["order"],
            "kinds": {k: [r["all"] for r in data["kinds"][k]["rules"]] for k in data["order"]},
            "suppressors": list(data["suppressors"].values()),
        },
        separators=(",", ":"),
    )


def version(similarity: bool = True) -> str:
    """Detector version stored with each flag: the rules version, plus the similarity stage."""
    base = f"r{rules_data()['version']}"
    return f"{base}+s1@{MARGIN}" if similarity else base


@cache
def _compiled() -> tuple[list[tuple[str, list[list[re.Pattern]]]], list[re.Pattern]]:
    data = rules_data()
    kinds = [
        (
            kind,
            [[re.compile(p, re.I) for p in rule["all"]] for rule in data["kinds"][kind]["rules"]],
        )
        for kind in data["order"]
    ]
    suppressors = [re.compile(p, re.I) for p in data["suppressors"].values()]
    return kinds, suppressors


def sentences(text: str) -> list[str]:
    """The answer in sentences, with typographic apostrophes made plain."""
    return [s for s in _SENTENCE.split((text or "").translate(_QUOTES)) if s.strip()]


def suppressed(text: str) -> bool:
    """A figure of speech, something resolved in the past, or a denial."""
    _, suppressors = _compiled()
    plain = (text or "").translate(_QUOTES)
    return any(p.search(plain) for p in suppressors)


def check_rules(text: str) -> str | None:
    """The kind whose rules fire on some unsuppressed sentence (in priority order), or None."""
    kinds, suppressors = _compiled()
    for sentence in sentences(text):
        if any(p.search(sentence) for p in suppressors):
            continue
        for kind, rules in kinds:
            if any(all(p.search(sentence) for p in rule) for rule in rules):
                return kind
    return None


class SimilarityStage:
    """Nearest described situation vs nearest benign contrast, with a given encoder."""

    def __init__(self, encode: Encoder):
        self.encode = encode
        data = rules_data()
        self.kinds_ = [k for k in data["order"] for _ in data["kinds"][k]["situations"]]
        self.situations_ = encode(
            [s for k in data["order"] for s in data["kinds"][k]["situations"]]
        )
        self.contrast_ = encode(data["contrast"])

    def scores(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(nearest kind, margin) per text; margin = best situation cosine − best contrast."""
        if not texts:
            return []
        x = self.encode(list(texts))
        near = x @ self.situations_.T
        far = (x @ self.contrast_.T).max(axis=1)
        best = near.argmax(axis=1)
        return [(self.kinds_[int(b)], float(near[i, b] - far[i])) for i, b in enumerate(best)]


class Detector:
    """Rules, then similarity; `encode=None` gives the rules stage alone."""

    def __init__(
        self,
        encode: Encoder | None = None,
        margin: float = MARGIN,
        use_rules: bool = True,
        use_suppressors: bool = True,
    ):
        self.similarity = SimilarityStage(encode) if encode is not None else None
        self.margin = margin
        self.use_rules = use_rules
        self.use_suppressors = use_suppressors

    @property
    def version(self) -> str:
        return version(self.similarity is not None)

    def check(self, texts: Sequence[str]) -> list[Finding]:
        """One finding per text, in order."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        found = [self._rules(t) for t in texts]
        if self.similarity is None:
            return found
        todo = [i for i, f in enumerate(found) if not f.flag and texts[i].strip()]
        scores = self.similarity.scores([texts[i] for i in todo])
        for i, (kind, score) in zip(todo, scores, strict=True):
            quiet = self.use_suppressors and suppressed(texts[i])
            flag = score >= self.margin and not quiet
            found[i] = Finding(flag, kind if flag else None, "similarity" if flag else None, score)
        return found

    def _rules(self, text: str) -> Finding:
        kind = check_rules(text) if self.use_rules else None
        return Finding(kind is not None, kind, "rules" if kind else None)
