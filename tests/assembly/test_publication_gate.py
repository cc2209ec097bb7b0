"""The publication gate (issue 19 §2): only cleared answers are quoted, moved or published; an
answer flagged or edited after its quote was approved has the quote withdrawn everywhere;
archived pledges vanish from theme pages."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from listening.assembly import operations as ops
from listening.assembly import quotes
from listening.assembly.models import Quote
from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake import operations as intake
from listening.intake import screening
from listening.intake.safeguarding import detector
from listening.intake.safeguarding import operations as safeguarding
from listening.themes import operations as themes_ops
from listening.themes.models import Assignment, AssignmentSource, Theme
from tests.mailserver import body_of

ANSWER = "The damp and the mould are back every winter in our flat."


@pytest.fixture
def published(make_conversation, reviewer, client):
    """An approved quote of a cleared answer, on the housing theme page."""
    response = make_conversation(texts=[ANSWER]).responses[0]
    assert screening.is_cleared(response)
    quote = quotes.propose_quote(response, response.redacted_text, reviewer, theme_slug="housing")
    quotes.approve_quote(quote, reviewer, quotes.CHECKLIST)
    db.session.commit()
    assert "mould are back" in client.get("/pledges/themes/housing").get_data(as_text=True)
    return quote


def _flag(response) -> None:
    """What intake does when the detector finds a disclosure (a rescreen, a lead's check)."""
    found = [detector.Finding(True, "neglect", "rules")]
    safeguarding.flag_answers([response], found, screening.current_versions()[1], stamp=True)


def _everywhere(client) -> str:
    """Every public surface that carries quotes: the theme page, the API, the report page."""
    return "".join(
        client.get(path).get_data(as_text=True)
        for path in ("/pledges/themes/housing", "/api/v1/themes", "/pledges")
    )


def test_a_quote_flagged_after_approval_is_withdrawn_and_its_reviewer_told(
    published, reviewer, client, inbox, signed_in
):
    """Before: the quote stayed approved, on the theme page and in new reports."""
    _flag(published.response)
    db.session.commit()
    assert published.status == "withdrawn" and published.withdrawn_reason == "flagged"
    assert "mould are back" not in _everywhere(client)
    assert quotes.public_quotes(published.campaign_id) == []
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "assembly.withdraw", AuditEvent.entity_id == str(published.id)
        )
    )
    assert event is not None and event.after["withdrawn_reason"] == "flagged"
    [message] = inbox.to(reviewer.email)
    body = body_of(message)
    assert "/staff/quotes?campaign=" in body
    assert "mould" not in body and "damp" not in body  # a link only, never the answer
    page = signed_in(reviewer).get("/staff/quotes").get_data(as_text=True)
    assert 'id="withdrawn-notice"' in page and "Withdrawn automatically" in page
    assert "mould are back" not in page  # the flagged words are not shown to reviewers either


def test_a_quote_whose_answer_is_edited_after_approval_is_withdrawn(
    campaign, make_user, reviewer, client
):
    partner = make_user("partner", "Peckham Community Centre")
    admin = make_user("admin", None)
    data = intake.ConversationInput(
        uuid=str(uuid.uuid4()),
        campaign=campaign.slug,
        borough="southwark",
        organisation="Peckham Community Centre",
        date=date(2023, 7, 1),
        format="small-group",
        people_count=6,
        groups=("young-people",),
        consent_to_quote=True,
        responses=(ANSWER,),
    )
    conversation, _ = intake.save_conversation(data, partner)
    db.session.commit()
    response = conversation.responses[0]
    screening.screen([response.id], None)  # the screening job after a submit
    quote = quotes.propose_quote(response, response.redacted_text, reviewer, theme_slug="housing")
    quotes.approve_quote(quote, reviewer, quotes.CHECKLIST)
    db.session.commit()
    edited = ("The damp and the mould are back every winter in our flat!",)
    intake.save_conversation(replace(data, responses=edited), admin, allow_edit_submitted=True)
    db.session.commit()
    assert quote.status == "withdrawn" and quote.withdrawn_reason == "edited"
    assert not screening.is_cleared(response)  # new words wait for the detector
    assert "mould are back" not in _everywhere(client)


