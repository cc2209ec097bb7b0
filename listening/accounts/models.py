"""Users, roles, API tokens and login attempts (the audit log is listening.audit)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from listening.extensions import db
from listening.security import Role
from listening.timeutil import utcnow

if TYPE_CHECKING:
    from listening.organisations.models import Organisation

ROLES = tuple(Role)
STAFF_ROLES = (Role.REVIEWER, Role.ADMIN)


class User(UserMixin, db.Model):
    __tablename__ = "accounts_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # optional; a safeguarding lead's is shown to partners with the guidance, a partner's to
    # the lead on a case
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    role: Mapped[str] = mapped_column(String(20), default=Role.PARTNER)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("intake_organisation.id"))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of every session: bumping it (sign-out, deactivation, password change or reset)
    # ends every session of this user at once, on every worker.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # When the user dismissed the "What to do first" steps shown after their first sign-in.
    tour_done_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A named bearer token for the sync API only; only its SHA-256 is stored."""

    __tablename__ = "accounts_api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("accounts_user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return not self.revoked and (self.expires_at is None or self.expires_at > now)


class PasswordReset(db.Model):
    """A one-time link to set a new password; only the token's SHA-256 is stored."""

    __tablename__ = "accounts_password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("accounts_user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """Failed logins, kept in the database so the limit holds across gunicorn workers."""

    __tablename__ = "accounts_login_attempt"
    __table_args__ = (Index("ix_accounts_login_attempt_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    remote_addr: Mapped[str] = mapped_column(String(64), default="", index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
