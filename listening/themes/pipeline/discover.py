"""Sub-theme discovery: BERTopic with injected, seeded components on precomputed embeddings."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from .preprocess import keyword_terms, stop_words, tagger
from .reduce import prepare_numba, quiet, umap_model
from .types import Assignment, DiscoveryResult, Document, SubTheme

UNASSIGNED = "unassigned"
_TOKEN = re.compile(r"[a-z][a-z]+")


class SubThemeDiscoverer:
    """Cluster one group of answers; describe each cluster by keywords, a label and quotes.

    Keywords come from BERTopic's own representation models on the clusters found
    (KeyBERTInspired then MaximalMarginalRelevance); label candidates are the cluster's noun
    phrases found by PartOfSpeech with a trained spaCy English pipeline (`describe`).
    Examples are the answers nearest the cluster's centre, diversified by MMR, no text twice.

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
        max_subthemes: int = 8,
        n_keywords: int = 8,
        n_representatives: int = 3,
        min_docs: int = 8,
        min_docs_for_umap: int = 60,
        max_fit_docs: int = 4000,
        embedder=None,
        size_factor: float = 0.5,
        selection: str = "eom",
        n_neighbors: int = 15,
    ):
        self.embedder = embedder
        self.random_state = random_state
        self.min_cluster_size = min_cluster_size
        self.max_subthemes = max_subthemes
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.min_docs = min_docs
        self.min_docs_for_umap = min_docs_for_umap
        self.max_fit_docs = max_fit_docs
        self.size_factor = size_factor
        self.selection = selection
        self.n_neighbors = n_neighbors

    def fit(self, texts: Sequence[str], embeddings: np.ndarray) -> SubThemeDiscoverer:
        """Set `labels_` (cluster per text), `keywords_` and `representatives_` (text indices)."""
        x = np.asarray(embeddings, dtype=np.float32)
        self.labels_ = self.cluster(texts, x)
        described = describe(
            list(texts), x, self.labels_, self.embedder, self.n_keywords, self.random_state
        )
        self.keywords_, self.phrases_ = described
        self.representatives_ = _representatives(
            x, self.labels_, self.n_representatives, list(texts)
        )
        return self

    def cluster(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """The cluster of each text, numbered 0.. by size (largest first); no keywords."""
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
        return _renumber(labels)

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
        prepare_numba()
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer
        from hdbscan import HDBSCAN
        from sklearn.feature_extraction.text import CountVectorizer

        size = self.min_cluster_size or max(5, round(self.size_factor * math.sqrt(len(texts))))
        # BERTopic joins each topic's documents and vectorises the joins (c-TF-IDF for merging
        # topics): give it ids, so a join is a list of ids whose terms are already known,
        # rather than a long text for spaCy to lemmatise again.
        ids = [f"d{i}" for i in range(len(texts))]
        by_id = {i: terms.get(t) or keyword_terms(t) for i, t in zip(ids, texts, strict=True)}
        model = BERTopic(
            embedding_model=None,
            umap_model=umap_model(x, 5, self.n_neighbors, 0.0, self.random_state),
            hdbscan_model=HDBSCAN(
                min_cluster_size=size,
                metric="euclidean",
                cluster_selection_method=self.selection,
                prediction_data=False,
            ),
            vectorizer_model=CountVectorizer(analyzer=lambda doc: _terms_of_ids(doc, by_id)),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            nr_topics=self.max_subthemes,
            calculate_probabilities=False,
            verbose=False,
        )
        with quiet():
            topics, _ = model.fit_transform(ids, embeddings=x)
        return _attach_outliers(np.asarray(topics, dtype=np.int64), x)


def _terms_of_ids(joined: str, by_id: dict[str, list[str]]) -> list[str]:
    return [term for doc_id in joined.split() for term in by_id.get(doc_id, ())]


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


def _representatives(
    x: np.ndarray,
    labels: np.ndarray,
    n: int,
    texts: list[str] | None = None,
    diversity: float = 0.3,
    near_duplicate: float = 0.95,
) -> list[list[int]]:
    """Per cluster, n answers near its centre chosen by MMR; no text twice, no near-copies."""
    out = []
    for cluster in range(int(labels.max()) + 1 if len(labels) else 0):
        members = np.flatnonzero(labels == cluster)
        centroid = _normalise(x[members].mean(axis=0, keepdims=True))[0]
        relevance = x[members] @ centroid
        chosen: list[int] = []
        seen: set[str] = set()
        candidates = [int(i) for i in np.lexsort((members, -relevance))]
        while len(chosen) < n and candidates:
            if chosen:
                redundancy = (x[members[candidates]] @ x[members[chosen]].T).max(axis=1)
                gain = (1 - diversity) * relevance[candidates] - diversity * redundancy
                pick = candidates[int(np.argmax(gain))]
            else:
                pick = candidates[0]
            candidates.remove(pick)
            key = " ".join((texts[members[pick]] if texts else str(pick)).lower().split())
            near = chosen and float((x[members[chosen]] @ x[members[pick]]).max()) > near_duplicate
            if key not in seen and not near:
                seen.add(key)
                chosen.append(pick)
        out.append([int(members[i]) for i in chosen])
    return out


# Noun phrases PartOfSpeech looks for (spaCy Matcher patterns): "bike lanes", "safe streets".
# On Penn Treebank tags, which is what the tagger predicts: the attribute ruler would map
# NN/NNS to NOUN (except the indefinite pronouns below, which it makes PRON) and JJ/JJR/JJS/AFX
# to ADJ; proper nouns (NNP) are PROPN and were never matched.
_PRONOUNS = "something anyone anything nothing someone everything everyone everybody nobody"
_ADJ = {"TAG": {"IN": ["JJ", "JJR", "JJS", "AFX"]}}
_NOUN = {
    "TAG": {"IN": ["NN", "NNS"]},
    "LOWER": {"NOT_IN": [*_PRONOUNS.split(), "somebody", "anybody", "any1"]},
}
NOUN_PHRASES = [
    [_ADJ, _NOUN],
    [_NOUN, _NOUN],
    [_ADJ, _NOUN, _NOUN],
    [_NOUN, _NOUN, _NOUN],
    [_NOUN],
]


class _Backend:
    """Our Embedder as a BERTopic embedding backend (for KeyBERTInspired and MMR word vectors).

    Texts in `known` (the answers being described) reuse their vectors; anything else (the
    candidate keywords) is embedded once per backend.
    """

    def __new__(cls, embedder, known: dict[str, np.ndarray] | None = None):
        from bertopic.backend import BaseEmbedder

        memo: dict[str, np.ndarray] = dict(known or {})

        class Backend(BaseEmbedder):
            def embed(self, documents, verbose=False):
                texts = [str(d) for d in documents]
                missing = sorted({t for t in texts if t not in memo})
                if missing:
                    memo.update(zip(missing, embedder.encode(missing), strict=True))
                if not texts:
                    return np.zeros((0, embedder.dimension), dtype=np.float32)
                return np.vstack([memo[t] for t in texts])

        return Backend()


def describe(
    texts: list[str],
    x: np.ndarray,
    labels: np.ndarray,
    embedder=None,
    n_keywords: int = 8,
    random_state: int = 0,
) -> tuple[list[list[str]], list[list[str]]]:
    """Keywords and label phrases per cluster from BERTopic's representation models.

    The clusters are given (BaseCluster, no reduction); c-TF-IDF over uni- to tri-grams without
    stop words, then "Main": KeyBERTInspired → MaximalMarginalRelevance (the keywords) and
    "phrases": PartOfSpeech noun phrases → MaximalMarginalRelevance (label candidates).
    """
    prepare_numba()  # before BERTopic imports UMAP
    n_clusters = int(labels.max()) + 1 if len(labels) else 0
    empty = [[] for _ in range(n_clusters)]
    if n_clusters == 0 or not any(keyword_terms(t) for t in texts):
        return empty, empty
    try:
        known = dict(zip(texts, x, strict=True))
        model = _describer(embedder, n_keywords, random_state, known)
        model.fit(texts, embeddings=x, y=np.asarray(labels))
    except (ValueError, TypeError):
        # A vocabulary of one term (BERTopic's c-TF-IDF cannot take it) or only stop words:
        # fall back to each cluster's most frequent terms.
        frequent = _frequent_terms(texts, labels, n_clusters, n_keywords)
        return frequent, frequent
    # BERTopic renumbers topics by size with an unstable sort: clusters of equal size can swap
    # ids. Each cluster's topic is the one its own answers were given.
    topic = {int(c): int(t) for c, t in zip(labels, model.topics_, strict=True)}
    words = [_words(model.get_topic(topic[c])) if c in topic else [] for c in range(n_clusters)]
    phrases = [
        _words(model.topic_aspects_["phrases"].get(topic[c], [])) if c in topic else []
        for c in range(n_clusters)
    ]
    return words, phrases


def _frequent_terms(texts, labels, n_clusters: int, n: int) -> list[list[str]]:
    from collections import Counter

    counts = [Counter() for _ in range(n_clusters)]
    for text, label in zip(texts, labels, strict=True):
        counts[int(label)].update(keyword_terms(text))
    return [[t for t, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]] for c in counts]


