"""With LISTENING_REDIS_URL set, jobs go to a real Redis queue and an RQ worker runs them.

Uses LISTENING_TEST_REDIS_URL when set (.ci/run starts Redis), else starts Debian's
redis-server on a private socket for this module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from listening.extensions import db
from listening.themes import operations, queries, tasks

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    url = os.environ.get("LISTENING_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: `make test` installs it (apt-get install redis-server)"
    socket = tmp_path_factory.mktemp("redis") / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        yield f"unix://{socket}"
    finally:
        process.terminate()
        process.wait(timeout=10)


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
