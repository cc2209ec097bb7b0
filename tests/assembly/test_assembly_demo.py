"""Demo data: the SEL events, a dozen pledges with a year of progress, idempotent."""

from __future__ import annotations

from datetime import date

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
    assert min(dates) >= date(2023, 12, 1) and max(dates) <= date(2024, 11, 30)
    assert all(0 <= progress.roll_up(p).percent <= 100 for p in pledges)
    quotes = db.session.scalars(select(Quote)).all()
    assert [q.text for q in quotes] == ["The landlord ignores the mould in the kids' room."]
    assert quotes[0].status == "approved"
