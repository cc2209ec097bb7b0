"""Users, passwords, sign-in limits, sessions, password resets and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from listening import audit
from listening.accounts.models import ROLES, ApiToken, LoginAttempt, PasswordReset, User
from listening.accounts.passwords import password_problem
from listening.extensions import db
from listening.i18n import N_
from listening.organisations.models import Organisation
from listening.security import Role
from listening.timeutil import utcnow

__all__ = ["password_problem"]  # re-exported: forms and the CLI check passwords here

TOKEN_DAYS = 90
RESET_MINUTES = 60
# Compared against when the email is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A user-facing problem with an account request; `field` says which input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


_PHONE_CHARS = set("0123456789+-() ")


def normalise_phone(phone: str | None) -> str:
    """A phone number as typed, trimmed ("" for none); AccountError when it is not one."""
    phone = " ".join((phone or "").split())
    digits = sum(ch.isdigit() for ch in phone)
    if phone and (set(phone) - _PHONE_CHARS or not 3 <= digits <= 15 or "+" in phone[1:]):
        raise AccountError("phone", "Enter a phone number, like 020 7946 0000")
    return phone


def tel_href(phone: str) -> str:
    """The `tel:` link for a phone number ("020 7946 0000" → "tel:02079460000"; the trunk
    "(0)" of "+44 (0)20 …" is not dialled from abroad, so it goes)."""
    if phone.lstrip().startswith("+"):
        phone = phone.replace("(0)", "")
    return "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def get_or_create_organisation(name: str, actor: User | None = None) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name)
        db.session.add(organisation)
        db.session.flush()
        audit.record(organisation, "accounts.create_organisation", actor, after={"name": name})
    return organisation


def _check_password(password: str, email: str, min_length: int) -> None:
    problem = password_problem(password, email, min_length)
    if problem:
        raise AccountError("password", problem)


def create_user(
    email: str,
    role: str,
    password: str,
    *,
    organisation_name: str | None = None,
    name: str = "",
    actor: User | None = None,
    min_length: int = 12,
) -> User:
    """Create a user (and its organisation if new); raises AccountError on bad input."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("email", "Enter an email address in the correct format")
    if role not in ROLES:
        raise AccountError("role", f"Role must be one of {', '.join(ROLES)}")
    if db.session.scalar(select(User).where(User.email == email)):
        raise AccountError("email", "A user with this email address already exists")
    _check_password(password, email, min_length)
    if role == Role.PARTNER and not organisation_name:
        raise AccountError("organisation", "A partner must belong to an organisation")
    organisation = (
        get_or_create_organisation(organisation_name, actor) if organisation_name else None
    )
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


def update_user(
    user: User,
    role: str,
    organisation_name: str | None,
    actor: User,
    *,
    name: str | None = None,
    phone: str | None = None,
) -> None:
    """Change a user's role, organisation, and (when given) name and phone; audited, with the
    values before and after."""
    if role not in ROLES:
        raise AccountError("role", f"Role must be one of {', '.join(ROLES)}")
    if role == Role.PARTNER and not organisation_name:
        raise AccountError("organisation", "A partner must belong to an organisation")
    if user.id == actor.id and role != user.role:
        raise AccountError("role", "You cannot change your own role; ask another administrator")
    phone = user.phone if phone is None else normalise_phone(phone)
    name = user.name if name is None else " ".join(name.split())
    before = {
        "role": user.role,
        "organisation": user.organisation.name if user.organisation else None,
        "name": user.name,
        "phone": user.phone,
    }
    user.role, user.name, user.phone = role, name, phone
    user.organisation = (
        get_or_create_organisation(organisation_name, actor) if organisation_name else None
    )
    after = {"role": role, "organisation": organisation_name or None, "name": name, "phone": phone}
    if before != after:
        audit.record(user, "accounts.update", actor, before, after)
    db.session.flush()


def end_sessions(user: User) -> None:
    """Every session of this user stops working at its next request, on every worker."""
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["session_version"])


def revoke_tokens(user: User) -> int:
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ~ApiToken.revoked)
        .values(revoked=True)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def set_active(user: User, active: bool, actor: User) -> None:
    """Deactivate (ending every session and token at once) or reactivate a user."""
    if user.id == actor.id and not active:
        raise AccountError("active", "You cannot deactivate your own account")
    audit.record(user, "accounts.set_active", actor, {"active": user.active}, {"active": active})
    user.active = active
    if not active:
        end_sessions(user)
        revoke_tokens(user)
        cancel_password_resets(user)
    db.session.flush()


