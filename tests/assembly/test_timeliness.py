"""Honest status over time: overdue and not-updated pledges say so everywhere the public looks."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree as ET

import pytest

from listening.assembly import operations as ops
from listening.assembly import progress
from listening.extensions import db

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = date.today()


@pytest.fixture
def late(make_pledge, reviewer):
    """Due a month ago, last updated 100 days ago: overdue and stale (interval 90)."""
    pledge = make_pledge(actor=reviewer, title="Late pledge", due_on=TODAY - timedelta(days=30))
    ops.post_update(
        pledge,
        ops.UpdateInput(TODAY - timedelta(days=100), "on-track", "Going well."),
        reviewer,
    )
    db.session.commit()
    return pledge


@pytest.fixture
def fresh(make_pledge, reviewer):
    pledge = make_pledge(
        actor=reviewer,
        title="Fresh pledge",
        themes=("housing",),
        due_on=TODAY + timedelta(days=200),
    )
    ops.post_update(
        pledge, ops.UpdateInput(TODAY - timedelta(days=10), "on-track", "On plan."), reviewer
    )
    db.session.commit()
    return pledge


def test_timeliness_follows_due_date_and_the_campaigns_interval(late, fresh, campaign):
    t = progress.timeliness(late, TODAY)
    assert (t.overdue, t.stale, t.days_since_update, t.days_overdue) == (True, True, 100, 30)
    assert t.next_update_due == TODAY - timedelta(days=10)
    assert progress.timeliness(fresh, TODAY).overdue is False
    assert progress.timeliness(fresh, TODAY).stale is False
    campaign.update_interval_days = 120
    db.session.flush()
    assert progress.timeliness(late, TODAY).stale is False
    assert progress.timeliness(late, TODAY).interval_days == 120


def test_achieved_pledges_are_neither_overdue_nor_stale(late, reviewer):
    ops.post_update(
        late, ops.UpdateInput(TODAY - timedelta(days=95), "achieved", "Done."), reviewer
    )
    db.session.commit()
    t = progress.timeliness(late, TODAY)
    assert (t.overdue, t.stale, t.next_update_due) == (False, False, None)


def test_api_reports_overdue_stale_and_days_since_update(client, late, fresh):
    items = {p["title"]: p for p in client.get("/api/v1/pledges").get_json()["pledges"]}
    assert items["Late pledge"]["overdue"] is True
    assert items["Late pledge"]["stale"] is True
    assert items["Late pledge"]["days_since_update"] == 100
    assert items["Late pledge"]["next_update_due"] == (TODAY - timedelta(days=10)).isoformat()
    assert (items["Fresh pledge"]["overdue"], items["Fresh pledge"]["stale"]) == (False, False)
    assert items["Fresh pledge"]["days_since_update"] == 10


def test_cards_pledge_page_and_theme_page_say_so(client, late, fresh):
    listing = client.get("/pledges").get_data(as_text=True)
    assert listing.count(">Overdue</strong>") == 1
    assert "Not updated for 100 days</strong>" in listing
    page = client.get(f"/pledges/{late.id}").get_data(as_text=True)
    assert "it is 30 days overdue" in page
    assert "There has been no progress update for 100 days" in page
    assert "Next update due by" in page
    theme = client.get("/pledges/themes/work-wages-cost-of-living").get_data(as_text=True)
    assert ">Overdue</strong>" in theme and "1 pledge is past its due date" in theme
    other = client.get("/pledges/themes/housing").get_data(as_text=True)
    assert ">Overdue</strong>" not in other and "past its due date" not in other


def test_feed_entries_are_dated_by_the_update_and_flag_late_pledges(client, late, fresh):
    root = ET.fromstring(client.get("/pledges/updates.atom").data)
    entries = {e.find(f"{ATOM}content").text: e for e in root.findall(f"{ATOM}entry")}
    going = entries["Going well."]
    assert going.find(f"{ATOM}updated").text.startswith((TODAY - timedelta(days=100)).isoformat())
    terms = {c.get("term") for c in going.findall(f"{ATOM}category")}
    assert terms == {"on-track", "overdue", "stale"}
    assert "Overdue" in going.find(f"{ATOM}summary").text
    on_plan = entries["On plan."]
    assert {c.get("term") for c in on_plan.findall(f"{ATOM}category")} == {"on-track"}
    assert on_plan.find(f"{ATOM}summary") is None
    newest = (TODAY - timedelta(days=10)).isoformat()
    assert root.find(f"{ATOM}updated").text.startswith(newest)
