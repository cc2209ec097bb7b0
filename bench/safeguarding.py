"""Benchmark the safeguarding detector: recall per category, ordinary answers flagged, per
language, the ablation of every stage, and speed.

Usage: OMP_NUM_THREADS=1 nice python bench/safeguarding.py [--misses] [--data POLIS_DIR]

Tables (columns id, category, language, person, style, text; category "none" = ordinary):
- bench/data/safeguarding_dev_v2.tsv: written by the author of the detector (dev: the rules,
  the stages and the cut-offs were chosen on it);
- bench/data/safeguarding_heldout.tsv: written by two independent authors given only the list
  of categories, committed before any detector change, never tuned on (v2's headline figures;
  from round 2 on it is dev data: bench/safeguarding_cv.py and safeguarding_heldout_v2.tsv).
Ordinary answers: the demo's SEL answers (even rows = dev, odd rows = held-out), the demo's
answers in other languages (listening/intake/demo/other_languages.csv) and
bench/data/multilingual.csv (the cost of the language rule), and the moderated Pol.is comments
under --data (real public text, out of domain).

Operating point (fixed rule, written in bench/README.md before any result): for every
non-empty combination of the stages rules / similarity / classifier, every cut-off on a fixed
grid, always with the language rule: eligible when ≤ 2 % of the demo's dev answers and ≤ 2 % of
Pol.is comments are flagged; the highest number of dev disclosures caught; ties → fewer stages
→ fewer dev hard ordinary answers flagged → fewer demo dev answers flagged. Each combination's
own best point (same rule) is the ablation.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from listening.intake.safeguarding import detector  # noqa: E402
from listening.themes.pipeline.embed import Embedder  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
MAX_RATE = 0.02
MARGINS = [round(float(m), 2) for m in np.arange(-0.10, 0.41, 0.02)]
THRESHOLDS = [round(float(t), 3) for t in np.arange(0.05, 1.0, 0.025)]
OFF = 9.0  # a cut-off no score reaches: the stage is off


def load(name: str) -> list[dict]:
    """A table's rows (dicts with id, category, language, person, style, text)."""
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def background(data: Path) -> list[str]:
    """Real public answers (Pol.is comments, moderated in): ordinary text, not disclosures."""
    bodies = []
    for path in sorted(data.glob("*/comments.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            bodies += [r["comment-body"] for r in csv.DictReader(fh) if r["moderated"] == "1"]
    return bodies


def demo_answers() -> list[str]:
    """The demo's SEL answers (written for the demo; ordinary pressures, no disclosure meant)."""
    from listening.intake.demo import answers

    return [a.text for a in answers.bank()] + [a.text for a in answers.PII_ANSWERS]


def other_language_answers() -> list[tuple[str, str]]:
    """(language, text): the demo's answers in other languages and bench/data/multilingual.csv."""
    from listening.intake.demo import languages

    rows = [(a.language, a.text) for a in languages.answers()]
    with (DATA / "multilingual.csv").open(encoding="utf-8", newline="") as fh:
        rows += [(r["language"], r["text"]) for r in csv.DictReader(fh)]
    return rows


def cached(encode):
    """The encoder with a memory: each text is embedded once."""
    memory: dict[str, np.ndarray] = {}

    def encode_once(texts):
        todo = list(dict.fromkeys(t for t in texts if t not in memory))
        if todo:
            memory.update(zip(todo, encode(todo), strict=True))
        return np.array([memory[t] for t in texts])

    return encode_once


class Config:
    """A combination of stages with its cut-offs (the language rule on unless said)."""

    def __init__(self, stages, margin=OFF, threshold=OFF, languages=True):
        self.stages, self.margin, self.threshold = tuple(stages), margin, threshold
        self.languages = languages

    def findings(self, scores):
        return [
            detector.decide(s, self.stages, self.margin, self.threshold, self.languages)
            for s in scores
        ]

    def rate(self, scores) -> float:
        return sum(f.flag for f in self.findings(scores)) / max(1, len(scores))

    def caught(self, rows, scores) -> int:
        return sum(
            f.flag
            for r, f in zip(rows, self.findings(scores), strict=True)
            if r["category"] != "none"
        )

    def name(self) -> str:
        cuts = []
        if "similarity" in self.stages:
            cuts.append(f"margin {self.margin}")
        if "classifier" in self.stages:
            cuts.append(f"threshold {self.threshold}")
        lang = "" if self.languages else ", no language rule"
        if not self.stages:
            return "language rule alone"
        return " + ".join(self.stages) + (f" ({', '.join(cuts)}{lang})" if cuts or lang else "")


def multilingual_option(dev, other) -> None:
    """Item 4's alternative to the language rule: the classifier fitted on e5 vectors of the same
    banks (English), applied to answers not in English; its best dev recall on the disclosures
    not written in English with ≤ 2 % of the other-language ordinary answers flagged."""
    from sklearn.linear_model import LogisticRegression

    from listening.themes.pipeline.multilingual import MultilingualEmbedder

    e5 = MultilingualEmbedder()
    situations, kinds, benign = detector._kind_banks()
    extra, extra_kinds = detector.read_examples()
    texts = [*situations, *benign, *extra]
    harm = [
        *([True] * len(situations)),
        *([False] * len(benign)),
        *(k != "none" for k in extra_kinds),
    ]
    model = LogisticRegression(C=detector.C_FLAG, max_iter=2000, class_weight="balanced")
    model.fit(e5.encode(texts), harm)
    foreign = [r for r in dev if r["language"] != "en"]
    yes = [r["text"] for r in foreign if r["category"] != "none"]
    no = [r["text"] for r in foreign if r["category"] == "none"] + [
        t for lang, t in other if lang != "en"
    ]
    p_yes = model.predict_proba(e5.encode(yes))[:, 1]
    p_no = model.predict_proba(e5.encode(no))[:, 1]
    best = (0, 1.0)
    for t in THRESHOLDS:
        if (p_no >= t).mean() <= MAX_RATE:
            best = max(best, (int((p_yes >= t).sum()), -t))
    print(
        f"  multilingual-model option (e5 classifier): {best[0]}/{len(yes)} dev disclosures not in "
        f"English caught at threshold {-best[1]} with ≤ 2 % of {len(no)} other-language ordinary "
        f"answers flagged; language rule: all {len(yes)} (every answer not in English is flagged)"
    )


def grid(stages):
    margins = MARGINS if "similarity" in stages else [OFF]
    thresholds = THRESHOLDS if "classifier" in stages else [OFF]
    for m, t in itertools.product(margins, thresholds):
        yield Config(stages, m, t)


def choose(stages, dev, s_dev, s_demo_dev, s_polis):
    """The fixed rule: best eligible point of one combination (None when none is eligible)."""
    best, key = None, None
    hard = [s for r, s in zip(dev, s_dev, strict=True) if r["category"] == "none"]
    for config in grid(stages):
        if config.rate(s_demo_dev) > MAX_RATE or config.rate(s_polis) > MAX_RATE:
            continue
        k = (-config.caught(dev, s_dev), len(stages), config.rate(hard), config.rate(s_demo_dev))
        if key is None or k < key:
            best, key = config, k
    return best


def recall_table(rows, findings, by: str) -> dict[str, tuple[int, int, int]]:
    """category or language → (caught, right family, total) over disclosures."""
    out: dict = defaultdict(lambda: [0, 0, 0])
    for r, f in zip(rows, findings, strict=True):
        if r["category"] == "none":
            continue
        cell = out[r[by]]
        cell[0] += f.flag
        cell[1] += f.flag and family(f.kind) == family(r["category"])
        cell[2] += 1
    return {k: tuple(v) for k, v in sorted(out.items())}


def family(kind: str | None) -> str | None:
    """The group of kinds a lead treats alike (rules.json `family`)."""
    found = detector.rules_data()["kinds"].get(kind or "")
    return found["family"] if found else None


def summary(rows, findings) -> tuple[int, int, int, int]:
    """(disclosures caught, disclosures, ordinary flagged, ordinary)."""
    pairs = list(zip(rows, findings, strict=True))
    yes = [f.flag for r, f in pairs if r["category"] != "none"]
    no = [f.flag for r, f in pairs if r["category"] == "none"]
    return sum(yes), len(yes), sum(no), len(no)


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({a / max(1, b):.1%})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="print held-out misses and flags")
    parser.add_argument("--dev-only", action="store_true", help="never touch the held-out table")
    parser.add_argument("--data", type=Path, default=Path("/work/shared/realdata/polis"))
    args = parser.parse_args()
    embedder = Embedder()
    started = time.perf_counter()
    embedder.encode(["warm up"])
    print(f"encoder {embedder.model_id}: loaded in {time.perf_counter() - started:.1f} s")
    encode = cached(embedder.encode)
    started = time.perf_counter()
    full = detector.Detector(encode, stages=("rules", "similarity", "classifier"))
    print(f"model stages fitted in {time.perf_counter() - started:.1f} s")

    dev = load("safeguarding_dev_v2.tsv")
    held = [] if args.dev_only else load("safeguarding_heldout.tsv")
    demo = demo_answers()
    demo_dev, demo_held = demo[::2], demo[1::2]
    other = other_language_answers()
    polis = background(args.data)
    for name, rows in (("dev (ours)", dev), ("held-out (independent)", held)):
        n = sum(r["category"] != "none" for r in rows)
        print(f"{name}: {len(rows)} rows, {n} disclosures, {len(rows) - n} ordinary")
    print(
        f"ordinary: demo {len(demo_dev)} dev + {len(demo_held)} held-out; other languages "
        f"{len(other)}; Pol.is {len(polis)}"
    )
    s_dev = full.scores([r["text"] for r in dev])
    s_held = full.scores([r["text"] for r in held])
    s_demo_dev, s_demo_held = full.scores(demo_dev), full.scores(demo_held)
    s_other, s_polis = full.scores([t for _, t in other]), full.scores(polis)

    combos = [
        c
        for n in (1, 2, 3)
        for c in itertools.combinations(("rules", "similarity", "classifier"), n)
    ]
    chosen = {c: choose(c, dev, s_dev, s_demo_dev, s_polis) for c in combos}
    eligible = {c: v for c, v in chosen.items() if v is not None}
    pick = min(
        eligible.values(),
        key=lambda c: (
            -c.caught(dev, s_dev),
            len(c.stages),
            c.rate([s for r, s in zip(dev, s_dev, strict=True) if r["category"] == "none"]),
            c.rate(s_demo_dev),
        ),
    )
    shipped = Config(detector.STAGES, detector.MARGIN, detector.THRESHOLD)
    if "similarity" not in shipped.stages:
        shipped.margin = OFF
    if "classifier" not in shipped.stages:
        shipped.threshold = OFF
    print(f"\nchosen on dev by the fixed rule: {pick.name()}")
    print(f"shipped (detector.STAGES/MARGIN/THRESHOLD): {shipped.name()}")

    print("\nablation (each combination at its own dev-chosen cut-offs; language rule on):")
    print(
        "  stages | dev caught | held-out caught | held-out none flagged | demo dev | "
        "demo held-out | Pol.is | dev hard ordinary"
    )
    variants = [(c, eligible[c]) for c in combos if c in eligible]
    variants.append(
        (
            ("shipped, no language rule",),
            Config(shipped.stages, shipped.margin, shipped.threshold, languages=False),
        )
    )
    variants.append((("language rule alone",), Config((), OFF, OFF)))
    for _, config in variants:
        d = summary(dev, config.findings(s_dev))
        h = summary(held, config.findings(s_held))
        print(
            f"  {config.name()} | {pct(d[0], d[1])} | {pct(h[0], h[1])} | {pct(h[2], h[3])} | "
            f"{config.rate(s_demo_dev):.1%} | {config.rate(s_demo_held):.1%} | "
            f"{config.rate(s_polis):.1%} | {pct(d[2], d[3])}"
        )
    for c in combos:
        if c not in eligible:
            print(f"  {' + '.join(c)}: no cut-off meets the ordinary-answer limits")

    f_dev, f_held = shipped.findings(s_dev), shipped.findings(s_held)
    for name, rows, found in (("dev", dev, f_dev), ("held-out", held, f_held)):
        caught, n, false, m = summary(rows, found)
        print(
            f"\n{name} (shipped): recall {caught}/{n} = {caught / max(1, n):.3f}; "
            f"ordinary rows flagged {pct(false, m)}"
        )
        print("  category | caught | right family | recall")
        for cat, (c, fam, total) in recall_table(rows, found, "category").items():
            print(f"  {cat} | {c}/{total} | {fam}/{total} | {c / total:.2f}")
        print("  language | caught | recall")
        for lang, (c, _, total) in recall_table(rows, found, "language").items():
            print(f"  {lang} | {c}/{total} | {c / total:.2f}")
        print("  person/style | caught | recall")
        for key in ("person", "style"):
            for val, (c, _, total) in recall_table(rows, found, key).items():
                print(f"  {key}={val} | {c}/{total} | {c / total:.2f}")

    print("\nother languages (dev, item 4):")
    multilingual_option(dev, other)
    print("\nordinary answers flagged (shipped):")
    for name, scores in (
        ("demo SEL answers, dev half", s_demo_dev),
        ("demo SEL answers, held-out half", s_demo_held),
        ("Pol.is comments", s_polis),
        ("answers in other languages (demo + multilingual.csv)", s_other),
    ):
        n = sum(f.flag for f in shipped.findings(scores))
        print(f"  {name}: {pct(n, len(scores))} → {1000 * n / max(1, len(scores)):.0f} per 1,000")
    by_lang: dict = defaultdict(lambda: [0, 0])
    for (lang, _), f in zip(other, shipped.findings(s_other), strict=True):
        by_lang[lang][0] += f.flag
        by_lang[lang][1] += 1
    print(
        "  other languages by language: "
        + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(by_lang.items()))
    )
    english_demo = s_demo_dev + s_demo_held
    unread = sum(f.stage == "language" for f in shipped.findings(english_demo))
    print(
        f"  demo SEL answers flagged by the language rule alone: {pct(unread, len(english_demo))}"
    )

    if args.misses:
        print("\nheld-out misses (shipped):")
        for r, f in zip(held, f_held, strict=True):
            if r["category"] != "none" and not f.flag:
                print(f"  {r['id']} {r['category']} {r['language']}: {r['text']}")
        print("\nheld-out ordinary rows flagged (shipped):")
        for r, f in zip(held, f_held, strict=True):
            if r["category"] == "none" and f.flag:
                print(f"  {r['id']} {f.kind} ({f.stage}, {f.score:.2f}): {r['text']}")
        print("\ndemo answers flagged (shipped):")
        for texts, scores in ((demo_dev, s_demo_dev), (demo_held, s_demo_held)):
            for t, f in zip(texts, shipped.findings(scores), strict=True):
                if f.flag:
                    print(f"  {f.kind} ({f.stage}, {f.score:.2f}): {t}")

    texts = [r["text"] for r in dev + held] * 2
    if args.dev_only:
        return
    for name, det in (
        ("rules + language", detector.Detector()),
        ("shipped", detector.Detector(embedder.encode)),
    ):
        det.check(["warm up"])
        started = time.perf_counter()
        det.check(texts)
        took = time.perf_counter() - started
        print(
            f"\nspeed {name}: {len(texts) / took:,.0f} answers/s"
            f" ({1000 * took / len(texts):.2f} ms each)"
        )


if __name__ == "__main__":
    main()
