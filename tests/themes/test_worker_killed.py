"""A worker killed mid-run (`kill -9`): its run is marked failed once its heartbeat stops, and
a new run starts and finishes on another worker.

Real processes: Redis, and `flask themes worker` in a subprocess with the real model, against
a file SQLite database of its own (the suite's database lives in per-test transactions that
another process cannot see). The heartbeat timeout is 3 seconds here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from listening import create_app
from listening.extensions import db
from listening.themes import operations, tasks
from listening.themes.models import ThemeRun
from tests.themes.conftest import SEL_CORPUS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 3  # seconds without a heartbeat before a run counts as orphaned
DEADLINE = 600  # generous: the model loads in each worker, on a busy machine


@pytest.fixture
def live_app(tmp_path, redis_url, monkeypatch):
    """An app on a file database that the worker process shares, with committing sessions."""
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    live = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret",
            "REDIS_URL": redis_url,
            "JOBS_EAGER": False,
            "THEMES_HEARTBEAT_TIMEOUT": TIMEOUT,
        }
    )
    # The suite's session is bound to a rolled-back test transaction; this test commits.
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with live.app_context():
        upgrade()
        yield live
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def start_worker(live_app, tmp_path):
    """Start `flask themes worker` processes against the live app's database and Redis."""
    started: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LISTENING_DATABASE_URL": live_app.config["DATABASE_URL"],
        "LISTENING_REDIS_URL": live_app.config["REDIS_URL"],
        "LISTENING_THEMES_HEARTBEAT_TIMEOUT": str(TIMEOUT),
        "LISTENING_SECRET_KEY": "test-secret",
    }

    def start() -> subprocess.Popen:
        with open(tmp_path / f"worker-{len(started)}.log", "wb") as log:  # the child keeps it
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "themes", "worker"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def _row(run_id: int):
    """The run's state as another process committed it (no transaction held afterwards)."""
    try:
        query = select(ThemeRun.status, ThemeRun.heartbeat_at, ThemeRun.error)
        return db.session.execute(query.where(ThemeRun.id == run_id)).one()
    finally:
        db.session.rollback()


def _wait_for(condition, what: str, worker: subprocess.Popen | None = None):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        assert worker is None or worker.poll() is None, f"the worker exited waiting for {what}"
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def _start_run(campaign):
    """Start a run as a reviewer would; None while an earlier run still blocks it."""
    try:
        run = operations.start_run(campaign, None, heartbeat_timeout=TIMEOUT)
    except operations.RunInProgress:
        db.session.rollback()
        return None
    db.session.commit()
    tasks.enqueue_run(run.id)
    return run.id


def test_a_killed_worker_s_run_fails_and_a_new_run_completes(
    live_app, start_worker, make_campaign, make_conversation
):
    campaign = make_campaign("killed-worker")
    texts = [f"{text} (note {n})" for n in range(5) for text, _ in SEL_CORPUS]  # 200 answers
    for start in range(0, len(texts), 5):
        make_conversation(campaign, texts[start : start + 5])
    db.session.commit()

    first_worker = start_worker()
    first = _start_run(campaign)
    _wait_for(lambda: _row(first).heartbeat_at, "the first heartbeat", first_worker)
    os.kill(first_worker.pid, signal.SIGKILL)
    first_worker.wait(timeout=30)
    assert _row(first).status == "running"  # killed mid-run: nobody else will finish it

    second = _wait_for(lambda: _start_run(campaign), "the orphaned run to stop blocking")
    status, _, error = _row(first)
    assert status == "failed" and error.startswith("worker stopped: no heartbeat since ")

    second_worker = start_worker()
    finished = ("succeeded", "failed", "cancelled")
    _wait_for(lambda: _row(second).status in finished, "the new run", second_worker)
    status, heartbeat, error = _row(second)
    assert (status, error) == ("succeeded", "") and heartbeat is not None
    assert _row(first).status == "failed"  # not picked up again by the new worker
