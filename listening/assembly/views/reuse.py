"""HTTP for reusers of the open data: CORS, validators and caching headers, strict filters.

Only the public API, the CSV downloads, datapackage.json and the feed use `open_data`; staff
and intake routes never send `Access-Control-Allow-Origin`. Last-Modified is when public data
last changed (the page generation stamp) or the start of today (UTC), whichever is later,
because overdue, stale and days_since_update move on at midnight even when nothing is edited.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from functools import wraps

from flask import current_app, make_response, request
from werkzeug.exceptions import HTTPException

from listening.assembly import api_bp, bp, cache

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link",
}


OPEN_ENDPOINTS: set[str] = set()  # filled by @open_data; their preflights are answered too


def answer_preflight(response):
    """CORS preflight (OPTIONS, answered by Flask without the view) for open-data routes only:
    a script sending If-None-Match needs one."""
    if (
        request.method == "OPTIONS"
        and (request.endpoint or "").rpartition(".")[2] in OPEN_ENDPOINTS
    ):
        response.headers.update(CORS_HEADERS)
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


bp.after_request(answer_preflight)
api_bp.after_request(answer_preflight)


def last_modified() -> datetime:
    today = datetime.combine(datetime.now(UTC).date(), time(0), tzinfo=UTC)
    changed = cache.last_changed()
    changed = changed.replace(tzinfo=UTC, microsecond=0) if changed else today
    return max(changed, today)


def open_data(view):
    """CORS for GET, an ETag and Last-Modified, Cache-Control, and 304 when unchanged."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            response = make_response(view(*args, **kwargs))
        except HTTPException as error:  # reusers' scripts see the message too
            response = make_response(current_app.handle_http_exception(error))
        if request.method not in ("GET", "HEAD"):
            return response
        response.headers.update(CORS_HEADERS)
        if response.status_code != 200:
            return response
        seconds = int(current_app.config.get("ASSEMBLY_CACHE_SECONDS", 60))
        response.cache_control.public = True
        response.cache_control.max_age = seconds
        response.last_modified = last_modified()
        response.add_etag()
        return response.make_conditional(request)

    OPEN_ENDPOINTS.add(view.__name__)
    return wrapped
