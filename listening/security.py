"""Security headers with a per-request CSP nonce, and role checks for views."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from listening.extensions import login_manager


class Role(StrEnum):
    """What a signed-in person may do (stored in accounts_user.role)."""

    PARTNER = "partner"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    SAFEGUARDING_LEAD = "safeguarding_lead"  # sees and acts on safeguarding cases only


def init_app(app: Flask) -> None:
    if app.config.get("BEHIND_TLS"):
        # one TLS-terminating proxy in front: trust its X-Forwarded-For/Proto/Host, so
        # request.is_secure (HSTS) and remote_addr (rate limits) are the client's
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.before_request(_refuse_oversized)
    app.before_request(_make_nonce)
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")


def _refuse_oversized() -> None:
    """413 up front for a declared body over MAX_CONTENT_LENGTH, whether or not a view reads it
    (Werkzeug only checks when the body is parsed)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length and request.content_length > limit:
        abort(413, f"The file or form is too large: the limit is {limit // (1024 * 1024)} MB.")


def _make_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def _set_headers(response):
    nonce = g.get("csp_nonce", "")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
        )
    if _is_private(response):
        response.headers["Cache-Control"] = "no-store"
    return response


def _is_private(response) -> bool:
    """Pages for signed-in people are never stored by shared caches."""
    if request.path.startswith("/assets") or request.path == "/sw.js":
        return False
    return bool(current_user and current_user.is_authenticated) or request.method != "GET"


def roles_required(*roles: str) -> Callable:
    """Anonymous → login page; signed in with another role → 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(Role.REVIEWER, Role.ADMIN)
admin_required = roles_required(Role.ADMIN)
any_role_required = roles_required(*Role)


def safe_next(target: str | None, within: str = "/") -> str | None:
    """`target` when it is a path on this site under `within` (no open redirect), else None.

    Browsers drop tabs and newlines inside URLs ("/\\t/evil.example" becomes "//evil.example")
    and read a backslash as a slash, so control characters and backslashes are refused outright;
    then the address must parse with no scheme or host.
    """
    target = (target or "").strip()
    if not target or any(ord(c) < 0x20 or c in "\\\x7f" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target if parts.path.startswith(within) else None
