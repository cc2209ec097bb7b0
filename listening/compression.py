"""gzip for text responses, so a page with the NHS.UK stylesheet and script stays light on a phone.

The NHS.UK frontend's CSS (≈ 278 KB) and JS (≈ 58 KB) shrink to ≈ 50 KB together. gunicorn serves
the app directly (no nginx in front by default), so the app compresses: static files once per
version (kept in memory), pages on each response. Behind a proxy that compresses, set
LISTENING_COMPRESS=false.
"""

from __future__ import annotations

import gzip
import threading

from flask import Flask, Response, current_app, request

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/csv",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "application/atom+xml",
    "application/xml",
    "image/svg+xml",
}
MIN_BYTES = 1024
_STATIC_CACHE: dict[tuple[str, str], bytes] = {}
_STATIC_LOCK = threading.Lock()


def init_app(app: Flask) -> None:
    app.after_request(compress)


def compress(response: Response) -> Response:
    if not current_app.config.get("COMPRESS") or not _wanted(response):
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:
        return response
    etag, _weak = response.get_etag()
    static_file = response.direct_passthrough and etag  # send_file: one version per ETag
    original = response.response
    response.direct_passthrough = False
    if static_file:  # compress once per version
        key = (request.path, etag)
        body = _STATIC_CACHE.get(key)
        if body is None:
            body = gzip.compress(response.get_data(), compresslevel=9, mtime=0)
            with _STATIC_LOCK:
                _STATIC_CACHE[key] = body
    else:
        body = gzip.compress(response.get_data(), compresslevel=6, mtime=0)
    if hasattr(original, "close"):
        original.close()  # the file Werkzeug opened
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    if etag:  # same representation, different bytes: a weak validator still answers 304s
        response.set_etag(etag, weak=True)
    return response


def _wanted(response: Response) -> bool:
    if response.status_code != 200 or "Content-Encoding" in response.headers:
        return False
    if response.mimetype not in COMPRESSIBLE:
        return False
    if response.is_streamed and not response.direct_passthrough:
        return False  # a generator (large CSV export): leave it streaming
    length = response.content_length
    return length is None or length >= MIN_BYTES
