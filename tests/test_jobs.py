"""The one job path: eager in the tests, the in-process executor otherwise (RQ: test_rq_worker)."""

from __future__ import annotations

import threading

import pytest
from flask import current_app

from listening import jobs

seen: list[tuple[str, int, str]] = []


def record_job(value: int) -> None:
    with jobs.job_app_context():
        seen.append((threading.current_thread().name, value, current_app.name))


def failing_job(value: int) -> None:
    raise RuntimeError(f"job {value} failed")


@pytest.fixture(autouse=True)
def _clear():
    seen.clear()
    yield
    seen.clear()


def test_eager_runs_the_job_at_once_on_this_thread(app):
    assert app.config["JOBS_EAGER"] is True
    assert jobs.enqueue(record_job, 7) is None
    assert seen == [(threading.current_thread().name, 7, app.name)]


def test_without_redis_or_eager_the_executor_runs_it_in_an_app_context(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_EAGER", False)
    future = jobs.enqueue(record_job, 8)
    future.result(timeout=60)
    [(thread, value, name)] = seen
    assert thread.startswith("listening-job") and (value, name) == (8, app.name)


def test_a_failing_job_is_logged_not_raised(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "JOBS_EAGER", False)
    jobs.enqueue(failing_job, 9).result(timeout=60)
    assert "in-process job failing_job(9,) failed" in caplog.text
    monkeypatch.setitem(app.config, "JOBS_EAGER", True)
    jobs.enqueue(failing_job, 10)
    assert "failing_job(10,) failed" in caplog.text


def test_a_job_outside_any_app_context_says_how_to_run_it():
    result: list[BaseException] = []

    def outside() -> None:
        try:
            jobs.job_app_context()
        except RuntimeError as error:
            result.append(error)

    thread = threading.Thread(target=outside)
    thread.start()
    thread.join()
    assert "themes worker" in str(result[0])
