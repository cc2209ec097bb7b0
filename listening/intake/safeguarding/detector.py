"""Detect likely safeguarding disclosures in an answer: rules, similarity, a classifier, and a
rule for answers the detector cannot read.

Pure: no Flask, no database. The kinds follow statutory guidance (Care Act 2014 statutory
guidance ch. 14 for adults, Working Together to Safeguard Children for children) plus risk to
self and immediate danger; each kind in rules.json has a label, a severity (1 = most urgent), a
family, JavaScript-compatible rules, described situations and benign look-alikes.

Stages (which ones run, their cut-offs and options were chosen in round 2 by grouped
cross-validation on the pooled dev tables, by the fixed rule in bench/README.md "Safeguarding"):

- rules: regular expressions matched per sentence (the partner form runs the same list
  offline), unless a suppressor (figure of speech, resolved, denial, general talk) matches;
- similarity: nearest described situation minus nearest benign look-alike (MiniLM cosines);
- classifier: two logistic regressions on MiniLM vectors, fitted when the detector is built on
  the situations, look-alikes and ordinary answers of rules.json and the training examples of
  examples.tsv: one says whether an answer is a disclosure (its probability is the score), the
  other which kind;
- the model stages score the whole answer, each sentence and each two consecutive sentences,
  and keep the highest; a k-NN stage (share of disclosures among the nearest training texts),
  a guard for very short answers and a wider reach for suppressors were measured and are off;
- language: an answer whose language is not English, or unknown with enough letters, is
  flagged `unread_language` so a person reads it before it can be themed or quoted.

The encoder is passed in (`encode(texts) -> (n, d)` L2-normalised vectors): intake sits below
themes, so the app factory hands it the themes encoder (`app.extensions["sentence_encoder"]`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from listening.language import detect_language

RULES_FILE = Path(__file__).with_name("rules.json")
EXAMPLES_FILE = Path(__file__).with_name("examples.tsv")
C_FLAG, C_KIND = 1.0, 4.0  # fixed before measuring (sklearn's default for the flag)
# Round 2: chosen by grouped cross-validation on the pooled dev tables by the fixed rule
# (bench/safeguarding_cv.py, bench/README.md "Safeguarding", round 2).
STAGES = ("rules", "similarity", "classifier")
MARGIN = 0.24  # similarity: best situation minus best look-alike
THRESHOLD = 0.725  # classifier: P(disclosure)
UNREAD = "unread_language"
UNKNOWN_SEVERITY = 3  # a kind neither rules.json nor its legacy map knows
UNREAD_MIN_LETTERS = 30  # fixed before measuring: an unknown language with this many letters
# Round 2 options, measured and chosen (on or off) by the same rule:
KNN_K = 5  # fixed before measuring
KNN_CUT = 9.0  # k-NN stage ("knn"): share of disclosures among the K nearest (9 = off)
SHORT_WORDS = 0  # an answer of fewer words is never flagged by a model stage (0 = off)
RESOLVED_CONTEXT = False  # a suppressor in the same full sentence also covers its ";"-clauses
PAIRS = True  # the model stages also score pairs of consecutive sentences
_FULL_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})

Encoder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Finding:
    """What the detector says about one answer."""

    flag: bool
    kind: str | None
    stage: str | None = None  # "rules", "similarity", "classifier" or "language"
    score: float = 0.0  # the deciding model score (0 for rules and language)


@dataclass(frozen=True)
class Scores:
    """Every stage's view of one answer, before any cut-off is applied."""

    rules: str | None  # the kind the rules find, or None
    similarity: tuple[str | None, float]  # nearest kind, margin
    classifier: tuple[str | None, float]  # likeliest kind, P(disclosure)
    unread: bool  # not English, or unknown with enough letters
    english: bool  # the English stages may be trusted (detected English, or unknown)
    knn: tuple[str | None, float] = (None, -9.0)  # commonest kind among the nearest, share
    words: int = 99  # words in the answer (the short guard)


