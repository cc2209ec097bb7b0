"""A campaign with a finished theme run, reviewed themes, approved quotes, an event, a pledge."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from listening.assembly import operations as ops
from listening.assembly import quotes
from listening.extensions import db
from listening.intake.models import Conversation, Response
from listening.organisations.models import Organisation
from listening.themes.models import Assignment, SubTheme, Theme, ThemeRun
from listening.timeutil import utcnow
from tests.conftest import screen_answers

CHOSEN = "The mould in the bedroom makes my son cough every winter."
UNCHOSEN = "Rent went up again and the repairs never come."
WORKS = "Two jobs and still the money runs out before the month does."


def _org(name: str, type_: str) -> Organisation:
    org = db.session.query(Organisation).filter_by(name=name).one_or_none()
    if org is None:
        org = Organisation(name=name, type=type_)
        db.session.add(org)
        db.session.flush()
    return org


def _conversation(campaign, borough: str, people: int, texts, organisation: str) -> Conversation:
    from listening.intake.redaction import redact

    conversation = Conversation(
        uuid=str(uuid.uuid4()),
        campaign=campaign,
        area=next(a for a in campaign.areas if a.slug == borough),
        organisation=_org(organisation, "community-centre"),
        held_on=date(2023, 7, 1),
        format="small-group",
        people_count=people,
        consent_to_quote=True,
        status="submitted",
        source="web",
        groups=[campaign.groups[0]],
    )
    for position, text in enumerate(texts):
        conversation.responses.append(
            Response(position=position, text=text, redacted_text=redact(text))
        )
    db.session.add(conversation)
    db.session.flush()
    return screen_answers(conversation)


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", organisation=None)


@pytest.fixture
def world(make_campaign, reviewer):
    """Boroughs of 300,000 residents: Southwark 42 people, Lambeth 12, Bexley 3 (suppressed)."""
    return build_world(make_campaign(boroughs=("Southwark", "Lambeth", "Bexley")), reviewer)


def build_world(campaign, reviewer, organisation: str = "Peckham Community Centre") -> dict:
    """Conversations, a finished run with reviewed themes and sub-themes, three approved quotes,
    a workshop and a pledge in `campaign` (which has southwark, lambeth and bexley); committed."""
    damp = _conversation(campaign, "southwark", 30, [CHOSEN], organisation)
    rent = _conversation(campaign, "southwark", 12, [UNCHOSEN], organisation)
    work = _conversation(campaign, "lambeth", 12, [WORKS], organisation)
    small = _conversation(campaign, "bexley", 3, ["The rent is too much for us."], organisation)
    housing = Theme(
        campaign_id=campaign.id, slug="housing", name="Housing", reviewed=True, position=0
    )
    wages = Theme(
        campaign_id=campaign.id,
        slug="work-wages-cost-of-living",
        name="Work, wages and cost of living",
        reviewed=True,
        position=1,
    )
    lonely = Theme(
        campaign_id=campaign.id,
        slug="mental-health-isolation",
        name="Loneliness unreviewed",
        position=2,
    )
    db.session.add_all([housing, wages, lonely])
    run = ThemeRun(campaign_id=campaign.id, status="succeeded", finished_at=utcnow(), seed=42)
    db.session.add(run)
    db.session.flush()
    subs = {
        "damp": SubTheme(run_id=run.id, theme_id=housing.id, key="a", label="Damp and mould"),
        "rent": SubTheme(
            run_id=run.id, theme_id=housing.id, key="b", label="rent", reviewer_label="Rising rent"
        ),
        "pay": SubTheme(run_id=run.id, theme_id=wages.id, key="c", label="Low pay, two jobs"),
    }
    db.session.add_all(subs.values())
    db.session.flush()
    for conversation, theme, sub in (
        (damp, housing, "damp"),
        (rent, housing, "rent"),
        (small, housing, "rent"),
        (work, wages, "pay"),
    ):
        for response in conversation.responses:
            db.session.add(
                Assignment(
                    response_id=response.id,
                    theme_id=theme.id,
                    score=0.9,
                    source="model",
                    run_id=run.id,
                    sub_theme_id=subs[sub].id,
                )
            )
    made = {}
    for key, conversation, slug in (
        ("chosen", damp, "housing"),
        ("unchosen", rent, "housing"),
        ("works", work, "work-wages-cost-of-living"),
    ):
        response = conversation.responses[0]
        quote = quotes.propose_quote(response, response.redacted_text, reviewer, theme_slug=slug)
        made[key] = quotes.approve_quote(quote, reviewer, quotes.CHECKLIST)
    lead = _org("Guy's and St Thomas' NHS Foundation Trust", "nhs")
    pledge = ops.save_pledge(
        campaign,
        ops.PledgeInput(
            title="Every NHS trust a London Living Wage employer",
            commitment="Pay everyone at least the London Living Wage.",
            theme_slugs=("work-wages-cost-of-living",),
            lead_organisation_id=lead.id,
            signed_on=date(2023, 11, 15),
            due_on=date(2025, 3, 31),
        ),
        reviewer,
    )
    event = ops.save_event(
        campaign,
        ops.EventInput(
            kind="co-production-workshop",
            title="Housing co-production workshop",
            held_on=date(2023, 10, 10),
            theme_slugs=("housing",),
            ideas=(("Fix damp within a fortnight", ("housing",)),),
        ),
        reviewer,
    )
    db.session.commit()
    return {
        "campaign": campaign,
        "run": run,
        "themes": {"housing": housing, "wages": wages, "lonely": lonely},
        "quotes": made,
        "pledge": pledge,
        "event": event,
    }
