"""With LISTENING_REDIS_URL set, jobs go to a real Redis queue and an RQ worker runs them.

Redis: the `redis_url` fixture (tests/themes/conftest.py).
"""

from __future__ import annotations

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from listening.extensions import db
from listening.themes import operations, queries, tasks

pytestmark = pytest.mark.slow


@pytest.fixture
def queue(app, redis_url, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    connection = Redis.from_url(redis_url)
    queue = Queue("listening", connection=connection)
    queue.empty()
    yield queue
    queue.empty()
    connection.close()


def test_a_theme_run_is_queued_on_redis_and_an_rq_worker_runs_it(themes_campaign, queue):
    run = operations.start_run(themes_campaign, None, seed=5)
    db.session.commit()

    tasks.enqueue_run(run.id)
    assert queue.count == 1  # queued, not run inline
    assert run.status == "queued"

    worker = SimpleWorker([queue], connection=queue.connection)
    assert worker.work(burst=True)  # True: it ran at least one job
    db.session.expire_all()
    assert queue.count == 0 and queue.failed_job_registry.count == 0
    assert run.status == "succeeded"
    assert queries.current_run(themes_campaign.id).id == run.id