def set_password(
    user: User,
    password: str,
    actor: User | None,
    *,
    current: str | None = None,
    min_length: int = 12,
) -> None:
    """A new password; with `current`, the user's own change (the current one must match)."""
    if current is not None and not check_password_hash(user.password_hash, current):
        raise AccountError("current_password", "Your current password is not right")
    _check_password(password, user.email, min_length)
    user.password_hash = generate_password_hash(password)
    end_sessions(user)
    audit.record(user, "accounts.set_password", actor)
    db.session.flush()


def finish_tour(user: User) -> None:
    """The user dismissed the "What to do first" steps: not shown after sign-in again."""
    user.tour_done_at = utcnow()
    audit.record(user, "accounts.finish_tour", user, after={"tour_done_at": user.tour_done_at})
    db.session.flush()


def sign_out(user: User) -> None:
    """Sign-out ends the session on the server: a copied cookie stops working."""
    end_sessions(user)
    audit.record(user, "accounts.logout", user)
    db.session.flush()


# Sign-in limits. A device that has signed in as this user before (a signed cookie, see
# views) is never held back by failures from elsewhere: an attacker guessing passwords for
# an email, or everyone behind one shared address, cannot lock the real user out.


def too_many_failures(email: str, remote_addr: str, limit: int, window_seconds: int) -> bool:
    since = utcnow() - timedelta(seconds=window_seconds)
    recent = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
    by_email = db.session.scalar(recent.where(LoginAttempt.email == normalise_email(email)))
    by_addr = db.session.scalar(recent.where(LoginAttempt.remote_addr == remote_addr))
    # an address may serve a whole community centre, so it gets more room than one email
    return by_email >= limit or by_addr >= limit * 4


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(
    email: str,
    password: str,
    remote_addr: str,
    *,
    known_device: tuple[int, int] | None = None,
    limit: int = 5,
    window_seconds: int = 900,
) -> User:
    """The user for these credentials; raises AccountError (and records the failure) if not.

    `known_device`: (user id, session version) from the device's cookie; a device that signed
    in as this user since the last password change or sign-out everywhere is not limited."""
    email = normalise_email(email)[:254]
    user = find_user(email)
    known_device = user is not None and known_device == (user.id, user.session_version)
    if not known_device and too_many_failures(email, remote_addr, limit, window_seconds):
        audit.record(
            LoginAttempt,
            "accounts.login_refused",
            None,
            after={"email": email, "address": remote_addr},
        )
        raise AccountError("email", N_("Too many failed attempts. Wait 15 minutes and try again."))
    hashed = user.password_hash if user is not None else _DUMMY_HASH
    correct = check_password_hash(hashed, password)
    if user is None or not user.active or not correct:
        attempt = LoginAttempt(email=email, remote_addr=remote_addr)
        db.session.add(attempt)
        db.session.flush()
        audit.record(attempt, "accounts.login_failed", None, after={"email": email})
        raise AccountError("email", N_("Email address or password is not right"))
    audit.record(user, "accounts.login", user)
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_password_reset(user: User, actor: User) -> str:
    """A one-time reset link's token (valid an hour); ends the user's sessions and tokens.

    One live link per user: a new one cancels the ones before it. A deactivated user gets
    none (reactivate them first)."""
    if not user.active:
        raise AccountError("active", "This account is deactivated: reactivate it first")
    cancel_password_resets(user)
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=_hash_token(token),
            expires_at=utcnow() + timedelta(minutes=RESET_MINUTES),
        )
    )
    end_sessions(user)
    revoke_tokens(user)
    audit.record(user, "accounts.start_password_reset", actor)
    db.session.flush()
    return token


def cancel_password_resets(user: User) -> int:
    """End every reset link of `user` that could still be used (marked used now)."""
    result = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def reset_for_token(token: str) -> PasswordReset | None:
    """The unused, unexpired reset for this token of an active user, or None."""
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == _hash_token(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset if reset.user.active else None


def complete_password_reset(reset: PasswordReset, password: str, min_length: int = 12) -> User:
    """Set the password through a reset link; that link and every other one end."""
    set_password(reset.user, password, reset.user, min_length=min_length)
    cancel_password_resets(reset.user)
    db.session.flush()
    return reset.user


def issue_token(
    user: User, actor: User | None = None, *, name: str = "", days: int = TOKEN_DAYS
) -> str:
    """Create an API token for `user`; the plain token is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=_hash_token(token),
        name=name.strip()[:100],
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(row, "accounts.issue_token", actor, after={"name": row.name, "user": user.id})
    return token


def list_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke_token(row: ApiToken, actor: User) -> None:
    if not row.revoked:
        row.revoked = True
        audit.record(row, "accounts.revoke_token", actor, {"revoked": False}, {"revoked": True})
        db.session.flush()


def user_for_token(token: str) -> User | None:
    """The active user of a usable token (and when it was last used), or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    now = utcnow()
    if row is None or not row.is_usable(now) or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now  # written with the request's own unit of work
    return row.user