@cache
def rules_data() -> dict:
    """The rules file, parsed (also sent to the partner form for its offline check)."""
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def label(kind: str | None) -> str:
    """The words a lead reads for a kind, old stored kinds included ("Other" when unknown)."""
    data = rules_data()
    if kind in data["kinds"]:
        return data["kinds"][kind]["label"]
    return data["legacy_labels"].get(kind or "", "Other")


def severity(kind: str | None) -> int:
    """1 = most urgent; old stored kinds keep a severity; a kind no longer known gets
    `UNKNOWN_SEVERITY` (in the middle: a case is never put last for want of a label)."""
    data = rules_data()
    if kind in data["kinds"]:
        return int(data["kinds"][kind]["severity"])
    return int(data["legacy_severity"].get(kind or "", UNKNOWN_SEVERITY))


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


def version(similarity: bool = True, stages: Sequence[str] = STAGES) -> str:
    """Detector version stored with each flag: the rules version (with "x" when a suppressor
    covers a sentence's ";"-clauses), the model stages with their cut-offs and options when
    `similarity` (the model is there), and the language rule."""
    parts = [f"r{rules_data()['version']}" + ("x" if RESOLVED_CONTEXT else "")]
    if similarity and "similarity" in stages:
        parts.append(f"s{_cut(MARGIN)}")
    if similarity and "classifier" in stages:
        parts.append(f"c{_cut(THRESHOLD)}")
    if similarity and "knn" in stages:
        parts.append(f"k{KNN_K}@{_cut(KNN_CUT)}")
    if similarity and SHORT_WORDS:
        parts.append(f"w{SHORT_WORDS}")
    if similarity and PAIRS:
        parts.append("p")
    parts.append(f"l{UNREAD_MIN_LETTERS}")
    return "+".join(parts)  # short: stored in a 24-character column ("r2+s.24+c.725+p+l30")


def _cut(value: float) -> str:
    """A cut-off as few characters as it takes (0.725 → ".725")."""
    text = f"{value:g}"
    return text[1:] if text.startswith("0.") else text


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


def check_rules(text: str, context: bool = RESOLVED_CONTEXT) -> str | None:
    """The kind whose rules fire on some unsuppressed sentence (in priority order), or None;
    with `context`, a suppressor anywhere in the full sentence (to . ! ? or a line break) also
    covers each of its ";"-clauses."""
    kinds, suppressors = _compiled()
    text = (text or "").translate(_QUOTES)
    wholes = [w for w in _FULL_SENTENCE.split(text) if w.strip()] if context else [text]
    for whole in wholes:
        if context and any(p.search(whole) for p in suppressors):
            continue
        for sentence in sentences(whole):
            if any(p.search(sentence) for p in suppressors):
                continue
            for kind, rules in kinds:
                if any(all(p.search(sentence) for p in rule) for rule in rules):
                    return kind
    return None


def reading(text: str) -> tuple[bool, bool]:
    """(unread, english): whether the detector cannot read the answer with confidence (its
    language is not English, or unknown with enough letters), and whether the English stages
    apply (detected English, or unknown)."""
    code = detect_language(text)
    letters = sum(ch.isalpha() for ch in text or "")
    if code is None:
        return letters >= UNREAD_MIN_LETTERS, True
    return code != "en", code == "en"


def _units(texts: Sequence[str], pairs: bool = PAIRS) -> tuple[list[str], list[int]]:
    """Each answer whole, each of its sentences when it has more than one (and with `pairs`,
    each two consecutive sentences when it has more than two); owner indices."""
    units, owners = [], []
    for i, text in enumerate(texts):
        parts = sentences(text)
        more = parts if len(parts) > 1 else []
        if pairs and len(parts) > 2:
            more = more + [f"{a} {b}" for a, b in zip(parts, parts[1:], strict=False)]
        for unit in [text, *more]:
            units.append(unit)
            owners.append(i)
    return units, owners


def read_examples(path: Path = EXAMPLES_FILE) -> tuple[list[str], list[str]]:
    """Training texts for the trained stages (a TSV of kind or "none", text)."""
    if not path.exists():
        return [], []
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows[1:] if len(r) == 2 and r[1].strip()]
    return [r[1] for r in rows], [r[0] for r in rows]