def _describer(embedder, n_keywords: int, random_state: int, known=None):
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.representation import (
        KeyBERTInspired,
        MaximalMarginalRelevance,
        PartOfSpeech,
    )
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    if embedder is None:
        from .embed import Embedder

        embedder = Embedder()
    # Keyword vectors are not answers: a cache-less twin of the embedder (same loaded model).
    words_embedder = type(embedder)(backend=embedder.backend, num_threads=embedder.num_threads)
    representation = {
        "Main": [
            KeyBERTInspired(top_n_words=20, nr_repr_docs=5, random_state=random_state),
            MaximalMarginalRelevance(diversity=0.3, top_n_words=n_keywords),
        ],
        "phrases": [
            PartOfSpeech(tagger(), top_n_words=20, pos_patterns=NOUN_PHRASES),
            MaximalMarginalRelevance(diversity=0.5, top_n_words=12),
        ],
    }
    return BERTopic(
        embedding_model=_Backend(words_embedder, known),
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=CountVectorizer(
            ngram_range=(1, 2),
            stop_words=sorted(stop_words()),
            token_pattern=r"(?u)\b[a-z][a-z]+\b",
        ),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=representation,
        top_n_words=20,
        calculate_probabilities=False,
        verbose=False,
    )


def _words(pairs) -> list[str]:
    """Terms with a positive score, without ones that repeat a word ("trees trees")."""
    return [w for w, score in pairs if w and score > 0 and len(_stems(w)) == len(w.split())]


