"""Absolute links come from the configured public address, never from the request's Host.

A client chooses its Host header. Absolute URLs built from it would let anyone poison what the
page cache stores and what the API, feed and emails link to, so they are built from
`PUBLIC_URL` (env `LISTENING_PUBLIC_URL`) instead. Unknown Host headers are refused with 400 by
Flask's `TRUSTED_HOSTS`, which `trusted_hosts()` derives from the same setting.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def public_url(endpoint: str, **values) -> str:
    """The absolute public URL of an endpoint: PUBLIC_URL + the endpoint's path."""
    path = url_for(endpoint, **values)
    if has_request_context() and request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root) :]
    return absolute(path)


def absolute(path: str) -> str:
    """PUBLIC_URL + a path on this site (for jobs and emails, which have no request)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/" + path.lstrip("/")


def trusted_hosts(public: str, extra: list[str] | None) -> list[str]:
    """The Host names a request may carry: the public one, loopback and any configured extras."""
    host = urlsplit(public).hostname
    hosts = [host] if host else []
    return list(dict.fromkeys([*hosts, *LOCAL_HOSTS, *(extra or [])]))
