"""enqueue(fn, *ids): the one job path.

* `LISTENING_REDIS_URL` set: an RQ job (`flask themes worker` runs it);
* otherwise: a small in-process executor (two background threads: a request never waits for
  the model, and the model stays warm in the web process);
* `JOBS_EAGER` (the tests; like Celery's task_always_eager): the same call, run at once.

Job functions take ids, never objects, and find their app context with `job_app_context()`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def enqueue(
    fn: Callable[..., object], *ids: int | str, job_timeout: int = 3600, retries: int = 0
) -> str | Future | None:
    """Run `fn(*ids)` as a job: the RQ job id, the in-process Future, or None (eager).

    `retries`: on RQ, run a job that raised (or whose worker died) again, up to this many
    times, 30 seconds apart; the job must be safe to re-run. In-process jobs are not retried.
    """
    app = current_app._get_current_object()
    url = app.config.get("REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue, Retry

        queue = Queue("listening", connection=Redis.from_url(url))
        retry = Retry(max=retries, interval=30) if retries else None
        return queue.enqueue(fn, *ids, job_timeout=job_timeout, retry=retry).id
    if app.config.get("JOBS_EAGER"):
        _run(app, fn, ids)
        return None
    return _pool().submit(_run, app, fn, ids)


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="listening-job")
        return _executor


def _run(app: Flask, fn: Callable[..., object], ids: tuple) -> None:
    context = nullcontext() if has_app_context() else app.app_context()
    with context:
        try:
            fn(*ids)
        except Exception:  # the job records its own failure on its row; the caller goes on
            log.exception("in-process job %s%r failed", getattr(fn, "__name__", fn), ids)


def job_app_context():
    """The app context a job runs in: the one the executor or `flask themes worker` pushes
    around each job. Jobs never build an app themselves."""
    if not has_app_context():
        raise RuntimeError("Run queued jobs with `flask --app wsgi themes worker`")
    return nullcontext()
