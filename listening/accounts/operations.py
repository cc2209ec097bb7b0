"""Users, passwords, login limits and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from listening import audit
from listening.accounts.models import ROLES, ApiToken, LoginAttempt, User
from listening.extensions import db
from listening.organisations.models import Organisation
from listening.security import Role
from listening.timeutil import utcnow

COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "password1234",
        "qwertyuiop",
        "1234567890",
        "letmein123",
        "welcome123",
        "iloveyou12",
        "passw0rd12",
        "changeme123",
        "nhspassword",
    }
)


class AccountError(ValueError):
    """A user-facing problem with an account request; `field` says which input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def password_problem(password: str, email: str = "", min_length: int = 10) -> str | None:
    """Why a password is not acceptable, or None (NCSC-style: length, not composition)."""
    if len(password) < min_length:
        return f"Password must be at least {min_length} characters"
    if len(password) > 200:
        return "Password must be 200 characters or fewer"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "Password is too easy to guess; try three random words"
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        return "Password must not contain your email address"
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_or_create_organisation(name: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def create_user(
    email: str,
    role: str,
    password: str,
    *,
    organisation_name: str | None = None,
    name: str = "",
    actor: User | None = None,
    min_length: int = 10,
) -> User:
    """Create a user (and its organisation if new); raises AccountError on bad input."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("email", "Enter an email address in the correct format")
    if role not in ROLES:
        raise AccountError("role", f"Role must be one of {', '.join(ROLES)}")
    if db.session.scalar(select(User).where(User.email == email)):
        raise AccountError("email", "A user with this email address already exists")
    problem = password_problem(password, email, min_length)
    if problem:
        raise AccountError("password", problem)
    if role == Role.PARTNER and not organisation_name:
        raise AccountError("organisation", "A partner must belong to an organisation")
    organisation = get_or_create_organisation(organisation_name) if organisation_name else None
    user = User(
        email=email,
        role=role,
        name=name,
        organisation=organisation,
        password_hash=generate_password_hash(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(user, "accounts.create", actor, after={"email": email, "role": role})
    return user


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def too_many_failures(email: str, remote_addr: str, limit: int, window_seconds: int) -> bool:
    since = utcnow() - timedelta(seconds=window_seconds)
    recent = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
    by_email = db.session.scalar(recent.where(LoginAttempt.email == normalise_email(email)))
    by_addr = db.session.scalar(recent.where(LoginAttempt.remote_addr == remote_addr))
    # an address may serve a whole community centre, so it gets more room than one email
    return by_email >= limit or by_addr >= limit * 4


def authenticate(
    email: str, password: str, remote_addr: str, *, limit: int = 5, window_seconds: int = 900
) -> User:
    """The user for these credentials; raises AccountError (and records the failure) if not."""
    if too_many_failures(email, remote_addr, limit, window_seconds):
        raise AccountError("email", "Too many failed attempts. Wait 15 minutes and try again.")
    user = find_user(email)
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        db.session.add(LoginAttempt(email=normalise_email(email)[:254], remote_addr=remote_addr))
        db.session.flush()
        raise AccountError("email", "Email address or password is not right")
    audit.record(user, "accounts.login", user)
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, actor: User | None = None) -> str:
    """Create an API token for `user`; the plain token is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash_token(token)))
    audit.record(user, "accounts.issue_token", actor)
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _hash_token(token), ~ApiToken.revoked)
    )
    if row is None or not row.user.active:
        return None
    return row.user


def set_active(user: User, active: bool, actor: User) -> None:
    audit.record(user, "accounts.set_active", actor, {"active": user.active}, {"active": active})
    user.active = active
    db.session.flush()
