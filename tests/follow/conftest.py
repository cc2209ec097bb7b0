"""A real SMTP server for the session app, and a pledge to follow."""

from __future__ import annotations

from datetime import date

import pytest

from listening.assembly import operations as ops
from listening.extensions import db
from listening.organisations.models import Organisation
from tests import mailserver

PUBLIC_URL = "https://tracker.example.org"


@pytest.fixture(scope="session")
def smtp_server():
    controller, inbox = mailserver.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def inbox(app, smtp_server):
    """Mail on, to the local server; links from PUBLIC_URL. Empty at the start of each test."""
    controller, inbox = smtp_server
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "PUBLIC_URL")}
    app.config.update(
        MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port, PUBLIC_URL=PUBLIC_URL
    )
    inbox.clear()
    yield inbox
    app.config.update(saved)


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
