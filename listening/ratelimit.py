"""Rate limits: fixed-window counters for API writes (per token or signed-in user, and per
address) and for form posts (per signed-in user, or per address when signed out).

Counters live in Redis when LISTENING_REDIS_URL is set, otherwise in the database, so the
limit holds across gunicorn workers either way. Configure with LISTENING_API_RATE_LIMIT
(per token or user) and LISTENING_API_RATE_LIMIT_PER_ADDRESS, written like "120/minute";
"0" or "off" turns a limit off. Form posts: LISTENING_FORM_RATE_LIMIT.

Only a token that signs someone in gets a bucket of its own: random bearer tokens would
otherwise each write a counter row. An unknown token counts against its address only.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, current_app, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import TooManyRequests

from listening.extensions import db
from listening.ids import parse_int

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_KEEP_SECONDS = 2 * PERIODS["day"]  # old windows are swept when a new one starts


class RateCounter(db.Model):
    """Hits for one bucket (token, user or address) in one fixed window."""

    __tablename__ = "security_rate_counter"

    bucket: Mapped[str] = mapped_column(String(120), primary_key=True)
    window_start: Mapped[int] = mapped_column(primary_key=True, index=True)
    hits: Mapped[int]


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def parse_limit(value: object) -> Limit | None:
    """'120/minute', '10/second', '2000/hour' or a bare number (per minute); None means off."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().lower()
    if text in ("", "0", "off", "none", "false"):
        return None
    count, _, period = text.partition("/")
    seconds = PERIODS.get(period.strip().rstrip("s") or "minute")
    number = parse_int(count, minimum=0)
    if seconds is None or number is None:
        raise ValueError(f"Rate limit must look like '120/minute', not {value!r}")
    return Limit(number, seconds) if number > 0 else None


def hit(bucket: str, limit: Limit, now: float | None = None) -> int | None:
    """Count one request in `bucket`; the seconds to wait if it is over the limit, else None."""
    now = time.time() if now is None else now
    window_start = int(now // limit.seconds) * limit.seconds
    redis_url = current_app.config.get("REDIS_URL")
    hits = _incr_redis(redis_url, bucket, window_start, limit.seconds) if redis_url else None
    if hits is None:
        hits = _incr_database(bucket, window_start)
    if hits <= limit.count:
        return None
    return max(1, math.ceil(window_start + limit.seconds - now))


def _incr_database(bucket: str, window_start: int) -> int:
    """Increment in a short transaction of its own (committed before the view runs)."""
    for attempt in range(3):
        try:
            match = (RateCounter.bucket == bucket) & (RateCounter.window_start == window_start)
            updated = db.session.execute(
                update(RateCounter).where(match).values(hits=RateCounter.hits + 1)
            )
            if updated.rowcount == 0:
                stale = RateCounter.window_start < window_start - _KEEP_SECONDS
                db.session.execute(delete(RateCounter).where(stale))
                db.session.add(RateCounter(bucket=bucket, window_start=window_start, hits=1))
                db.session.flush()
            hits = db.session.scalar(select(RateCounter.hits).where(match))
            db.session.commit()
            return int(hits or 1)
        except IntegrityError:
            # another worker started the same window at the same moment: count in its row
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@lru_cache(maxsize=4)
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _incr_redis(url: str, bucket: str, window_start: int, seconds: int) -> int | None:
    """INCR with an expiry; None (fall back to the database) when Redis does not answer."""
    import redis

    key = f"listening:rate:{bucket}:{window_start}"
    try:
        pipe = _redis_client(url).pipeline()
        pipe.incr(key)
        pipe.expire(key, seconds + 5)
        hits, _ = pipe.execute()
    except redis.RedisError as error:
        current_app.logger.warning("rate limit: Redis unavailable, using the database: %s", error)
        return None
    return int(hits)


def _address() -> str:
    return (request.remote_addr or "-")[:80]


def buckets_for_request() -> list[tuple[str, str]]:
    """(bucket, config key) pairs: the caller's token or session user, and its address."""
    pairs = []
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    bearer = scheme.lower() == "bearer" and token.strip()
    if bearer and current_user.is_authenticated:
        digest = hashlib.sha256(token.strip().encode()).hexdigest()[:40]
        pairs.append((f"api:token:{digest}", "API_RATE_LIMIT"))
    elif not bearer and current_user.is_authenticated:
        pairs.append((f"api:user:{current_user.get_id()}"[:120], "API_RATE_LIMIT"))
    pairs.append((f"api:addr:{_address()}", "API_RATE_LIMIT_PER_ADDRESS"))
    return pairs


def form_bucket() -> tuple[str, str]:
    """The signed-in user, or the address of someone signed out."""
    if current_user.is_authenticated:
        return f"form:user:{current_user.get_id()}"[:120], "FORM_RATE_LIMIT"
    return f"form:addr:{_address()}", "FORM_RATE_LIMIT"


def limit_writes():
    """before_request: refuse writes over the limit with 429 and Retry-After."""
    if request.method not in WRITE_METHODS:
        return None
    is_api = request.path.startswith("/api/")
    for bucket, config_key in buckets_for_request() if is_api else [form_bucket()]:
        limit = parse_limit(current_app.config.get(config_key))
        if limit is None:
            continue
        wait = hit(bucket, limit)
        if wait is not None:
            message = f"Too many requests. Wait {wait} seconds and try again."
            if is_api:
                response = jsonify(error=message, retry_after=wait)
            else:
                page = render_template("errors/error.html", error=TooManyRequests(message))
                response = current_app.response_class(page, mimetype="text/html")
            response.status_code = 429
            response.headers["Retry-After"] = str(wait)
            return response
    return None


def init_app(app: Flask) -> None:
    app.before_request(limit_writes)
