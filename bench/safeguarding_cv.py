"""Safeguarding detector, round 2: choose the stages and options by grouped cross-validation on
the pooled dev tables, then (once, with --heldout) measure the shipped detector on the new
independent table.

Usage: OMP_NUM_THREADS=1 nice python bench/safeguarding_cv.py [--heldout] [--data POLIS_DIR]

The fixed rule is in bench/README.md ("Safeguarding", round 2). Pooled dev =
data/safeguarding_dev_v2.tsv + data/safeguarding_heldout.tsv (the v1 held-out table, spent).
Rows are grouped by normalised text and put in 5 folds (seed 0); each fold's trained stages
learn from the banks, examples.tsv and (option "pooled") the English rows of the other folds.
The demo's 266 SEL answers and the Pol.is comments are never trained on.

--heldout: the shipped detector (detector.STAGES and the module's options) on
data/safeguarding_heldout_v2.tsv, the demo answers and Pol.is; nothing else. Run it from a copy
of another commit's tree to measure that commit's detector on the same table.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from safeguarding import (  # noqa: E402
    MARGINS,
    MAX_RATE,
    OFF,
    THRESHOLDS,
    background,
    cached,
    demo_answers,
    family,
    load,
    pct,
)

from listening.intake.safeguarding import detector  # noqa: E402
from listening.themes.pipeline.embed import Embedder  # noqa: E402

FOLDS, SEED = 5, 0
KNN_CUTS = [0.6, 0.8, 1.0]
SHORT = 4
OPTIONS = ("pooled", "pairs", "context", "short")
V2_MARGIN, V2_THRESHOLD = 0.16, 0.825  # v2 (main at 1c7d38c)


def norm(text: str) -> str:
    """The grouping key of a text: lower case, white space collapsed."""
    return re.sub(r"\s+", " ", text.strip().lower())


def folds(rows: list[dict]) -> np.ndarray:
    """Fold of each row; rows with the same normalised text share a fold."""
    keys = list(dict.fromkeys(norm(r["text"]) for r in rows))
    order = np.random.default_rng(SEED).permutation(len(keys))
    fold_of = {k: int(order[i]) % FOLDS for i, k in enumerate(keys)}
    return np.array([fold_of[norm(r["text"])] for r in rows])


class Arrays:
    """Every stage's raw score per text, as arrays (cut-offs not applied)."""

    def __init__(self, texts: list[str], model_scores: dict[int, tuple], contexts=(False, True)):
        read = [detector.reading(t) if t.strip() else (False, True) for t in texts]
        self.english = np.array([e for _, e in read])
        self.unread = np.array([u for u, _ in read])
        self.words = np.array([len(t.split()) for t in texts])
        self.rules = {
            c: np.array(
                [bool(detector.check_rules(t, c)) and read[i][1] for i, t in enumerate(texts)]
            )
            for c in contexts
        }
        blank = ((None, -9.0),) * 3
        got = [model_scores.get(i, blank) for i in range(len(texts))]
        self.sim = np.array([g[0][1] if g[0][0] else -9.0 for g in got])
        self.clf = np.array([g[1][1] if g[1][0] else -9.0 for g in got])
        self.knn = np.array([g[2][1] if g[2][0] else -9.0 for g in got])

    def flags(self, context: bool, short: bool) -> np.ndarray:
        """Flags over the grid (margin, threshold, knn cut, text)."""
        margins = np.array([*MARGINS, OFF])[:, None, None, None]
        thresholds = np.array([*THRESHOLDS, OFF])[None, :, None, None]
        cuts = np.array([*KNN_CUTS, OFF])[None, None, :, None]
        guard = self.words >= (SHORT if short else 0)
        model = (self.sim >= margins) | (self.clf >= thresholds) | (self.knn >= cuts)
        return (self.english & (self.rules[context] | (guard & model))) | self.unread


def model_scores(encode, texts, english, training, pairs) -> dict[int, tuple]:
    """The model stages' scores of the English texts, fitted on `training`."""
    stages = detector.ModelStages(encode, training, pairs)
    todo = [i for i, t in enumerate(texts) if t.strip() and english[i]]
    return dict(zip(todo, stages.scores([texts[i] for i in todo]), strict=True))


def choose(results, allowed):
    """The fixed rule over the configurations allowed: (key, config) of the best eligible."""
    best = None
    for config, (caught, demo, polis, hard) in results.items():
        if not allowed(config) or demo > MAX_RATE or polis > MAX_RATE:
            continue
        key = (-caught, n_on(config), hard, demo)
        if best is None or key < best[0]:
            best = (key, config)
    return best


def n_on(config) -> int:
    """Options and stages on in a configuration."""
    options, margin, threshold, cut = config
    return sum(options) + sum(v != OFF for v in (margin, threshold, cut))


