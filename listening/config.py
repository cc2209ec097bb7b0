"""Typed defaults; every key can be overridden from the environment as LISTENING_<KEY>."""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class Config:
    """Defaults for a single-machine install: SQLite (WAL) and in-process jobs."""

    SECRET_KEY: str | None = None
    DATABASE_URL: str = f"sqlite:///{INSTANCE_DIR / 'listening.sqlite3'}"
    REDIS_URL: str | None = None
    JOBS_EAGER = False  # true: jobs.enqueue runs the job at once (the tests)
    WARM_MODELS = False  # true: gunicorn workers load the models as they start (gunicorn.conf.py)
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # a partner may keep a form open for hours on a slow phone
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set LISTENING_SESSION_COOKIE_SECURE=true behind TLS
    BEHIND_TLS = False  # true: trust one proxy's X-Forwarded-* (ProxyFix) and secure cookies
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024  # uploads (spreadsheets) up to 10 MiB
    LOGIN_MAX_FAILURES = 5  # per email and per address within LOGIN_WINDOW_SECONDS
    LOGIN_WINDOW_SECONDS = 15 * 60
    PASSWORD_MIN_LENGTH = 12
    API_RATE_LIMIT = "120/minute"  # API writes per token or signed-in user ("0" turns it off)
    API_RATE_LIMIT_PER_ADDRESS = "600/minute"  # per client address (a centre may share one)
    FORM_RATE_LIMIT = "120/minute"  # form posts per signed-in user, or per address signed out
    PUBLIC_MIN_COUNT = 5  # counts of fewer people are shown as "fewer than 5" in public
    ORIGINAL_TEXT_RETENTION_DAYS = 365  # unredacted answers are cleared after this
    THEMES_SEED = 42
    # Seconds without a heartbeat after which a queued or running theme run counts as orphaned
    # (its worker died) and is marked failed. A running job beats every quarter of this from a
    # background thread, so only a dead worker (or a stuck beat) goes silent this long.
    THEMES_HEARTBEAT_TIMEOUT = 120
    # cosine between sub-theme centroids at or above which a sub-theme continues an earlier one
    THEMES_ROUND_MATCH_THRESHOLD = 0.7
    ASSEMBLY_CACHE_SECONDS = 60  # public tracker pages kept per worker for anonymous visitors
    COMPRESS = True  # gzip text responses (set false behind a proxy that compresses)
    DEFAULT_CAMPAIGN = "sel-2023"
    # The licence the open data (API, CSV, feed, datapackage.json) is published under.
    OPEN_DATA_LICENCE = "Open Government Licence v3.0"
    OPEN_DATA_LICENCE_URL = (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )
    # The canonical public address: absolute links in the API, feed and emails start with it.
    PUBLIC_URL: str = "http://127.0.0.1:8000"
    # Host names accepted besides PUBLIC_URL's host and loopback (JSON list); others get 400.
    EXTRA_HOSTS: list[str] = []
    MAIL_SERVER: str | None = None  # unset: mail is off (logged, not an error)
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "listening@localhost"
    CONTACT_EMAIL = "listening@example.org"  # shown on the contact, privacy and accessibility pages
    FOLLOW_CONFIRM_RATE_LIMIT = "3/day"  # confirmation emails per address: no inbox flooding
    # confirmation emails sent on behalf of one client address (a centre may share one)
    FOLLOW_CONFIRM_PER_CLIENT_LIMIT = "30/day"
    FOLLOW_CONFIRM_DAYS = 7  # a confirmation link works this long; unconfirmed follows go after
    TESTING = False


def database_url(url: str) -> str:
    """Normalise a database URL so PostgreSQL uses psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key_fallback() -> str:
    """A per-instance random key kept in instance/ so sessions survive restarts."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
