"""Benchmark PII redaction: recall per category, keep-list share, ablation, speed.

Usage: python bench/redaction.py [--cases FILE] [--n 2000] [--data DIR] [--split dev|test|both]
                                 [--misses dev|test]

Cases (bench/data/redaction_cases.tsv) are hand-written: a `dev` split used for tuning and a
held-out `test` split written before the first run and never tuned on (the headline figure).
Each case is redacted as `flask privacy redact` does it: with the language detected from its
text (answers in Portuguese, Spanish, Polish... take that language's layers). A personal detail
counts as removed when every non-space character of it lies inside a detected span (a span
that is only reported to the reviewer, such as `role_at_place`, counts); a keep-list word
counts as kept when no span touches it. While tuning, run `--split dev`: the test split is
printed once the choices are final.
Speed: model load time, then answers/s and per-answer latency (p50/p95) over --n answers: the
moderated-in comment bodies of the Polis data under --data (real free text, mostly without
personal data), with every tenth answer given a sentence of synthetic personal data.
Run with OMP_NUM_THREADS=1 (as gunicorn workers should): multi-threaded BLAS only adds
contention for matrices this small.
"""

from __future__ import annotations

import argparse
import collections
import csv
import itertools
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from listening.intake import redaction  # noqa: E402
from listening.intake.redaction import Stages, contextual, legacy  # noqa: E402
from listening.language import detect_language  # noqa: E402

CASES = Path(__file__).parent / "data" / "redaction_cases.tsv"
PII = " My name is Adewale, call me on 07700 900123 or visit Flat 3, 12 Peckham Road SE15 5DQ."
V3 = frozenset(contextual.RECOGNISERS)  # redactor 3: none of the contextual recognisers
CONFIGS = {
    "v1 regex + word lists (old)": None,
    "Presidio patterns only": Stages(ner=False, normalise=False, legacy=False, off=V3),
    "patterns + v1 shapes": Stages(ner=False, normalise=False, off=V3),
    "+ NER (en_core_web_sm)": Stages(normalise=False, off=V3),
    "+ normalisation (redactor 3)": Stages(off=V3),
    "+ contextual recognisers (redactor 4, shipped)": Stages(),
    **{f"shipped without {name}": Stages(off=frozenset({name})) for name in contextual.RECOGNISERS},
}


NEW_CATEGORIES = frozenset(
    "number_words handle_no_at case_reference house_number name_ordinary_word named_role_place"
    " unique_description keep_orgs_helplines".split()
)


def load_cases(path: Path) -> list[dict]:
    """The case table, with \\uXXXX escapes turned into characters."""

    def decode(value: str) -> str:
        return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), value)

    def items(value: str) -> list[str]:
        return [decode(v.strip()) for v in value.split(" || ") if v.strip()]

    lines = [ln for ln in path.read_text("utf-8").splitlines() if ln and not ln.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        {**r, "text": decode(r["text"]), "pii": items(r["pii"]), "keep": items(r["keep"])}
        for r in rows
    ]


def spans_for(text: str, stages: Stages | None) -> list[tuple[int, int]]:
    if stages is None:
        found = legacy.find_pii(text)
    else:
        found = redaction.find_pii(text, stages, language=detect_language(text))
    return [(s.start, s.end) for s in found]