def describe(config) -> str:
    """A configuration in words."""
    options, margin, threshold, cut = config
    on = [name for name, v in zip(OPTIONS, options, strict=True) if v]
    stages = ["rules"]
    if threshold != OFF:
        stages.append(f"classifier ≥ {threshold}")
    if cut != OFF:
        stages.append(f"k-NN ≥ {cut}")
    if margin != OFF:
        stages.append(f"similarity ≥ {margin}")
    return " + ".join(stages) + f" [options: {', '.join(on) or 'none'}]"


def report(name: str, rows: list[dict], found: list) -> None:
    """Recall per category, language, person and style; ordinary rows flagged."""
    yes = [(r, f) for r, f in zip(rows, found, strict=True) if r["category"] != "none"]
    no = [(r, f) for r, f in zip(rows, found, strict=True) if r["category"] == "none"]
    caught = sum(f.flag for _, f in yes)
    print(f"\n{name}: recall {pct(caught, len(yes))}; ordinary rows flagged ", end="")
    print(pct(sum(f.flag for _, f in no), len(no)))
    for key in ("category", "language", "person", "style"):
        cells: dict = defaultdict(lambda: [0, 0, 0])
        for r, f in yes:
            cells[r[key]][0] += f.flag
            cells[r[key]][1] += f.flag and family(f.kind) == family(r["category"])
            cells[r[key]][2] += 1
        print(f"  {key} | caught | right family | recall")
        for val, (c, fam, total) in sorted(cells.items()):
            print(f"  {val} | {c}/{total} | {fam}/{total} | {c / total:.2f}")
    by_lang: dict = defaultdict(lambda: [0, 0])
    for r, f in no:
        by_lang[r["language"]][0] += f.flag
        by_lang[r["language"]][1] += 1
    print(
        "  ordinary rows by language: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in by_lang.items())
    )


