"""Signed links for confirming and ending a follow. A link names the follow's id and secret."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer

CONFIRM = "follow.confirm"
UNSUBSCRIBE = "follow.unsubscribe"


def confirm_token(subscription) -> str:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM)
    return serializer.dumps([subscription.id, subscription.secret])


def unsubscribe_token(subscription) -> str:
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE)
    return serializer.dumps([subscription.id, subscription.secret])


def read_confirm(token: str) -> tuple[int, str] | None:
    """(id, secret) from a confirmation link younger than FOLLOW_CONFIRM_DAYS, else None."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM)
    max_age = int(current_app.config["FOLLOW_CONFIRM_DAYS"]) * 24 * 60 * 60
    try:
        return _pair(serializer.loads(token, max_age=max_age))
    except BadData:
        return None


def read_unsubscribe(token: str) -> tuple[int, str] | None:
    """(id, secret) from an unsubscribe link (these do not expire), else None."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE)
    try:
        return _pair(serializer.loads(token))
    except BadData:
        return None


def _pair(value) -> tuple[int, str] | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], int)
        and isinstance(value[1], str)
    ):
        return value[0], value[1]
    return None
