"""Demo data: the SEL events, a dozen pledges with progress up to the seeding day, idempotent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from listening.assembly import progress
from listening.assembly.demo import seed_assembly
from listening.assembly.models import Event, Pledge, ProgressUpdate, Quote
from listening.extensions import db


def counts():
    return tuple(
        db.session.scalar(select(func.count(model.id)))
        for model in (Event, Pledge, ProgressUpdate, Quote)
    )


def test_seed_is_complete_mixed_and_idempotent(campaign, make_conversation):
    make_conversation(texts=["The landlord ignores the mould in the kids' room."])
    make_conversation(texts=["I feel so lonely since my husband died."], consent=False)
    today = date.today()
    seed_assembly(campaign)
    first = counts()
    seed_assembly(campaign)
    assert counts() == first
    events = db.session.scalars(select(Event).order_by(Event.held_on)).all()
    assert [e.held_on for e in events] == [
        date(2023, 9, 30),
        date(2023, 10, 10),
        date(2023, 10, 11),
        date(2023, 10, 12),
        date(2023, 10, 18),
        date(2023, 10, 19),
        date(2023, 11, 15),
    ]
    pledges = db.session.scalars(select(Pledge)).all()
    assert {slug for p in pledges for slug in p.theme_slugs} == {
        "housing",
        "migration-race",
        "work-wages-cost-of-living",
        "mental-health-isolation",
        "children-young-people-parents",
    }
    assert {p.status for p in pledges} == {
        "not-started",
        "on-track",
        "at-risk",
        "off-track",
        "achieved",
    }
    assert all(p.signatories and p.event.held_on == date(2023, 11, 15) for p in pledges)
    assert any(m.direction == "decrease" for p in pledges for m in p.metrics)
    dates = [u.posted_on for p in pledges for u in p.updates]
    # the SEL year of updates is kept; the story then runs up to the day the demo is seeded
    assert min(dates) == date(2023, 12, 14) and date(2024, 11, 20) in dates
    assert max(dates) <= today and max(dates) >= today - timedelta(days=30)
    assert all(0 <= progress.roll_up(p).percent <= 100 for p in pledges)
    ideas = [idea for e in events for idea in e.ideas]
    linked = {idea.text: idea.pledge.title for idea in ideas if idea.pledge is not None}
    assert len(linked) == 10 and len(ideas) == 12
    assert linked["Open NHS buildings to community groups in the evenings"] == (
        "Community use of NHS buildings"
    )
    quotes = db.session.scalars(select(Quote)).all()
    assert [q.text for q in quotes] == ["The landlord ignores the mould in the kids' room."]
    assert quotes[0].status == "approved"


def _state(pledges, today):
    """Each pledge's story today: achieved, overdue, stale, or its status."""
    states = {}
    for p in pledges:
        timely = progress.timeliness(p, today)
        key = "overdue" if timely.overdue else "stale" if timely.stale else p.status
        states[key] = states.get(key, 0) + 1
    return states


@pytest.mark.parametrize("today", [date.today(), date(2026, 3, 2), date(2025, 8, 20)])
def test_demo_shows_a_realistic_mix_on_the_day_it_is_seeded(campaign, today):
    seed_assembly(campaign, today=today)
    pledges = db.session.scalars(select(Pledge)).all()
    states = _state(pledges, today)
    assert states["on-track"] >= 3 and states["at-risk"] >= 1
    assert states["overdue"] == 2 and states["stale"] == 2 and states["achieved"] == 2
    assert states["not-started"] == 1
    # nothing after the seeding day, and nothing due before it unless shown as overdue
    assert max(u.posted_on for p in pledges for u in p.updates) <= today
    for p in pledges:
        assert all(r.taken_on <= today for m in p.metrics for r in m.readings)
        assert max(p.updates, key=lambda u: u.posted_on).status == p.status
        if p.status != "achieved" and p.due_on < today:
            assert progress.is_overdue(p, today)
    # the later readings carry on from the SEL year towards each story's end
    wages = next(p for p in pledges if p.title == "Guaranteed interviews for local people")
    values = [r.value for r in wages.metrics[0].readings]
    assert values[:5] == [5, 9, 12, 14, 16] and values[-1] == 17


def test_the_same_seed_and_day_give_the_same_timelines(make_campaign):
    day = date(2026, 5, 5)

    def timelines(slug, seed):
        campaign = make_campaign(slug=slug)
        seed_assembly(campaign, today=day, seed=seed)
        query = select(Pledge).where(Pledge.campaign_id == campaign.id).order_by(Pledge.id)
        return [
            (p.title, p.due_on, sorted((u.posted_on, u.status, u.text) for u in p.updates))
            for p in db.session.scalars(query)
        ]

    first = timelines("demo-a", 7)
    assert timelines("demo-b", 7) == first
    assert timelines("demo-c", 8) != first