def heldout(args, embedder) -> None:
    """The shipped detector, once, on the new independent table and the ordinary answers."""
    started = time.perf_counter()
    shipped = detector.Detector(cached(embedder.encode))
    print(f"detector {shipped.version}: built in {time.perf_counter() - started:.1f} s")
    rows = load("safeguarding_heldout_v2.tsv")
    found = shipped.check([r["text"] for r in rows])
    report("held-out v2", rows, found)
    demo = demo_answers()
    for name, texts in (
        ("demo SEL answers, even rows", demo[::2]),
        ("demo SEL answers, odd rows", demo[1::2]),
        ("demo SEL answers, both halves", demo),
        ("Pol.is comments", background(args.data)),
    ):
        n = sum(f.flag for f in shipped.check(texts))
        print(f"  {name}: {pct(n, len(texts))} → {1000 * n / max(1, len(texts)):.0f} per 1,000")
    if args.misses:
        print("\nheld-out v2 misses:")
        for r, f in zip(rows, found, strict=True):
            if r["category"] != "none" and not f.flag:
                print(f"  {r['id']} {r['category']} {r['language']}: {r['text']}")
        print("\nheld-out v2 ordinary rows flagged:")
        for r, f in zip(rows, found, strict=True):
            if r["category"] == "none" and f.flag:
                print(f"  {r['id']} {f.kind} ({f.stage}, {f.score:.2f}): {r['text']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--heldout", action="store_true", help="the one run on heldout_v2")
    parser.add_argument("--misses", action="store_true", help="with --heldout: print misses")
    parser.add_argument("--data", type=Path, default=Path("/work/shared/realdata/polis"))
    args = parser.parse_args()
    embedder = Embedder()
    embedder.encode(["warm up"])
    if args.heldout:
        heldout(args, embedder)
        return
    encode = cached(embedder.encode)
    pooled = load("safeguarding_dev_v2.tsv") + load("safeguarding_heldout.tsv")
    fold = folds(pooled)
    texts = [r["text"] for r in pooled]
    is_yes = np.array([r["category"] != "none" for r in pooled])
    english_row = np.array([r["language"] == "en" for r in pooled])
    demo = demo_answers()
    polis = background(args.data)
    print(f"pooled dev: {len(pooled)} rows, {is_yes.sum()} disclosures; demo {len(demo)}; Pol.is")
    print(f"  {len(polis)}; folds of {np.bincount(fold).tolist()} rows")
    taken = {norm(t) for t in texts}
    base = [(t, k) for t, k in zip(*detector.training_set(), strict=True)]
    base = [(t, k) for t, k in base if norm(t) not in taken]
    read_english = [detector.reading(t)[1] if t.strip() else True for t in texts]

    started = time.perf_counter()
    results: dict = {}
    fitted_oof: dict = {}
    for pooled_on, pairs in itertools.product((False, True), (False, True)):
        oof: dict[int, tuple] = {}
        for k in range(FOLDS):
            train = list(base)
            if pooled_on:
                train += [
                    (r["text"], r["category"])
                    for i, r in enumerate(pooled)
                    if fold[i] != k and english_row[i]
                ]
            test = [i for i in range(len(pooled)) if fold[i] == k]
            got = model_scores(
                encode,
                [texts[i] for i in test],
                [read_english[i] for i in test],
                ([t for t, _ in train], [c for _, c in train]),
                pairs,
            )
            oof.update({test[j]: v for j, v in got.items()})
        full = list(base)
        if pooled_on:
            full += [(r["text"], r["category"]) for i, r in enumerate(pooled) if english_row[i]]
        training = ([t for t, _ in full], [c for _, c in full])
        a_dev = Arrays(texts, oof)
        outside = {}
        for name, group in (("demo", demo), ("polis", polis)):
            eng = [detector.reading(t)[1] if t.strip() else True for t in group]
            outside[name] = Arrays(group, model_scores(encode, group, eng, training, pairs))
        fitted_oof[(pooled_on, pairs)] = a_dev
        for context, short in itertools.product((False, True), (False, True)):
            f_dev = a_dev.flags(context, short)
            caught = f_dev[..., is_yes].sum(axis=-1)
            hard = f_dev[..., ~is_yes].mean(axis=-1)
            demo_rate = outside["demo"].flags(context, short).mean(axis=-1)
            polis_rate = outside["polis"].flags(context, short).mean(axis=-1)
            options = (pooled_on, pairs, context, short)
            for (mi, m), (ti, t), (ci, c) in itertools.product(
                enumerate([*MARGINS, OFF]),
                enumerate([*THRESHOLDS, OFF]),
                enumerate([*KNN_CUTS, OFF]),
            ):
                results[(options, m, t, c)] = (
                    int(caught[mi, ti, ci]),
                    float(demo_rate[mi, ti, ci]),
                    float(polis_rate[mi, ti, ci]),
                    float(hard[mi, ti, ci]),
                )
        print(f"  fitted pooled={pooled_on} pairs={pairs}: {time.perf_counter() - started:.0f} s")

    n_yes = int(is_yes.sum())
    n_hard = int((~is_yes).sum())

    def line(config) -> str:
        caught, demo_rate, polis_rate, hard = results[config]
        return (
            f"{describe(config)} | {pct(caught, n_yes)} | {hard:.1%} of {n_hard} | "
            f"{demo_rate:.1%} | {polis_rate:.1%}"
        )

    print("\nbest point of each set of options (same rule):")
    for options in itertools.product((False, True), repeat=4):
        got = choose(results, lambda c, o=options: c[0] == o)
        print(f"  {line(got[1]) if got else 'none eligible'}")
    key, pick = choose(results, lambda c: True)
    print(f"\nchosen by the fixed rule: {describe(pick)}")
    print("  config | pooled dev caught (out-of-fold) | hard ordinary | demo | Pol.is")
    print(f"  {line(pick)}")
    print("\nablation (the chosen point with one option or stage off, cut-offs re-chosen):")
    options, margin, threshold, cut = pick
    for i, name in enumerate(OPTIONS):
        if options[i]:
            off = tuple(v if j != i else False for j, v in enumerate(options))
            got = choose(results, lambda c, off=off: c[0] == off)
            print(f"  without {name}: " + (line(got[1]) if got else "none eligible"))
    for i, name in ((1, "similarity"), (2, "classifier"), (3, "k-NN")):
        if pick[i] != OFF:
            got = choose(results, lambda c, i=i: c[0] == options and c[i] == OFF)
            print(f"  without {name}: " + (line(got[1]) if got else "none eligible"))
    v2 = ((False, False, False, False), V2_MARGIN, V2_THRESHOLD, OFF)
    print(f"  v2's stages and cut-offs, out-of-fold: {line(v2)}")
    got = choose(results, lambda c: c[0] == (False, False, False, False) and c[3] == OFF)
    print(f"  v2's stages, cut-offs re-chosen: {line(got[1]) if got else 'none eligible'}")

    a_dev = fitted_oof[(options[0], options[1])]
    f_dev = a_dev.flags(options[2], options[3])
    mi = [*MARGINS, OFF].index(margin)
    ti = [*THRESHOLDS, OFF].index(threshold)
    ci = [*KNN_CUTS, OFF].index(cut)
    flags = f_dev[mi, ti, ci]
    cells: dict = defaultdict(lambda: [0, 0])
    for r, f in zip(pooled, flags, strict=True):
        if r["category"] != "none":
            cells[r["category"]][0] += int(f)
            cells[r["category"]][1] += 1
    print("\nthe cost of recall (the same rule with another limit on the demo answers):")
    for limit in (0.02, 0.03, 0.05, 0.10):
        best = None
        for config, (caught, demo_rate, polis_rate, hard) in results.items():
            if demo_rate <= limit and polis_rate <= limit:
                key = (-caught, n_on(config), hard, demo_rate)
                best = (key, config) if best is None or key < best[0] else best
        print(f"  demo and Pol.is ≤ {limit:.0%}: {line(best[1])}")
    print("\nchosen, out-of-fold recall per category on pooled dev:")
    for cat, (c, total) in sorted(cells.items()):
        print(f"  {cat} | {c}/{total} | {c / total:.2f}")


if __name__ == "__main__":
    main()
