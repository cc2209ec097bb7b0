"""UMAP for sub-theme clustering without its two avoidable costs.

- Below 4,096 points UMAP computes every pairwise distance through sklearn with its numba
  cosine as a Python callable, one call per pair (25 s of a Cambridge run). The answers are
  unit vectors, so the exact neighbours come from one matrix product here instead.
- UMAP's numba functions are compiled on first use in every process (~10 CPU s) because
  umap-learn does not mark them `cache=True` (pynndescent does). `prepare_numba` turns
  numba's on-disk cache on for them, in `NUMBA_CACHE_DIR` (default: a folder beside the
  installation's ONNX encoder), so only the first process of an installation compiles.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

_lock = threading.Lock()
_prepared = False


def numba_cache_dir() -> Path | None:
    """$NUMBA_CACHE_DIR, else <venv>/share/listening/numba-cache when writable, else None."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    path = Path(sys.prefix) / "share" / "listening" / "numba-cache"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def prepare_numba() -> None:
    """Point numba's cache at `numba_cache_dir()` and cache UMAP's compiled functions (once)."""
    global _prepared
    with _lock:
        if _prepared:
            return
        path = numba_cache_dir()
        if path is not None:
            os.environ["NUMBA_CACHE_DIR"] = str(path)
            if "numba" in sys.modules:  # imported already (e.g. by BERTopic): tell it too
                from numba.core import config

                config.CACHE_DIR = str(path)
        import umap.distances
        import umap.layouts
        import umap.umap_
        import umap.utils
        from numba.core.caching import NullCache
        from numba.core.dispatcher import Dispatcher

        if path is not None:
            for module in (umap.umap_, umap.layouts, umap.utils, umap.distances):
                for value in vars(module).values():
                    if isinstance(value, Dispatcher) and isinstance(value._cache, NullCache):
                        try:
                            value.enable_caching()
                        except RuntimeError:  # numba found no place it may write
                            pass
        _prepared = True


def cosine_knn(x: np.ndarray, k: int, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours by cosine distance (each point first, at distance 0), as
    UMAP's `precomputed_knn`: (indices int64, distances float32), both (n, k)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    unit = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    n = len(unit)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        dist = 1.0 - unit[start : start + block] @ unit.T
        rows = np.arange(dist.shape[0])
        dist[rows, rows + start] = -1.0  # the point itself comes first
        near = np.argpartition(dist, k - 1, axis=1)[:, :k]
        near_dist = np.take_along_axis(dist, near, axis=1)
        order = np.lexsort((near, near_dist), axis=1)
        indices[start : start + block] = np.take_along_axis(near, order, axis=1)
        ordered = np.take_along_axis(near_dist, order, axis=1)
        distances[start : start + block] = np.maximum(ordered, 0)
    return indices, distances


def umap_model(x: np.ndarray, n_components: int, n_neighbors: int, min_dist: float, seed: int):
    """A seeded cosine UMAP for `x` with its exact neighbours precomputed (fit it on `x` only;
    it cannot transform other points)."""
    prepare_numba()
    from umap import UMAP

    k = min(n_neighbors, len(x) - 1)
    knn = cosine_knn(x, k)
    return UMAP(
        n_neighbors=k,
        n_components=n_components,
        min_dist=min_dist,
        metric="cosine",
        random_state=seed,
        n_jobs=1,
        precomputed_knn=(*knn, None),
    )


def warm() -> None:
    """Compile UMAP's functions now (or load them from numba's cache), e.g. as a worker starts,
    so its first run does not pay for it."""
    x = np.random.default_rng(0).normal(size=(64, 8)).astype(np.float32)
    with quiet():
        umap_model(x, 5, 15, 0.0, 0).fit_transform(x)


@contextmanager
def quiet() -> Iterator[None]:
    """Hide UMAP's note that a model fitted on precomputed neighbours cannot transform new data
    (none is ever given)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*precomputed_knn.*")
        yield
