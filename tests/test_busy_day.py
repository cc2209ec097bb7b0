"""A small busy day on a real gunicorn (bench/busy_day.py, the scenario `bench/load.py` times):
partners syncing while staff import a spreadsheet get no 5xx and lose nothing.

On SQLite, and on PostgreSQL when the suite runs there (LISTENING_TEST_DATABASE_URL): the
server gets a database of its own on the same server, as the test database's connection holds
its transaction open for the whole test. No timings are asserted: bench/load.py measures them.
"""

from __future__ import annotations

import os
import random
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import busy_day

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def fresh_database(tmp_path: Path):
    """A new empty database of the kind the suite runs on; dropped afterwards."""
    url = os.environ.get("LISTENING_TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'busy.sqlite3'}"
        return
    name = f"listening_busy_{uuid.uuid4().hex[:10]}"
    server = create_engine(
        busy_day_url(url, "postgres"), isolation_level="AUTOCOMMIT", pool_pre_ping=True
    )
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield busy_day_url(url, name)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def busy_day_url(url: str, database: str) -> str:
    """`url` naming another database on the same PostgreSQL server (psycopg 3)."""
    parsed = make_url(url).set(drivername="postgresql+psycopg", database=database)
    return parsed.render_as_string(hide_password=False)


def test_partners_syncing_during_an_import_get_no_5xx_and_lose_nothing(tmp_path):
    with fresh_database(tmp_path) as database_url:
        port = busy_day.free_port()
        env = busy_day.environment(ROOT, database_url, port) | {"LISTENING_WARM_MODELS": "false"}
        busy_day.flask(ROOT, env, "db", "upgrade")
        meta = busy_day.seed(ROOT, env, partners=3)
        data, conversations = busy_day.spreadsheet(meta, rows=120, rng=random.Random(3))
        with busy_day.gunicorn(ROOT, env, port, tmp_path / "gunicorn.log"):
            out = busy_day.scenario(
                f"http://127.0.0.1:{port}",
                database_url,
                meta,
                data,
                partners=3,
                with_run=False,
                warm_seconds=2.0,
                max_seconds=600.0,
            )
        bad = {s: n for s, n in out.statuses.items() if not isinstance(s, int) or s >= 500}
        assert bad == {}, (bad, (tmp_path / "gunicorn.log").read_text()[-3000:])
        assert out.puts and all(status in (200, 201) for _ref, status, _s in out.puts), out.puts
        assert busy_day.lost(database_url, out) == {"acknowledged": len(out.puts), "lost": 0}
        assert out.import_status == "succeeded"
        stored = busy_day.scalar(
            database_url,
            "SELECT count(*) FROM intake_conversation WHERE reference LIKE 'LOAD-%'",
        )
        assert stored == conversations
