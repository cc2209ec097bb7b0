"""Theme assignment: zero-shot similarity to theme phrases, blended with reviewer labels."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .types import Assignment, Theme

_PHRASE_SPLIT = re.compile(r"(?<=[.;!?])\s+|\n+")


def theme_phrases(theme: Theme) -> list[str]:
    """The phrases a theme is recognised by: its name and each sentence of its description."""
    parts = [theme.name] + [p.strip(" .;") for p in _PHRASE_SPLIT.split(theme.description or "")]
    seen: dict[str, None] = {}
    for part in parts:
        if part and part.lower() not in {s.lower() for s in seen}:
            seen[part] = None
    return list(seen)


class ThemeAssigner:
    """Score documents against a taxonomy; `fit` with reviewer labels adds a supervised model.

    Zero-shot: for each theme, the cosine similarity to its closest phrase is mixed with the
    similarity to the mean of its phrases, then turned into probability-like scores by a
    softmax with temperature that includes a "no theme" option at `none_similarity`.
    Labelled: a logistic regression on the embeddings is blended in with weight
    n_labels / (n_labels + label_prior), so reviewers' decisions count more as they accumulate.
    """

    def __init__(self, themes: Sequence[Theme], embedder=None, random_state: int = 0,
                 threshold: float = 0.3, temperature: float = 0.04, none_similarity: float = 0.3,
                 max_weight: float = 0.5, label_prior: float = 20.0, C: float = 2.0):
        self.themes = tuple(themes)
        self.embedder = embedder
        self.random_state = random_state
        self.threshold = threshold
        self.temperature = temperature
        self.none_similarity = none_similarity
        self.max_weight = max_weight
        self.label_prior = label_prior
        self.C = C

    @property
    def slugs(self) -> list[str]:
        """Theme slugs in taxonomy order (the columns of `predict_proba`)."""
        return [t.slug for t in self.themes]

    def fit(self, embeddings: np.ndarray | None = None, labels: Sequence[str | None] | None = None):
        """Embed the theme phrases and, given labels aligned with embeddings, train on them."""
        self._fit_prototypes()
        self.classes_, self.coef_, self.intercept_ = [], np.zeros((0, 0)), np.zeros(0)
        self.n_labels_, self.cross_val_accuracy_ = 0, None
        if embeddings is None or labels is None:
            return self
        x, y = self._labelled(np.asarray(embeddings, dtype=np.float32), labels)
        self.n_labels_ = len(y)
        if len(set(y)) >= 2:
            self.classes_, self.coef_, self.intercept_ = self._train(x, y)
            self.cross_val_accuracy_ = self._cross_validate(x, y)
        elif len(y) and np.any(x):
            # One labelled theme cannot train a classifier; its labelled answers become phrases.
            self._add_prototypes(x, y)
        return self

    def _fit_prototypes(self) -> None:
        phrases, owners = [], []
        for index, theme in enumerate(self.themes):
            for phrase in theme_phrases(theme):
                phrases.append(phrase)
                owners.append(index)
        embedder = self.embedder
        if embedder is None:
            from .embed import Embedder

            embedder = Embedder()
        self.phrase_embeddings_ = embedder.encode(phrases)
        self.phrase_theme_ = np.asarray(owners, dtype=np.int64)

    def _add_prototypes(self, x: np.ndarray, y: list[str]) -> None:
        index = self.slugs.index(y[0])
        keep = np.linalg.norm(x, axis=1) > 0
        self.phrase_embeddings_ = np.vstack([self.phrase_embeddings_, x[keep]])
        extra = np.full(int(keep.sum()), index, dtype=np.int64)
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

    def _train(self, x: np.ndarray, y: list[str]):
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced",
                                   random_state=self.random_state)
        model.fit(x, y)
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # sklearn stores one row for two classes
            coef, intercept = np.vstack([-coef / 2, coef / 2]), np.array([-1, 1]) * intercept / 2
        return [str(c) for c in model.classes_], coef.astype(np.float64), intercept.astype(
            np.float64)

    def _cross_validate(self, x: np.ndarray, y: list[str]) -> float | None:
        counts = Counter(y)
        keep = [i for i, lab in enumerate(y) if counts[lab] >= 2]
        folds = min(5, min((counts[y[i]] for i in keep), default=0))
        if len(keep) < 10 or folds < 2 or len({y[i] for i in keep}) < 2:
            return None
        from sklearn.model_selection import StratifiedKFold

        x, y = x[keep], np.asarray([y[i] for i in keep])
        correct = 0
        split = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        for train, test in split.split(x, y):
            fold = ThemeAssigner(**self.get_params())
            fold.phrase_embeddings_, fold.phrase_theme_ = self.phrase_embeddings_, self.phrase_theme_
            fold.n_labels_, fold.cross_val_accuracy_ = len(train), None
            fold.classes_, fold.coef_, fold.intercept_ = fold._train(x[train], list(y[train]))
            best = fold.predict_proba(x[test]).argmax(axis=1)
            correct += int(sum(self.slugs[b] == t for b, t in zip(best, y[test], strict=True)))
        return correct / len(y)

    def get_params(self) -> dict:
        """Constructor parameters, as in scikit-learn."""
        names = ("themes", "embedder", "random_state", "threshold", "temperature",
                 "none_similarity", "max_weight", "label_prior", "C")
        return {name: getattr(self, name) for name in names}

    # -- scoring ---------------------------------------------------------------------------

    def similarities(self, embeddings: np.ndarray) -> np.ndarray:
        """Zero-shot cosine similarity of each document to each theme, shape (n, k)."""
        x = np.asarray(embeddings, dtype=np.float32)
        sims = x @ self.phrase_embeddings_.T
        out = np.zeros((len(x), len(self.themes)), dtype=np.float64)
        for index in range(len(self.themes)):
            own = self.phrase_theme_ == index
            centroid = self.phrase_embeddings_[own].mean(axis=0)
            centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
            out[:, index] = 0.5 * sims[:, own].max(axis=1) + 0.5 * (x @ centroid)
        return out

    def zero_shot_proba(self, embeddings: np.ndarray) -> np.ndarray:
        """Softmax over themes plus a "no theme" option; columns are themes, rows sum to ≤ 1."""
        sims = self.similarities(embeddings)
        logits = np.hstack([sims, np.full((len(sims), 1), self.none_similarity)])
        return _softmax(logits / self.temperature)[:, :-1]

    def label_weight(self) -> float:
        """How much the supervised model counts, growing with the number of labels."""
        if not len(self.classes_):
            return 0.0
        return self.n_labels_ / (self.n_labels_ + self.label_prior) if self.max_weight else 0.0

    def predict_proba(self, embeddings: np.ndarray) -> np.ndarray:
        """Probability-like score of every theme for every document, shape (n, k)."""
        x = np.asarray(embeddings, dtype=np.float32)
        zero_shot = self.zero_shot_proba(x)
        weight = max(self.label_weight(), 0.0)
        if weight > 0:
            zero_shot = (1 - weight) * zero_shot + weight * self._supervised_proba(x, zero_shot)
        zero_shot[~np.any(x, axis=1)] = 0.0  # blank answers belong to no theme
        return zero_shot

    def _supervised_proba(self, x: np.ndarray, zero_shot: np.ndarray) -> np.ndarray:
        columns = [self.slugs.index(c) for c in self.classes_]
        learned = _softmax(x.astype(np.float64) @ self.coef_.T + self.intercept_)
        out = zero_shot.copy()
        unlabelled = np.delete(zero_shot, columns, axis=1).sum(axis=1, keepdims=True)
        out[:, columns] = learned * (1.0 - unlabelled)
        return out

    def predict(self, embeddings: np.ndarray) -> list[str | None]:
        """Best theme slug per document, or None when its score is below `threshold`."""
        proba = self.predict_proba(embeddings)
        return [self._best(row)[0] for row in proba]

    def _best(self, row: np.ndarray) -> tuple[str | None, float]:
        if not len(row):
            return None, 0.0
        index = int(row.argmax())
        score = float(row[index])
        return (self.slugs[index] if score >= self.threshold else None), score

    def assign(self, doc_ids: Sequence[str], embeddings: np.ndarray) -> list[Assignment]:
        """Assignments (best theme, its score, all scores sorted high to low) per document."""
        proba = self.predict_proba(embeddings)
        out = []
        for doc_id, row in zip(doc_ids, proba, strict=True):
            theme, score = self._best(row)
            order = sorted(range(len(row)), key=lambda i: (-row[i], i))
            scores = tuple((self.slugs[i], round(float(row[i]), 6)) for i in order)
            out.append(Assignment(str(doc_id), theme, round(score, 6), scores))
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
            "classes": list(self.classes_),
            "coef": self.coef_,
            "intercept": self.intercept_,
            "n_labels": self.n_labels_,
            "cross_val_accuracy": self.cross_val_accuracy_,
        }

    @classmethod
    def from_state(cls, state: dict, embedder=None) -> ThemeAssigner:
        """Rebuild a fitted assigner from `get_state()` output without re-embedding."""
        themes = [Theme(*row) for row in state["themes"]]
        self = cls(themes, embedder=embedder, **state["params"])
        self.phrase_embeddings_ = np.asarray(state["phrase_embeddings"], dtype=np.float32)
        self.phrase_theme_ = np.asarray(state["phrase_theme"], dtype=np.int64)
        self.classes_ = [str(c) for c in state["classes"]]
        self.coef_ = np.asarray(state["coef"], dtype=np.float64)
        self.intercept_ = np.asarray(state["intercept"], dtype=np.float64)
        self.n_labels_ = int(state["n_labels"])
        self.cross_val_accuracy_ = state["cross_val_accuracy"]
        return self


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)