def label_candidates(phrases: Sequence[str], keywords: Sequence[str], generic: set[str]):
    """Labels of 2–6 words for one cluster, best first: "A and B", "A", then keyword pairs.

    Noun phrases that are also keywords (both representation models agree) lead. A second
    phrase joins the first only when it is itself a phrase or a keyword of its own, so a label
    does not end on a vague noun that only appears inside a keyword ("start" of "start
    repairs").
    """
    generic = generic | GENERIC_NOUNS
    good = [p for p in phrases if _specific(p, generic)]
    multi = sorted((p for p in good if len(p.split()) >= 2), key=lambda p: p not in keywords)
    singles = [p for p in good if len(p.split()) == 1]
    words = [k for k in keywords if _specific(k, generic)]
    out = []
    for first in multi[:4]:
        seconds = [
            p
            for p in good[:8]
            if not _stems(p) & _stems(first) and (len(p.split()) > 1 or p in keywords)
        ]
        for second in seconds[:2]:
            if len((first + " " + second).split()) <= 6:
                out.append(f"{first} and {second}")
        out.append(first)
    pool = singles + [w for w in words if w not in singles]
    out += [
        f"{a} and {b}"
        for i, a in enumerate(pool)
        for b in pool[i + 1 : i + 3]
        if not _stems(a) & _stems(b) and len((a + " " + b).split()) <= 6
    ]
    return [_capital(c) for c in dict.fromkeys(out)]


# Nouns that name no topic in any corpus; a label made only of these says nothing.
GENERIC_NOUNS = frozenset(
    "problem problems issue issues option options system systems improvement improvements idea "
    "ideas thing things need needs place places part kind type number change changes way lot "
    "people person stuff benefit resources".split()
)


def _stems(phrase: str) -> set[str]:
    return {w.rstrip("s") for w in phrase.split()}


