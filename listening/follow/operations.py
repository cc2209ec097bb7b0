"""Start, confirm and end a follow; who to tell about a pledge's progress."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select

from listening import audit
from listening.assembly.models import Pledge
from listening.extensions import db
from listening.follow.models import Subscription
from listening.intake.models import Campaign
from listening.timeutil import utcnow

PURGE_BATCH = 50  # stale follows a new follow deletes on its way in


def normalise_email(email: str) -> str:
    return email.strip().lower()


def start_following(
    email: str,
    pledge: Pledge | None = None,
    campaign: Campaign | None = None,
    theme_slug: str | None = None,
    purge_after_days: int | None = None,
    locale: str = "en",
) -> Subscription:
    """A new unconfirmed follow (or the one this address already has for the same target).

    With `purge_after_days`, a new follow also deletes up to PURGE_BATCH follows nobody
    confirmed in that time: each new row clears many old ones, so they never pile up even
    without the cron job."""
    if (pledge is None) == (theme_slug is None) or (theme_slug and campaign is None):
        raise ValueError("follow either a pledge, or a theme of a campaign")
    email = normalise_email(email)
    target = (
        Subscription.pledge_id == pledge.id
        if pledge is not None
        else and_(Subscription.campaign_id == campaign.id, Subscription.theme_slug == theme_slug)
    )
    existing = db.session.scalar(select(Subscription).where(Subscription.email == email, target))
    if existing is not None:
        return existing
    subscription = Subscription(
        email=email,
        pledge_id=pledge.id if pledge is not None else None,
        campaign_id=campaign.id if pledge is None else None,
        theme_slug=theme_slug,
        secret=secrets.token_urlsafe(24),
        locale=locale,
    )
    db.session.add(subscription)
    db.session.flush()
    audit.record(subscription, "follow.create", None, None, subscription.target)
    if purge_after_days is not None:
        purge_unconfirmed(purge_after_days, limit=PURGE_BATCH)
    return subscription


def find(pair: tuple[int, str] | None) -> Subscription | None:
    """The follow a link names, when its secret still matches."""
    if pair is None:
        return None
    subscription = db.session.get(Subscription, pair[0])
    if subscription is None or not hmac.compare_digest(subscription.secret, pair[1]):
        return None
    return subscription


def confirm(subscription: Subscription) -> None:
    """The address owner said yes: emails about the target start now."""
    if subscription.confirmed_at is not None:
        return
    subscription.confirmed_at = utcnow()
    db.session.flush()
    audit.record(subscription, "follow.confirm", None, {"confirmed": False}, {"confirmed": True})


def unsubscribe(subscription: Subscription) -> None:
    """Forget the follow, address and all."""
    audit.record(subscription, "follow.delete", None, subscription.target, None)
    db.session.delete(subscription)
    db.session.flush()


def recipients(pledge: Pledge) -> list[Subscription]:
    """Confirmed follows of this pledge or of its themes, one per email address."""
    rows = db.session.scalars(
        select(Subscription)
        .where(
            Subscription.confirmed_at.is_not(None),
            or_(
                Subscription.pledge_id == pledge.id,
                and_(
                    Subscription.campaign_id == pledge.campaign_id,
                    Subscription.theme_slug.in_(pledge.theme_slugs),
                ),
            ),
        )
        .order_by(Subscription.pledge_id.is_(None), Subscription.id)
    )
    chosen: dict[str, Subscription] = {}
    for row in rows:  # a follow of the pledge itself comes first and wins
        chosen.setdefault(row.email, row)
    return list(chosen.values())


def purge_unconfirmed(days: int, now: datetime | None = None, limit: int | None = None) -> int:
    """Delete follows nobody confirmed within `days` days (their links no longer work); the
    oldest `limit` of them when given."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    stale = Subscription.confirmed_at.is_(None) & (Subscription.created_at < cutoff)
    query = select(Subscription.id).where(stale).order_by(Subscription.created_at)
    ids = db.session.scalars(query.limit(limit)).all()
    if ids:
        db.session.execute(delete(Subscription).where(Subscription.id.in_(ids)))
        audit.record(Subscription, "follow.purge_unconfirmed", None, None, {"deleted": len(ids)})
    db.session.flush()
    return len(ids)
