"""Calibrated confidence and the auto-accept tier (pipeline, no database)."""

from __future__ import annotations

import numpy as np
import pytest

from listening.themes.pipeline import DEFAULT_TAXONOMY, ThemeAssigner
from listening.themes.pipeline.calibrate import (
    PRIOR,
    SCORES_PRIOR,
    Calibration,
    accept_threshold,
    features,
    fit_calibration,
)


def test_the_threshold_is_the_lowest_that_keeps_the_target_precision():
    score = np.linspace(1.0, 0.01, 100)
    correct = np.ones(100, dtype=bool)
    correct[[30, 60, 61, 62, 63, 64]] = False
    threshold = accept_threshold(score, correct, target=0.95, min_accepted=20, z=0.0)
    accepted = score >= threshold
    assert correct[accepted].mean() >= 0.95
    assert accepted.sum() == 62  # top 62: 59/62 = 0.952; top 63: 59/63 = 0.937, never higher
    assert accept_threshold(score[:10], correct[:10], min_accepted=20) == float("inf")


def test_a_lower_confidence_bound_can_be_asked_to_reach_the_target():
    score = np.linspace(1.0, 0.01, 100)
    correct = np.ones(100, dtype=bool)
    correct[[30, 60, 61, 62, 63, 64]] = False
    # 59/62 right is enough for the plain share, far from a lower bound of 0.95: nothing passes.
    assert accept_threshold(score, correct, 0.95, 20, z=1.645) == float("inf")
    score = np.linspace(1.0, 0.01, 1000)
    correct = np.random.default_rng(1).random(1000) < np.linspace(1.0, 0.6, 1000)
    bounded = accept_threshold(score, correct, target=0.95, z=1.645)
    plain = accept_threshold(score, correct, target=0.95, z=0.0)
    taken = correct[score >= bounded]
    n, share, z = len(taken), taken.mean(), 1.645
    wilson = share + z * z / (2 * n) - z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    assert wilson / (1 + z * z / n) >= 0.95
    assert 20 <= n < int((score >= plain).sum())  # stricter than the plain share, not empty


def test_tied_scores_are_accepted_or_refused_together():
    score = np.array([0.9] * 19 + [0.8] * 3)
    correct = np.array([True] * 19 + [True, False, False])
    # The first 20 in score order are all right, but a threshold of 0.8 takes all 22 (20/22).
    assert accept_threshold(score, correct, target=0.95, min_accepted=19, z=0.0) == 0.9


def test_platt_scaling_is_monotone_in_score_and_margin_and_round_trips():
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(5) * 0.5, size=400)
    top = proba.max(axis=1)
    correct = rng.random(400) < top  # right as often as the top score says
    fitted = fit_calibration(proba, correct, "reviewers")
    assert fitted.source == "reviewers" and fitted.n == 400
    assert fitted.coef[0] > 0 or fitted.coef[1] > 0
    p = fitted.probability(proba)
    assert np.all((p > 0) & (p < 1))
    order = np.argsort(features(proba) @ np.asarray(fitted.coef))
    assert np.all(np.diff(p[order]) >= -1e-12)
    assert Calibration.from_dict(fitted.to_dict()) == fitted
    never = Calibration((1.0, 1.0), 0.0, float("inf"), "prior", 0)
    assert Calibration.from_dict(never.to_dict()).threshold == float("inf")
    assert fit_calibration(proba, np.ones(400, dtype=bool), "reviewers") is None


def test_zero_shot_answers_get_the_prior_tier(embedder, sel_embeddings):
    # 40 answers: no corpus anchors, so no neighbourhood to agree with: the score-only prior
    assigner = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder).fit(sel_embeddings)
    assert assigner.calibration_ == SCORES_PRIOR
    rows = assigner.assign([str(i) for i in range(len(sel_embeddings))], sel_embeddings)
    for row in rows:
        assert 0.0 <= row.confidence <= 1.0
        assert row.auto_accepted == (row.theme is not None and row.confidence >= PRIOR.threshold)
    auto = [row for row in rows if row.auto_accepted]
    assert 0 < len(auto) < len(rows)  # some answers are sure enough, some need a human
    worst_auto = min(row.confidence for row in auto)
    assert all(row.confidence < worst_auto for row in rows if not row.auto_accepted)


def test_enough_reviewer_labels_replace_the_prior(
    embedder, sel_embeddings, sel_documents, sel_labels
):
    labels = [sel_labels[d.id] for d in sel_documents]
    few = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder).fit(sel_embeddings, labels)
    assert few.calibration_ == SCORES_PRIOR  # 40 labels < MIN_LABELS, no anchors
    enough = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder, min_calibration_labels=20)
    enough.fit(sel_embeddings, labels)
    # fitted on the 40 labels' out-of-fold scores (some of which are wrong)
    assert enough.calibration_.source == "reviewers" and enough.calibration_.n == len(labels)
    assert enough.calibration_ != PRIOR
    restored = ThemeAssigner.from_state(enough.get_state(), embedder=embedder)
    assert restored.calibration_ == enough.calibration_
    ids = [d.id for d in sel_documents]
    assert restored.assign(ids, sel_embeddings) == enough.assign(ids, sel_embeddings)


def _anchored(embedder, x, labels=None, **params):
    """An assigner whose corpus (40 answers here) is large enough for anchors."""
    return ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder, min_self_training=20, **params).fit(
        x, labels
    )


