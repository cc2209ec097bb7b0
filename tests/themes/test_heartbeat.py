"""The heartbeat thread: a run whose stage is silent for longer than the heartbeat timeout is
not taken for orphaned while its worker lives; once the beating stops, it is.

A file SQLite database with committing sessions (the beat writes on its own connection, which
the suite's rolled-back test transaction would hide it from). The timeout is 2 seconds here.
A worker that dies (`kill -9`, its heartbeat thread with it) still has its run marked failed
one timeout later: test_worker_killed, on a real worker process.
"""

from __future__ import annotations

import time

import pytest
from flask_migrate import upgrade

from listening import create_app
from listening.extensions import db
from listening.themes import operations, runs
from listening.themes.models import ThemeRun
from tests.themes.conftest import SEL_CORPUS

pytestmark = pytest.mark.slow

TIMEOUT = 2.0  # seconds without a heartbeat before a run counts as orphaned


@pytest.fixture
def file_app(tmp_path, monkeypatch):
    live = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'beat.sqlite3'}",
            "SECRET_KEY": "test-secret",
            "REDIS_URL": None,
            "JOBS_EAGER": True,
            "THEMES_HEARTBEAT_TIMEOUT": TIMEOUT,
        }
    )
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with live.app_context():
        upgrade()
        yield live
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def queued_run(file_app, make_campaign, make_conversation):
    campaign = make_campaign("heartbeat")
    for start in range(0, len(SEL_CORPUS), 5):
        make_conversation(campaign, [text for text, _ in SEL_CORPUS[start : start + 5]])
    run = operations.start_run(campaign, None, heartbeat_timeout=TIMEOUT)
    db.session.commit()
    return run.id


def _orphans() -> list[int]:
    found = [run.id for run in operations.fail_orphaned_runs(TIMEOUT)]
    db.session.commit()
    return found


def test_a_stage_silent_for_longer_than_the_timeout_is_not_orphaned(queued_run):
    checked: list[list[int]] = []

    def silent_stage(percent, message):
        if message == "Finding sub-themes" and not checked:
            time.sleep(TIMEOUT * 2.5)  # no progress checkpoint for 2.5 timeouts
            checked.append(_orphans())

    run = runs.execute_run(queued_run, on_progress=silent_stage)
    assert checked == [[]]  # the thread kept the run alive through the silent stage
    assert run.status == "succeeded" and run.error == ""


def test_the_thread_beats_only_while_the_run_is_running(queued_run):
    beat = runs.Heartbeat(queued_run, every=0.2)
    try:
        time.sleep(0.5)
        assert beat.beats == 0  # a queued run has no heartbeat of its own yet
    finally:
        beat.stop()
    run = db.session.get(ThemeRun, queued_run)
    run.status = "running"
    db.session.commit()
    beat = runs.Heartbeat(queued_run, every=0.2)
    time.sleep(1.0)
    beat.stop()
    assert beat.beats >= 2
    db.session.expire_all()
    first = db.session.get(ThemeRun, queued_run).heartbeat_at
    assert first is not None
    time.sleep(0.5)  # stopped: no more beats
    db.session.expire_all()
    assert db.session.get(ThemeRun, queued_run).heartbeat_at == first
