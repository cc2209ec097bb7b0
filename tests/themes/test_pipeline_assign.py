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


def test_neighbours_smooth_scores_against_the_fitted_corpus(embedder, sel_embeddings):
    x = sel_embeddings
    smoothed = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder, min_self_training=10).fit(x)
    plain = ThemeAssigner(
        DEFAULT_TAXONOMY, embedder=embedder, min_self_training=10, neighbour_weight=0.0
    ).fit(x)
    assert len(smoothed.anchors_) == len(x)
    after, before = smoothed.predict_proba(x), plain.predict_proba(x)
    assert not np.allclose(after, before)
    # Only the split between themes moves; the "no theme" mass of each answer is kept.
    np.testing.assert_allclose(after.sum(axis=1), before.sum(axis=1), rtol=1e-5)
    # An answer's scores do not depend on the batch it is scored in.
    np.testing.assert_allclose(smoothed.predict_proba(x[3:5]), after[3:5], rtol=1e-5)
    restored = ThemeAssigner.from_state(smoothed.get_state())
    np.testing.assert_allclose(restored.predict_proba(x), after, rtol=1e-6)
    sampled = ThemeAssigner(
        DEFAULT_TAXONOMY, embedder=embedder, min_self_training=10, max_anchors=7
    ).fit(x)
    assert sampled.anchors_.shape == (7, x.shape[1])
    small = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder).fit(x[:20])  # < 50 answers
    assert len(small.anchors_) == 0


def test_centring_subtracts_the_corpus_mean(embedder, sel_embeddings, sel_documents, sel_labels):
    x = sel_embeddings
    centred = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder, centre=True).fit(x)
    np.testing.assert_allclose(centred.centre_, x.mean(axis=0), atol=1e-6)
    assert centred.none_offset_ > 0  # centred cosines are lower: "no theme" moves down with them
    labels = [sel_labels[d.id] for d in sel_documents]
    right = sum(p == t for p, t in zip(centred.predict(x), labels, strict=True))
    assert right / len(labels) >= 0.85
    restored = ThemeAssigner.from_state(centred.get_state())
    np.testing.assert_allclose(restored.predict_proba(x), centred.predict_proba(x), rtol=1e-6)
    tiny = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder, centre=True).fit(x[:5])
    assert len(tiny.centre_) == 0  # the mean of a handful of answers is no corpus mean


def test_states_saved_before_centring_and_neighbours_still_load(embedder, sel_embeddings):
    fitted = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder).fit(sel_embeddings)
    state = fitted.get_state()
    for key in ("centre", "none_offset", "anchors", "anchor_scores"):
        del state[key]
    for key in ("centre", "min_centre", "neighbours", "neighbour_weight", "max_anchors"):
        del state["params"][key]
    restored = ThemeAssigner.from_state(state)
    np.testing.assert_allclose(
        restored.predict_proba(sel_embeddings), fitted.predict_proba(sel_embeddings), rtol=1e-6
    )