def _kind_banks() -> tuple[list[str], list[str], list[str]]:
    """(situations, their kinds, look-alikes and ordinary answers) from rules.json."""
    data = rules_data()
    situations = [s for k in data["order"] for s in data["kinds"][k]["situations"]]
    kinds = [k for k in data["order"] for _ in data["kinds"][k]["situations"]]
    benign = [s for k in data["order"] for s in data["kinds"][k]["benign"]] + data["ordinary"]
    return situations, kinds, benign


def training_set() -> tuple[list[str], list[str]]:
    """(texts, kind or "none") the trained stages learn from: the banks of rules.json and the
    examples (training on the dev tables too was measured in round 2 and not chosen)."""
    situations, kinds, benign = _kind_banks()
    more, more_labels = read_examples()
    return [*situations, *benign, *more], [*kinds, *(["none"] * len(benign)), *more_labels]


def training_vectors(encode: Encoder, texts: list[str], cache_dir: Path | None) -> np.ndarray:
    """The vectors of the training texts, read from `cache_dir` when a file there holds them for
    these texts and this encoder (its vector of a fixed probe text), else encoded and saved.
    The texts are public (rules.json and the example files), never answers."""
    if cache_dir is None:
        return encode(texts)
    probe = np.round(encode(["safeguarding training cache probe"])[0], 4)
    digest = hashlib.sha256(probe.astype("<f4").tobytes())
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    path = Path(cache_dir) / f"safeguarding-vectors-{digest.hexdigest()[:24]}.npy"
    if path.exists():
        try:
            vectors = np.load(path, allow_pickle=False)
            if vectors.shape[0] == len(texts):
                return vectors
        except (OSError, ValueError):
            pass  # unreadable: encode again and overwrite
    vectors = encode(texts)
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as fh:
            np.save(fh, vectors.astype(np.float32), allow_pickle=False)
        os.replace(partial, path)
    except OSError:
        pass  # a read-only disk: the next process encodes again
    return vectors


class ModelStages:
    """The similarity, classifier and k-NN stages with one encoder (fitted once, when built).

    `training` replaces `training_set()` (the bench fits one per fold); `cache_dir` keeps the
    training vectors between processes (see `training_vectors`)."""

    def __init__(
        self,
        encode: Encoder,
        training: tuple[list[str], list[str]] | None = None,
        pairs: bool = PAIRS,
        cache_dir: Path | None = None,
    ):
        from sklearn.linear_model import LogisticRegression

        self.encode, self.pairs = encode, pairs
        situations, self.kinds_, benign = _kind_banks()
        texts, kinds = training or training_set()
        unique = list(dict.fromkeys([*situations, *benign, *texts]))
        found = dict(zip(unique, training_vectors(encode, unique, cache_dir), strict=True))
        self.situations_ = np.array([found[t] for t in situations])
        self.benign_ = np.array([found[t] for t in benign])
        vectors = np.array([found[t] for t in texts])
        harm = np.array([k != "none" for k in kinds])
        self.train_, self.train_kinds_ = vectors, np.array(kinds)
        # is it a disclosure at all (both classes weigh the same), then which kind
        self.flag_ = LogisticRegression(C=C_FLAG, max_iter=2000, class_weight="balanced")
        self.flag_.fit(vectors, harm)
        self.kind_ = LogisticRegression(C=C_KIND, max_iter=2000)
        self.kind_.fit(vectors[harm], [k for k in kinds if k != "none"])

    def scores(self, texts: Sequence[str]) -> list[tuple[tuple, tuple, tuple]]:
        """Per text: (nearest kind, similarity margin), (likeliest kind, P(disclosure)) and
        (commonest kind among the K nearest training texts, their share of disclosures), each
        the best over the whole answer and its sentences."""
        if not texts:
            return []
        units, owners = _units(texts, self.pairs)
        x = self.encode(units)
        near = x @ self.situations_.T
        margin = near.max(axis=1) - (x @ self.benign_.T).max(axis=1)
        nearest = near.argmax(axis=1)
        risk = self.flag_.predict_proba(x)[:, list(self.flag_.classes_).index(True)]
        likeliest = self.kind_.predict_proba(x).argmax(axis=1)
        top = np.argsort(-(x @ self.train_.T), axis=1)[:, :KNN_K]
        top_kinds = self.train_kinds_[top]
        share = (top_kinds != "none").mean(axis=1)
        blank = (None, -9.0)
        out: list = [(blank, blank, blank) for _ in texts]
        for u, owner in enumerate(owners):
            sim, clf, knn = out[owner]
            if margin[u] > sim[1]:
                sim = (self.kinds_[int(nearest[u])], float(margin[u]))
            if risk[u] > clf[1]:
                clf = (str(self.kind_.classes_[int(likeliest[u])]), float(risk[u]))
            if share[u] > knn[1]:
                harmful = [k for k in top_kinds[u] if k != "none"]
                knn = (max(harmful, key=harmful.count) if harmful else None, float(share[u]))
            out[owner] = (sim, clf, knn)
        return out


