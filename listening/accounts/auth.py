"""Flask-Login loaders: session cookie, or `Authorization: Bearer TOKEN` for the API."""

from __future__ import annotations

from flask import Request

from listening.accounts import operations
from listening.accounts.models import User
from listening.extensions import db


def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def load_user_from_request(request: Request) -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return operations.user_for_token(token.strip())
