"""UMAP's neighbours and compiled code, and the 2-D map built from the sub-themes."""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import NearestNeighbors

from listening.themes.pipeline.discover import project_2d
from listening.themes.pipeline.reduce import (
    cosine_knn,
    numba_cache_dir,
    prepare_numba,
    quiet,
    umap_model,
)


def _groups(n_groups: int, size: int, dim: int = 24, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_groups, dim))
    x = np.vstack([c + 0.3 * rng.normal(size=(size, dim)) for c in centres])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels = np.repeat([f"g{i}" for i in range(n_groups)], size)
    return x.astype(np.float32), labels


def test_cosine_neighbours_are_exact_with_each_point_first():
    x, _ = _groups(4, 40)
    indices, distances = cosine_knn(x, 7, block=50)  # several blocks
    expected = NearestNeighbors(n_neighbors=7, metric="cosine", algorithm="brute").fit(x)
    want_dist, want = expected.kneighbors(x)
    assert (indices[:, 0] == np.arange(len(x))).all() and np.allclose(distances[:, 0], 0)
    assert np.allclose(distances, want_dist, atol=1e-5)
    assert all(set(a) == set(b) for a, b in zip(indices[:, 1:], want[:, 1:], strict=True))
    assert (np.diff(distances, axis=1) >= 0).all()


def test_numba_cache_dir_is_the_environments_choice(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    assert numba_cache_dir() == tmp_path / "numba"


def test_umap_on_precomputed_neighbours_is_seeded_and_cached_on_disk():
    import umap.layouts
    import umap.umap_
    from numba.core.caching import NullCache

    assert numba_cache_dir() is not None  # the installation's folder is writable here
    prepare_numba()
    cached = [
        umap.umap_.smooth_knn_dist,
        umap.umap_.compute_membership_strengths,
        umap.layouts._nb_optimize_layout_euclidean_single_epoch,
    ]
    assert not any(isinstance(f._cache, NullCache) for f in cached)
    x, labels = _groups(3, 30)
    with quiet():  # "cannot transform new data": none is given
        first = umap_model(x, 2, 10, 0.0, 0).fit_transform(x)
        again = umap_model(x, 2, 10, 0.0, 0).fit_transform(x)
    assert np.allclose(first, again)
    nearest = NearestNeighbors(n_neighbors=2).fit(first).kneighbors(first)[1][:, 1]
    assert (labels[nearest] == labels).mean() > 0.9


def test_map_keeps_each_sub_theme_together_and_is_deterministic():
    x, labels = _groups(6, 25)
    coords = project_2d(x, list(labels), 0)
    assert coords.shape == (150, 2) and np.isfinite(coords).all()
    assert np.array_equal(coords, project_2d(x, list(labels), 0))
    centres = {g: coords[labels == g].mean(axis=0) for g in set(labels)}
    own = [
        min(centres, key=lambda g: np.linalg.norm(point - centres[g])) == label
        for point, label in zip(coords, labels, strict=True)
    ]
    assert np.mean(own) > 0.95
    # answers spread within their sub-theme, not all on one point
    assert all(coords[labels == g].std(axis=0).min() > 0 for g in set(labels))


def test_map_of_tiny_or_single_group_corpora():
    x, labels = _groups(2, 4)
    assert np.array_equal(project_2d(x[:2], list(labels[:2])), np.zeros((2, 2)))
    for groups in (None, list(labels)):
        coords = project_2d(x, groups)
        assert coords.shape == (8, 2) and np.isfinite(coords).all()
        assert len({tuple(p) for p in coords}) == 8
    blank = np.vstack([x, np.zeros((3, x.shape[1]), dtype=np.float32)])
    coords = project_2d(blank, list(labels) + [""] * 3)
    assert np.isfinite(coords).all()
