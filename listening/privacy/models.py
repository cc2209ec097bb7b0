"""Tombstones of erased conversations, so a replayed sync cannot bring one back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from listening.extensions import db
from listening.timeutil import utcnow


class Erasure(db.Model):
    """Only a hash of the erased conversation's UUID is kept: nothing about what was said."""

    __tablename__ = "privacy_erasure"

    uuid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)
