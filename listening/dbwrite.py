"""Short write transactions, tried again when the database is busy: the one helper the request
path and the jobs share.

SQLite lets one writer in at a time; `busy_timeout` makes the others wait, and a writer that
still finds the database locked after it (or a PostgreSQL deadlock or serialisation failure)
is rolled back and tried again a few times, a little later each time, instead of answering
500. The work must be a whole unit: it reads what it needs, writes, and commits.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from listening.extensions import db

T = TypeVar("T")
log = logging.getLogger(__name__)
BUSY = (
    "database is locked",
    "database table is locked",
    "deadlock detected",
    "could not serialize",
)


def is_busy(error: BaseException) -> bool:
    """True when `error` says the database was busy with another writer (worth a retry)."""
    return isinstance(error, DBAPIError) and any(text in str(error.orig) for text in BUSY)


def retry_when_busy(work: Callable[[], T], attempts: int = 5, pause: float = 0.1) -> T:
    """`work()` (which writes and commits); rolled back and run again while the database is
    busy, up to `attempts` times with a growing, jittered pause. Other errors go up at once."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as error:
            db.session.rollback()
            if not is_busy(error) or attempt == attempts:
                raise
            log.warning("database busy (attempt %d of %d): %s", attempt, attempts, error.orig)
            time.sleep(pause * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")
