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


def chained_job(value: int) -> None:
    """A job that enqueues a follow-up before it finishes (as the safeguarding check does)."""
    with jobs.job_app_context():
        seen.append(("first", value, current_app.name))
        jobs.enqueue(record_job, value + 1)


def test_drain_waits_for_jobs_and_the_jobs_they_enqueue(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_EAGER", False)
    jobs.enqueue(chained_job, 20)
    progress: list[tuple[int, int]] = []
    assert jobs.drain(lambda done, total: progress.append((done, total))) == 2
    assert jobs.pending() == 0
    assert [value for _thread, value, _name in seen] == [20, 21]
    assert progress[-1] == (2, 2) and all(done <= total for done, total in progress)


def test_a_cli_command_finishes_the_jobs_it_started(app, runner, monkeypatch):
    @app.cli.command("enqueue-chain")
    def enqueue_chain():
        jobs.enqueue(chained_job, 30)
        print('{"queued": 1}')

    from listening.cli import _finish_jobs_after

    _finish_jobs_after(app.cli.commands["enqueue-chain"])
    monkeypatch.setitem(app.config, "JOBS_EAGER", False)
    try:
        result = runner.invoke(args=["enqueue-chain"])
    finally:
        del app.cli.commands["enqueue-chain"]
    assert result.exit_code == 0, result.output
    assert [value for _thread, value, _name in seen] == [30, 31]  # both ran before it returned
    assert result.stdout.strip().splitlines()[-1] == '{"queued": 1}'