def test_the_quote_form_refuses_an_answer_that_is_not_cleared(
    make_conversation, login, client, make_user
):
    """Before: any answer id (they are sequential) opened the form with its text."""
    flagged, unscreened = make_conversation(texts=[ANSWER, "Buses are too dear for us."]).responses
    _flag(flagged)
    unscreened.safeguarding_version = None  # saved, never screened by the full detector
    db.session.commit()
    login(make_user("reviewer", organisation=None))
    for response in (flagged, unscreened):
        page = client.get(f"/staff/quotes/new?response_id={response.id}")
        assert page.status_code == 404
        assert response.redacted_text not in page.get_data(as_text=True)
        posted = client.post(
            "/staff/quotes/new",
            data={"response_id": response.id, "text": response.redacted_text, "theme": "housing"},
        )
        assert posted.status_code == 404
    assert db.session.scalars(select(Quote)).all() == []


def test_the_quote_search_leaves_out_answers_that_are_not_cleared(
    make_conversation, login, client, make_user
):
    flagged, clean = make_conversation(texts=[ANSWER, "The mould in the hall is back."]).responses
    _flag(flagged)
    db.session.commit()
    login(make_user("reviewer", organisation=None))
    page = client.get("/staff/quotes?q=mould").get_data(as_text=True)
    assert f"response_id={clean.id}" in page
    assert f"response_id={flagged.id}" not in page and "every winter" not in page


def test_move_refuses_a_flagged_answer(make_conversation, campaign, reviewer, login, client):
    """Before: "move" put a flagged answer in a theme, where the theme page counted it."""
    response = make_conversation(texts=[ANSWER]).responses[0]
    theme = Theme(campaign_id=campaign.id, slug="housing", name="Housing")
    db.session.add(theme)
    _flag(response)
    db.session.commit()
    with pytest.raises(themes_ops.ThemeError):
        themes_ops.move_response(response, theme, reviewer)
    login(reviewer)
    moved = client.post(f"/themes/responses/{response.id}/move", data={"theme": str(theme.id)})
    assert moved.status_code == 303
    rows = db.session.scalars(
        select(Assignment).where(
            Assignment.response_id == response.id, Assignment.source == AssignmentSource.REVIEWER
        )
    ).all()
    assert rows == []


def test_an_answer_screened_by_an_older_detector_is_hidden_until_screened_again(published, client):
    response = published.response
    response.safeguarding_version = "r0-older"  # what an upgrade leaves behind
    db.session.commit()
    assert not screening.is_cleared(response)
    assert quotes.public_quotes(published.campaign_id) == []
    assert "mould are back" not in _everywhere(client)
    assert quotes.eligible_responses(published.campaign_id, "mould") == []
    report = screening.screen_outdated(published.campaign_id)
    assert (report.screened, report.flagged, report.cleared) == (1, 0, 1)
    assert response.safeguarding_version == screening.current_versions()[1]
    assert "mould are back" in client.get("/pledges/themes/housing").get_data(as_text=True)


def test_an_archived_pledge_vanishes_from_the_theme_page(campaign, make_pledge, reviewer, client):
    """Before: the idea that became the pledge still named it, with a dead link."""
    pledge = make_pledge(title="Homes repaired within a month", themes=("housing",))
    event = ops.save_event(
        campaign,
        ops.EventInput(
            kind="co-production-workshop",
            title="Co-production workshop: housing",
            held_on=date(2023, 10, 10),
            theme_slugs=("housing",),
            ideas=(("Fast repairs for damp homes", ("housing",)),),
        ),
        reviewer,
    )
    ops.link_idea(event.ideas[0], pledge.id, reviewer)
    db.session.commit()
    assert "Homes repaired within a month" in client.get("/pledges/themes/housing").get_data(
        as_text=True
    )
    ops.archive_pledge(pledge, reviewer)
    db.session.commit()
    for path in ("/pledges/themes/housing", "/pledges/events"):
        page = client.get(path).get_data(as_text=True)
        assert "Fast repairs for damp homes" in page  # the idea stays
        assert "Homes repaired within a month" not in page
        assert f"/pledges/{pledge.id}" not in page
