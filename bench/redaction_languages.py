"""Benchmark redaction of answers in 8 other languages: PII caught, words kept, ablation, speed.

Usage: python bench/redaction_languages.py [--misses dev|test]

Table: bench/data/redaction_multilingual.csv (136 hand-written answers in Portuguese, Spanish,
Polish, Somali, Bengali, Yoruba, Arabic and Turkish, written and committed before the redactor
was changed). Split by a fixed seeded rule on the row id (`split_of`): rules were read against
dev only; test is the headline. A personal detail counts as caught when every non-space
character of it lies inside a detected span. Keep: every word of an ordinary answer, and every
word outside the personal details of the others, that no span touches.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from listening.intake import redaction  # noqa: E402
from listening.intake.redaction import Stages  # noqa: E402
from listening.intake.redaction.languages import RULES  # noqa: E402

TABLE = Path(__file__).parent / "data" / "redaction_multilingual.csv"
SEED = "redaction-ml-2026"
_WORD = re.compile(r"\w+")

# (name, stages, pass the answer's language?) — each row adds one layer to the one above.
CONFIGS = [
    ("before: English path for every answer", Stages(), False),
    (
        "patterns + v1 shapes, no names",
        Stages(ner=False, names=False, local=False, normalise=False),
        True,
    ),
    ("+ normalisation (digits, NFKC)", Stages(ner=False, names=False, local=False), True),
    ("+ local phones and dates of birth", Stages(ner=False, names=False), True),
    ("+ name layer (shipped)", Stages(), True),
    *[
        (f"  shipped without {rule}", Stages(name_rules_off=frozenset({rule})), True)
        for rule in RULES
    ],
]


def split_of(row_id: str) -> str:
    """The fixed rule: the first byte of SHA-256(seed:id), even → test, odd → dev."""
    return "test" if hashlib.sha256(f"{SEED}:{row_id}".encode()).digest()[0] % 2 == 0 else "dev"


def load_rows(path: Path = TABLE) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["pii"] = [p.strip() for p in row["pii"].split(" || ") if p.strip()]
        row["split"] = split_of(row["id"])
    return rows


def spans_for(row: dict, stages: Stages, with_language: bool) -> list[tuple[int, int]]:
    language = row["language"] if with_language else None
    return [(s.start, s.end) for s in redaction.find_pii(row["text"], stages, language)]


def score(rows: list[dict], stages: Stages, with_language: bool):
    """[caught, total] per category, [kept, total] words, and the misses."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    for row in rows:
        text, spans = row["text"], spans_for(row, stages, with_language)
        taken = set()
        for item in row["pii"]:
            at = text.find(item)
            chars = [at + i for i, c in enumerate(item) if not c.isspace()]
            taken |= set(range(at, at + len(item)))
            ok = at >= 0 and all(any(b <= i < e for b, e in spans) for i in chars)
            tally[row["category"]][0] += ok
            tally[row["category"]][1] += 1
            if not ok:
                misses.append(f"  miss {row['id']} {item!r} -> {[text[b:e] for b, e in spans]}")
        kind = "keep_ordinary" if row["category"] == "ordinary" else "keep_in_context"
        for word in _WORD.finditer(text):
            if word.start() in taken:
                continue
            ok = not any(b < word.end() and word.start() < e for b, e in spans)
            tally[kind][0] += ok
            tally[kind][1] += 1
            if not ok:
                misses.append(f"  over {row['id']} {word[0]!r} in {text!r}")
    return tally, misses


def share(tally, keep: bool) -> tuple[int, int]:
    hits = sum(h for c, (h, _) in tally.items() if c.startswith("keep") == keep)
    total = sum(n for c, (_, n) in tally.items() if c.startswith("keep") == keep)
    return hits, total


def pct(pair: tuple[int, int]) -> str:
    return f"{100 * pair[0] / pair[1]:.1f}%" if pair[1] else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", choices=["dev", "test"], default=None)
    args = parser.parse_args()
    rows = load_rows()
    splits = {s: [r for r in rows if r["split"] == s] for s in ("test", "dev")}
    print(f"rows: test {len(splits['test'])}, dev {len(splits['dev'])}")
    started = time.perf_counter()
    redaction.find_pii("Warm-up: load the model, the word tables and the analyzer once.")
    print(f"load: {time.perf_counter() - started:.2f} s")
    header = "test PII | test keep (ordinary) | dev PII | dev keep (ordinary)"
    print(f"\n{'layers':40} {header}")
    detail = {}
    for name, stages, with_language in CONFIGS:
        cells = []
        for split, chosen in splits.items():
            tally, misses = score(chosen, stages, with_language)
            if stages == Stages() and with_language:
                detail[split] = (tally, misses)
            keep_ord = tuple(tally["keep_ordinary"])
            cells += [pct(share(tally, False)), f"{pct(share(tally, True))} ({pct(keep_ord)})"]
        print(f"{name:40} {cells[0]:>8} | {cells[1]:>20} | {cells[2]:>7} | {cells[3]}")
    for split in ("test", "dev"):
        tally, misses = detail[split]
        print(f"\nper category, shipped ({split}{', held out' if split == 'test' else ''}):")
        for category in sorted(tally):
            hits, total = tally[category]
            print(f"  {category:16} {hits:3}/{total:<3} ({100 * hits / total:.0f}%)")
        by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for row in splits[split]:
            t, _ = score([row], Stages(), True)
            pii, keep = share(t, False), share(t, True)
            cell = by_language[row["language"]]
            cell[0], cell[1], cell[2], cell[3] = (
                cell[0] + pii[0],
                cell[1] + pii[1],
                cell[2] + keep[0],
                cell[3] + keep[1],
            )
        print("  by language (PII caught, words kept): ", end="")
        print(", ".join(f"{k} {v[0]}/{v[1]} {v[2]}/{v[3]}" for k, v in sorted(by_language.items())))
        if args.misses == split:
            print(*misses, sep="\n")
    texts = [r["text"] for r in rows] * 5
    for label, with_language in (("with language", True), ("language unknown", False)):
        started = time.perf_counter()
        for i, text in enumerate(texts):
            redaction.redact(
                text, language=rows[i % len(rows)]["language"] if with_language else None
            )
        seconds = time.perf_counter() - started
        print(f"speed ({label}): {len(texts) / seconds:,.0f} answers/s over {len(texts)} answers")


if __name__ == "__main__":
    main()
