"""Process-wide caches of the themes feature, in one place.

* embeddings: `themes_embedding_cache` rows, keyed by (text, model), shared by every process;
* fitted assigners and sub-theme centroids: per process, keyed by run and its finish time (the
  centroids also by the shape of the run's sub-themes), so a change any worker makes is seen
  by all of them without a message between them.

Tests reset them with the `fresh_theme_caches` fixture (`reset()`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence

import numpy as np
from sqlalchemy import func, or_, select

from listening.extensions import db
from listening.intake.models import Response
from listening.themes.models import Assignment, EmbeddingCache, SubTheme, ThemeRun
from listening.timeutil import utcnow

_assigners: dict[tuple, object] = {}
_centroids: dict[tuple, dict[int | None, dict[int, np.ndarray]]] = {}
_prototypes: dict[tuple, tuple[dict[int, np.ndarray], dict[int, int | None]]] = {}
_lock = threading.Lock()


class DatabaseEmbeddingCache:
    """The pipeline's EmbeddingCache protocol over `themes_embedding_cache` rows."""

    def __init__(self, model_id: str):
        self.model_id = model_id

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors already stored for these text keys."""
        found: dict[str, np.ndarray] = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):
            rows = db.session.execute(
                select(EmbeddingCache.key, EmbeddingCache.vector).where(
                    EmbeddingCache.model_id == self.model_id,
                    EmbeddingCache.key.in_(keys[start : start + 500]),
                )
            )
            found.update({key: np.frombuffer(vector, dtype=np.float32) for key, vector in rows})
        return found

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        """Store new vectors; a key another process stored meanwhile is left as it is."""
        now = utcnow()
        rows = [
            {
                "key": key,
                "model_id": self.model_id,
                "created_at": now,
                "vector": np.asarray(vector, dtype=np.float32).tobytes(),
            }
            for key, vector in items.items()
        ]
        if rows:
            db.session.execute(_insert_ignoring_duplicates(), rows)


def _insert_ignoring_duplicates():
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(EmbeddingCache).on_conflict_do_nothing(index_elements=["key", "model_id"])


class HeldEmbeddingCache(DatabaseEmbeddingCache):
    """The database cache, but new vectors are held in memory until `write()`: a job embeds
    with no write transaction open, then stores them in its short write transaction."""

    def __init__(self, model_id: str):
        super().__init__(model_id)
        self.held: dict[str, np.ndarray] = {}

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors held here or already stored."""
        found = {key: self.held[key] for key in keys if key in self.held}
        rest = [key for key in keys if key not in found]
        return found | (super().get_many(rest) if rest else {})

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        """Hold new vectors for `write()`."""
        self.held.update(items)

    def write(self) -> None:
        """Store the held vectors (in the caller's transaction); they stay held for a retry."""
        if self.held:
            super().put_many(self.held)


def make_embedder(held: bool = False):
    """An embedder backed by the database cache (the model itself is shared per process);
    `held`: new vectors wait in memory for `cache.write()`."""
    from listening.themes.pipeline import Embedder

    probe = Embedder()
    cache = HeldEmbeddingCache if held else DatabaseEmbeddingCache
    return Embedder(cache=cache(probe.model_id))


def make_multilingual_embedder(held: bool = False):
    """The multilingual embedder for answers in other languages, backed by the database cache
    under its own model id (its vectors never meet MiniLM's); `held` as for `make_embedder`."""
    from listening.themes.pipeline.multilingual import MultilingualEmbedder

    probe = MultilingualEmbedder()
    cache = HeldEmbeddingCache if held else DatabaseEmbeddingCache
    return MultilingualEmbedder(cache=cache(probe.model_id))


def not_routed():
    """SQL: answers embedded by MiniLM (English or unknown language; see `is_routed`)."""
    return or_(Response.language.is_(None), Response.language == "en")


# -- fitted state: arrays as safetensors, the rest as JSON; the fitted assigner per run ----


def dump_state(state: Mapping) -> tuple[bytes, dict]:
    """Split an assigner state into safetensors bytes (arrays) and a JSON-able dict."""
    from safetensors.numpy import save

    arrays = {k: np.ascontiguousarray(v) for k, v in state.items() if isinstance(v, np.ndarray)}
    meta = {k: v for k, v in state.items() if k not in arrays}
    return save(arrays), json.loads(json.dumps(meta, default=_plain))


def load_state(tensors: bytes, meta: Mapping) -> dict:
    """The inverse of `dump_state`."""
    from safetensors.numpy import load

    state = dict(meta)
    state.update(load(tensors))
    return state


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def assigner_for(run: ThemeRun, embedder=None):
    """The run's fitted ThemeAssigner, rebuilt once per process."""
    from listening.themes.pipeline import ThemeAssigner

    key = (run.id, run.finished_at)
    with _lock:
        if key not in _assigners:
            state = load_state(run.assigner_tensors, run.assigner_meta or {})
            _assigners[key] = ThemeAssigner.from_state(state, embedder=embedder)
        return _assigners[key]


