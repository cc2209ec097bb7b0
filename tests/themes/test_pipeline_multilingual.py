"""Routing answers in other languages to the multilingual model (pure pipeline)."""

from __future__ import annotations

import numpy as np
import pytest

from listening.themes.pipeline import DEFAULT_TAXONOMY, ModelIntegrityError, assign_texts
from listening.themes.pipeline.multilingual import (
    MultilingualEmbedder,
    matched_scale,
    verify_multilingual_model,
)

pytestmark = pytest.mark.slow

POLISH = "Odkąd mój mąż zmarł, siedzę sama w domu i z nikim nie rozmawiam."


def test_the_bundled_weights_match_the_published_digest(tmp_path):
    assert verify_multilingual_model().startswith("1571fc98")
    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"not the weights")
    with pytest.raises(ModelIntegrityError, match="expected 1571fc98"):
        verify_multilingual_model(fake)


def test_multilingual_vectors_are_normalised_and_blank_is_zero():
    x = MultilingualEmbedder().encode([POLISH, "", "🙂"])
    assert x.shape == (3, 384)
    assert np.isclose(np.linalg.norm(x[0]), 1.0, atol=1e-5)
    assert not x[1].any() and not x[2].any()


def test_matched_scale_keeps_a_level_the_same_distance_from_the_background():
    owners = np.array([0, 0, 1, 1])
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 8))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    level, temperature = matched_scale(a, a, owners, 0.3, 0.04)  # same space: unchanged
    assert np.isclose(level, 0.3) and np.isclose(temperature, 0.04)


def test_only_answers_in_another_known_language_are_routed(embedder):
    texts = ["The landlord ignores the leak and the mould is back.", POLISH, POLISH]
    languages = ["en", "pl", None]
    plain = assign_texts(texts, DEFAULT_TAXONOMY, embedder=embedder)
    routed = assign_texts(
        texts,
        DEFAULT_TAXONOMY,
        embedder=embedder,
        languages=languages,
        multilingual=MultilingualEmbedder(),
    )
    assert [r["language"] for r in routed] == languages
    assert routed[0] == plain[0] | {"language": "en"}  # English: the same answer as before
    assert routed[2] == plain[2] | {"language": None}  # unsure: not routed
    assert routed[1]["theme"] == "mental-health-isolation"
    assert "language" not in plain[0]
