"""A small in-process TTL cache for public tracker pages, fresh on every worker at once.

Keyed by a generation stamp + campaign + URL (path and query string). Only anonymous GETs are
cached (signed-in people see a personalised header) and only 200 responses. Every operation
that changes public data sends `signals.public_data_changed`; this module bumps the one-row
`assembly_page_generation` in that same transaction. Each cached request reads the stamp once,
so after a commit the next request on every gunicorn worker (each has its own cache) misses
and renders afresh; no worker waits for a TTL. ASSEMBLY_CACHE_SECONDS (default 60) bounds how
long an entry lives; 0 turns caching off. It is off under TESTING unless set explicitly.

The CSP nonce differs per response, so the cached body keeps a marker that is swapped for the
new request's nonce when served.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import Flask, Response, current_app, g, get_flashed_messages, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select, update

from listening import signals
from listening.assembly.models import PageGeneration
from listening.extensions import db
from listening.timeutil import utcnow

DEFAULT_SECONDS = 60
MAX_ENTRIES = 512
STAMP_ID = 1


class TTLCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._data: OrderedDict[str, tuple[float, bytes, str, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.generation: int | None = None
        self.hits = self.misses = 0

    def get(self, key: str):
        with self._lock:
            item = self._data.get(key)
            if item is None or item[0] < time.monotonic():
                self._data.pop(key, None)
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return item[1:]

    def set(self, key: str, seconds: float, body: bytes, mimetype: str, nonce: str) -> None:
        with self._lock:
            self._data[key] = (time.monotonic() + seconds, body, mimetype, nonce)
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def observe(self, generation: int) -> None:
        """Drop entries of older generations (they can no longer be hit)."""
        with self._lock:
            if generation != self.generation:
                self._data.clear()
                self.generation = generation

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


def init_app(app: Flask) -> None:
    """Give the app (one per worker process) its own cache; listen for public changes."""
    app.extensions["page_cache"] = TTLCache()
    signals.public_data_changed.connect(bump_generation)


def page_cache() -> TTLCache:
    return current_app.extensions["page_cache"]


def clear() -> None:
    page_cache().clear()


def bump_generation(_sender=None, **_extra) -> None:
    """Public data changed in this transaction: every worker's cached pages are now stale."""
    bumped = db.session.execute(
        update(PageGeneration)
        .where(PageGeneration.id == STAMP_ID)
        .values(generation=PageGeneration.generation + 1, changed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not bumped.rowcount:
        db.session.add(PageGeneration(id=STAMP_ID, generation=1, changed_at=utcnow()))
        db.session.flush()


def last_changed():
    """When public data last changed (naive UTC), or None if never recorded."""
    stamp = select(PageGeneration.changed_at).where(PageGeneration.id == STAMP_ID)
    return db.session.scalar(stamp)


def current_generation() -> int:
    stamp = select(PageGeneration.generation).where(PageGeneration.id == STAMP_ID)
    return db.session.scalar(stamp) or 0


def _seconds() -> float:
    config = current_app.config
    if "ASSEMBLY_CACHE_SECONDS" not in config and config.get("TESTING"):
        return 0
    return float(config.get("ASSEMBLY_CACHE_SECONDS", DEFAULT_SECONDS))


def _cacheable() -> bool:
    return (
        request.method == "GET" and not current_user.is_authenticated and "_flashes" not in session
    )


def cached_page(campaign_id_for_request: Callable[[], int | str | None]):
    """Cache a public view's 200 response for anonymous visitors."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            seconds = _seconds()
            if seconds <= 0 or not _cacheable():
                return view(*args, **kwargs)
            cache, generation = page_cache(), current_generation()
            cache.observe(generation)
            key = f"{generation}|{get_locale()}|{campaign_id_for_request()}|{request.full_path}"
            hit = cache.get(key)
            nonce = g.get("csp_nonce", "")
            if hit is not None:
                body, mimetype, old_nonce = hit
                if old_nonce:
                    body = body.replace(old_nonce.encode(), nonce.encode())
                response = Response(body, mimetype=mimetype)
                response.headers["X-Cache"] = "hit"
                return response
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.direct_passthrough:
                get_flashed_messages()  # nothing to show, but never cache a flash
                cache.set(key, seconds, response.get_data(), response.mimetype, nonce)
                response.headers["X-Cache"] = "miss"
            return response

        return wrapped

    return decorator
