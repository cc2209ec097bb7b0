"""Timestamps are stored as naive UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC, naive (what the database stores)."""
    return datetime.now(UTC).replace(tzinfo=None)
