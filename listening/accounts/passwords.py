"""Password rules (NCSC and NIST SP 800-63B style): length, not composition; never a known one.

A password must be at least PASSWORD_MIN_LENGTH (12) characters, must not be one of the 30,000
most common passwords from public breach corpora (the list shipped with the maintained
`zxcvbn` package), must not be easy to guess by zxcvbn's estimate (score 3 of 4 or better,
told the user's email and the product's name), and must not contain the email's name part or
the product's name.
"""

from __future__ import annotations

from functools import lru_cache

PRODUCT_WORDS = ("listening",)
MAX_LENGTH = 200
MIN_SCORE = 3


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str = "", min_length: int = 12) -> str | None:
    """Why a password is not acceptable, or None."""
    if len(password) < min_length:
        return f"Password must be at least {min_length} characters"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return "Password must not contain your email address"
    if any(word in lowered for word in PRODUCT_WORDS):
        return "Password must not contain the name of this service"
    if lowered in _common() or len(set(password)) < 4:
        return "This password is on a list of passwords known to criminals; choose another"
    from zxcvbn import zxcvbn

    if zxcvbn(password[:100], user_inputs=[local_part, *PRODUCT_WORDS])["score"] < MIN_SCORE:
        return "Password is too easy to guess; try three random words"
    return None
