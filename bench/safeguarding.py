"""Benchmark the safeguarding detector: precision/recall/F1 overall and per kind, ablation, speed.

Usage: python bench/safeguarding.py [--misses] [--data POLIS_DIR] [--max-rate 0.01]

Cases: bench/data/safeguarding_dev.tsv (the rules were written, and the cut-off chosen, on it)
and bench/data/safeguarding_test.tsv (held out: committed before the detector existed, never
tuned on; the headline figures). Each split is half disclosures of six kinds, half benign
answers that use the same words ("the kids are safe now", "I'd kill for a bus that comes").
Both were written by us (the author of the rules), so the held-out figures are optimistic.

Configurations (ablation): rules only; similarity only (MiniLM margin over described
situations minus benign contrasts, suppressors on); combined (rules, else similarity).

Ordinary answers: the demo's SEL answers (in-domain; written for the demo, no disclosure meant:
the flagged ones are printed with --misses to be read), split in two halves, dev / held-out;
and the moderated Pol.is comments under --data (real public text, out of domain, never tuned on).

Operating point (fixed rule): the similarity cut-off (margin) with the highest recall of the
similarity stage on the dev disclosures among those whose similarity stage flags at most
--max-rate of the dev half of the demo answers; ties → the larger cut-off (fewer flags). The
rules were written on dev (they catch every dev disclosure), so the combined detector's recall
cannot tell cut-offs apart there: the similarity stage's own recall is used; the rules' own
false alarms are fixed and reported separately.
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


def cached(encode):
    """The encoder with a memory: each text is embedded once however many cut-offs are tried."""
    memory: dict[str, np.ndarray] = {}

    def encode_once(texts):
        todo = list(dict.fromkeys(t for t in texts if t not in memory))
        if todo:
            memory.update(zip(todo, encode(todo), strict=True))
        return np.array([memory[t] for t in texts])

    return encode_once


def choose_margin(cases, make, ordinary: list[str], max_rate: float) -> float:
    """The margin with the highest recall on the dev disclosures among those flagging at most
    `max_rate` of the ordinary dev answers; ties → the larger margin."""
    disclosures = [c[0] for c in cases if c[1]]
    best = (-1.0, 0.0)
    for margin in np.round(np.arange(-0.10, 0.50, 0.01), 2):
        det = make(float(margin))
        if flag_rate(det, ordinary) > max_rate:
            continue
        best = max(best, (flag_rate(det, disclosures), float(margin)))
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="print flagged and missed answers")
    parser.add_argument("--data", type=Path, default=Path("/work/shared/realdata/polis"))
    parser.add_argument("--max-rate", type=float, default=0.01, help="of ordinary dev answers")
    args = parser.parse_args()
    embedder = Embedder()
    started = time.perf_counter()
    embedder.encode(["warm up"])
    print(f"encoder {embedder.model_id}: loaded in {time.perf_counter() - started:.1f} s")
    encode = cached(embedder.encode)

    dev, test = load("dev"), load("test")
    print(
        f"cases (written by us): dev {len(dev)} ({sum(c[1] for c in dev)} disclosures), "
        f"held-out {len(test)} ({sum(c[1] for c in test)} disclosures)"
    )

    def similarity_only(margin):
        return detector.Detector(encode, margin=margin, use_rules=False)

    demo = demo_answers()
    demo_dev, demo_test = demo[::2], demo[1::2]
    polis = background(args.data)
    margin = choose_margin(dev, similarity_only, demo_dev, args.max_rate)
    print(
        f"ordinary answers: demo {len(demo_dev)} dev + {len(demo_test)} held-out; Pol.is "
        f"{len(polis)} (not tuned on)\ncut-off chosen on dev (highest similarity recall on dev "
        f"disclosures with at most {args.max_rate:.0%} of the demo dev answers flagged): "
        f"{margin} (shipped: detector.MARGIN = {detector.MARGIN})"
    )
    configs = {
        "rules only": detector.Detector(),
        "similarity only": similarity_only(margin),
        "combined": detector.Detector(encode, margin=margin),
    }
    for split, cases, plain in (("dev", dev, demo_dev), ("held-out", test, demo_test)):
        print(f"\n{split}:")
        for name, det in configs.items():
            report(name, cases, det.check([c[0] for c in cases]))
            print(
                f"      demo answers flagged ({split} half): {flag_rate(det, plain):.1%}"
                f"   Pol.is comments flagged: {flag_rate(det, polis):.1%}"
            )
    print(f"\ndemo answers ({len(demo)}, both halves) flagged:")
    for name, det in configs.items():
        flagged = [(t, f) for t, f in zip(demo, det.check(demo), strict=True) if f.flag]
        print(f"  {name:<16} {len(flagged)} ({len(flagged) / len(demo):.1%})")
        if args.misses and name == "combined":
            for text, f in flagged:
                print(f"      {f.kind} ({f.stage}, {f.score:.2f}): {text}")
    if args.misses:
        print("\nheld-out mistakes (combined):")
        for c, f in zip(test, configs["combined"].check([c[0] for c in test]), strict=True):
            if c[1] != f.flag or (c[1] and c[2] != f.kind):
                print(
                    f"  gold {c[2] or '-'} said {f.kind or '-'} ({f.stage}, {f.score:.2f}): {c[0]}"
                )

    fresh = {
        "rules only": detector.Detector(),
        "combined": detector.Detector(embedder.encode, margin=margin),
    }
    texts = [c[0] for c in dev + test] * 8
    for name, det in fresh.items():
        started = time.perf_counter()
        det.check(texts)
        took = time.perf_counter() - started
        print(
            f"\nspeed {name}: {len(texts) / took:,.0f} answers/s"
            f" ({1000 * took / len(texts):.2f} ms each)"
        )


if __name__ == "__main__":
    main()
