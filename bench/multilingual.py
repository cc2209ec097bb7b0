"""Theme accuracy on answers in 9 languages: MiniLM for all vs non-English routed to e5.

    nice python bench/multilingual.py

bench/data/multilingual.csv: 6 answers in each of English, Portuguese, Spanish, Polish, Somali,
Bengali, Yoruba, Arabic and Turkish with the theme each was written for (written before any
model was run on it). Zero-shot on the default taxonomy; nothing is fitted on this table.
"Routed": the language detector's answer decides the model, as `flask themes assign` does.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from listening.language import detect_language  # noqa: E402
from listening.themes.pipeline import DEFAULT_TAXONOMY, Embedder, assign_texts  # noqa: E402
from listening.themes.pipeline.multilingual import (  # noqa: E402
    MultilingualEmbedder,
    verify_multilingual_model,
)

TABLE = ROOT / "bench" / "data" / "multilingual.csv"


def _score(rows, predicted) -> dict[str, tuple[int, int]]:
    by_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, theme in zip(rows, predicted, strict=True):
        by_lang[row["language"]][0] += theme == row["theme"]
        by_lang[row["language"]][1] += 1
    return {k: (v[0], v[1]) for k, v in by_lang.items()}


def main() -> None:
    with TABLE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts = [r["text"] for r in rows]
    print(f"table: {len(rows)} answers; weights {verify_multilingual_model()[:12]}… verified")
    t = time.perf_counter()
    languages = [detect_language(x) for x in texts]
    right = sum(a == r["language"] for a, r in zip(languages, rows, strict=True))
    print(
        f"language id: {right}/{len(rows)} "
        f"correct, {(time.perf_counter() - t) * 1000 / len(rows):.1f} ms/answer (incl. load)"
    )
    english, multi = Embedder(), MultilingualEmbedder()
    variants = {
        "minilm": dict(embedder=english),
        "e5-all": dict(embedder=multi),
        "routed": dict(embedder=english, languages=languages, multilingual=multi),
    }
    from listening.intake.redaction import redact  # what the app themes: the redacted text

    blind = [redact(x) for x in texts]  # before: every answer through the English redactor
    redacted = [redact(x, language=code) for x, code in zip(texts, languages, strict=True)]
    variants["routed, redacted blind"] = dict(variants["routed"], texts=blind)
    variants["routed, redacted"] = dict(variants["routed"], texts=redacted)
    results = {}
    for name, kwargs in variants.items():
        t = time.perf_counter()
        kwargs = dict(kwargs)
        out = assign_texts(kwargs.pop("texts", texts), DEFAULT_TAXONOMY, **kwargs)
        seconds = time.perf_counter() - t
        results[name] = _score(rows, [o["theme"] for o in out])
        print(f"{name:22} {seconds:6.2f} s for {len(rows)} (incl. prototypes and model load)")
    langs = list(dict.fromkeys(r["language"] for r in rows))
    for name, out in (("English path", blind), ("with language", redacted)):
        changed = sum(x != y for x, y in zip(texts, out, strict=True))
        tags = sum(y.count("[name]") for y in out)
        print(f"redaction ({name}) changed {changed}/{len(rows)} answers, {tags} [name] tags")
    print("\naccuracy (theme above threshold == the theme written for)")
    print("variant                " + " ".join(f"{x:>4}" for x in langs) + "  non-en   all")
    for name, scores in results.items():
        cells = " ".join(f"{scores[x][0]:>2}/{scores[x][1]}" for x in langs)
        non_en = sum(scores[x][0] for x in langs if x != "en")
        total = sum(v[0] for v in scores.values())
        print(f"{name:22} {cells}  {non_en:>2}/{len(rows) - 6}  {total:>2}/{len(rows)}")


if __name__ == "__main__":
    main()
