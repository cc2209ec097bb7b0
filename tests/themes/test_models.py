"""Theme models: constraints and storage formats."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from listening.extensions import db
from listening.themes import embedding, operations
from listening.themes.models import EmbeddingCache, Theme


def test_theme_slugs_are_unique_per_campaign(make_campaign):
    campaign = make_campaign("models-a")
    other = make_campaign("models-b")
    operations.ensure_themes(campaign)
    operations.ensure_themes(other)  # the same slugs in another campaign are fine
    assert db.session.scalar(select(func.count(Theme.id))) == 10
    db.session.add(Theme(campaign_id=campaign.id, slug="housing", name="Again"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_ensure_themes_seeds_once(make_campaign):
    campaign = make_campaign("models-c")
    first = operations.ensure_themes(campaign)
    assert [t.position for t in first] == [0, 1, 2, 3, 4]
    assert operations.ensure_themes(campaign) == first


def test_embedding_cache_stores_float32_bytes_once_per_key_and_model():
    cache = embedding.DatabaseEmbeddingCache("test-model@1")
    vector = np.arange(384, dtype=np.float32) / 384
    cache.put_many({"a" * 64: vector})
    cache.put_many({"a" * 64: vector * 0})  # a second writer: ignored, not an error
    other = embedding.DatabaseEmbeddingCache("other-model@2")
    other.put_many({"a" * 64: vector + 1})
    got = cache.get_many(["a" * 64, "b" * 64])
    assert list(got) == ["a" * 64] and np.array_equal(got["a" * 64], vector)
    row = db.session.scalar(select(EmbeddingCache).where(EmbeddingCache.model_id == "test-model@1"))
    assert len(row.vector) == 384 * 4
    assert db.session.scalar(select(func.count(EmbeddingCache.id))) == 2


def test_assigner_state_round_trips_without_pickle():
    state = {
        "themes": [["a", "A", ""]],
        "params": {"threshold": np.float64(0.3)},
        "coef": np.zeros((0, 0)),
        "phrase_theme": np.array([0, 0], dtype=np.int64),
        "cross_val_accuracy": None,
    }
    tensors, meta = embedding.dump_state(state)
    assert meta == {
        "themes": [["a", "A", ""]],
        "params": {"threshold": 0.3},
        "cross_val_accuracy": None,
    }
    back = embedding.load_state(tensors, meta)
    assert back["coef"].shape == (0, 0) and back["phrase_theme"].tolist() == [0, 0]
