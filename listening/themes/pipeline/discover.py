"""Sub-theme discovery: BERTopic with injected, seeded components on precomputed embeddings."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .preprocess import keyword_terms
from .types import Assignment, DiscoveryResult, Document, SubTheme

UNASSIGNED = "unassigned"


class SubThemeDiscoverer:
    """Cluster one group of answers and describe each cluster by c-TF-IDF keywords and quotes.

    `min_docs_for_umap` and more: BERTopic with a seeded UMAP and an HDBSCAN whose
    min_cluster_size grows with the corpus; outliers join the nearest cluster. Fewer: KMeans
    with k chosen by silhouette (or one cluster when nothing separates). Under `min_docs`: one.
    Over `max_fit_docs`: the clusters are found on a seeded sample of that many answers and every
    other answer joins the nearest cluster centroid (UMAP and HDBSCAN grow faster than linearly);
    keywords and quotes still come from all answers.
    """

    def __init__(
        self,
        random_state: int = 0,
        min_cluster_size: int | None = None,
        max_subthemes: int = 12,
        n_keywords: int = 8,
        n_representatives: int = 3,
        min_docs: int = 8,
        min_docs_for_umap: int = 60,
        max_fit_docs: int = 4000,
    ):
        self.random_state = random_state
        self.min_cluster_size = min_cluster_size
        self.max_subthemes = max_subthemes
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.min_docs = min_docs
        self.min_docs_for_umap = min_docs_for_umap
        self.max_fit_docs = max_fit_docs

    def fit(self, texts: Sequence[str], embeddings: np.ndarray) -> SubThemeDiscoverer:
        """Set `labels_` (cluster per text), `keywords_` and `representatives_` (text indices)."""
        x = np.asarray(embeddings, dtype=np.float32)
        terms = {t: keyword_terms(t) for t in sorted(set(texts))}
        if len(texts) > max(self.max_fit_docs, self.min_docs_for_umap):
            rng = np.random.default_rng(self.random_state)
            sample = np.sort(rng.choice(len(texts), self.max_fit_docs, replace=False))
            fitted = self._cluster([texts[i] for i in sample], x[sample], terms)
            labels = _nearest_cluster(fitted, x[sample], x)
            labels[sample] = fitted
        else:
            labels = self._cluster(list(texts), x, terms)
        self.labels_ = _renumber(labels)
        self.keywords_ = _ctfidf_keywords(list(texts), self.labels_, terms, self.n_keywords)
        self.representatives_ = _representatives(x, self.labels_, self.n_representatives)
        return self

    def _cluster(self, texts: list[str], x: np.ndarray, terms: dict) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros(0, dtype=np.int64)
        if len(texts) < self.min_docs:
            return np.zeros(len(texts), dtype=np.int64)
        if len(texts) < self.min_docs_for_umap:
            return self._kmeans(x)
        try:
            return self._bertopic(texts, x, terms)
        except ValueError:  # e.g. no keyword in any answer: CountVectorizer has no vocabulary
            return self._kmeans(x)

    def _kmeans(self, x: np.ndarray) -> np.ndarray:
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        best, best_score = np.zeros(len(x), dtype=np.int64), 0.08  # below: no real structure
        for k in range(2, min(6, len(x) // 4) + 1):
            labels = KMeans(k, n_init=10, random_state=self.random_state).fit_predict(x)
            if len(set(labels)) < 2:
                continue
            score = silhouette_score(x, labels, metric="cosine")
            if score > best_score:
                best, best_score = labels, score
        return best

    def _bertopic(self, texts: list[str], x: np.ndarray, terms: dict) -> np.ndarray:
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer
        from hdbscan import HDBSCAN
        from sklearn.feature_extraction.text import CountVectorizer
        from umap import UMAP

        size = self.min_cluster_size or max(5, round(math.sqrt(len(texts)) / 2))
        model = BERTopic(
            embedding_model=None,
            umap_model=UMAP(
                n_neighbors=min(15, len(texts) - 1),
                n_components=5,
                min_dist=0.0,
                metric="cosine",
                random_state=self.random_state,
                n_jobs=1,
            ),
            hdbscan_model=HDBSCAN(
                min_cluster_size=size,
                metric="euclidean",
                cluster_selection_method="eom",
                prediction_data=False,
            ),
            vectorizer_model=CountVectorizer(analyzer=lambda t: terms.get(t) or keyword_terms(t)),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            nr_topics=self.max_subthemes,
            calculate_probabilities=False,
            verbose=False,
        )
        topics, _ = model.fit_transform(texts, embeddings=x)
        return _attach_outliers(np.asarray(topics, dtype=np.int64), x)


def _attach_outliers(labels: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Give HDBSCAN's outliers (-1) to the nearest cluster centroid; all outliers: one cluster."""
    clusters = sorted(set(labels.tolist()) - {-1})
    if not clusters:
        return np.zeros(len(labels), dtype=np.int64)
    centroids = _normalise(np.vstack([x[labels == c].mean(axis=0) for c in clusters]))
    out = labels.copy()
    outliers = labels == -1
    if outliers.any():
        out[outliers] = np.asarray(clusters)[(x[outliers] @ centroids.T).argmax(axis=1)]
    return out


def _nearest_cluster(labels: np.ndarray, fitted: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Each row of `x` gets the label of the nearest (cosine) centroid of the `fitted` clusters."""
    clusters = sorted(set(labels.tolist()))
    centroids = _normalise(np.vstack([fitted[labels == c].mean(axis=0) for c in clusters]))
    out = np.empty(len(x), dtype=np.int64)
    for start in range(0, len(x), 8192):
        block = x[start : start + 8192] @ centroids.T
        out[start : start + 8192] = np.asarray(clusters)[block.argmax(axis=1)]
    return out


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Number clusters 0.. by size (largest first), ties by first appearance."""
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(values[i]): rank for rank, i in enumerate(order)}
    return np.asarray([mapping[int(v)] for v in labels], dtype=np.int64)


