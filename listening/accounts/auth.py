"""Flask-Login loaders: the session cookie, or `Authorization: Bearer TOKEN` for the sync API.

A session carries the user's `session_version`; sign-out, deactivation and password changes
bump it, so every copy of an older cookie stops working at once. A bearer token opens the
sync API (`/api/`) only: on any HTML page or admin route it is ignored.
"""

from __future__ import annotations

from flask import Request, g, request, session

from listening.accounts import operations
from listening.accounts.models import User
from listening.extensions import db
from listening.ids import parse_id

SESSION_VERSION_KEY = "session_version"
API_PREFIX = "/api/"


def remember_session(user: User) -> None:
    """Called at sign-in: the session is valid until the user's version moves on."""
    session[SESSION_VERSION_KEY] = user.session_version


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def load_user(user_id: str) -> User | None:
    if request.path.startswith(API_PREFIX) and _bearer_token(request) is not None:
        return None  # a request that brings a token is judged by the token alone
    user_key = parse_id(user_id)
    user = db.session.get(User, user_key) if user_key is not None else None
    if user is None or session.get(SESSION_VERSION_KEY) != user.session_version:
        return None
    return user


def load_user_from_request(request: Request) -> User | None:
    token = _bearer_token(request) if request.path.startswith(API_PREFIX) else None
    if token is None:
        return None
    user = operations.user_for_token(token)
    g.signed_in_by_token = user is not None
    return user


def signed_in_by_token() -> bool:
    """True when this request's user came from a bearer token (no CSRF), not a session."""
    return bool(g.get("signed_in_by_token"))