def _specific(phrase: str, generic: set[str]) -> bool:
    words = phrase.split()
    return bool(words) and not set(words) & generic and min(map(len, words)) > 2


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def generic_words(texts: Sequence[str], share: float = 0.08) -> set[str]:
    """Stop words plus words found in more than `share` of the corpus: too common to name a part."""
    from collections import Counter

    counts = Counter(w for t in texts for w in set(_TOKEN.findall(t.lower())))
    limit = max(3, share * len(texts))
    return set(stop_words()) | {w for w, c in counts.items() if c > limit}


def choose_labels(
    candidates: Sequence[Sequence[str]],
    keywords: Sequence[Sequence[str]],
    taken: Sequence[str] = (),
):
    """One label per sub-theme, distinct across them and from `taken` (first unused wins)."""
    used: set[str] = {t.lower() for t in taken}
    out = []
    for options, words in zip(candidates, keywords, strict=True):
        label = next((c for c in options if c.lower() not in used), None)
        if label is None:
            base = make_label(words, 2) if words else "Other answers"
            label = next(
                f"{base} ({n})" if n else base
                for n in range(1000)
                if (f"{base} ({n})" if n else base).lower() not in used
            )
        used.add(label.lower())
        out.append(label)
    return out


def describe_subthemes(
    texts: Sequence[str],
    embeddings: np.ndarray,
    labels: Sequence[int],
    corpus_texts: Sequence[str],
    relabel: Sequence[int],
    taken: Sequence[str] = (),
    embedder=None,
    n_keywords: int = 8,
    n_representatives: int = 3,
    random_state: int = 0,
) -> tuple[list[list[str]], dict[int, str], list[list[int]]]:
    """Keywords and examples (text indices) per cluster 0..k-1, and labels for the clusters in
    `relabel`, built as a run builds them: `describe` over all the clusters, `label_candidates`
    against the corpus's generic words, `choose_labels` avoiding the `taken` labels, MMR
    examples. For sub-themes a reviewer merged or split."""
    texts, x = list(texts), np.asarray(embeddings, dtype=np.float32)
    labels = np.asarray(labels, dtype=np.int64)
    keywords, phrases = describe(texts, x, labels, embedder, n_keywords, random_state)
    generic = generic_words(list(corpus_texts))
    relabel = list(relabel)
    candidates = [label_candidates(phrases[c], keywords[c], generic) for c in relabel]
    chosen = choose_labels(candidates, [keywords[c] for c in relabel], taken)
    return (
        keywords,
        dict(zip(relabel, chosen, strict=True)),
        _representatives(x, labels, n_representatives, texts),
    )


def make_label(keywords: Sequence[str], n: int = 3) -> str:
    """Human-readable sub-theme label from its top keywords, e.g. "Mould, damp and landlord"."""
    words = list(keywords[:n])
    if not words:
        return "Other"
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text[0].upper() + text[1:]


def project_2d(
    embeddings: np.ndarray, groups: Sequence[str] | None = None, random_state: int = 0
) -> np.ndarray:
    """2-D map coordinates from the sub-themes found, without fitting another UMAP.

    Each group's (sub-theme's) centre is placed by metric MDS (SMACOF from the classical MDS
    solution, so deterministic) of the cosine distances between group centroids; its answers
    spread around it along the two main axes (PCA) of their own differences from the centroid,
    within a disc that keeps clear of the nearest other group. Linear in the number of answers.
    """
    x = np.asarray(embeddings, dtype=np.float64)
    if len(x) < 3:
        return np.zeros((len(x), 2), dtype=np.float64)
    keys = list(groups) if groups is not None else [""] * len(x)
    _, group = np.unique(np.asarray(keys, dtype=object).astype(str), return_inverse=True)
    k = int(group.max()) + 1
    sums = np.zeros((k, x.shape[1]))
    np.add.at(sums, group, x)
    sizes = np.bincount(group, minlength=k)
    centres = _layout_centres(_normalise(sums), random_state)
    if k > 1:
        gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2)
        np.fill_diagonal(gaps, np.inf)
        reach = gaps.min(axis=1)
    else:
        reach = np.full(1, 2.0)
    out = np.zeros((len(x), 2))
    for g in range(k):
        rows = np.flatnonzero(group == g)
        spread = x[rows] - sums[g] / sizes[g]
        if len(rows) > 2 and np.any(spread):
            _, vectors = np.linalg.eigh(spread.T @ spread)  # ascending: the last two lead
            axes = vectors[:, ::-1][:, :2]
            axes *= np.where(axes[:1] < 0, -1.0, 1.0)  # deterministic signs
            local = spread @ axes
            scale = np.percentile(np.linalg.norm(local, axis=1), 90) or 1.0
            radius = 0.45 * reach[g] * (0.5 + 0.5 * math.sqrt(sizes[g] / sizes.max()))
            local *= radius / scale
        else:
            local = np.zeros((len(rows), 2))
        out[rows] = centres[g] + local
    return out


