"""Unbound extension objects; create_app binds them. Imports no feature."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, has_request_context, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL, foreign keys and a busy timeout; let SQLAlchemy own transactions (savepoints work)."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITES = ("insert", "update", "delete", "replace")
log = logging.getLogger(__name__)


def writes_on_read(view):
    """Mark a GET view that writes (an audited download) so SQLite takes the write lock first."""
    view.writes_on_read = True
    return view


_reading: ContextVar[bool] = ContextVar("reading", default=False)


@contextmanager
def read_only() -> Iterator[None]:
    """Transactions begun inside only read: on SQLite a plain (deferred) BEGIN, so a job or a
    request reading before long work holds no write lock meanwhile. End the transaction
    (commit or rollback) before writing: a deferred transaction cannot wait for the lock."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def _read_only_request() -> bool:
    if _reading.get():
        return True
    if not has_request_context() or request.method not in READ_ONLY_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "writes_on_read", False)


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    if _read_only_request():
        # A reader needs no lock in WAL mode: a plain (deferred) BEGIN lets the public pages
        # read alongside writers instead of queueing behind every one of them.
        conn.info["sqlite_deferred"] = True
        conn.exec_driver_sql("BEGIN")
    else:
        # IMMEDIATE takes the write lock up front, so concurrent writers queue instead of
        # failing with "database is locked" half-way through a transaction. CLI commands,
        # jobs and every POST/PUT/DELETE come here.
        conn.info["sqlite_deferred"] = False
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@event.listens_for(Engine, "before_cursor_execute")
def _warn_deferred_write(conn, _cursor, statement, _parameters, _context, _many):
    # A deferred transaction that has read cannot wait for the write lock: SQLite refuses at
    # once ("database is locked") if another worker wrote meanwhile. Name the view to mark.
    if conn.info.get("sqlite_deferred") and statement.lstrip()[:7].lower().startswith(_WRITES):
        log.warning(
            "%s %s writes in a read-only SQLite transaction; mark its view @writes_on_read",
            request.method if has_request_context() else "-",
            request.endpoint if has_request_context() else "-",
        )
