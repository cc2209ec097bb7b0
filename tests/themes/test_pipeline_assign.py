"""Zero-shot and labelled theme assignment on the fixed corpus."""

from __future__ import annotations

import numpy as np
import pytest

from listening.themes.pipeline import DEFAULT_TAXONOMY, Theme, ThemeAssigner, assign_texts

pytestmark = pytest.mark.slow

SLUGS = {
    "housing",
    "migration-race",
    "work-wages-cost-of-living",
    "mental-health-isolation",
    "children-young-people-parents",
}


def test_default_taxonomy_has_the_contract_slugs():
    assert [t.slug for t in DEFAULT_TAXONOMY] == [
        "housing",
        "migration-race",
        "work-wages-cost-of-living",
        "mental-health-isolation",
        "children-young-people-parents",
    ]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("the landlord ignores the leak", "housing"),
        ("nothing for teenagers to do round here", "children-young-people-parents"),
        ("I haven't spoken to anyone all week", "mental-health-isolation"),
    ],
)
def test_facilitator_phrases_go_to_the_right_theme(embedder, text, slug):
    [row] = assign_texts([text], embedder=embedder)
    assert row["theme"] == slug
    assert row["score"] == row["themes"][0]["score"] > 0.5


def test_zero_shot_gets_most_of_the_corpus_right(sel_run, sel_labels):
    right = sum(a.theme == sel_labels[a.doc_id] for a in sel_run.assignments)
    assert right / len(sel_run.assignments) >= 0.85


def test_contract_objects_are_sorted_and_complete(embedder):
    rows = assign_texts(
        ["rent is too high", "", "🙂🙂", "x" * 12000, "Je n'ai pas de logement"], embedder=embedder
    )
    assert [r["text"][:3] for r in rows] == ["ren", "", "🙂🙂", "xxx", "Je "]
    for row in rows:
        assert set(row) == {"text", "theme", "score", "themes"}
        scores = [t["score"] for t in row["themes"]]
        assert scores == sorted(scores, reverse=True)
        assert {t["slug"] for t in row["themes"]} == SLUGS
        assert isinstance(row["score"], float) and 0.0 <= row["score"] <= 1.0
    assert rows[1]["theme"] is None and rows[1]["score"] == 0.0
    assert rows[2]["theme"] is None


def test_off_topic_answer_gets_no_theme(embedder):
    [row] = assign_texts(["I like the colour blue"], embedder=embedder)
    assert row["theme"] is None


def test_custom_taxonomy(embedder):
    taxonomy = [
        Theme("parks", "Parks", "Playgrounds, green space, trees."),
        Theme("transport", "Transport", "Buses, trains, cycle lanes, potholes."),
    ]
    rows = assign_texts(
        ["the swings in the playground are broken", "the 36 bus never comes"],
        taxonomy,
        embedder=embedder,
    )
    assert [r["theme"] for r in rows] == ["parks", "transport"]


def test_labels_teach_the_model(embedder, sel_embeddings, sel_documents, sel_labels):
    labels = [sel_labels[d.id] for d in sel_documents]
    fitted = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder).fit(sel_embeddings, labels)
    assert fitted.n_labels_ == len(labels)
    assert 0.7 <= fitted.cross_val_accuracy_ <= 1.0
    # The blend weight and C are chosen by cross-validation on the labels; labels must count.
    assert fitted.label_weight() == fitted.blend_weight_ >= 0.3
    assert fitted.label_C_ in fitted.C_grid
    zero_shot = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder).fit(sel_embeddings)
    column = fitted.slugs.index("migration-race")  # d14, d15 are zero-shot misses
    before, after = zero_shot.predict_proba(sel_embeddings), fitted.predict_proba(sel_embeddings)
    assert (after[14:16, column] > before[14:16, column] + 0.05).all()
    right = sum(p == t for p, t in zip(fitted.predict(sel_embeddings), labels, strict=True))
    assert right >= sum(
        p == t for p, t in zip(zero_shot.predict(sel_embeddings), labels, strict=True)
    )


def test_one_labelled_theme_becomes_prototypes(embedder, sel_embeddings):
    labels = [None] * len(sel_embeddings)
    labels[14] = "housing"  # "My degree from Nigeria is not recognised here", deliberately odd
    fitted = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder).fit(sel_embeddings, labels)
    assert fitted.predict(sel_embeddings[14:15]) == ["housing"]
    assert fitted.cross_val_accuracy_ is None


def test_unknown_label_is_a_clear_error(embedder, sel_embeddings):
    labels = ["transport"] + [None] * (len(sel_embeddings) - 1)
    with pytest.raises(ValueError, match="not in the taxonomy: transport"):
        ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder).fit(sel_embeddings, labels)


def test_state_round_trips_without_pickle(embedder, sel_embeddings, sel_documents, sel_labels):
    labels = [sel_labels[d.id] if i % 2 else None for i, d in enumerate(sel_documents)]
    fitted = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder).fit(sel_embeddings, labels)
    state = fitted.get_state()
    for value in state.values():
        assert isinstance(value, (list, dict, np.ndarray, int, float, type(None)))
    restored = ThemeAssigner.from_state(state)
    np.testing.assert_allclose(
        restored.predict_proba(sel_embeddings), fitted.predict_proba(sel_embeddings)
    )