def _layout_centres(centroids: np.ndarray, random_state: int) -> np.ndarray:
    """Group centres in 2-D: metric MDS of the centroids' cosine distances."""
    k = len(centroids)
    if k == 1:
        return np.zeros((1, 2))
    distance = np.clip(1.0 - centroids @ centroids.T, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    if k == 2:
        return np.asarray([[0.0, 0.0], [max(float(distance[0, 1]), 1e-3), 0.0]])
    # classical MDS (Torgerson) as the start: deterministic
    centring = np.eye(k) - 1.0 / k
    inner = -0.5 * centring @ (distance**2) @ centring
    values, vectors = np.linalg.eigh(inner)
    top = np.argsort(values)[::-1][:2]
    start = vectors[:, top] * np.sqrt(np.clip(values[top], 1e-12, None))
    if k == 3:
        return start
    from sklearn.manifold import smacof

    placed, _ = smacof(
        distance, n_components=2, init=start, n_init=1, random_state=random_state, max_iter=300
    )
    return placed


def theme_groups(
    embeddings: np.ndarray, assignments: Sequence[Assignment]
) -> dict[str | None, list[int]]:
    """Rows to cluster per theme (None: the unassigned remainder); blank answers in none."""
    x = np.asarray(embeddings, dtype=np.float32)
    groups: dict[str | None, list[int]] = {}
    for i, assignment in enumerate(assignments):
        if np.any(x[i]):  # blank answers have nothing to cluster on
            groups.setdefault(assignment.theme, []).append(i)
    return groups


def discover(
    documents: Sequence[Document],
    embeddings: np.ndarray,
    assignments: Sequence[Assignment],
    random_state: int = 0,
    progress=None,
    embedder=None,
    **params,
) -> DiscoveryResult:
    """Sub-themes within each assigned theme and across the unassigned remainder (emerging)."""
    x = np.asarray(embeddings, dtype=np.float32)
    groups = theme_groups(x, assignments)
    found_by_theme = {}
    order = sorted(groups, key=lambda g: (g is None, g or ""))
    for step, theme in enumerate(order):
        rows = groups[theme]
        found_by_theme[theme] = SubThemeDiscoverer(
            random_state=random_state, embedder=embedder, **params
        ).fit([documents[i].text for i in rows], x[rows])
        if progress is not None:
            progress((step + 1) / (len(order) + 1))
    generic = generic_words([d.text for d in documents])
    clusters = [(t, c) for t in order for c in range(len(found_by_theme[t].keywords_))]
    labels = choose_labels(
        [
            label_candidates(found_by_theme[t].phrases_[c], found_by_theme[t].keywords_[c], generic)
            for t, c in clusters
        ],
        [found_by_theme[t].keywords_[c] for t, c in clusters],
    )
    subthemes, doc_subtheme = [], []
    for (theme, cluster), label in zip(clusters, labels, strict=True):
        found, rows = found_by_theme[theme], groups[theme]
        key = f"{theme or UNASSIGNED}:{cluster}"
        members = [documents[rows[i]].id for i in np.flatnonzero(found.labels_ == cluster)]
        reps = tuple(documents[rows[i]].id for i in found.representatives_[cluster])
        keywords = tuple(found.keywords_[cluster])
        subthemes.append(SubTheme(key, theme, label, keywords, tuple(members), reps))
        doc_subtheme.extend((doc_id, key) for doc_id in members)
    sub_of = dict(doc_subtheme)
    groups = [sub_of.get(d.id, "") for d in documents]
    coords = project_2d(x, groups, random_state) if len(x) else np.zeros((0, 2))
    coordinates = tuple(
        (d.id, round(float(a), 5), round(float(b), 5))
        for d, (a, b) in zip(documents, coords, strict=True)
    )
    return DiscoveryResult(tuple(subthemes), tuple(doc_subtheme), coordinates)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
