"""Evidence for queue.SAME_ANSWER_COSINE: pairs of a campaign's answers by cosine of their
stored embeddings, per band, with examples to read. Prints; asserts nothing.

    LISTENING_DATABASE_URL=sqlite:///instance/listening.sqlite3 \
        nice .venv/bin/python bench/same_answers.py --campaign sel-2023 [--examples 6]

Run it on a database where a theme run has finished (embeddings are stored then), or on
real public text without a database: `--corpus cambridge` (2,079 participatory-budgeting
ideas) or `--corpus polis-bg` (607 Pol.is comments), embedded as bench/themes.py does.
"""

from __future__ import annotations

import argparse

import numpy as np
from sqlalchemy import select

from listening import create_app
from listening.extensions import db
from listening.intake.models import Campaign, Conversation, Response
from listening.themes import queries, queue

BANDS = [0.75, 0.80, 0.85, 0.90, 0.93, 0.95, 0.97, 1.0001]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaign", default="sel-2023")
    parser.add_argument("--examples", type=int, default=6)
    parser.add_argument("--corpus", choices=["cambridge", "polis-bg"])
    args = parser.parse_args()
    if args.corpus:
        from bench import themes as bench_themes
        from listening.themes.pipeline import Embedder

        load = {"cambridge": bench_themes.load_cambridge, "polis-bg": bench_themes.load_polis_bg}
        texts = load[args.corpus]().texts
        report(texts, bench_themes.embed(Embedder(), texts), args.examples, args.corpus)
        return
    with create_app().app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == args.campaign))
        responses = list(
            db.session.scalars(
                select(Response)
                .join(Conversation)
                .where(Conversation.campaign_id == campaign.id)
                .order_by(Response.id)
            )
        )
        run = queries.current_run(campaign.id)
        vectors = queue._vectors(responses, run.model_id)
        kept = [r for r in responses if r.id in vectors]
        x = np.stack([vectors[r.id] for r in kept])
        report([r.redacted_text for r in kept], x, args.examples, run.model_id)


def report(texts: list[str], x: np.ndarray, examples: int, source: str) -> None:
    """Pairs per cosine band (identical-once-normalised pairs apart), with examples."""
    sims = x @ x.T
    keys = [queue.same_answer_key(t) for t in texts]
    upper = np.triu_indices(len(texts), 1)
    print(f"{len(texts)} texts ({source}), {len(upper[0])} pairs")
    identical = sum(1 for i, j in zip(*upper, strict=True) if keys[i] == keys[j])
    print(f"identical once normalised: {identical} pairs")
    band = np.digitize(sims[upper], BANDS)
    for n, (low, high) in enumerate(zip(BANDS, BANDS[1:], strict=False), start=1):
        pairs = [
            (float(sims[i, j]), i, j)
            for i, j in zip(upper[0][band == n], upper[1][band == n], strict=True)
            if keys[i] != keys[j]
        ]
        print(f"\ncosine [{low:.2f}, {min(high, 1):.2f}): {len(pairs)} pairs not identical")
        for s, i, j in sorted(pairs)[:: max(1, len(pairs) // examples)][:examples]:
            print(f"  {s:.3f}  {texts[i][:100]!r}\n         {texts[j][:100]!r}")


if __name__ == "__main__":
    main()
