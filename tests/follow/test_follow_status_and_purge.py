"""Followers hear of a status staff set on the pledge itself, and unconfirmed follows go
without the cron job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.follow import operations
from listening.follow.models import Subscription
from listening.timeutil import utcnow
from tests.follow.conftest import PUBLIC_URL
from tests.mailserver import body_of


def _edit_form(pledge, status: str) -> dict:
    return {
        "title": pledge.title,
        "commitment": pledge.commitment,
        "themes": list(pledge.theme_slugs),
        "lead_organisation": str(pledge.lead_organisation_id),
        "event": "",
        "area": "",
        "signed_on": pledge.signed_on.isoformat(),
        "due_on": pledge.due_on.isoformat(),
        "status": status,
        "manual_progress": "0",
    }


def _follow(email: str, **target) -> Subscription:
    subscription = operations.start_following(email, **target)
    operations.confirm(subscription)
    return subscription


def test_a_status_staff_set_on_the_pledge_is_emailed_to_its_followers(
    signed_in, inbox, make_pledge, staff, campaign
):
    pledge = make_pledge()
    _follow("pledge-fan@example.org", pledge=pledge)
    _follow("theme-fan@example.org", campaign=campaign, theme_slug="housing")
    operations.start_following("unconfirmed@example.org", pledge=pledge)
    db.session.commit()
    client = signed_in(staff)
    url = f"/staff/pledges/{pledge.id}/edit"

    same = client.post(url, data=_edit_form(pledge, "not-started") | {"title": "Renamed"})
    assert same.status_code == 303 and inbox.messages == []  # no status change, no email
    changed = client.post(url, data=_edit_form(pledge, "at-risk"))
    assert changed.status_code == 303

    assert sorted(m["To"] for m in inbox.messages) == [
        "pledge-fan@example.org",
        "theme-fan@example.org",
    ]
    [notice] = inbox.to("pledge-fan@example.org")
    text = body_of(notice)
    assert "“Renamed” has changed from Not started to At risk" in text
    assert f"{PUBLIC_URL}/pledges/{pledge.id}" in text
    assert notice["Subject"] == "Status of the pledge: Renamed"
    assert notice["List-Unsubscribe"].startswith(f"<{PUBLIC_URL}/follow/unsubscribe/")
    assert "the pledges for the theme" in body_of(inbox.to("theme-fan@example.org")[0])


def test_a_status_change_rolled_back_tells_nobody(inbox, make_pledge, staff):
    from listening.assembly import operations as ops

    pledge = make_pledge()
    _follow("quiet@example.org", pledge=pledge)
    db.session.commit()
    data = ops.PledgeInput(
        title=pledge.title,
        commitment=pledge.commitment,
        theme_slugs=tuple(pledge.theme_slugs),
        lead_organisation_id=pledge.lead_organisation_id,
        signed_on=pledge.signed_on,
        due_on=pledge.due_on,
        status="achieved",
    )
    ops.save_pledge(pledge.campaign, data, staff, pledge)
    db.session.rollback()
    assert inbox.messages == []


def _aged(subscription: Subscription, days: int) -> None:
    subscription.created_at = utcnow() - timedelta(days=days)


def test_a_new_follow_deletes_unconfirmed_follows_past_the_confirmation_period(client, make_pledge):
    pledge = make_pledge()
    stale = [operations.start_following(f"stale{n}@example.org", pledge=pledge) for n in range(3)]
    recent = operations.start_following("recent@example.org", pledge=pledge)
    confirmed = _follow("confirmed@example.org", pledge=pledge)
    for row in (*stale, confirmed):
        _aged(row, 30)
    _aged(recent, 3)
    db.session.commit()

    response = client.post(f"/follow/pledges/{pledge.id}", data={"email": "new@example.org"})
    assert response.status_code == 303
    emails = set(db.session.scalars(select(Subscription.email)))
    assert emails == {"recent@example.org", "confirmed@example.org", "new@example.org"}
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "follow.purge_unconfirmed")
    ).all()
    assert event.after == {"deleted": 3}


def test_a_purge_with_a_limit_deletes_the_oldest_first(make_pledge):
    pledge = make_pledge()
    stale = [operations.start_following(f"stale{n}@example.org", pledge=pledge) for n in range(3)]
    for age, row in zip((20, 40, 30), stale, strict=True):
        _aged(row, age)
    db.session.flush()
    assert operations.purge_unconfirmed(7, limit=2) == 2
    assert set(db.session.scalars(select(Subscription.email))) == {"stale0@example.org"}
    assert operations.purge_unconfirmed(7, limit=2) == 1
    assert operations.purge_unconfirmed(7, limit=2) == 0
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0
