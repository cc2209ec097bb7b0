"""Full runs: determinism, sub-themes, small corpora, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from listening.themes.pipeline import Document, SubThemeDiscoverer, run_pipeline

pytestmark = pytest.mark.slow


def test_run_is_deterministic(sel_run, embedder, sel_documents):
    again = run_pipeline(sel_documents, embedder=embedder, random_state=0)
    assert again.assignments == sel_run.assignments
    assert again.discovery == sel_run.discovery


def test_every_themed_document_is_in_one_subtheme_of_its_theme(sel_run):
    themes = {a.doc_id: a.theme for a in sel_run.assignments}
    keys = [key for _, key in sel_run.discovery.doc_subtheme]
    assert sorted(doc for doc, _ in sel_run.discovery.doc_subtheme) == sorted(themes)
    assert len(set(keys)) == len(sel_run.discovery.subthemes)
    for sub in sel_run.discovery.subthemes:
        assert sub.keywords and sub.label
        assert set(sub.representative_ids) <= set(sub.doc_ids)
        assert all(themes[d] == sub.theme for d in sub.doc_ids)


def test_housing_keywords_are_about_housing(sel_run):
    words = {w for s in sel_run.discovery.subthemes if s.theme == "housing" for w in s.keywords}
    assert words & {"rent", "damp", "leak", "accommodation", "eviction notice", "council flat"}


def test_run_result_records_versions_and_coordinates(sel_run, sel_documents):
    assert sel_run.model_id.startswith("all-MiniLM-L6-v2@53aa51172d14")
    assert {"bertopic", "torch", "spacy", "sentence-transformers"} <= set(sel_run.versions)
    assert [c[0] for c in sel_run.discovery.coordinates] == [d.id for d in sel_documents]
    assert all(np.isfinite(c[1:]).all() for c in sel_run.discovery.coordinates)


def test_labels_flow_into_the_run(embedder, sel_documents, sel_labels):
    result = run_pipeline(sel_documents, labels=sel_labels, embedder=embedder)
    assert result.n_labels == len(sel_labels)
    assert result.cross_val_accuracy is not None
    assert all(a.theme == sel_labels[a.doc_id] for a in result.assignments)


@pytest.mark.parametrize("size", [0, 1, 5, 30])
def test_small_corpora_work(embedder, sel_documents, size):
    stages = []
    result = run_pipeline(
        sel_documents[:size],
        embedder=embedder,
        progress=lambda stage, fraction: stages.append(stage),
    )
    assert len(result.assignments) == size
    assert len(result.discovery.doc_subtheme) == size
    assert len(result.discovery.coordinates) == size
    assert stages[0] == "embed" and stages[-1] == "done"


def test_bad_input_never_crashes(embedder):
    texts = [
        "",
        "   ",
        "help",
        "😡😡😡",
        "a" * 15000,
        "Les loyers sont trop chers ici",
        "家里太小了",
        "The rent is too high and the flat is damp. " * 400,
    ]
    docs = [Document(str(i), t) for i, t in enumerate(texts)]
    result = run_pipeline(docs, embedder=embedder)
    by_id = {a.doc_id: a for a in result.assignments}
    assert by_id["0"].theme is None and by_id["1"].theme is None and by_id["3"].theme is None
    assert by_id["7"].theme == "housing"


def eight_topics(repeats: int) -> list[str]:
    """Eight clearly different topics, `repeats` numbered answers each."""
    return [
        f"{a} {b}"
        for a in ("rent", "mould", "bus", "school", "loneliness", "visa", "food bank", "youth club")
        for b in range(repeats)
    ]


def test_discoverer_on_larger_group_uses_bertopic_and_is_seeded(embedder):
    texts = eight_topics(10)
    x = embedder.encode(texts)
    first = SubThemeDiscoverer(random_state=3).fit(texts, x)
    second = SubThemeDiscoverer(random_state=3).fit(texts, x)
    assert (first.labels_ == second.labels_).all()
    assert first.labels_.min() == 0  # outliers were attached to a cluster
    assert len(set(first.labels_.tolist())) >= 2


def test_max_subthemes_caps_the_clusters_of_a_group(embedder):
    texts = eight_topics(10)
    x = embedder.encode(texts)
    free = SubThemeDiscoverer(random_state=3, max_subthemes=12).cluster(texts, x)
    capped = SubThemeDiscoverer(random_state=3, max_subthemes=3).fit(texts, x)
    assert len(set(free.tolist())) > 3
    assert sorted(set(capped.labels_.tolist())) in ([0, 1], [0, 1, 2])
    assert (
        capped.labels_ == SubThemeDiscoverer(random_state=3, max_subthemes=3).cluster(texts, x)
    ).all()


def test_large_group_is_clustered_on_a_seeded_sample(embedder):
    texts = eight_topics(12)
    x = embedder.encode(texts)
    params = {"random_state": 1, "max_fit_docs": 64, "min_docs_for_umap": 60}
    first = SubThemeDiscoverer(**params).fit(texts, x)
    second = SubThemeDiscoverer(**params).fit(texts, x)
    assert (first.labels_ == second.labels_).all()
    assert len(first.labels_) == len(texts) and len(set(first.labels_.tolist())) >= 2
    assert len(first.keywords_) == len(set(first.labels_.tolist()))
    # An answer left out of the sample joins the cluster whose centroid is nearest.
    centroids = np.vstack(
        [x[first.labels_ == c].mean(axis=0) for c in range(first.labels_.max() + 1)]
    )
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    nearest = (x @ centroids.T).argmax(axis=1)
    assert np.mean(nearest == first.labels_) >= 0.9