def score(cases: list[dict], stages: Stages | None):
    """Per category: [hits, total] for personal details and for keep-list words; misses."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for case in cases:
        spans = spans_for(case["text"], stages)
        for item in case["pii"]:
            at = case["text"].find(item)
            chars = [at + i for i, c in enumerate(item) if not c.isspace()]
            ok = at >= 0 and all(any(b <= i < e for b, e in spans) for i in chars)
            _count(tally, case, ok, misses, item, spans)
        for item in case["keep"]:
            at = case["text"].find(item)
            ok = at >= 0 and not any(b < at + len(item) and at < e for b, e in spans)
            _count(tally, case, ok, misses, item, spans, keep=True)
    return tally, misses


def _count(tally, case, ok, misses, item, spans, keep=False) -> None:
    category = case["category"]
    if keep and not category.startswith("keep"):  # ordinary words next to personal details
        category = f"keep_in_{category}" if category in NEW_CATEGORIES else "keep_in_context"
    tally[category][0] += ok
    tally[category][1] += 1
    if not ok:
        found = [case["text"][b:e] for b, e in spans]
        misses.append(f"  {category:20} {item!r:34} in {case['text']!r} -> {found}")


def totals(tally) -> tuple[float, float]:
    def share(keep: bool) -> float:
        hits = sum(h for c, (h, _) in tally.items() if c.startswith("keep") == keep)
        total = sum(n for c, (_, n) in tally.items() if c.startswith("keep") == keep)
        return 100 * hits / total if total else float("nan")

    return share(False), share(True)


def report_accuracy(cases: list[dict], chosen: tuple[str, ...], show_misses: str | None) -> None:
    splits = {s: [c for c in cases if c["split"] == s] for s in chosen}
    counts = ", ".join(f"{s}: {len(c)} cases" for s, c in splits.items())
    print(f"cases: {counts}")
    heads = [f"{s} {what}" for s in splits for what in ("PII", "keep")]
    print(f"\n{'ablation':48}", *(f"{h:>10}" for h in heads))
    detail = {}
    for name, stages in CONFIGS.items():
        row = []
        for split, rows in splits.items():
            tally, misses = score(rows, stages)
            if stages == Stages():  # the shipped configuration: its details are printed
                detail[split] = (tally, misses)
            row += [f"{x:.1f}%" for x in totals(tally)]
        print(f"{name:48}", *(f"{x:>10}" for x in row))
    for split in splits:
        tally = detail[split][0]
        pii = [sum(v[i] for c, v in tally.items() if not c.startswith("keep")) for i in (0, 1)]
        keep = [sum(v[i] for c, v in tally.items() if c.startswith("keep")) for i in (0, 1)]
        print(
            f"shipped, {split}: {pii[0]}/{pii[1]} personal details removed, "
            f"{keep[0]}/{keep[1]} keep-list words kept"
        )
    for split in splits:
        tally, misses = detail[split]
        print(f"\nper category, shipped ({split}{', held out' if split == 'test' else ''}):")
        for category in sorted(tally):
            hits, total = tally[category]
            kind = "kept" if category.startswith("keep") else "removed"
            new = " (issue 19)" if category in NEW_CATEGORIES else ""
            print(f"  {category:20} {hits:3}/{total:<3} {kind} ({100 * hits / total:.0f}%){new}")
        if show_misses == split:
            print(f"misses ({split}):", *misses, sep="\n")


def speed_answers(data: Path, n: int) -> list[str]:
    """`n` real answers from the Polis data, every tenth with synthetic personal data added."""
    bodies = []
    for path in sorted(data.glob("*/comments.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            bodies += [r["comment-body"] for r in csv.DictReader(fh) if r["moderated"] == "1"]
    answers = list(itertools.islice(itertools.cycle(bodies or [PII.strip()]), n))
    return [a + PII if i % 10 == 0 else a for i, a in enumerate(answers)]


def report_speed(data: Path, n: int) -> None:
    answers = speed_answers(data, n)
    latencies, found = [], collections.Counter()
    for i, answer in enumerate(answers):
        started = time.perf_counter()
        redaction.redact(answer)
        latencies.append(time.perf_counter() - started)
        if i % 10:  # answers without the synthetic sentence: what is found there is mostly noise
            found.update(s.kind for s in redaction.find_pii(answer))
    total = sum(latencies)
    cuts = statistics.quantiles(latencies, n=20)
    chars = sum(map(len, answers)) / len(answers)
    print()
    print(f"answers: {len(answers)} ({chars:.0f} chars on average)")
    print(f"throughput: {len(answers) / total:,.0f} answers/s (1 process)")
    print(f"latency per answer: p50 {1000 * cuts[9]:.1f} ms, p95 {1000 * cuts[18]:.1f} ms")
    clean = len(answers) - len(answers[::10])
    print(f"spans found in {clean} real answers without synthetic data: {dict(found)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=Path("/work/shared/realdata/polis"))
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--misses", choices=["dev", "test"], default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    redaction.find_pii("Warm-up: load the model, the word table and the analyzer once.")
    print(f"model + word table + analyzer load: {time.perf_counter() - started:.2f} s")
    chosen = ("test", "dev") if args.split == "both" else (args.split,)
    report_accuracy(load_cases(args.cases), chosen, args.misses)
    if args.n:
        report_speed(args.data, args.n)


if __name__ == "__main__":
    main()
