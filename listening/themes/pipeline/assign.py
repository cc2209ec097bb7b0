"""Theme assignment: zero-shot similarity to theme phrases, adapted to the corpus and to labels."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .calibrate import MIN_LABELS, Calibration, fit_calibration, prior_for
from .types import Assignment, Theme

_PHRASE_SPLIT = re.compile(r"(?<=[.;:!?])\s+|\n+")
_LIST_SPLIT = re.compile(r",\s*|\s+and\s+|\s+or\s+")


def theme_prototypes(theme: Theme, mode: str = "phrases") -> list[str]:
    """Texts a theme is compared with: "name", "description" (name + description), "phrases"."""
    if mode == "name":
        return [theme.name]
    if mode == "description":
        return [
            f"{theme.name}. {theme.description}".strip(" .") if theme.description else theme.name
        ]
    if mode == "phrases":
        return theme_phrases(theme)
    raise ValueError(f"Unknown prototype mode {mode!r}: name, description or phrases.")


def theme_phrases(theme: Theme) -> list[str]:
    """Phrases a theme is recognised by: its name, each description sentence, each list item."""
    sentences = [p.strip(" .;:") for p in _PHRASE_SPLIT.split(theme.description or "")]
    items = [q.strip(" .;:") for p in sentences if "," in p for q in _LIST_SPLIT.split(p)]
    unique: dict[str, str] = {}
    for part in [theme.name, *sentences, *items]:
        if len(part) > 2:
            unique.setdefault(part.lower(), part)
    return list(unique.values())


class ThemeAssigner:
    """Score documents against a taxonomy; `fit` learns from the corpus and reviewer labels.

    Centring (`centre`, off by default: it did not help every held-out corpus; corpus of at
    least `min_centre` answers): the mean vector of the corpus is subtracted from answers and
    phrases alike before cosine similarity, which removes the direction every MiniLM vector
    shares (anisotropy); the "no theme" level moves down by the mean drop of the corpus's best
    similarity, so about as many answers stay themeless.
    Zero-shot: each theme's score mixes the cosine similarity to its closest phrase with the
    similarity to the mean of its phrases, turned into probability-like scores by a softmax
    with `temperature` that includes a "no theme" option at `none_similarity`.
    Self-training (corpus of at least `min_self_training` answers): a logistic regression on the
    confident half of each theme's zero-shot answers adapts the themes to how this corpus talks.
    Neighbour smoothing (`neighbours` > 0, corpus of at least `min_self_training` answers): each
    answer's theme distribution is mixed (`neighbour_weight`) with the mean distribution of its
    `neighbours` nearest corpus answers (at most `max_anchors`, a seeded sample, kept in the
    state so new answers are scored against the same corpus); its "no theme" mass is kept.
    Reviewer labels: a second logistic regression (labels plus the unlabelled confident answers),
    blended with the scores above. Its regularisation C (from `C_grid`) and its blend weight are
    the pair with the best cross-validated accuracy on the reviewers' labels alone (folds refit
    everything that saw labels); with too few labels to cross-validate, the weight is
    n_labels / (n_labels + label_prior), so reviewers count more as their decisions accumulate.
    Calibration (`calibration_`): the shipped prior (on best score, margin and the agreement of
    the answer's nearest anchors; on the scores alone without anchors), or, with at least
    `min_calibration_labels` cross-validated reviewer labels, Platt scaling on the same features
    refitted on their out-of-fold scores; each assignment gets its calibrated probability and
    whether it is auto-accepted.
    """

    def __init__(
        self,
        themes: Sequence[Theme],
        embedder=None,
        random_state: int = 0,
        threshold: float = 0.3,
        temperature: float = 0.04,
        none_similarity: float = 0.3,
        self_training: bool = True,
        min_self_training: int = 50,
        label_prior: float = 50.0,
        C: float = 1.0,
        C_grid: Sequence[float] = (1.0, 0.25, 4.0),
        prototypes: str = "phrases",
        phrase_max_weight: float = 0.5,
        self_training_weight: float = 0.5,
        min_calibration_labels: int = MIN_LABELS,
        centre: bool = False,
        min_centre: int = 20,
        neighbours: int = 10,
        neighbour_weight: float = 0.5,
        max_anchors: int = 4000,
    ):
        self.themes = tuple(themes)
        self.embedder = embedder
        self.random_state = random_state
        self.threshold = threshold
        self.temperature = temperature
        self.none_similarity = none_similarity
        self.self_training = self_training
        self.min_self_training = min_self_training
        self.label_prior = label_prior
        self.C = C
        self.C_grid = tuple(C_grid)
        self.prototypes = prototypes
        self.phrase_max_weight = phrase_max_weight
        self.self_training_weight = self_training_weight
        self.min_calibration_labels = min_calibration_labels
        self.centre = centre
        self.min_centre = min_centre
        self.neighbours = neighbours
        self.neighbour_weight = neighbour_weight
        self.max_anchors = max_anchors

    @property
    def slugs(self) -> list[str]:
        """Theme slugs in taxonomy order (the columns of `predict_proba`)."""
        return [t.slug for t in self.themes]

    def get_params(self) -> dict:
        """Constructor parameters, as in scikit-learn."""
        names = (
            "themes",
            "embedder",
            "random_state",
            "threshold",
            "temperature",
            "none_similarity",
            "self_training",
            "min_self_training",
            "label_prior",
            "C",
            "C_grid",
            "prototypes",
            "phrase_max_weight",
            "self_training_weight",
            "min_calibration_labels",
            "centre",
            "min_centre",
            "neighbours",
            "neighbour_weight",
            "max_anchors",
        )
        return {name: getattr(self, name) for name in names}

    # -- fitting ----------------------------------------------------------------------------

    def fit(
        self, embeddings: np.ndarray | None = None, labels: Sequence[str | None] | None = None
    ) -> ThemeAssigner:
        """Embed theme phrases, self-train on the corpus, learn from labels (None = unlabelled)."""
        if not self.themes:
            raise ValueError("A taxonomy needs at least one theme.")
        self._fit_prototypes()
        empty = ([], np.zeros((0, 0)), np.zeros(0))
        self.self_classes_, self.self_coef_, self.self_intercept_ = empty
        self.classes_, self.coef_, self.intercept_ = empty
        self.n_labels_, self.cross_val_accuracy_ = 0, None
        self.blend_weight_, self.label_C_ = None, self.C
        self.calibration_: Calibration = prior_for(anchored=False)
        self._out_of_fold = None
        self._clear_corpus()
        if embeddings is None:
            return self
        raw = np.asarray(embeddings, dtype=np.float32)
        self._fit_centre(raw)
        x = self._prepare(raw)
        self._pseudo = (np.zeros(0, dtype=np.int64), [])
        if self.self_training:
            self._fit_self_training(x)
        self._fit_anchors(x)
        if labels is not None:
            self._fit_labels(x, labels, raw)
        self._fit_calibration()
        return self

    def _clear_corpus(self) -> None:
        dimension = self.phrase_embeddings_.shape[1]
        self.centre_ = np.zeros(0, dtype=np.float32)
        self.none_offset_ = 0.0
        self.anchors_ = np.zeros((0, dimension), dtype=np.float32)
        self.anchor_scores_ = np.zeros((0, len(self.themes)), dtype=np.float32)

    def _fit_centre(self, raw: np.ndarray) -> None:
        rows = raw[np.any(raw, axis=1)]
        if not self.centre or len(rows) < self.min_centre:
            return
        before = self._similarities(rows).max(axis=1).mean()
        self.centre_ = rows.mean(axis=0).astype(np.float32)
        after = self._similarities(self._prepare(rows)).max(axis=1).mean()
        self.none_offset_ = float(before - after)

    def _prepare(self, x: np.ndarray) -> np.ndarray:
        """Answers as the assigner compares them: minus the corpus mean, unit length."""
        x = np.asarray(x, dtype=np.float32)
        if not len(self.centre_):
            return x
        blank = ~np.any(x, axis=1)
        shifted = x - self.centre_
        shifted /= np.maximum(np.linalg.norm(shifted, axis=1, keepdims=True), 1e-12)
        shifted[blank] = 0.0
        return shifted

    def _phrases(self) -> np.ndarray:
        return self._prepare(self.phrase_embeddings_)

    def _fit_anchors(self, x: np.ndarray) -> None:
        rows = np.flatnonzero(np.any(x, axis=1))
        if self.neighbours < 1 or len(rows) < self.min_self_training:
            return
        if len(rows) > self.max_anchors:
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(rows, self.max_anchors, replace=False))
        scores = self._adapted_proba(x[rows], self._zero_shot(x[rows]))
        scores /= np.maximum(scores.sum(axis=1, keepdims=True), 1e-12)
        self.anchors_ = x[rows]
        self.anchor_scores_ = scores.astype(np.float32)

    def _nearest(self, x: np.ndarray) -> np.ndarray:
        """Each row's `neighbours` nearest anchors (cosine), shape (n, k); k = 0 without any."""
        if not len(self.anchors_) or not len(x):
            return np.zeros((len(x), 0), dtype=np.int64)
        k = min(self.neighbours, len(self.anchors_))
        out = np.empty((len(x), k), dtype=np.int64)
        for start in range(0, len(x), 2048):
            sims = x[start : start + 2048] @ self.anchors_.T
            out[start : start + 2048] = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        return out

    def _smooth(self, proba: np.ndarray, nearest: np.ndarray) -> np.ndarray:
        """Mix each row's theme distribution with that of its nearest corpus answers."""
        if not nearest.shape[1]:
            return proba
        around = self.anchor_scores_[nearest].mean(axis=1)
        mass = proba.sum(axis=1, keepdims=True)
        own = proba / np.maximum(mass, 1e-12)
        w = self.neighbour_weight
        return mass * ((1 - w) * own + w * around)

    def _fit_calibration(self) -> None:
        """Reviewer labels' out-of-fold scores replace the prior once there are enough."""
        self.calibration_ = prior_for(anchored=bool(len(self.anchors_)))
        if self._out_of_fold is None:
            return
        proba, y, inputs = self._out_of_fold
        if len(y) < self.min_calibration_labels:
            return
        correct = np.asarray(self.slugs, dtype=object)[proba.argmax(axis=1)] == y
        fitted = fit_calibration(
            proba, correct, "reviewers", self.random_state, inputs, self.calibration_.features
        )
        if fitted is not None:
            self.calibration_ = fitted

    def _fit_prototypes(self) -> None:
        phrases, owners = [], []
        for index, theme in enumerate(self.themes):
            for phrase in theme_prototypes(theme, self.prototypes):
                phrases.append(phrase)
                owners.append(index)
        embedder = self.embedder
        if embedder is None:
            from .embed import Embedder

            embedder = Embedder()
        self.phrase_embeddings_ = embedder.encode(phrases)
        self.phrase_theme_ = np.asarray(owners, dtype=np.int64)

    def _fit_self_training(self, x: np.ndarray) -> None:
        rows = np.flatnonzero(np.any(x, axis=1))
        if len(rows) < self.min_self_training or len(self.themes) < 2:
            return
        sims = self._similarities(x[rows])
        best = sims.argmax(axis=1)
        ordered = np.sort(sims, axis=1)
        margin = ordered[:, -1] - ordered[:, -2]
        keep = np.zeros(len(rows), dtype=bool)
        for index in np.unique(best):
            own = best == index
            keep |= own & (margin >= np.median(margin[own]))
        pseudo = [self.slugs[i] for i in best[keep]]
        if len(set(pseudo)) >= 2:
            learned = self._train(x[rows][keep], pseudo)
            self.self_classes_, self.self_coef_, self.self_intercept_ = learned
            self._pseudo = (rows[keep], pseudo)

    def _fit_labels(
        self, corpus: np.ndarray, labels: Sequence[str | None], raw: np.ndarray
    ) -> None:
        x, y = self._labelled(corpus, labels)
        self.n_labels_ = len(y)
        if len(set(y)) >= 2:
            self._choose_by_cross_validation(corpus, labels)
            self.classes_, self.coef_, self.intercept_ = self._train_with_pseudo(
                corpus, labels, C=self.label_C_
            )
        elif y:
            # One labelled theme cannot train a classifier; its labelled answers become phrases.
            # (stored as embedded: phrases are centred when compared)
            self.phrase_embeddings_ = np.vstack(
                [self.phrase_embeddings_, self._labelled(raw, labels)[0]]
            )
            extra = np.full(len(y), self.slugs.index(y[0]), dtype=np.int64)
            self.phrase_theme_ = np.concatenate([self.phrase_theme_, extra])

    def _labelled(self, x: np.ndarray, labels: Sequence[str | None]):
        if len(labels) != len(x):
            raise ValueError(f"Got {len(labels)} labels for {len(x)} embeddings.")
        known = set(self.slugs)
        unknown = sorted({lab for lab in labels if lab is not None and lab not in known})
        if unknown:
            raise ValueError(f"Labels use themes not in the taxonomy: {', '.join(unknown)}.")
        rows = [i for i, lab in enumerate(labels) if lab is not None and np.any(x[i])]
        return x[rows], [labels[i] for i in rows]

    def _train_with_pseudo(
        self,
        corpus: np.ndarray,
        labels: Sequence[str | None],
        C: float | None = None,
        exclude: frozenset = frozenset(),
    ):
        # Reviewer labels (weight 5) plus the confident self-training answers they did not label,
        # restricted to labelled themes: the corpus tells the model how common each theme is.
        # `exclude`: rows held out by cross-validation, used neither as labels nor as pseudo.
        rows, pseudo = self._pseudo
        labelled = {lab for lab in labels if lab is not None}
        extra = [
            (i, lab)
            for i, lab in zip(rows, pseudo, strict=True)
            if labels[i] is None and lab in labelled and int(i) not in exclude
        ]
        x, y = self._labelled(corpus, labels)
        weights = [5.0] * len(y) + [1.0] * len(extra)
        x = np.vstack([x, corpus[[i for i, _ in extra]]]) if extra else x
        return self._train(x, y + [lab for _, lab in extra], weights, C=C)

    def _train(
        self,
        x: np.ndarray,
        y: list[str],
        weights: list[float] | None = None,
        C: float | None = None,
    ):
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(
            C=C or self.C, max_iter=2000, class_weight="balanced", random_state=self.random_state
        )
        model.fit(x, y, sample_weight=weights)
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # sklearn keeps one row for two classes; softmax needs two
            coef, intercept = np.vstack([-coef / 2, coef / 2]), np.array([-1, 1]) * intercept / 2
        classes = [str(c) for c in model.classes_]
        return classes, np.asarray(coef, np.float64), np.asarray(intercept, np.float64)

    def _choose_by_cross_validation(self, corpus: np.ndarray, labels: Sequence[str | None]) -> None:
        """Pick C and the blend weight by stratified k-fold accuracy on the labelled rows only."""
        rows = [i for i, lab in enumerate(labels) if lab is not None and np.any(corpus[i])]
        counts = Counter(labels[i] for i in rows)
        rows = [i for i in rows if counts[labels[i]] >= 2]
        folds = min(5, min((counts[labels[i]] for i in rows), default=0))
        y = np.asarray([labels[i] for i in rows])
        if len(rows) < 10 or folds < 2 or len(set(y)) < 2:
            return
        from sklearn.model_selection import StratifiedKFold

        nearest = self._nearest(corpus[rows])
        zero = self._zero_shot(corpus[rows])
        base = self._base_proba(corpus[rows], nearest, zero)
        split = list(
            StratifiedKFold(folds, shuffle=True, random_state=self.random_state).split(
                np.zeros(len(y)), y
            )
        )
        prior = len(rows) / (len(rows) + self.label_prior)
        weights = np.round(np.linspace(0.0, 1.0, 11), 2)
        best, learned_by_C = None, {}
        for C in self.C_grid:
            learned = np.zeros_like(base)
            for train, test in split:
                fold_labels: list[str | None] = [None] * len(labels)
                for j in train:
                    fold_labels[rows[j]] = str(y[j])
                held = frozenset(rows[j] for j in test)
                classes, coef, intercept = self._train_with_pseudo(corpus, fold_labels, C, held)
                x = corpus[[rows[j] for j in test]].astype(np.float64)
                learned[test] = _spread(
                    _softmax(x @ coef.T + intercept),
                    self._columns(classes),
                    base[test],
                    keep_none=False,
                )
            learned_by_C[C] = learned
            for weight in weights:
                blend = (1 - weight) * base + weight * learned
                accuracy = float(np.mean(np.asarray(self.slugs)[blend.argmax(axis=1)] == y))
                key = (accuracy, -abs(weight - prior))
                if best is None or key > best[0]:
                    best = (key, C, float(weight))
        (self.cross_val_accuracy_, _), self.label_C_, self.blend_weight_ = best
        w = self.blend_weight_
        out_of_fold = (1 - w) * base + w * learned_by_C[self.label_C_]
        inputs = self._confidence_inputs(corpus[rows], out_of_fold, nearest, zero)
        self._out_of_fold = (out_of_fold, y, inputs)

    # -- scoring ----------------------------------------------------------------------------

    def _similarities(self, x: np.ndarray) -> np.ndarray:
        """Zero-shot cosine similarity of each (prepared) answer to each theme, shape (n, k)."""
        phrases = self._phrases()
        sims = x @ phrases.T
        out = np.zeros((len(x), len(self.themes)), dtype=np.float64)
        for index in range(len(self.themes)):
            own = self.phrase_theme_ == index
            centroid = phrases[own].mean(axis=0)
            centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
            w = self.phrase_max_weight
            out[:, index] = w * sims[:, own].max(axis=1) + (1 - w) * (x @ centroid)
        return out

    def _base_proba(self, x: np.ndarray, nearest: np.ndarray, zero: np.ndarray) -> np.ndarray:
        """Scores before the reviewers' model: adapted scores smoothed over the corpus."""
        return self._smooth(self._adapted_proba(x, zero), nearest)

    def _adapted_proba(self, x: np.ndarray, zero: np.ndarray) -> np.ndarray:
        """The zero-shot scores `zero` (`_zero_shot(x)`), adapted by self-training."""
        proba = zero
        if len(self.self_classes_):
            learned = _softmax(x.astype(np.float64) @ self.self_coef_.T + self.self_intercept_)
            adapted = _spread(learned, self._columns(self.self_classes_), proba, keep_none=True)
            w = self.self_training_weight
            proba = (1 - w) * proba + w * adapted
        return proba

    def _zero_shot(self, x: np.ndarray) -> np.ndarray:
        """Softmax over themes plus a "no theme" option; columns are themes, rows sum to ≤ 1."""
        sims = self._similarities(x)
        none = self.none_similarity - self.none_offset_
        logits = np.hstack([sims, np.full((len(sims), 1), none)])
        return _softmax(logits / self.temperature)[:, :-1]

    def label_weight(self) -> float:
        """How much the reviewers' model counts, growing with the number of labels."""
        if not len(self.classes_):
            return 0.0
        if self.blend_weight_ is not None:
            return self.blend_weight_
        return self.n_labels_ / (self.n_labels_ + self.label_prior)

    def predict_proba(self, embeddings: np.ndarray) -> np.ndarray:
        """Probability-like score of every theme for every document, shape (n, k)."""
        return self.score(embeddings)[0]

    def score(self, embeddings: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """`predict_proba` and, from the same pass, the per-document features calibration may
        use besides the scores: "agreement", the share of its nearest corpus anchors (as in
        smoothing) whose own best theme is its best theme (0 without anchors), and "zero_shot",
        its best theme's zero-shot probability (before self-training, smoothing and labels); 0
        for blank answers. Scored against the stored anchors, so an answer gets the same values
        in the corpus run and when it arrives later."""
        raw = np.asarray(embeddings, dtype=np.float32)
        x = self._prepare(raw.reshape(-1, self.phrase_embeddings_.shape[1]))
        nearest = self._nearest(x)
        zero = self._zero_shot(x)
        proba = self._base_proba(x, nearest, zero)
        weight = self.label_weight()
        if weight > 0:
            learned = _softmax(x.astype(np.float64) @ self.coef_.T + self.intercept_)
            labelled = _spread(learned, self._columns(self.classes_), proba, keep_none=False)
            proba = (1 - weight) * proba + weight * labelled
        proba[~np.any(x, axis=1)] = 0.0  # blank answers belong to no theme
        return proba, self._confidence_inputs(x, proba, nearest, zero)

    def _confidence_inputs(
        self, x: np.ndarray, proba: np.ndarray, nearest: np.ndarray, zero: np.ndarray
    ) -> dict[str, np.ndarray]:
        best = proba.argmax(axis=1) if len(proba) else np.zeros(0, dtype=np.int64)
        agreement = np.zeros(len(x))
        if nearest.shape[1]:
            anchor_best = self.anchor_scores_.argmax(axis=1)
            agreement = np.mean(anchor_best[nearest] == best[:, None], axis=1)
        zero_shot = zero[np.arange(len(x)), best] if len(x) else np.zeros(0)
        blank = ~np.any(x, axis=1)
        agreement[blank], zero_shot[blank] = 0.0, 0.0
        return {"agreement": agreement, "zero_shot": zero_shot}

    def _columns(self, classes: list[str]) -> list[int]:
        return [self.slugs.index(c) for c in classes]

    def predict(self, embeddings: np.ndarray) -> list[str | None]:
        """Best theme slug per document, or None when its score is below `threshold`."""
        return [self._best(row)[0] for row in self.predict_proba(embeddings)]

    def _best(self, row: np.ndarray) -> tuple[str | None, float]:
        index = int(row.argmax())
        score = float(row[index])
        return (self.slugs[index] if score >= self.threshold else None), score

    def assign(self, doc_ids: Sequence[str], embeddings: np.ndarray) -> list[Assignment]:
        """Assignments (best theme, its score, all scores high to low, calibrated confidence,
        auto-accepted or not) per document."""
        proba, inputs = self.score(embeddings)
        calibration = self.calibration_
        confidence = calibration.probability(proba, inputs) if len(proba) else np.zeros(0)
        out = []
        for doc_id, row, p in zip(doc_ids, proba, confidence, strict=True):
            theme, score = self._best(row)
            order = sorted(range(len(row)), key=lambda i: (-row[i], i))
            scores = tuple((self.slugs[i], round(float(row[i]), 6)) for i in order)
            auto = theme is not None and bool(p >= calibration.threshold)
            out.append(
                Assignment(str(doc_id), theme, round(score, 6), scores, round(float(p), 6), auto)
            )
        return out

    # -- storage as plain arrays ------------------------------------------------------------

    def get_state(self) -> dict:
        """Fitted state as plain lists and float arrays, storable as rows or safetensors."""
        params = {k: v for k, v in self.get_params().items() if k not in ("themes", "embedder")}
        return {
            "themes": [[t.slug, t.name, t.description] for t in self.themes],
            "params": params,
            "phrase_embeddings": self.phrase_embeddings_,
            "phrase_theme": self.phrase_theme_,
            "self_classes": list(self.self_classes_),
            "self_coef": self.self_coef_,
            "self_intercept": self.self_intercept_,
            "classes": list(self.classes_),
            "coef": self.coef_,
            "intercept": self.intercept_,
            "n_labels": self.n_labels_,
            "cross_val_accuracy": self.cross_val_accuracy_,
            "blend_weight": self.blend_weight_,
            "label_C": self.label_C_,
            "calibration": self.calibration_.to_dict(),
            "centre": self.centre_,
            "none_offset": self.none_offset_,
            "anchors": self.anchors_,
            "anchor_scores": self.anchor_scores_,
        }

    @classmethod
    def from_state(cls, state: dict, embedder=None) -> ThemeAssigner:
        """Rebuild a fitted assigner from `get_state()` output without re-embedding."""
        self = cls([Theme(*row) for row in state["themes"]], embedder=embedder, **state["params"])
        self.phrase_embeddings_ = np.asarray(state["phrase_embeddings"], dtype=np.float32)
        self.phrase_theme_ = np.asarray(state["phrase_theme"], dtype=np.int64)
        self.self_classes_ = [str(c) for c in state["self_classes"]]
        self.self_coef_ = np.asarray(state["self_coef"], dtype=np.float64)
        self.self_intercept_ = np.asarray(state["self_intercept"], dtype=np.float64)
        self.classes_ = [str(c) for c in state["classes"]]
        self.coef_ = np.asarray(state["coef"], dtype=np.float64)
        self.intercept_ = np.asarray(state["intercept"], dtype=np.float64)
        self.n_labels_ = int(state["n_labels"])
        self.cross_val_accuracy_ = state["cross_val_accuracy"]
        self.blend_weight_ = state.get("blend_weight")  # absent from states saved before it
        self.label_C_ = state.get("label_C", self.C)
        self._clear_corpus()  # states saved before centring and smoothing have neither
        if "centre" in state:
            self.centre_ = np.asarray(state["centre"], dtype=np.float32).reshape(-1)
            self.none_offset_ = float(state["none_offset"])
            self.anchors_ = np.asarray(state["anchors"], dtype=np.float32).reshape(
                -1, self.phrase_embeddings_.shape[1]
            )
            self.anchor_scores_ = np.asarray(state["anchor_scores"], dtype=np.float32).reshape(
                -1, len(self.themes)
            )
        calibration = state.get("calibration")  # absent from states saved before it
        self.calibration_ = (
            Calibration.from_dict(calibration)
            if calibration
            else prior_for(anchored=bool(len(self.anchors_)))
        )
        return self


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _spread(learned: np.ndarray, columns: list[int], base: np.ndarray, keep_none: bool):
    """Put a model's probabilities over some themes into the full theme columns of `base`.

    Themes the model never saw keep their `base` scores; the learned themes share what is left,
    minus the "no theme" mass of `base` when `keep_none` is set.
    """
    out = base.copy()
    others = np.delete(base, columns, axis=1).sum(axis=1, keepdims=True)
    total = base.sum(axis=1, keepdims=True) if keep_none else 1.0
    out[:, columns] = learned * np.clip(total - others, 0.0, None)
    return out
