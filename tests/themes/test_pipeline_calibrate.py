"""Calibrated confidence and the auto-accept tier (pipeline, no database)."""

from __future__ import annotations

import numpy as np

from listening.themes.pipeline import DEFAULT_TAXONOMY, ThemeAssigner
from listening.themes.pipeline.calibrate import (
    PRIOR,
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
    assigner = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder).fit(sel_embeddings)
    assert assigner.calibration_ == PRIOR
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
    assert few.calibration_ == PRIOR  # 40 labels < MIN_LABELS
    enough = ThemeAssigner(DEFAULT_TAXONOMY, embedder=embedder, min_calibration_labels=20)
    enough.fit(sel_embeddings, labels)
    # fitted on the 40 labels' out-of-fold scores (some of which are wrong)
    assert enough.calibration_.source == "reviewers" and enough.calibration_.n == len(labels)
    assert enough.calibration_ != PRIOR
    restored = ThemeAssigner.from_state(enough.get_state(), embedder=embedder)
    assert restored.calibration_ == enough.calibration_
    ids = [d.id for d in sel_documents]
    assert restored.assign(ids, sel_embeddings) == enough.assign(ids, sel_embeddings)
