"""Answers in other languages in the app: runs and new answers use the multilingual model, and
its vectors never meet MiniLM's (embedding cache, sub-theme centroids, the queue's grouping)."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from listening.extensions import db
from listening.themes import embedding, operations, queries, queue, runs
from listening.themes.models import Assignment, EmbeddingCache, SubTheme, Theme
from listening.themes.pipeline import Embedder, text_key
from listening.themes.pipeline.multilingual import MultilingualEmbedder
from tests.conftest import release_language_holds

pytestmark = pytest.mark.slow

SPANISH = "El moho negro vuelve cada invierno y el casero no arregla la gotera del techo."
POLISH = "Odkąd mój mąż zmarł, siedzę sama w domu i z nikim nie rozmawiam."
TURKISH = "Kira her yıl artıyor ve ev sahibi rutubetli duvarları hiç tamir etmiyor."


def _with_languages(conversation, codes):
    for response, code in zip(conversation.responses, codes, strict=True):
        response.language = code
    db.session.flush()


def _run(campaign):
    run = operations.start_run(campaign, None, seed=42)
    db.session.commit()
    return runs.execute_run(run.id)


def _slug(row):
    return db.session.get(Theme, row.theme_id).slug if row.theme_id else None


def _cached(text, model_id) -> bool:
    query = select(EmbeddingCache.id).where(
        EmbeddingCache.key == text_key(text), EmbeddingCache.model_id == model_id
    )
    return db.session.scalar(query) is not None


def _stored(model_id) -> int:
    query = select(func.count(EmbeddingCache.id)).where(EmbeddingCache.model_id == model_id)
    return db.session.scalar(query)


@pytest.fixture
def lead(make_user):
    return make_user("safeguarding_lead", organisation=None)


@pytest.fixture
def mixed_campaign(themes_campaign, make_conversation, lead):
    conversation = make_conversation(themes_campaign, [SPANISH, POLISH], borough="lambeth")
    _with_languages(conversation, ["es", "pl"])
    release_language_holds(conversation, lead)  # held for a person first (issue 19)
    return themes_campaign, conversation


def test_a_run_themes_other_languages_with_the_multilingual_model(mixed_campaign):
    campaign, conversation = mixed_campaign
    run = _run(campaign)
    assert run.status == "succeeded", run.error
    assert run.parameters["other_language_responses"] == 2
    assert run.versions["multilingual_model"] == MultilingualEmbedder().model_id
    spanish, polish = (queries.model_row(r.id, run.id) for r in conversation.responses)
    assert _slug(spanish) == "housing" and _slug(polish) == "mental-health-isolation"
    assert not spanish.auto_accepted and spanish.map_x is None
    placed = [row for row in (spanish, polish) if row.sub_theme_id is not None]
    assert placed
    for row in placed:
        assert db.session.get(SubTheme, row.sub_theme_id).theme_id == row.theme_id
    # their vectors are cached under the multilingual model's id, and never embedded by MiniLM
    e5, minilm = MultilingualEmbedder().model_id, Embedder().model_id
    assert _cached(SPANISH, e5) and _cached(POLISH, e5)
    assert not _cached(SPANISH, minilm) and not _cached(POLISH, minilm)
    assert _stored(e5) == 2  # answers only: not the taxonomy's phrases nor sub-theme labels
    # both answers wait for a human (no calibration for the multilingual model's scores)
    waiting = {i.response.id for i in queue.items(campaign.id)}
    assert {r.id for r in conversation.responses} <= waiting


def test_minilm_centroids_leave_other_languages_out(mixed_campaign):
    campaign, conversation = mixed_campaign
    run = _run(campaign)
    embedder = embedding.make_embedder()
    centroids = embedding.sub_theme_centroids(run, embedder)
    spanish = queries.model_row(conversation.responses[0].id, run.id)
    sub_id = spanish.sub_theme_id
    assert sub_id is not None
    members = db.session.scalars(
        select(Assignment.response_id).where(Assignment.sub_theme_id == sub_id)
    ).all()
    english = [
        r.redacted_text
        for r in queries.responses_by_id(members).values()
        if r.language in (None, "en")
    ]
    assert len(english) < len(members)
    expected = embedder.encode(english).sum(axis=0)
    expected /= np.linalg.norm(expected)
    assert np.allclose(centroids[spanish.theme_id][sub_id], expected, atol=1e-5)


def test_the_queue_groups_other_languages_by_text_only(mixed_campaign):
    campaign, conversation = mixed_campaign
    spanish = conversation.responses[0]
    # even a MiniLM vector stored for the same text (another campaign, an older run) is not used
    same = np.ones(384, np.float32) / np.sqrt(384)
    embedding.DatabaseEmbeddingCache(Embedder().model_id).put_many(
        {text_key(SPANISH): same, text_key(POLISH): same}
    )
    english = conversation.responses[1]
    english.language = "en"
    assert set(queue._vectors([spanish, english], Embedder().model_id)) == {english.id}


def test_new_answers_in_other_languages_are_assigned_and_placed(
    mixed_campaign, make_conversation, lead
):
    campaign, _ = mixed_campaign
    run = _run(campaign)
    new = make_conversation(campaign, [TURKISH, "The landlord won't fix the damp"])
    _with_languages(new, ["tr", "en"])
    release_language_holds(new, lead)
    assert runs.assign_conversations([new.id]) == 2
    turkish, english = (queries.model_row(r.id, run.id) for r in new.responses)
    assert _slug(turkish) == "housing" and _slug(english) == "housing"
    assert turkish.auto_accepted is False and turkish.confidence is not None
    assert turkish.sub_theme_id is not None
    assert db.session.get(SubTheme, turkish.sub_theme_id).theme_id == turkish.theme_id
    assert _cached(TURKISH, MultilingualEmbedder().model_id)
    assert _stored(MultilingualEmbedder().model_id) == 3
    assert not _cached(TURKISH, Embedder().model_id)


def test_split_and_merge_leave_other_languages_out_of_minilm(mixed_campaign, make_user):
    campaign, conversation = mixed_campaign
    run = _run(campaign)
    reviewer = make_user("reviewer")
    spanish = conversation.responses[0]
    sub = db.session.get(SubTheme, queries.model_row(spanish.id, run.id).sub_theme_id)
    assert len(queries.sub_theme_members(sub)) >= 3
    new = operations.split_sub_theme(sub, reviewer)  # a 2-means of the English answers only
    db.session.commit()
    assert queries.model_row(spanish.id, run.id).sub_theme_id == sub.id
    assert spanish.id not in queries.sub_theme_members(new)
    operations.merge_sub_themes(sub, [new], reviewer)  # described again from English answers
    db.session.commit()
    assert spanish.id not in sub.representative_ids
    assert not _cached(SPANISH, Embedder().model_id)
