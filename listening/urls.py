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
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def trusted_hosts(public: str, extra: list[str] | None) -> list[str]:
    """The Host names a request may carry: the public one, loopback and any configured extras."""
    host = urlsplit(public).hostname
    hosts = [host] if host else []
    return list(dict.fromkeys([*hosts, *LOCAL_HOSTS, *(extra or [])]))


def safe_next(target: str | None, prefix: str = "/") -> str | None:
    """A local path to return to after an action, or None when `target` could leave the site.

    Browsers drop tabs and newlines inside URLs ("/\\t/evil.example" becomes "//evil.example")
    and read a backslash as a slash, so control characters and backslashes are refused outright,
    then the path must parse with no scheme or host and start with `prefix`.
    """
    if not target or any(ord(c) < 0x20 or c in "\\\x7f" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(prefix):
        return None
    if target.startswith("//"):
        return None
    return target
