"""Calibrated confidence: the probability that an answer's assigned theme is right, and the
auto-accept tier (answers at or above the threshold that was ≥ 95 % correct on labelled data).

Fixed rule (chosen before looking at any test split): Platt scaling, a logistic regression of
"the best theme is right" on features of the assigner's answer (below). Its threshold is the
lowest calibrated probability whose labelled answers at or above it are at least `TARGET`
correct (at least `MIN_ACCEPTED` of them).

Features: "best", "margin" and, chosen by pooled-dev cross-validated log-loss, "agreement" (the
share of the answer's nearest corpus anchors whose best theme is the answer's; computed by the
assigner against the anchors in its state, so an answer scored later gets the corpus run's
value). Calibrations stored without feature names use the first two.

Before a campaign has reviewer labels the `PRIOR` applies (`SCORES_PRIOR` when the run has no
corpus anchors): fitted by `bench/themes.py --parts calibrate` on the development splits of the
labelled bench corpora only (Cambridge ideas under two taxonomy authors, Pol.is Bowling Green),
with the engine's default settings. With at least `MIN_LABELS` reviewer labels, the assigner
refits it on their out-of-fold scores (see `ThemeAssigner`), so the tier follows how well the
model does on this campaign.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

TARGET = 0.95  # precision the auto-accepted answers must reach on the calibration data
MIN_ACCEPTED = 20  # a threshold must accept at least this many calibration answers
MIN_LABELS = 100  # reviewer labels (with out-of-fold scores) before they replace the prior
# z of the lower confidence bound the accepted answers' precision must reach the target at:
# 0 = the plain share (shipped); 1.645 = a one-sided 95 % Wilson bound, which met the target on
# held-out data at a third of the coverage and left no tier after 224 reviewer labels
# (bench/README.md).
Z = 0.0
# Features a calibration can use: "best" and "margin" come from the score matrix alone;
# "agreement" (share of the answer's nearest corpus anchors whose own best theme is the answer's
# best theme) and "zero_shot" (the best theme's zero-shot probability, before self-training and
# smoothing) are computed by the assigner (`ThemeAssigner.score`).
SCORE_FEATURES = ("best", "margin")
ENGINE_FEATURES = ("agreement", "zero_shot")


@dataclass(frozen=True)
class Calibration:
    """Platt scaling of named confidence features and the auto-accept threshold on its output."""

    coef: tuple[float, ...]
    intercept: float
    threshold: float  # calibrated probability; inf: nothing is auto-accepted
    source: str  # "prior" (bench dev splits) or "reviewers" (this campaign's labels)
    n: int  # labelled answers it was fitted on
    features: tuple[str, ...] = SCORE_FEATURES  # one per coef; calibrations stored before: two

    def __post_init__(self):
        unknown = set(self.features) - set(SCORE_FEATURES + ENGINE_FEATURES)
        if unknown or len(self.features) != len(self.coef):
            raise ValueError(f"Calibration features {self.features} do not match its coef.")

    def probability(
        self, proba: np.ndarray, inputs: Mapping[str, np.ndarray] | None = None
    ) -> np.ndarray:
        """P(best theme is right) per row of an assigner's (n, k) score matrix; `inputs`: the
        assigner's per-row engine features (`ThemeAssigner.score`) it uses."""
        z = features(proba, inputs, self.features) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict:
        out = asdict(self)
        out["coef"] = list(self.coef)
        out["features"] = list(self.features)
        out["threshold"] = None if not np.isfinite(self.threshold) else self.threshold
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Calibration:
        threshold = data.get("threshold")
        return cls(
            coef=tuple(float(c) for c in data["coef"]),
            intercept=float(data["intercept"]),
            threshold=float("inf") if threshold is None else float(threshold),
            source=str(data.get("source", "prior")),
            n=int(data.get("n", 0)),
            features=tuple(str(f) for f in data.get("features", SCORE_FEATURES)),
        )