def decide(
    s: Scores,
    stages: Sequence[str] = STAGES,
    margin: float = MARGIN,
    threshold: float = THRESHOLD,
    languages: bool = True,
    knn_cut: float = KNN_CUT,
    short_words: int = SHORT_WORDS,
) -> Finding:
    """The finding for one answer's scores: the first stage that fires (rules, classifier,
    k-NN, similarity; the model stages never for an answer of fewer than `short_words` words),
    else the language rule."""
    if s.english:
        if "rules" in stages and s.rules:
            return Finding(True, s.rules, "rules")
        models = s.words >= short_words
        kind, score = s.classifier
        if models and "classifier" in stages and kind and score >= threshold:
            return Finding(True, kind, "classifier", score)
        kind, score = s.knn
        if models and "knn" in stages and kind and score >= knn_cut:
            return Finding(True, kind, "knn", score)
        kind, score = s.similarity
        if models and "similarity" in stages and kind and score >= margin:
            return Finding(True, kind, "similarity", score)
    if languages and s.unread:
        return Finding(True, UNREAD, "language")
    return Finding(False, None)


class Detector:
    """The chosen stages; `encode=None` gives the rules and the language rule alone;
    `cache_dir` keeps the training vectors between processes."""

    def __init__(
        self,
        encode: Encoder | None = None,
        stages: Sequence[str] = STAGES,
        margin: float = MARGIN,
        threshold: float = THRESHOLD,
        languages: bool = True,
        knn_cut: float = KNN_CUT,
        short_words: int = SHORT_WORDS,
        cache_dir: Path | None = None,
    ):
        self.models = None if encode is None else ModelStages(encode, cache_dir=cache_dir)
        self.stages = tuple(s for s in stages if s == "rules" or self.models is not None)
        self.margin, self.threshold, self.languages = margin, threshold, languages
        self.knn_cut, self.short_words = knn_cut, short_words

    @property
    def version(self) -> str:
        """What screened an answer (stored with each flag)."""
        return version(self.models is not None, self.stages)

    def scores(self, texts: Sequence[str]) -> list[Scores]:
        """Every stage's view of each text (cut-offs not applied)."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        read = [reading(t) if t.strip() else (False, True) for t in texts]
        todo = [i for i, t in enumerate(texts) if t.strip() and read[i][1]]
        wanted = {"similarity", "classifier", "knn"} & set(self.stages)
        models = {}
        if wanted and self.models is not None:
            models = dict(zip(todo, self.models.scores([texts[i] for i in todo]), strict=True))
        blank = (None, -9.0)
        out = []
        for i, t in enumerate(texts):
            sim, clf, knn = models.get(i, (blank, blank, blank))
            rules = check_rules(t) if "rules" in self.stages and read[i][1] else None
            out.append(Scores(rules, sim, clf, *read[i], knn=knn, words=len(t.split())))
        return out

    def check(self, texts: Sequence[str]) -> list[Finding]:
        """One finding per text, in order."""
        return [
            decide(
                s,
                self.stages,
                self.margin,
                self.threshold,
                self.languages,
                self.knn_cut,
                self.short_words,
            )
            for s in self.scores(texts)
        ]
