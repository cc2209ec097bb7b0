"""A small world for security tests: one campaign, organisations A and B, a partner of each,
a reviewer, an admin, a draft and a submitted conversation of A (with hostile text), and one
pledge with its parts and an approved quote; plus a signed-in test client per role."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from listening.extensions import db
from tests.conftest import PASSWORD, screen_answers

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
DRAFT_SECRET = "DRAFTSECRETA7f3c the damp in our flat"
ORIGINAL_PII = "call Amina on 07700 900123"
ROLES = ("anonymous", "partner_a", "partner_b", "reviewer", "admin")


def _conversation(campaign, organisation, user, status, answers, redacted):
    from listening.intake.models import Conversation, Response

    area = next(a for a in campaign.areas if a.slug == "southwark")
    conversation = Conversation(
        uuid=str(uuid.uuid4()),
        campaign=campaign,
        area=area,
        organisation=organisation,
        logged_by=user,
        held_on=date(2023, 7, 1),
        format="small-group",
        people_count=6,
        consent_to_quote=True,
        status=status,
        source="web",
        groups=[campaign.groups[0]],
        submitted_at=None if status == "draft" else datetime(2023, 7, 2, 12),
        reference=f"IMPORT-{status}",
    )
    for position, (text, clean) in enumerate(zip(answers, redacted, strict=True), start=1):
        conversation.responses.append(Response(position=position, text=text, redacted_text=clean))
    db.session.add(conversation)
    db.session.flush()
    return conversation


def _assembly(campaign, organisation, admin, response):
    """One pledge with every kind of child row, and an approved quote of `response`."""
    from listening.assembly import models as m
    from listening.timeutil import utcnow

    event = m.Event(
        campaign=campaign,
        kind="assembly",
        title="Community health assembly",
        held_on=date(2023, 11, 15),
        theme_slugs=["housing"],
    )
    event.attendance.append(m.Attendance(kind="community-members", count=40))
    event.ideas.append(m.Idea(text="Fix the damp first", theme_slugs=["housing"]))
    pledge = m.Pledge(
        campaign=campaign,
        title="London Living Wage",
        commitment="Pay the LLW",
        event=event,
        lead_organisation=organisation,
        signed_on=date(2023, 11, 15),
        due_on=date(2025, 3, 31),
        status="on-track",
    )
    pledge.themes.append(m.PledgeTheme(theme_slug="housing"))
    pledge.signatories.append(m.Signatory(organisation=organisation, person="A. Leader"))
    pledge.actions.append(m.Action(title="Accredit the trust", due_on=date(2024, 6, 1)))
    metric = m.Metric(name="Staff on LLW", baseline=80, target=100)
    metric.readings.append(m.Reading(taken_on=date(2024, 1, 1), value=90))
    pledge.metrics.append(metric)
    pledge.updates.append(
        m.ProgressUpdate(
            posted_on=date(2024, 1, 2), status="on-track", text="Halfway there", author=admin
        )
    )
    quote = m.Quote(
        campaign_id=campaign.id,
        response=response,
        theme_slug="housing",
        text=response.redacted_text,
        status="approved",
        proposed_by_id=admin.id,
        approved_by_id=admin.id,
        approved_at=utcnow() - timedelta(days=1),
    )
    db.session.add_all([event, pledge, quote])
    db.session.flush()
    return SimpleNamespace(
        event=event, pledge=pledge, metric=metric, quote=quote, action=pledge.actions[0]
    )


@pytest.fixture
def world(make_campaign, make_user):
    campaign = make_campaign(groups=("Young people", "Carers and lone parents"))
    partner_a = make_user("partner", organisation="Organisation A")
    partner_b = make_user("partner", organisation="Organisation B")
    reviewer = make_user("reviewer", organisation=None)
    admin = make_user("admin", organisation=None)
    bystander = make_user("partner", organisation="Organisation B")
    org_a, org_b = partner_a.organisation, partner_b.organisation
    draft = _conversation(campaign, org_a, partner_a, "draft", [DRAFT_SECRET], [DRAFT_SECRET])
    submitted = _conversation(
        campaign,
        org_a,
        partner_a,
        "submitted",
        [f"The landlord ignores us {XSS_SCRIPT}", f"Mould everywhere {XSS_IMG} {ORIGINAL_PII}"],
        [
            f"The landlord ignores us {XSS_SCRIPT}",
            f"Mould everywhere {XSS_IMG} call [name] on [phone number]",
        ],
    )
    screen_answers(submitted)  # cleared, so its approved quote is public
    assembly = _assembly(campaign, org_a, admin, submitted.responses[1])
    db.session.commit()
    return SimpleNamespace(
        campaign=campaign,
        org_a=org_a,
        org_b=org_b,
        partner_a=partner_a,
        partner_b=partner_b,
        reviewer=reviewer,
        admin=admin,
        bystander=bystander,
        draft=draft,
        submitted=submitted,
        assembly=assembly,
    )


@pytest.fixture
def clients(app, world):
    """A test client per role, signed in (anonymous has none)."""
    made = {"anonymous": app.test_client()}
    for role in ROLES[1:]:
        client = app.test_client()
        sign_in(client, getattr(world, role))
        made[role] = client
    return made


def sign_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
