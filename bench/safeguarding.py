"""Benchmark the safeguarding detector: precision/recall/F1 overall and per kind, ablation, speed.

Usage: python bench/safeguarding.py [--misses] [--data POLIS_DIR] [--max-rate 0.01]

Cases: bench/data/safeguarding_dev.tsv (the rules were written, and the margin chosen, on it)
and bench/data/safeguarding_test.tsv (held out: committed before the detector existed, never
tuned on; the headline figures). Each split is half disclosures of six kinds, half benign
answers that use the same words ("the kids are safe now", "I'd kill for a bus that comes").
Both were written by the author of the rules, so the held-out figures are optimistic.

Configurations (ablation): rules only; similarity only (MiniLM margin over described
situations minus benign contrasts, suppressors on); combined (rules, else similarity).
Each also reports the share of ordinary answers it flags: the moderated Pol.is comments under
--data (real public text, split in two halves: dev and held-out).

Operating point: the margin that maximises F2 of the similarity stage alone on dev (recall
weighs 4x precision: a missed disclosure costs more than a lead reading one answer too many)
among the margins that flag at most --max-rate of the ordinary dev answers (a flagged answer
leaves the themes: a stage that flags a quarter of everything is not usable whatever its
recall); ties → the larger margin. The rules were written on dev, so dev cannot choose the
combined detector's margin (every margin ties there); the similarity stage's own choice is used.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from listening.intake.safeguarding import detector  # noqa: E402
from listening.themes.pipeline.embed import Embedder  # noqa: E402

DATA = Path(__file__).parent / "data"
KINDS = detector.rules_data()["order"]


def load(split: str) -> list[tuple[str, bool, str | None]]:
    with (DATA / f"safeguarding_{split}.tsv").open(encoding="utf-8") as fh:
        return [
            (r["text"], r["flag"] == "yes", r["kind"] or None)
            for r in csv.DictReader(fh, delimiter="\t")
        ]


def prf(gold: list[bool], pred: list[bool], beta: float = 1.0) -> tuple[float, float, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    p = tp / max(1, sum(pred))
    r = tp / max(1, sum(gold))
    f = (1 + beta**2) * p * r / max(1e-9, beta**2 * p + r)
    return p, r, f


def report(name: str, cases, findings) -> None:
    gold = [c[1] for c in cases]
    pred = [f.flag for f in findings]
    p, r, f1 = prf(gold, pred)
    right_kind = sum(1 for c, f in zip(cases, findings, strict=True) if c[1] and f.kind == c[2])
    print(
        f"  {name:<16} P {p:.2f}  R {r:.2f}  F1 {f1:.2f}  kind right {right_kind}/{sum(gold)}"
        f"  false alarms {sum(p and not g for g, p in zip(gold, pred, strict=True))}"
    )
    for kind in KINDS:
        mine = [(c, f) for c, f in zip(cases, findings, strict=True) if c[2] == kind]
        said = [(c, f) for c, f in zip(cases, findings, strict=True) if f.kind == kind]
        caught = sum(f.flag for _, f in mine)
        precise = sum(c[2] == kind for c, _ in said)
        print(f"      {kind:<17} recall {caught}/{len(mine)}  precision {precise}/{len(said)}")


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

    texts = []
    for value in vars(answers).values():
        items = value.values() if isinstance(value, dict) else value
        if isinstance(items, list | tuple | type({}.values())):
            for item in items:
                texts += [item] if isinstance(item, str) else []
                if isinstance(item, list | tuple):
                    texts += [x for x in item if isinstance(x, str)]
    return texts


def flag_rate(det, texts: list[str]) -> float:
    return sum(f.flag for f in det.check(texts)) / max(1, len(texts))


def choose_margin(cases, make, ordinary: list[str], max_rate: float) -> float:
    """The margin with the best F2 on the dev cases among those flagging at most `max_rate` of
    the dev half of the ordinary answers; ties → the larger margin."""
    gold = [c[1] for c in cases]
    best = (-1.0, 0.0)
    for margin in np.round(np.arange(-0.10, 0.40, 0.01), 2):
        det = make(float(margin))
        if flag_rate(det, ordinary) > max_rate:
            continue
        pred = [f.flag for f in det.check([c[0] for c in cases])]
        best = max(best, (round(prf(gold, pred, beta=2.0)[2], 6), float(margin)))
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="print the held-out mistakes")
    parser.add_argument("--data", type=Path, default=Path("/work/shared/realdata/polis"))
    parser.add_argument("--max-rate", type=float, default=0.01, help="of ordinary answers")
    args = parser.parse_args()
    embedder = Embedder()
    started = time.perf_counter()
    embedder.encode(["warm up"])
    print(f"encoder {embedder.model_id}: loaded in {time.perf_counter() - started:.1f} s")

    dev, test = load("dev"), load("test")
    print(
        f"cases: dev {len(dev)} ({sum(c[1] for c in dev)} disclosures), "
        f"held-out {len(test)} ({sum(c[1] for c in test)} disclosures)"
    )

    def similarity_only(margin):
        return detector.Detector(embedder.encode, margin=margin, use_rules=False)

    def combined(margin):
        return detector.Detector(embedder.encode, margin=margin)

    # the rules were written on dev, so dev cannot tell the combined detector's margins apart
    # (every margin ties): the similarity stage's margin is chosen on its own, by F2 on dev
    ordinary = background(args.data)
    ordinary_dev, ordinary_test = ordinary[::2], ordinary[1::2]
    sim_margin = choose_margin(dev, similarity_only, ordinary_dev, args.max_rate)
    comb_margin = sim_margin
    print(
        f"ordinary answers (Pol.is comments): {len(ordinary_dev)} dev, {len(ordinary_test)}"
        f" held-out; margin chosen on dev (similarity only, max F2 with at most"
        f" {args.max_rate:.0%} of ordinary dev answers flagged): {sim_margin}"
        f" (shipped: detector.MARGIN = {detector.MARGIN})"
    )
    configs = {
        "rules only": detector.Detector(),
        "similarity only": similarity_only(sim_margin),
        "combined": combined(comb_margin),
    }
    for split, cases, plain in (("dev", dev, ordinary_dev), ("held-out", test, ordinary_test)):
        print(f"\n{split}:")
        for name, det in configs.items():
            report(name, cases, det.check([c[0] for c in cases]))
            print(f"      ordinary answers flagged: {flag_rate(det, plain):.1%}")
    demo = demo_answers()
    print(f"\ndemo answers ({len(demo)}) flagged:")
    for name, det in configs.items():
        flagged = [(t, f.kind) for t, f in zip(demo, det.check(demo), strict=True) if f.flag]
        print(f"  {name:<16} {len(flagged)}")
        if args.misses:
            for text, kind in flagged:
                print(f"      {kind}: {text}")
    if args.misses:
        print("\nheld-out mistakes (combined):")
        for c, f in zip(test, configs["combined"].check([c[0] for c in test]), strict=True):
            if c[1] != f.flag or (c[1] and c[2] != f.kind):
                print(
                    f"  gold {c[2] or '-'} said {f.kind or '-'} ({f.stage}, {f.score:.2f}): {c[0]}"
                )

    texts = [c[0] for c in dev + test] * 8
    for name, det in (("rules only", configs["rules only"]), ("combined", configs["combined"])):
        started = time.perf_counter()
        det.check(texts)
        took = time.perf_counter() - started
        print(
            f"\nspeed {name}: {len(texts) / took:,.0f} answers/s"
            f" ({1000 * took / len(texts):.2f} ms each)"
        )


if __name__ == "__main__":
    main()
