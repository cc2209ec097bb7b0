"""Fixtures for the assembly tests: a campaign, organisations, pledges and conversations."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from listening.assembly import operations as ops
from listening.extensions import db
from listening.intake.models import Conversation, Response
from listening.organisations.models import Organisation
from tests.conftest import screen_answers


def redact(text: str) -> str:
    """The intake redactor (imported late: it loads spaCy on first use)."""
    from listening.intake.redaction import redact as intake_redact

    return intake_redact(text)


@pytest.fixture
def campaign(make_campaign):
    return make_campaign(boroughs=("Southwark", "Lambeth", "Bexley"))


@pytest.fixture
def make_org():
    def make(name="Guy's and St Thomas' NHS Foundation Trust", type_="nhs"):
        org = db.session.query(Organisation).filter_by(name=name).one_or_none()
        if org is None:
            org = Organisation(name=name, type=type_)
            db.session.add(org)
            db.session.flush()
        return org

    return make


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", organisation=None)


@pytest.fixture
def make_pledge(campaign, make_org):
    def make(
        title="Every NHS trust a London Living Wage employer",
        themes=("work-wages-cost-of-living",),
        actor=None,
        **overrides,
    ):
        data = dict(
            title=title,
            commitment="Pay everyone at least the London Living Wage.",
            theme_slugs=tuple(themes),
            lead_organisation_id=make_org().id,
            signed_on=date(2023, 11, 15),
            due_on=date(2025, 3, 31),
        )
        data.update(overrides)
        return ops.save_pledge(campaign, ops.PledgeInput(**data), actor)

    return make


@pytest.fixture
def make_conversation(campaign, make_org):
    def make(
        texts=("The landlord ignores the mould.",),
        borough="southwark",
        people=6,
        consent=True,
        status="submitted",
        organisation=None,
        held_on=date(2023, 7, 1),
    ):
        area = next(a for a in campaign.areas if a.slug == borough)
        org = organisation or make_org("Peckham Community Centre", "community-centre")
        conversation = Conversation(
            uuid=str(uuid.uuid4()),
            campaign=campaign,
            area=area,
            organisation=org,
            held_on=held_on,
            format="small-group",
            people_count=people,
            consent_to_quote=consent,
            status=status,
            source="web",
        )
        for position, text in enumerate(texts):
            conversation.responses.append(
                Response(position=position, text=text, redacted_text=redact(text))
            )
        db.session.add(conversation)
        db.session.flush()
        return screen_answers(conversation)

    return make
