"""A real SMTP server for the session app, and a pledge to follow."""

from __future__ import annotations

from datetime import date

import pytest

from listening.assembly import operations as ops
from listening.extensions import db
from listening.organisations.models import Organisation
from tests.conftest import PUBLIC_URL  # noqa: F401  (the tests compare links with it)


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


@pytest.fixture
def make_pledge(campaign):
    def make(title="Every NHS trust a London Living Wage employer", themes=("housing",)):
        lead = Organisation(name=f"Lead for {title}", type="nhs")
        db.session.add(lead)
        db.session.flush()
        data = ops.PledgeInput(
            title=title,
            commitment="Pay everyone at least the London Living Wage.",
            theme_slugs=tuple(themes),
            lead_organisation_id=lead.id,
            signed_on=date(2023, 11, 15),
            due_on=date(2025, 3, 31),
        )
        return ops.save_pledge(campaign, data, None)

    return make


@pytest.fixture
def staff(make_user):
    return make_user("reviewer", organisation=None)


@pytest.fixture
def post_update(staff):
    """Staff post a progress update through the assembly operation, and commit."""

    def post(pledge, text, status="on-track", posted_on=date(2024, 3, 1)):
        update = ops.post_update(
            pledge, ops.UpdateInput(posted_on=posted_on, status=status, text=text), staff
        )
        db.session.commit()
        return update

    return post