def test_agreement_is_the_share_of_nearest_anchors_with_the_same_best_theme(
    embedder, sel_embeddings
):
    assigner = _anchored(embedder, sel_embeddings)
    assert assigner.calibration_ == PRIOR and "agreement" in PRIOR.features
    proba, inputs = assigner.score(sel_embeddings)
    anchors_best = assigner.anchor_scores_.argmax(axis=1)
    for i, row in enumerate(sel_embeddings):
        nearest = np.argsort(-(assigner.anchors_ @ row))[: assigner.neighbours]
        share = np.mean(anchors_best[nearest] == proba[i].argmax())
        assert inputs["agreement"][i] == pytest.approx(share)
    assert inputs["agreement"].min() < inputs["agreement"].max()  # not one value for all
    zero_shot = assigner._zero_shot(sel_embeddings)
    np.testing.assert_allclose(
        inputs["zero_shot"], zero_shot[np.arange(len(proba)), proba.argmax(axis=1)]
    )
    # the calibrated confidence uses it: same scores, less agreement, less confidence
    lower = {**inputs, "agreement": inputs["agreement"] * 0.5}
    assert np.all(PRIOR.probability(proba, lower) < PRIOR.probability(proba, inputs))
    rows = assigner.assign([str(i) for i in range(len(proba))], sel_embeddings)
    expected = PRIOR.probability(proba, inputs)
    assert [row.confidence for row in rows] == pytest.approx(expected, abs=1e-6)


def test_answers_scored_later_get_the_corpus_runs_features_deterministically(
    embedder, sel_embeddings
):
    x = sel_embeddings
    assigner = _anchored(embedder, x)
    corpus = assigner.score(x)[1]
    again = _anchored(embedder, x).score(x)[1]  # a second fit, same seed
    restored = ThemeAssigner.from_state(assigner.get_state(), embedder=embedder)
    for name in ("agreement", "zero_shot"):
        np.testing.assert_array_equal(again[name], corpus[name])
        one_by_one = [restored.score(x[i : i + 1])[1][name][0] for i in range(len(x))]
        np.testing.assert_allclose(one_by_one, corpus[name], rtol=1e-6)
        reversed_batch = restored.score(x[::-1])[1][name][::-1]
        np.testing.assert_allclose(reversed_batch, corpus[name], rtol=1e-6)
    ids = [str(i) for i in range(len(x))]
    later = [restored.assign([ids[i]], x[i : i + 1])[0] for i in range(len(x))]
    for one, whole in zip(later, assigner.assign(ids, x), strict=True):
        assert (one.theme, one.auto_accepted) == (whole.theme, whole.auto_accepted)
        assert one.confidence == pytest.approx(whole.confidence, abs=1e-5)
    blank = restored.score(np.zeros((1, x.shape[1]), np.float32))[1]
    assert blank["agreement"][0] == 0.0 and blank["zero_shot"][0] == 0.0


def test_calibrations_stored_with_two_features_still_load_and_score(embedder, sel_embeddings):
    stored = {"coef": [0.5249, 2.4858], "intercept": -0.1842, "threshold": 0.912}
    old = Calibration.from_dict(stored)
    assert old.features == ("best", "margin") and old.source == "prior"
    assigner = _anchored(embedder, sel_embeddings)
    state = assigner.get_state()
    state["calibration"] = stored  # a run saved before the engine's features
    restored = ThemeAssigner.from_state(state, embedder=embedder)
    assert restored.calibration_ == old
    proba = restored.predict_proba(sel_embeddings)
    ordered = np.sort(proba, axis=1)
    z = 0.5249 * ordered[:, -1] + 2.4858 * (ordered[:, -1] - ordered[:, -2]) - 0.1842
    rows = restored.assign([str(i) for i in range(len(proba))], sel_embeddings)
    assert [r.confidence for r in rows] == pytest.approx(1 / (1 + np.exp(-z)), abs=1e-6)
    assert [r.auto_accepted for r in rows] == [
        r.theme is not None and r.confidence >= 0.912 for r in rows
    ]
    # states saved before calibration: the prior that fits what the state holds
    del state["calibration"]
    assert ThemeAssigner.from_state(state).calibration_ == PRIOR
    for key in ("centre", "none_offset", "anchors", "anchor_scores"):
        del state[key]
    assert ThemeAssigner.from_state(state).calibration_ == SCORES_PRIOR


def test_calibration_features_must_match_and_be_supplied():
    with pytest.raises(ValueError, match="do not match"):
        Calibration((1.0, 1.0), 0.0, 0.9, "prior", 0, ("best", "margin", "agreement"))
    with pytest.raises(ValueError, match="do not match"):
        Calibration((1.0, 1.0), 0.0, 0.9, "prior", 0, ("best", "loudness"))
    proba = np.array([[0.7, 0.2], [0.4, 0.3]])
    with pytest.raises(ValueError, match="needs agreement"):
        PRIOR.probability(proba)
    assert Calibration.from_dict(PRIOR.to_dict()) == PRIOR
    assert PRIOR.to_dict()["features"] == list(PRIOR.features)


def test_reviewer_labels_refit_on_the_priors_features(
    embedder, sel_embeddings, sel_documents, sel_labels
):
    labels = [sel_labels[d.id] for d in sel_documents]
    fitted = _anchored(embedder, sel_embeddings, labels, min_calibration_labels=20)
    calibration = fitted.calibration_
    assert calibration.source == "reviewers" and calibration.n == len(labels)
    assert calibration.features == PRIOR.features and calibration != PRIOR
    proba, y, inputs = fitted._out_of_fold
    refit = fit_calibration(
        proba,
        np.asarray(fitted.slugs, dtype=object)[proba.argmax(axis=1)] == y,
        "reviewers",
        0,
        inputs,
        PRIOR.features,
    )
    assert refit == calibration
    restored = ThemeAssigner.from_state(fitted.get_state(), embedder=embedder)
    ids = [d.id for d in sel_documents]
    assert restored.calibration_ == calibration
    assert restored.assign(ids, sel_embeddings) == fitted.assign(ids, sel_embeddings)
