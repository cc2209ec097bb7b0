"""enqueue(fn, *ids): on RQ when LISTENING_REDIS_URL is set, in-process otherwise."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app

log = logging.getLogger(__name__)


def enqueue(fn: Callable[..., object], *ids: int | str, job_timeout: int = 3600) -> str | None:
    """Run `fn(*ids)` as a job; returns the RQ job id, or None when it ran inline."""
    url = current_app.config.get("REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue

        queue = Queue("listening", connection=Redis.from_url(url))
        return queue.enqueue(fn, *ids, job_timeout=job_timeout).id
    try:
        fn(*ids)
    except Exception:  # the job records its own failure on its row; the request goes on
        log.exception("in-process job %s%r failed", getattr(fn, "__name__", fn), ids)
    return None


def job_app_context():
    """An app context for a worker process (RQ): jobs call this, never create_app at import."""
    from flask import has_app_context

    if has_app_context():
        from contextlib import nullcontext

        return nullcontext()
    from listening import create_app

    return create_app().app_context()
