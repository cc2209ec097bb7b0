"""enqueue(fn, *ids): the one job path.

* `LISTENING_REDIS_URL` set: an RQ job (`flask themes worker` runs it);
* otherwise: a small in-process executor (two background threads: a request never waits for
  the model, and the model stays warm in the web process);
* `JOBS_EAGER` (the tests; like Celery's task_always_eager): the same call, run at once.

Job functions take ids, never objects, and find their app context with `job_app_context()`.
Jobs are idempotent: they look at the rows as they find them and do what is still to do, so a
re-run (an RQ retry, a sweep after a killed process) is harmless.

A CLI command that enqueued in-process jobs waits for them before it exits (`drain`, called
for every command by `listening.cli`): a command never ends while its jobs are half-done, and
no job is scheduled after the interpreter has begun to shut down.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import nullcontext

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
JOB_NICENESS = 10  # in-process jobs run this much "nicer" than requests (0 to 19)
_pending: set[Future] = set()  # in-process jobs queued or running (drain waits for them)
_completed = 0  # in-process jobs finished since the process started


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
    try:
        future = _pool().submit(_run, app, fn, ids)
    except RuntimeError:  # the process is stopping: nothing new starts in it
        log.warning(
            "in-process job %s%r not started: the process is stopping (run it again later)",
            getattr(fn, "__name__", fn),
            ids,
        )
        return None
    with _executor_lock:
        _pending.add(future)
    future.add_done_callback(_forget)
    return future


def _forget(future: Future) -> None:
    global _completed
    with _executor_lock:
        _pending.discard(future)
        _completed += 1


def pending() -> int:
    """How many in-process jobs are queued or running."""
    with _executor_lock:
        return sum(1 for future in _pending if not future.done())


def drain(
    on_progress: Callable[[int, int], None] | None = None, timeout: float | None = None
) -> int:
    """Wait until no in-process job is queued or running, including the jobs those jobs
    enqueue (a job enqueues its follow-up before it finishes, so the set is never empty in
    between), or until `timeout` seconds have passed. `on_progress(done, total)` hears of each
    one finishing. Returns how many did."""
    with _executor_lock:
        before = _completed - sum(1 for future in _pending if future.done())
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with _executor_lock:  # a finished job counts once: still pending, or completed
            waiting = {future for future in _pending if not future.done()}
            done = _completed - before + len(_pending) - len(waiting)
        if on_progress is not None:
            on_progress(done, done + len(waiting))
        left = None if deadline is None else deadline - time.monotonic()
        if not waiting or (left is not None and left <= 0):
            return done
        wait(waiting, timeout=left, return_when=FIRST_COMPLETED)


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=2, thread_name_prefix="listening-job", initializer=_yield_to_requests
            )
        return _executor


def _yield_to_requests() -> None:
    """Run this job thread at a lower CPU priority than the web process's request threads
    (Linux schedules threads, so this one alone): on a busy machine a partner's save comes
    before a background model. Where threads cannot be given one, nothing changes."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), JOB_NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed
        log.debug("job threads keep the process's priority")


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