def sub_theme_centroids(run: ThemeRun, embedder) -> dict[int | None, dict[int, np.ndarray]]:
    """theme id → {sub-theme id → unit centroid of its answers}, kept per process.

    Keyed by the run, its finish time and the shape of its live sub-themes, so a merge, split
    or move made by any worker is seen by every worker on its next call.
    """
    key = (run.id, run.finished_at, _sub_themes_signature(run.id))
    with _lock:
        if key in _centroids:
            return _centroids[key]
    rows = db.session.execute(
        select(SubTheme.theme_id, SubTheme.id, Response.redacted_text)
        .join(Assignment, Assignment.sub_theme_id == SubTheme.id)
        .join(Response, Response.id == Assignment.response_id)
        .where(
            SubTheme.run_id == run.id,
            SubTheme.merged_into_id.is_(None),
            Assignment.run_id == run.id,
            not_routed(),  # answers in other languages are not in MiniLM's space
        )
    ).all()
    vectors = embedder.encode([text or "" for _, _, text in rows]) if rows else None
    sums: dict[int | None, dict[int, np.ndarray]] = {}
    for i, (theme_id, sub_id, _) in enumerate(rows):
        per_theme = sums.setdefault(theme_id, {})
        per_theme[sub_id] = per_theme.get(sub_id, 0) + vectors[i]
    for per_theme in sums.values():
        for sub_id, total in per_theme.items():
            norm = float(np.linalg.norm(total))
            per_theme[sub_id] = total / norm if norm else total
    with _lock:
        for stale in [k for k in _centroids if k[0] == run.id]:
            del _centroids[stale]
        _centroids[key] = sums
    return sums


def sub_theme_prototype_centroids(run: ThemeRun, multilingual):
    """({sub-theme id → unit centroid of its prototypes in the multilingual space}, {sub-theme
    id → theme id}) of the run's live sub-themes, as a run places answers in other languages
    (`multilingual.subtheme_prototypes`); kept per process like `sub_theme_centroids`."""
    from listening.themes.pipeline.multilingual import prototype_centroids, subtheme_prototypes

    key = (run.id, run.finished_at, _sub_themes_signature(run.id), _examples_signature(run.id))
    with _lock:
        if key in _prototypes:
            return _prototypes[key]
    subs = db.session.scalars(
        select(SubTheme).where(SubTheme.run_id == run.id, SubTheme.merged_into_id.is_(None))
    ).all()
    wanted = {rid for s in subs for rid in s.representative_ids or []}
    texts = dict(
        db.session.execute(
            select(Response.id, Response.redacted_text).where(Response.id.in_(wanted))
        ).all()
    )
    prototypes = {
        s.id: subtheme_prototypes(
            s.display_label,
            s.keywords or [],
            [texts[i] or "" for i in s.representative_ids or [] if i in texts],
        )
        for s in subs
    }
    centroids = prototype_centroids(prototypes, multilingual.uncached())
    found = (centroids, {s.id: s.theme_id for s in subs})
    with _lock:
        for stale in [k for k in _prototypes if k[0] == run.id]:
            del _prototypes[stale]
        _prototypes[key] = found
    return found


def _examples_signature(run_id: int) -> tuple:
    """Changes when a sub-theme's examples, label or keywords change (merge, split, rename)."""
    rows = db.session.execute(
        select(SubTheme.id, SubTheme.representative_ids, SubTheme.reviewer_label, SubTheme.keywords)
        .where(SubTheme.run_id == run_id, SubTheme.merged_into_id.is_(None))
        .order_by(SubTheme.id)
    ).all()
    return tuple((i, tuple(r or ()), label, tuple(k or ())) for i, r, label, k in rows)


def _sub_themes_signature(run_id: int) -> tuple:
    """Changes whenever a sub-theme of the run is merged, split off or moved to a theme."""
    live = (SubTheme.run_id == run_id) & SubTheme.merged_into_id.is_(None)
    return tuple(
        db.session.execute(
            select(
                func.count(SubTheme.id),
                func.max(SubTheme.id),
                func.sum(func.coalesce(SubTheme.theme_id, 0) * SubTheme.id),
            ).where(live)
        ).one()
    )


def forget_cached(run_id: int | None = None) -> None:
    """Drop this process's caches of a run (or of every run)."""
    with _lock:
        for key in [k for k in _centroids if run_id is None or k[0] == run_id]:
            del _centroids[key]
        for key in [k for k in _prototypes if run_id is None or k[0] == run_id]:
            del _prototypes[key]
        for key in [k for k in _assigners if run_id is None or k[0] == run_id]:
            del _assigners[key]


def reset() -> None:
    """Forget every per-process cache of fitted state (the sentence model stays loaded: it
    never changes, and loading it takes seconds)."""
    forget_cached()
