"""The "needs a human" queue: answers the model was unsure about, grouped and ordered.

Order: by expected gain of a decision, the model's uncertainty × the people the conversation
reached, summed over the answers one decision settles. Uncertainty is 1 − the margin between
the two best theme scores the run stored for the answer (a near tie is worth a look; a clear
winner under the threshold much less).

Identical answers (the same text once case, punctuation and spacing are ignored) and
near-identical ones (stored embeddings with cosine ≥ SAME_ANSWER_COSINE to the group's lead)
form one card, decided once for all of them. Answers in another language than English are only
grouped by their text: the run embedded them with the multilingual model, whose cosines crowd
near 0.8 (the 0.95 level was measured on MiniLM's), and a MiniLM vector of theirs says little.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from listening.extensions import db
from listening.intake.models import Response
from listening.themes import queries
from listening.themes.models import Assignment, AssignmentSource, EmbeddingCache, Theme

# Chosen by reading pairs per cosine band (`bench/same_answers.py`). The SEL demo has 266
# distinct texts and no pair of different texts above 0.75; Pol.is Bowling Green none above
# 0.90. On the 2,079 Cambridge participatory-budgeting ideas all 6 pairs of different texts at
# ≥ 0.95 are one idea reworded ("free WiFi. Saves taxpayers $80. per month" / "free wifi. Save
# taxpayer about $80. per month"), while [0.93, 0.95) already pairs different proposals
# sharing a boilerplate sentence (speed tables / neighbourhood connections, 0.940).
SAME_ANSWER_COSINE = 0.95
_NOT_WORD = re.compile(r"[\W_]+")


def same_answer_key(text: str | None) -> str:
    """The text with case, punctuation and runs of spaces ignored (NFKC, casefolded)."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    key = _NOT_WORD.sub(" ", folded).strip()
    return key or folded.strip()


def uncertainty(scores: dict[str, float] | None, score: float) -> float:
    """1 − (best − second best theme score); 1 − score when the run stored no scores."""
    values = sorted((float(v) for v in (scores or {}).values()), reverse=True)
    if not values:
        return max(0.0, 1.0 - float(score))
    margin = values[0] - (values[1] if len(values) > 1 else 0.0)
    return min(1.0, max(0.0, 1.0 - margin))


@dataclass
class Item:
    response: Response
    theme: Theme | None
    score: float
    uncertainty: float
    people: int

    @property
    def gain(self) -> float:
        return self.uncertainty * self.people


@dataclass
class Group:
    """One card: the lead answer and the answers that are the same as it."""

    items: list[Item] = field(default_factory=list)

    @property
    def lead(self) -> Item:
        return self.items[0]

    @property
    def others(self) -> list[Item]:
        return self.items[1:]

    @property
    def gain(self) -> float:
        return sum(i.gain for i in self.items)

    @property
    def people(self) -> int:
        return sum(i.people for i in self.items)

    @property
    def variants(self) -> list[str]:
        """The other wordings in the group (each distinct text once)."""
        seen = {self.lead.response.redacted_text}
        out = []
        for item in self.others:
            if item.response.redacted_text not in seen:
                seen.add(item.response.redacted_text)
                out.append(item.response.redacted_text)
        return out


def items(campaign_id: int, threshold: float = queries.LOW_CONFIDENCE) -> list[Item]:
    """Every answer waiting for a human, with its uncertainty and people reached."""
    rows = queries.needs_review(campaign_id, threshold=threshold, limit=None)[0]
    run = queries.current_run(campaign_id)
    scores = _stored_scores(run.id, [r.response_id for r in rows]) if run else {}
    responses = queries.responses_by_id([r.response_id for r in rows])
    themes = {t.id: t for t in queries.list_themes(campaign_id)}
    return [
        Item(
            responses[r.response_id],
            themes.get(r.theme_id),
            r.score,
            uncertainty(scores.get(r.response_id), r.score),
            r.people,
        )
        for r in rows
    ]


def groups(campaign_id: int, cosine: float = SAME_ANSWER_COSINE) -> list[Group]:
    """The queue as cards, highest expected gain first."""
    waiting = items(campaign_id)
    run = queries.current_run(campaign_id)
    vectors = _vectors([i.response for i in waiting], run.model_id if run else "")
    return _group(waiting, vectors, cosine)


def _group(waiting: list[Item], vectors: dict[int, np.ndarray], cosine: float) -> list[Group]:
    exact: dict[str, Group] = {}
    for item in sorted(waiting, key=lambda i: (-i.gain, i.response.id)):
        exact.setdefault(same_answer_key(item.response.redacted_text), Group()).items.append(item)
    candidates = sorted(exact.values(), key=lambda g: (-g.gain, g.lead.response.id))
    out: list[Group] = []
    taken: set[int] = set()
    for n, leader in enumerate(candidates):
        if n in taken:
            continue
        group = Group(list(leader.items))
        near = vectors.get(leader.lead.response.id)
        for m in range(n + 1, len(candidates)) if near is not None else ():
            other = vectors.get(candidates[m].lead.response.id)
            if m not in taken and other is not None and float(near @ other) >= cosine:
                taken.add(m)
                group.items += candidates[m].items
        out.append(group)
    return sorted(out, key=lambda g: (-g.gain, g.lead.response.id))


def same_answers(
    lead: Response, candidate_ids: Collection[int], cosine: float = SAME_ANSWER_COSINE
) -> list[Response]:
    """Those of the candidates still waiting for a human that are the same answer as `lead`."""
    campaign_id = lead.conversation.campaign_id
    waiting = {i.response.id: i.response for i in items(campaign_id)}
    candidates = [waiting[i] for i in sorted(set(candidate_ids)) if i in waiting and i != lead.id]
    run = queries.current_run(campaign_id)
    vectors = _vectors([lead, *candidates], run.model_id if run else "")
    key, near = same_answer_key(lead.redacted_text), vectors.get(lead.id)
    return [
        r
        for r in candidates
        if same_answer_key(r.redacted_text) == key
        or (near is not None and r.id in vectors and float(near @ vectors[r.id]) >= cosine)
    ]


def _stored_scores(run_id: int, response_ids: Sequence[int]) -> dict[int, dict]:
    out: dict[int, dict] = {}
    ids = list(response_ids)
    for start in range(0, len(ids), 500):
        out.update(
            db.session.execute(
                select(Assignment.response_id, Assignment.scores).where(
                    Assignment.run_id == run_id,
                    Assignment.source == AssignmentSource.MODEL,
                    Assignment.response_id.in_(ids[start : start + 500]),
                )
            ).all()
        )
    return out


def _vectors(responses: Sequence[Response], model_id: str) -> dict[int, np.ndarray]:
    """Response id → its stored unit embedding (answers not embedded yet have none)."""
    from listening.themes.pipeline.embed import text_key
    from listening.themes.pipeline.multilingual import is_routed

    by_key: dict[str, list[int]] = {}
    for r in responses:
        if is_routed(r.language):
            continue
        by_key.setdefault(text_key(r.redacted_text or ""), []).append(r.id)
    out: dict[int, np.ndarray] = {}
    keys = sorted(by_key)
    for start in range(0, len(keys), 500):
        rows = db.session.execute(
            select(EmbeddingCache.key, EmbeddingCache.vector).where(
                EmbeddingCache.model_id == model_id,
                EmbeddingCache.key.in_(keys[start : start + 500]),
            )
        )
        for key, blob in rows:
            vector = np.frombuffer(blob, dtype=np.float32)
            if np.any(vector):  # texts without words embed to zeros: never "near" anything
                out.update({rid: vector for rid in by_key[key]})
    return out
