"""Benchmark of the theme pipeline (prints figures; not part of the test suite).

    python bench/themes.py                    # SEL phrases, Cambridge PB, Pol.is Bowling Green
    python bench/themes.py --parts scale --scale 10000 50000
    nice python bench/themes.py --parts cambridge

Pol.is data: "Data was gathered using the Polis software (compdemocracy.org/polis) and is
sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy Project."
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("LISTENING_REALDATA", "/work/shared/realdata"))

from listening.themes.pipeline import (  # noqa: E402
    DEFAULT_TAXONOMY, Document, Embedder, Theme, ThemeAssigner, run_pipeline,
)

# Written for this benchmark, in facilitators' words; not copied from the theme descriptions.
FACILITATOR_PHRASES = [
    ("the landlord ignores the leak", "housing"),
    ("there's black mould all over the kids' bedroom wall", "housing"),
    ("we've been in a hostel for two years with three children", "housing"),
    ("the council keeps saying we're band C on the list", "housing"),
    ("my rent went up again and I might have to move out", "housing"),
    ("six of us in a two bed flat", "housing"),
    ("people look at me differently because of my headscarf", "migration-race"),
    ("still waiting on my papers from the Home Office", "migration-race"),
    ("my son gets stopped by police all the time because he's black", "migration-race"),
    ("I was a nurse back home but here they don't accept my certificate", "migration-race"),
    ("can't see a doctor without someone to translate for me", "migration-race"),
    ("no recourse so I can't get any help", "migration-race"),
    ("I do nights at the warehouse and it's still not enough", "work-wages-cost-of-living"),
    ("electric bill has doubled this year", "work-wages-cost-of-living"),
    ("I skip meals so the kids can eat", "work-wages-cost-of-living"),
    ("my hours get cut without warning", "work-wages-cost-of-living"),
    ("universal credit doesn't cover anything", "work-wages-cost-of-living"),
    ("the bus costs too much to get to work", "work-wages-cost-of-living"),
    ("I haven't spoken to anyone all week", "mental-health-isolation"),
    ("since my husband died I don't go out", "mental-health-isolation"),
    ("I've been on the waiting list for therapy for eight months", "mental-health-isolation"),
    ("my anxiety is so bad I can't leave the house", "mental-health-isolation"),
    ("there's nowhere for older people to meet any more", "mental-health-isolation"),
    ("I feel so alone since I moved here", "mental-health-isolation"),
    ("nothing for teenagers to do round here", "children-young-people-parents"),
    ("my daughter was excluded from school and nobody helps", "children-young-people-parents"),
    ("nursery fees cost more than my wages", "children-young-people-parents"),
    ("the youth club shut down so the kids are on the streets", "children-young-people-parents"),
    ("my son has autism and we've waited two years for an assessment",
     "children-young-people-parents"),
    ("I'm a single mum and I'm doing it all on my own", "children-young-people-parents"),
]

# One line per committee, written from the committee names alone (not tuned on the ideas).
CAMBRIDGE_TAXONOMY = [
    Theme("streets", "Streets, Sidewalks & Transit",
          "Streets, sidewalks, crosswalks, bike lanes, bus stops and shelters, traffic safety, "
          "parking and public transport."),
    Theme("environment", "Environment, Health & Safety",
          "Environment, public health and safety: trees, solar energy, recycling and composting, "
          "water fountains, public toilets, air quality, lighting and emergency safety."),
    Theme("parks", "Parks, Recreation & Education",
          "Parks, playgrounds, sports fields, courts, pools, gardens, outdoor fitness equipment "
          "and recreation for all ages."),
    Theme("culture", "Culture & Community",
          "Culture and community facilities: libraries, public art and murals, community "
          "centres, museums, events, senior centres and services for residents."),
    Theme("youth", "Youth Education & Technology",
          "Youth, schools and technology: public Wi-Fi, computers and laptops, digital access, "
          "STEM programs, teen centres and after-school learning."),
]


class MemoryCache:
    """The embedding cache protocol, in memory (the app's lives in the database)."""

    def __init__(self):
        self.store: dict = {}

    def get_many(self, keys):
        return {k: self.store[k] for k in keys if k in self.store}

    def put_many(self, items):
        self.store.update(items)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def section(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


def scores(y_true, y_pred) -> str:
    from sklearn.metrics import accuracy_score, f1_score

    y_pred = [p if p is not None else "(none)" for p in y_pred]
    return (f"accuracy {accuracy_score(y_true, y_pred):.3f}  "
            f"macro-F1 {f1_score(y_true, y_pred, average='macro', zero_division=0):.3f}")


def argmax(assigner: ThemeAssigner, x: np.ndarray) -> list[str]:
    return [assigner.slugs[i] for i in assigner.predict_proba(x).argmax(axis=1)]


def bench_sel(embedder: Embedder) -> None:
    section("SEL taxonomy: descriptions vs names only, 30 facilitator phrases")
    x = embedder.encode([p for p, _ in FACILITATOR_PHRASES])
    y = [t for _, t in FACILITATOR_PHRASES]
    names_only = [Theme(t.slug, t.name, "") for t in DEFAULT_TAXONOMY]
    for label, taxonomy in (("with descriptions", DEFAULT_TAXONOMY), ("names only", names_only)):
        assigner = ThemeAssigner(taxonomy, embedder=embedder).fit()
        print(f"{label:18s} best theme: {scores(y, argmax(assigner, x))} | with threshold "
              f"{assigner.threshold}: {scores(y, assigner.predict(x))}")


def load_cambridge():
    with (DATA / "cambridge-pb" / "ideas_labelled.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    slug = {t.name: t.slug for t in CAMBRIDGE_TAXONOMY}
    texts = [f"{r['title'].strip()}. {r['description'] or ''}".strip() for r in rows]
    return texts, np.asarray([slug[r["committee_normalised"]] for r in rows])


def bench_cambridge(embedder: Embedder, seeds=(0, 1, 2)) -> None:
    from sklearn.metrics import normalized_mutual_info_score as nmi

    section("Cambridge participatory budgeting (2,079 ideas, 5 committees)")
    texts, y = load_cambridge()
    start = time.perf_counter()
    x = embedder.encode(texts)
    print(f"embedded {len(texts)} ideas in {time.perf_counter() - start:.1f}s")
    plain = ThemeAssigner(CAMBRIDGE_TAXONOMY, embedder=embedder, self_training=False).fit()
    print(f"zero-shot, phrases only         : {scores(y, argmax(plain, x))}")
    adapted = ThemeAssigner(CAMBRIDGE_TAXONOMY, embedder=embedder).fit(x)
    print(f"zero-shot + self-training (run)  : {scores(y, argmax(adapted, x))}  "
          f"(coverage at threshold {np.mean([p is not None for p in adapted.predict(x)]):.3f})")
    for per_class in (25, 50):
        results = []
        for seed in seeds:
            rng = np.random.default_rng(seed)
            chosen = np.concatenate([rng.choice(np.flatnonzero(y == c), per_class, replace=False)
                                     for c in np.unique(y)])
            labels = [None] * len(y)
            for i in chosen:
                labels[i] = str(y[i])
            held_out = np.setdiff1d(np.arange(len(y)), chosen)
            fitted = ThemeAssigner(CAMBRIDGE_TAXONOMY, embedder=embedder,
                                   random_state=seed).fit(x, labels)
            results.append((y[held_out], argmax(fitted, x[held_out]), fitted.cross_val_accuracy_))
        acc = np.mean([np.mean(t == np.asarray(p)) for t, p, _ in results])
        from sklearn.metrics import f1_score

        f1 = np.mean([f1_score(t, p, average="macro") for t, p, _ in results])
        cv = np.mean([c for _, _, c in results])
        print(f"{per_class} labels per class (held-out, mean of {len(seeds)} draws): "
              f"accuracy {acc:.3f}  macro-F1 {f1:.3f}  (reported cross_val_accuracy_ {cv:.3f})")

    cache = MemoryCache()
    cached = Embedder(cache=cache)
    cache.put_many(dict(zip(_keys(texts), x, strict=True)))
    docs = [Document(str(i), t) for i, t in enumerate(texts)]
    start = time.perf_counter()
    result = run_pipeline(docs, CAMBRIDGE_TAXONOMY, embedder=cached, random_state=0)
    ours_time = time.perf_counter() - start
    key = dict(result.discovery.doc_subtheme)
    ours = [key.get(d.id, "none") for d in docs]
    print(f"pipeline discovery: {len(result.discovery.subthemes)} sub-themes in {ours_time:.1f}s "
          f"(embeddings cached); NMI vs committees {nmi(y, ours):.3f}")
    for sub in result.discovery.subthemes[:8]:
        print(f"   {sub.key:14s} {len(sub.doc_ids):4d}  {sub.label}")

    from bertopic import BERTopic

    start = time.perf_counter()
    topics, _ = BERTopic(embedding_model=embedder.model).fit_transform(texts, embeddings=x)
    topics = np.asarray(topics)
    inliers = topics != -1
    print(f"BERTopic() defaults: {len(set(topics) - {-1})} topics + {np.mean(~inliers):.0%} "
          f"outliers in {time.perf_counter() - start:.1f}s; NMI vs committees {nmi(y, topics):.3f}"
          f" (inliers only {nmi(y[inliers], topics[inliers]):.3f})")


def _keys(texts):
    from listening.themes.pipeline import text_key

    return [text_key(t) for t in texts]


def load_polis(folder: str) -> list[str]:
    with (DATA / "polis" / folder / "comments.csv").open(encoding="utf-8") as fh:
        return [r["comment-body"] for r in csv.DictReader(fh) if r["moderated"].strip() == "1"]


def bench_polis(embedder: Embedder) -> None:
    import tracemalloc

    section("Pol.is Bowling Green (moderated == 1)")
    texts = load_polis("american-assembly.bowling-green")
    docs = [Document(str(i), t) for i, t in enumerate(texts)]
    tracemalloc.start()
    start = time.perf_counter()
    result = run_pipeline(docs, embedder=embedder, random_state=0)
    elapsed = time.perf_counter() - start
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    themed = sum(a.theme is not None for a in result.assignments)
    print(f"{len(texts)} comments: full run {elapsed:.1f}s (model warm), python peak "
          f"{traced / 2**20:.0f} MB (tracemalloc), process peak RSS {peak_rss_mb():.0f} MB")
    print(f"{themed} matched an SEL theme; {len(result.discovery.subthemes)} sub-themes:")
    for sub in result.discovery.subthemes:
        print(f"   {sub.key:34s} {len(sub.doc_ids):4d}  {sub.label}")


PARTS = {
    "subject": ["My landlord", "The council", "My boss", "The school", "The GP surgery",
                "The Home Office", "My neighbour", "The job centre", "The youth club", "The bus"],
    "issue": ["ignores the leak in the bathroom", "has put the rent up again",
              "cut my hours and I can't pay the bills", "excluded my son for nothing",
              "had no appointments for my anxiety", "still hasn't decided on my asylum claim",
              "never speaks to me, I'm so lonely", "sanctioned my universal credit",
              "closed and the teenagers have nowhere to go", "is too expensive to get to work"],
    "tail": ["", " and nobody listens.", " It has been like this for months.",
             " My kids are suffering.", " I don't know who to ask for help.",
             " Everyone round here says the same."],
}


def synthetic(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    picks = [rng.integers(0, len(v), n) for v in PARTS.values()]
    numbers = rng.integers(1, 60, n)
    return [f"{PARTS['subject'][a]} {PARTS['issue'][b]}{PARTS['tail'][c]} ({d} weeks)"
            for a, b, c, d in zip(*picks, numbers, strict=True)]


def bench_scale(embedder: Embedder, sizes: list[int]) -> None:
    for n in sizes:
        section(f"Synthetic scale: {n:,} answers ({os.cpu_count()} CPUs visible)")
        texts = synthetic(n)
        cache = MemoryCache()
        counted = Embedder(cache=cache)
        start = time.perf_counter()
        counted.encode(texts)
        embed_s = time.perf_counter() - start
        print(f"embedding: {n / embed_s:.0f} answers/s ({embed_s:.0f}s)")
        docs = [Document(str(i), t) for i, t in enumerate(texts)]
        start = time.perf_counter()
        result = run_pipeline(docs, embedder=Embedder(), random_state=0)
        print(f"full run (embedding included): {time.perf_counter() - start:.0f}s, "
              f"{len(result.discovery.subthemes)} sub-themes, peak RSS {peak_rss_mb():.0f} MB")
        assigner = ThemeAssigner.from_state(result.assigner_state, embedder=embedder)
        new = synthetic(100, seed=99)
        start = time.perf_counter()
        assigner.assign([str(i) for i in range(100)], embedder.encode(new))
        print(f"assign 100 new answers, model warm: {time.perf_counter() - start:.2f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="sel,cambridge,polis",
                        help="comma-separated: sel, cambridge, polis, scale")
    parser.add_argument("--scale", type=int, nargs="*", default=[10_000, 50_000])
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    embedder = Embedder()
    start = time.perf_counter()
    embedder.encode(["warm up"])
    print(f"model {embedder.model_id} loaded in {time.perf_counter() - start:.1f}s, "
          f"torch threads {__import__('torch').get_num_threads()}")
    if "sel" in parts:
        bench_sel(embedder)
    if "polis" in parts:
        bench_polis(embedder)
    if "cambridge" in parts:
        bench_cambridge(embedder)
    if "scale" in parts:
        bench_scale(embedder, args.scale)


if __name__ == "__main__":
    main()