def _ctfidf_keywords(texts: list[str], labels: np.ndarray, terms: dict, n: int) -> list[list[str]]:
    """Top c-TF-IDF terms per cluster, from the spaCy lemma terms of its documents."""
    n_clusters = int(labels.max()) + 1 if len(labels) else 0
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, text in enumerate(texts):
        for term in terms.get(text) or []:
            rows.append(int(labels[i]))
            cols.append(vocab.setdefault(term, len(vocab)))
    if not vocab:
        return [[] for _ in range(n_clusters)]
    counts = np.zeros((n_clusters, len(vocab)), dtype=np.float64)
    np.add.at(counts, (np.asarray(rows), np.asarray(cols)), 1.0)
    weights = _ctfidf(counts)
    names = np.array(sorted(vocab, key=vocab.get))
    out = []
    for row in weights:
        order = [int(i) for i in np.lexsort((names, -row)) if row[i] > 0]
        out.append(_prefer_phrases([str(names[i]) for i in order], n))
    return out


def _ctfidf(counts: np.ndarray) -> np.ndarray:
    """BERTopic's c-TF-IDF with reduce_frequent_words: sqrt(l1 tf) x log(1 + A / f_term)."""
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    average = counts.sum() / max(len(counts), 1)
    idf = np.log(1.0 + average / np.maximum(counts.sum(axis=0), 1.0))
    return np.sqrt(tf) * idf


def _prefer_phrases(terms: list[str], n: int) -> list[str]:
    """Keep the top terms, dropping single words already inside a chosen two-word phrase."""
    chosen: list[str] = []
    for term in terms:
        words = term.split()
        if any(term in c.split() for c in chosen) or (len(words) > 1 and len(set(words)) < 2):
            continue
        chosen = [c for c in chosen if not (len(words) > 1 and c in words)] + [term]
        if len(chosen) == n:
            break
    return chosen


def _representatives(x: np.ndarray, labels: np.ndarray, n: int) -> list[list[int]]:
    """Indices of the n documents closest (cosine) to each cluster's centroid."""
    out = []
    for cluster in range(int(labels.max()) + 1 if len(labels) else 0):
        members = np.flatnonzero(labels == cluster)
        centroid = _normalise(x[members].mean(axis=0, keepdims=True))[0]
        sims = x[members] @ centroid
        out.append([int(members[i]) for i in np.lexsort((members, -sims))[:n]])
    return out


def make_label(keywords: Sequence[str], n: int = 3) -> str:
    """Human-readable sub-theme label from its top keywords, e.g. "Mould, damp and landlord"."""
    words = list(keywords[:n])
    if not words:
        return "Other"
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text[0].upper() + text[1:]


def project_2d(embeddings: np.ndarray, random_state: int = 0, sample: int = 5000) -> np.ndarray:
    """Seeded 2-D map coordinates: UMAP fitted on up to `sample` points, PCA for tiny sets."""
    x = np.asarray(embeddings, dtype=np.float32)
    if len(x) < 3:
        return np.zeros((len(x), 2), dtype=np.float64)
    if len(x) < 30:
        from sklearn.decomposition import PCA

        return PCA(2, random_state=random_state).fit_transform(x).astype(np.float64)
    from umap import UMAP

    rng = np.random.default_rng(random_state)
    fit_rows = np.sort(rng.choice(len(x), sample, replace=False)) if len(x) > sample else None
    reducer = UMAP(
        n_components=2,
        n_neighbors=15,
        min_dist=0.1,
        metric="cosine",
        random_state=random_state,
        n_jobs=1,
    )
    if fit_rows is None:
        return reducer.fit_transform(x).astype(np.float64)
    reducer.fit(x[fit_rows])
    return reducer.transform(x).astype(np.float64)


def discover(
    documents: Sequence[Document],
    embeddings: np.ndarray,
    assignments: Sequence[Assignment],
    random_state: int = 0,
    progress=None,
    **params,
) -> DiscoveryResult:
    """Sub-themes within each assigned theme and across the unassigned remainder (emerging)."""
    x = np.asarray(embeddings, dtype=np.float32)
    groups: dict[str | None, list[int]] = {}
    for i, assignment in enumerate(assignments):
        if np.any(x[i]):  # blank answers have nothing to cluster on
            groups.setdefault(assignment.theme, []).append(i)
    subthemes, doc_subtheme = [], []
    order = sorted(groups, key=lambda g: (g is None, g or ""))
    for step, theme in enumerate(order):
        rows = groups[theme]
        found = SubThemeDiscoverer(random_state=random_state, **params).fit(
            [documents[i].text for i in rows], x[rows]
        )
        for cluster, keywords in enumerate(found.keywords_):
            key = f"{theme or UNASSIGNED}:{cluster}"
            members = [documents[rows[i]].id for i in np.flatnonzero(found.labels_ == cluster)]
            reps = tuple(documents[rows[i]].id for i in found.representatives_[cluster])
            subthemes.append(
                SubTheme(key, theme, make_label(keywords), tuple(keywords), tuple(members), reps)
            )
            doc_subtheme.extend((doc_id, key) for doc_id in members)
        if progress is not None:
            progress((step + 1) / (len(order) + 1))
    coords = project_2d(x, random_state) if len(x) else np.zeros((0, 2))
    coordinates = tuple(
        (d.id, round(float(a), 5), round(float(b), 5))
        for d, (a, b) in zip(documents, coords, strict=True)
    )
    return DiscoveryResult(tuple(subthemes), tuple(doc_subtheme), coordinates)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
