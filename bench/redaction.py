"""Benchmark PII redaction: answers per second over 10,000 answers from real Polis comments.

Usage: python bench/redaction.py [--n 10000] [--pii-every 10] [--data DIR]
Answers are the moderated-in (moderated == 1) comment bodies of every comments.csv under DIR,
repeated to reach --n; every --pii-every-th answer gets a sentence of synthetic personal data
appended so the replacement path is measured too (0 turns that off).
"""

import argparse
import csv
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from listening.intake.redaction import find_pii, redact  # noqa: E402

PII = " My name is Adewale, call me on 07700 900123 or visit Flat 3, 12 Peckham Road SE15 5DQ."


def load_answers(data: Path, n: int, pii_every: int) -> list[str]:
    bodies = []
    for path in sorted(data.glob("*/comments.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            bodies += [r["comment-body"] for r in csv.DictReader(fh) if r["moderated"] == "1"]
    answers = list(itertools.islice(itertools.cycle(bodies), n))
    if pii_every:
        answers = [a + PII if i % pii_every == 0 else a for i, a in enumerate(answers)]
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--pii-every", type=int, default=10)
    parser.add_argument("--data", type=Path, default=Path("/work/shared/realdata/polis"))
    args = parser.parse_args()
    answers = load_answers(args.data, args.n, args.pii_every)

    started = time.perf_counter()
    find_pii("Warm-up: load spaCy and the word lists once.")
    load = time.perf_counter() - started

    started = time.perf_counter()
    redacted = [redact(a) for a in answers]
    elapsed = time.perf_counter() - started
    changed = sum(a != r for a, r in zip(answers, redacted, strict=True))
    chars = sum(map(len, answers))
    print(f"pipeline load: {load:.2f} s")
    print(
        f"answers: {len(answers)} ({chars / len(answers):.0f} chars on average), changed: {changed}"
    )
    print(f"redact: {elapsed:.2f} s, {len(answers) / elapsed:,.0f} answers/s")


if __name__ == "__main__":
    main()
