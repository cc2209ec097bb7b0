"""SQLite transactions: read-only requests read alongside a writer; everything else takes the
write lock up front (BEGIN IMMEDIATE) so writers queue instead of failing half-way."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from sqlalchemy import create_engine, text


@pytest.fixture
def engine(tmp_path):
    """A database of its own: the per-test transaction holds the shared one's write lock."""
    engine = create_engine(f"sqlite:///{tmp_path / 'begin.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    engine.dispose()


def _holds_write_lock(engine, path: str) -> bool:
    """Start a transaction on `engine` and ask a second connection for the write lock."""
    with engine.connect() as connection:
        connection.execute(text("SELECT count(*) FROM note"))
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as error:
            assert "locked" in str(error)
            return True
        finally:
            other.close()


@pytest.mark.parametrize(
    ("method", "path", "locks"),
    [
        ("GET", "/pledges", False),
        ("HEAD", "/healthz", False),
        ("GET", "/no-such-page", False),
        ("PUT", f"/api/v1/conversations/{uuid.uuid4()}", True),
        ("POST", "/login", True),
        ("GET", f"/admin/privacy/conversations/{uuid.uuid4()}/export", True),  # audited
    ],
)
def test_only_read_only_requests_begin_deferred(app, engine, method, path, locks):
    with app.test_request_context(path, method=method):
        assert _holds_write_lock(engine, engine.url.database) is locks


def test_cli_commands_and_jobs_take_the_write_lock(engine):
    assert _holds_write_lock(engine, engine.url.database) is True


def test_a_write_in_a_read_only_request_is_logged(app, engine, caplog):
    with app.test_request_context("/pledges", method="GET"), engine.begin() as connection:
        connection.execute(text("INSERT INTO note (body) VALUES ('x')"))
    assert "assembly.list_pledges writes in a read-only SQLite transaction" in caplog.text