def features(
    proba: np.ndarray,
    inputs: Mapping[str, np.ndarray] | None = None,
    names: tuple[str, ...] = SCORE_FEATURES,
) -> np.ndarray:
    """The named features per row: best score and margin over the second best from `proba`,
    engine features from `inputs`."""
    proba = np.asarray(proba, dtype=np.float64)
    if proba.shape[1] < 2:
        top = proba.max(axis=1) if proba.shape[1] else np.zeros(len(proba))
        best, margin = top, top
    else:
        ordered = np.sort(proba, axis=1)
        best, margin = ordered[:, -1], ordered[:, -1] - ordered[:, -2]
    known = {"best": best, "margin": margin, **(inputs or {})}
    missing = [name for name in names if name not in known]
    if missing:
        raise ValueError(f"Calibration needs {', '.join(missing)} from the assigner.")
    return np.column_stack([np.asarray(known[name], dtype=np.float64) for name in names])


def accept_threshold(
    probability: np.ndarray,
    correct: np.ndarray,
    target: float = TARGET,
    min_accepted: int = MIN_ACCEPTED,
    z: float = Z,
) -> float:
    """Lowest value whose answers at or above it are at least `target` correct (inf: none).

    "At least" is the Wilson lower confidence bound of their precision at `z` (0: the plain
    share), so a threshold is not chosen on a lucky run of calibration answers."""
    probability, correct = np.asarray(probability), np.asarray(correct, dtype=np.float64)
    order = np.argsort(-probability, kind="stable")
    hits = np.cumsum(correct[order])
    n = np.arange(1, len(order) + 1)
    share = hits / n
    spread = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    lower = (share + z * z / (2 * n) - spread) / (1 + z * z / n)
    # a threshold must take every answer tied with the last one it accepts
    last_of_tie = np.r_[probability[order][1:] != probability[order][:-1], True]
    ok = np.flatnonzero((lower >= target - 1e-12) & (n >= min_accepted) & last_of_tie)
    return float(probability[order][ok.max()]) if len(ok) else float("inf")


def fit_calibration(
    proba: np.ndarray,
    correct: np.ndarray,
    source: str,
    random_state: int = 0,
    inputs: Mapping[str, np.ndarray] | None = None,
    names: tuple[str, ...] = SCORE_FEATURES,
) -> Calibration | None:
    """Platt scaling on labelled answers' features; None when they hold only one outcome."""
    from sklearn.linear_model import LogisticRegression

    correct = np.asarray(correct, dtype=bool)
    if len(set(correct.tolist())) < 2:
        return None
    x = features(proba, inputs, names)
    model = LogisticRegression(C=1.0, random_state=random_state).fit(x, correct)
    coef = tuple(float(c) for c in model.coef_[0])
    intercept = float(model.intercept_[0])
    calibration = Calibration(coef, intercept, float("inf"), source, len(x), names)
    threshold = accept_threshold(calibration.probability(proba, inputs), correct)
    return Calibration(coef, intercept, threshold, source, len(x), names)


# Fitted by `bench/themes.py --parts calibrate` on the pooled development splits (see its
# output and bench/README.md); never on a test split. Its features were chosen there by pooled-dev
# cross-validated log-loss among (best, margin), + agreement, + agreement + zero-shot.
PRIOR = Calibration(
    coef=(0.2350, 1.6273, 1.9644),
    intercept=-1.1000,
    threshold=0.9158,
    source="prior",
    n=882,
    features=("best", "margin", "agreement"),
)
# The same fit on the scores alone (the prior shipped before), for runs without corpus anchors
# (under 50 answers, or no smoothing), where an answer has no neighbourhood to agree with.
SCORES_PRIOR = Calibration(
    coef=(0.5249, 2.4858), intercept=-0.1842, threshold=0.9120, source="prior", n=882
)


def prior_for(anchored: bool) -> Calibration:
    """The shipped prior of a run with (`anchored`) or without corpus anchors."""
    return PRIOR if anchored else SCORES_PRIOR
