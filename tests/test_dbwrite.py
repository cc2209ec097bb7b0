"""retry_when_busy: a write that finds the database locked is rolled back and tried again;
other errors, and a lock that outlasts every attempt, go up."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from listening.dbwrite import is_busy, retry_when_busy


@pytest.fixture
def locked(tmp_path):
    """A database file, an engine that does not wait for locks, and a connection that holds
    the write lock until it is told to let go."""
    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT UNIQUE)")
    holder.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    yield engine, holder
    holder.close()
    engine.dispose()


def test_a_locked_write_is_tried_again_until_it_goes_through(app, locked):
    engine, holder = locked
    attempts = []

    def write():
        attempts.append(1)
        try:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO note (body) VALUES ('kept')"))
        finally:
            if len(attempts) == 2:
                holder.execute("COMMIT")  # the other writer finishes after the second try

    retry_when_busy(write, pause=0.01)
    assert len(attempts) == 3
    with engine.connect() as connection:
        assert connection.execute(text("SELECT body FROM note")).scalars().all() == ["kept"]


def test_a_lock_that_outlasts_every_attempt_goes_up(app, locked):
    engine, _holder = locked
    attempts = []

    def write():
        attempts.append(1)
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO note (body) VALUES ('x')"))

    with pytest.raises(OperationalError) as raised:
        retry_when_busy(write, attempts=3, pause=0.01)
    assert is_busy(raised.value) and len(attempts) == 3


def test_other_errors_go_up_at_once(app, locked):
    engine, holder = locked
    holder.execute("INSERT INTO note (body) VALUES ('once')")
    holder.execute("COMMIT")
    attempts = []

    def write():
        attempts.append(1)
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO note (body) VALUES ('once')"))

    with pytest.raises(IntegrityError) as raised:
        retry_when_busy(write, pause=0.01)
    assert not is_busy(raised.value) and len(attempts) == 1
