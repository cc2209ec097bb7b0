"""A small in-process TTL cache for public tracker pages.

Keyed by campaign id + URL (path and query string). Only anonymous GETs are cached (signed-in
people see a personalised header) and only 200 responses. Any commit that touched an assembly
row, a conversation or a response empties this process's cache, so a change shows at once on
the worker that made it. With several gunicorn workers (or machines) each keeps its own copy:
another worker may serve a page up to ASSEMBLY_CACHE_SECONDS (default 60) old. Set it to 0 to
turn caching off. It is off under TESTING unless the setting is given explicitly.

The CSP nonce differs per response, so the cached body keeps a marker that is swapped for the
new request's nonce when served.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import Response, current_app, g, get_flashed_messages, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

DEFAULT_SECONDS = 60
MAX_ENTRIES = 512
WATCHED_PREFIXES = ("assembly_", "intake_conversation", "intake_response")


class TTLCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._data: OrderedDict[str, tuple[float, bytes, str, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
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

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


_CACHE = TTLCache()


def page_cache() -> TTLCache:
    return _CACHE


def clear() -> None:
    _CACHE.clear()


def _seconds() -> float:
    config = current_app.config
    if "ASSEMBLY_CACHE_SECONDS" not in config and config.get("TESTING"):
        return 0
    return float(config.get("ASSEMBLY_CACHE_SECONDS", DEFAULT_SECONDS))


def _cacheable() -> bool:
    return (
        request.method == "GET" and not current_user.is_authenticated and "_flashes" not in session
    )


def cached_page(campaign_id_for_request: Callable[[], int | None]):
    """Cache a public view's 200 response for anonymous visitors."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            seconds = _seconds()
            if seconds <= 0 or not _cacheable():
                return view(*args, **kwargs)
            key = f"{campaign_id_for_request()}|{request.full_path}"
            hit = _CACHE.get(key)
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
                _CACHE.set(key, seconds, response.get_data(), response.mimetype, nonce)
                response.headers["X-Cache"] = "miss"
            return response

        return wrapped

    return decorator


@event.listens_for(Session, "after_flush")
def _note_changes(session, _context) -> None:
    for row in (*session.new, *session.dirty, *session.deleted):
        table = getattr(row, "__tablename__", "")
        if table.startswith(WATCHED_PREFIXES):
            session.info["assembly_cache_dirty"] = True
            return


@event.listens_for(Session, "after_commit")
def _invalidate(session) -> None:
    if session.info.pop("assembly_cache_dirty", False):
        _CACHE.clear()
