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


# -- a full run with answers in other languages ----------------------------------------------

OTHER = {
    "x0": ("pl", POLISH),
    "x1": ("es", "El moho negro vuelve cada invierno y el casero no arregla la gotera del techo."),
    "x2": ("pt", "Os preços da comida sobem todos os meses e o salário já não chega."),
}


@pytest.fixture(scope="module")
def mixed_run(embedder, sel_documents):
    from listening.themes.pipeline import Document, run_pipeline

    documents = [*sel_documents, *(Document(k, text) for k, (_, text) in OTHER.items())]
    languages = {k: code for k, (code, _) in OTHER.items()} | {sel_documents[0].id: "en"}
    return run_pipeline(
        documents,
        embedder=embedder,
        random_state=0,
        languages=languages,
        multilingual=MultilingualEmbedder(),
    )


def test_a_run_themes_other_languages_in_the_multilingual_space(mixed_run):
    by_id = {a.doc_id: a for a in mixed_run.assignments}
    assert mixed_run.routed_ids == ("x0", "x1", "x2")
    assert by_id["x0"].theme == "mental-health-isolation"
    assert by_id["x1"].theme == "housing"
    assert by_id["x2"].theme == "work-wages-cost-of-living"
    # not calibrated on this model's scores: a human looks at each
    assert all(not by_id[k].auto_accepted and by_id[k].confidence is not None for k in OTHER)
    assert mixed_run.versions["multilingual_model"].startswith("multilingual-e5-small-q4@")
    # never on the MiniLM map
    assert not {doc for doc, _, _ in mixed_run.discovery.coordinates} & set(OTHER)


def test_other_languages_join_a_sub_theme_of_their_own_theme(mixed_run):
    member = dict(mixed_run.discovery.doc_subtheme)
    subs = {s.key: s for s in mixed_run.discovery.subthemes}
    by_id = {a.doc_id: a for a in mixed_run.assignments}
    placed = [k for k in OTHER if k in member]
    assert placed, "no answer in another language was placed in a sub-theme"
    for key in placed:
        assert subs[member[key]].theme == by_id[key].theme
        assert key in subs[member[key]].doc_ids
        assert key not in subs[member[key]].representative_ids


def test_english_results_do_not_change_when_other_languages_join(mixed_run, sel_run):
    """Other languages never enter MiniLM's fit, clusters, keywords or map."""
    mixed = {a.doc_id: a for a in mixed_run.assignments}
    for a in sel_run.assignments:
        assert mixed[a.doc_id] == a
    alone = {s.key: s for s in sel_run.discovery.subthemes}
    for sub in mixed_run.discovery.subthemes:
        english = tuple(d for d in sub.doc_ids if d not in OTHER)
        assert english == alone[sub.key].doc_ids
        assert (sub.label, sub.keywords) == (alone[sub.key].label, alone[sub.key].keywords)
    assert mixed_run.assigner_state["phrase_embeddings"].shape == (
        sel_run.assigner_state["phrase_embeddings"].shape
    )


def test_place_keeps_to_the_theme_and_the_threshold():
    from listening.themes.pipeline.multilingual import place

    a, b, c = np.eye(3, dtype=np.float32)
    centroids = {"h:0": a, "h:1": b, "w:0": c}
    owner = {"h:0": "housing", "h:1": "housing", "w:0": "work"}
    vectors = np.stack([0.6 * a + 0.8 * b, c, c, np.zeros(3, np.float32)])
    themes = ["housing", "housing", "work", "work"]
    assert place(vectors, themes, centroids, owner, threshold=0.0) == ["h:1", "h:0", "w:0", None]
    assert place(vectors, themes, centroids, owner, threshold=0.9) == [None, None, "w:0", None]
    assert place(vectors, [None] * 4, centroids, owner) == [None] * 4
    # no theme, no sub-theme, even where the emerging ones (theme None) are near
    emerging = {"h:0": None, "h:1": "housing", "w:0": "work"}
    assert place(vectors[:1], [None], centroids, emerging, threshold=0.0) == [None]
