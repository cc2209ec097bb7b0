"""Drafts are drafts: a half-filled form is kept (only what it has is checked), listed for the
partner under "Drafts" with "Continue", counted nowhere until it is submitted, and the sync
API takes `"status": "draft"` under the same UUID, without duplicates."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from listening.accounts import operations as accounts
from listening.assembly import queries as public
from listening.extensions import db
from listening.intake import queries as coverage
from listening.intake.models import Conversation
from listening.themes import queries as themes

NEW = "/intake/conversations/new"


@pytest.fixture
def world(make_campaign, make_user):
    campaign = make_campaign()
    partner = make_user("partner", "Peckham Community Centre")
    other = make_user("partner", "Bexley Youth Club")
    reviewer = make_user("reviewer", None)
    db.session.commit()
    return campaign, partner, other, reviewer


def full_form(**overrides) -> dict:
    data = {
        "uuid": str(uuid.uuid4()),
        "campaign": "sel-2023",
        "borough": "southwark",
        "organisation": "Peckham Community Centre",
        "date": "2023-07-01",
        "format": "small-group",
        "people_count": "6",
        "groups": ["young-people"],
        "consent_to_quote": "yes",
        "responses-0": "The rent takes everything we earn.",
        "submit_conversation": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def draft_form(**overrides) -> dict:
    """Only an answer and a borough: what someone types before they are interrupted."""
    base = {
        "date": "",
        "format": None,
        "people_count": "",
        "groups": None,
        "consent_to_quote": None,
        "submit_conversation": None,
        "save_draft": "1",
    }
    return full_form(**(base | overrides))


def row(ref: str) -> Conversation | None:
    return db.session.scalar(select(Conversation).where(Conversation.uuid == ref))


def count(ref: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Conversation).where(Conversation.uuid == ref)
    )


# ---------------------------------------------------------------- the web form


def test_a_half_filled_form_is_saved_as_a_draft(client, world, login):
    _campaign, partner, _other, _reviewer = world
    login(partner)
    data = draft_form(**{"responses-0": "Half a thought about the buses"})
    response = client.post(NEW, data=data)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/intake/conversations")
    draft = row(data["uuid"])
    assert draft.status == "draft" and draft.submitted_at is None
    assert draft.area.slug == "southwark"
    assert (draft.held_on, draft.format, draft.people_count, draft.consent_to_quote) == (
        None,
        None,
        None,
        None,
    )
    assert [r.text for r in draft.responses] == ["Half a thought about the buses"]


def test_a_blank_choice_in_a_draft_is_no_choice(client, world, login):
    """Spaces in a choice a draft leaves out are nothing, not a format called " " (the
    conversation form fuzz found one saved)."""
    _campaign, partner, _other, _reviewer = world
    login(partner)
    data = draft_form(format=" ", borough="  ", **{"responses-0": "Buses"})
    assert client.post(NEW, data=data).status_code == 303
    draft = row(data["uuid"])
    assert (draft.format, draft.area) == (None, None)


def test_an_empty_draft_with_no_answer_is_kept_too(client, world, login):
    login(world[1])
    data = draft_form(borough=None, **{"responses-0": ""})
    assert client.post(NEW, data=data).status_code == 303
    assert row(data["uuid"]).responses == [] and row(data["uuid"]).area is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("people_count", "a few", "Enter how many people took part, as a number like 3"),
        ("people_count", "0", "Number of people must be between 1 and 10,000"),
        ("date", "2999-01-01", "Date of the conversation must be today or in the past"),
        ("borough", "atlantis", "Not a valid choice"),
    ],
)
def test_what_a_draft_has_is_still_checked(client, world, login, field, value, message):
    login(world[1])
    data = draft_form(**{field: value, "responses-0": "Keep me"})
    response = client.post(NEW, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Keep me" in html  # nothing typed is lost
    assert count(data["uuid"]) == 0


def test_a_draft_is_listed_for_its_partner_with_continue_and_not_for_others(client, world, login):
    _campaign, partner, other, _reviewer = world
    login(partner)
    data = draft_form(**{"responses-0": "Draft words"})
    client.post(NEW, data=data)
    listing = client.get("/intake/conversations").get_data(as_text=True)
    assert '<h2 id="drafts">Drafts</h2>' in listing
    assert f'href="/intake/conversations/{data["uuid"]}/edit">Continue' in listing
    client.post("/logout")
    login(other)
    listing = client.get("/intake/conversations").get_data(as_text=True)
    assert data["uuid"] not in listing and "Drafts" not in listing
    assert client.get(f"/intake/conversations/{data['uuid']}/edit").status_code == 404


def test_continuing_a_draft_then_submitting_checks_everything_and_keeps_one_row(
    client, world, login
):
    login(world[1])
    data = draft_form(**{"responses-0": "Draft words"})
    client.post(NEW, data=data)
    edit = f"/intake/conversations/{data['uuid']}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert "Continue your draft" in page and "Draft words" in page
    incomplete = draft_form(
        uuid=data["uuid"],
        save_draft=None,
        submit_conversation="1",
        **{"responses-0": "Draft words"},
    )
    response = client.post(edit, data=incomplete)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in (
        "Enter the date of the conversation",
        "Select the format of the conversation",
        "Enter how many people took part",
        "Select whether they agreed to be quoted anonymously",
    ):
        assert message in html
    assert row(data["uuid"]).status == "draft"

    response = client.post(edit, data=full_form(uuid=data["uuid"]))
    assert response.status_code == 303
    conversation = row(data["uuid"])
    assert conversation.status == "submitted" and conversation.submitted_at is not None
    assert conversation.people_count == 6
    assert count(data["uuid"]) == 1
    # submitted: no longer a draft to continue, nor editable by its partner
    assert client.get(edit).status_code == 403
    assert data["uuid"] not in client.get("/intake/conversations").get_data(as_text=True).split(
        'id="drafts"'
    )[-1] or 'id="drafts"' not in client.get("/intake/conversations").get_data(as_text=True)


def test_a_draft_counts_nowhere_until_it_is_submitted(client, world, login):
    campaign, partner, _other, reviewer = world
    login(partner)
    client.post(NEW, data=full_form(people_count="6"))
    data = draft_form(people_count="40", **{"responses-0": "A draft about housing and rent"})
    client.post(NEW, data=data)
    draft = row(data["uuid"])
    assert draft.people_count == 40 and draft.status == "draft"

    # coverage (and its CSV export), themes, public counts: only the submitted one
    assert coverage.totals(campaign).people == 6 and coverage.totals(campaign).conversations == 1
    assert {r.key: r.people for r in coverage.by_borough(campaign)}["southwark"] == 6
    assert sum(r.people for r in coverage.by_organisation(campaign)) == 6
    in_themes = {e.conversation_id for e in themes.effective(campaign.id)}
    assert draft.id not in in_themes and len(in_themes) == 1
    summary = public.campaign_summary(campaign)
    assert (summary.people, summary.conversations) == (6, 1)
    client.post("/logout")
    login(reviewer)
    csv = client.get("/intake/coverage.csv?table=boroughs").get_data(as_text=True)
    assert "Total,1,6," in csv, csv

    # submitted, it counts
    client.post("/logout")
    login(partner)
    client.post(
        f"/intake/conversations/{data['uuid']}/edit",
        data=full_form(uuid=data["uuid"], people_count="40"),
    )
    assert coverage.totals(campaign).people == 46
    assert public.campaign_summary(campaign).conversations == 2


def test_a_submitted_conversation_cannot_be_saved_back_as_a_draft(client, world, login, make_user):
    login(world[1])
    data = full_form()
    client.post(NEW, data=data)
    admin = make_user("admin", None)
    db.session.commit()
    client.post("/logout")
    login(admin)
    edit = f"/intake/conversations/{data['uuid']}/edit"
    assert "save_draft" not in client.get(edit).get_data(as_text=True)
    response = client.post(edit, data=draft_form(uuid=data["uuid"]))
    assert response.status_code == 422  # checked in full: the people count is required
    conversation = row(data["uuid"])
    assert conversation.status == "submitted" and conversation.people_count == 6


# ---------------------------------------------------------------- the sync API


def put(client, ref, payload, headers):
    return client.put(f"/api/v1/conversations/{ref}", json=payload, headers=headers)


@pytest.fixture
def token(world):
    issued = accounts.issue_token(world[1])
    db.session.commit()
    return {"Authorization": f"Bearer {issued}"}


def test_api_put_draft_then_submitted_is_one_conversation(client, world, token):
    ref = str(uuid.uuid4())
    draft = {
        "campaign": "sel-2023",
        "organisation": "Peckham Community Centre",
        "people_count": 3,
        "responses": ["Started on the bus"],
        "status": "draft",
    }
    response = put(client, ref, draft, token)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "draft"
    assert row(ref).held_on is None and row(ref).people_count == 3
    # the same draft again (a replay) changes nothing
    replay = put(client, ref, draft, token)
    assert replay.status_code == 200 and replay.get_json()["created"] is False

    # submitting it with gaps is refused in full, and it stays a draft
    incomplete = put(client, ref, draft | {"status": "submitted"}, token)
    assert incomplete.status_code == 422
    assert {"borough", "date", "format", "consent_to_quote"} <= set(incomplete.get_json()["errors"])
    assert row(ref).status == "draft"

    complete = draft | {
        "status": "submitted",
        "borough": "Southwark",
        "date": "2023-07-01",
        "format": "one-to-one",
        "consent_to_quote": False,
        "responses": ["Started on the bus", "Finished at home"],
    }
    response = put(client, ref, complete, token)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "uuid": ref,
        "status": "submitted",
        "created": False,
        "responses": 2,
    }
    assert count(ref) == 1 and row(ref).status == "submitted"
    # a late replay of the old draft cannot turn it back, nor change it
    late = put(client, ref, draft, token)
    assert late.status_code == 409
    assert row(ref).status == "submitted" and len(row(ref).responses) == 2


def test_api_draft_is_checked_for_what_it_has(client, world, token):
    ref = str(uuid.uuid4())
    base = {"campaign": "sel-2023", "organisation": "Peckham Community Centre", "status": "draft"}
    bad_people = put(client, ref, base | {"people_count": "lots"}, token)
    assert bad_people.status_code == 422
    assert "people_count" in bad_people.get_json()["errors"]
    bad_borough = put(client, ref, base | {"borough": "Atlantis"}, token)
    assert bad_borough.get_json()["errors"]["borough"] == [
        "Borough “Atlantis” is not part of Campaign sel-2023"
    ]
    bad_status = put(client, ref, base | {"status": "finished"}, token)
    assert bad_status.status_code == 422 and "status" in bad_status.get_json()["errors"]
    assert count(ref) == 0
    assert put(client, ref, base, token).status_code == 201  # nothing but the campaign: fine


def test_the_operation_itself_refuses_to_submit_an_incomplete_conversation(world):
    from listening.intake.operations import ConversationInput, IntakeError, save_conversation

    data = ConversationInput(
        uuid=str(uuid.uuid4()),
        campaign="sel-2023",
        borough="southwark",
        organisation="Peckham Community Centre",
        date=None,
        format="event",
        people_count=4,
        groups=(),
        consent_to_quote=False,
        responses=("Words",),
    )
    with pytest.raises(IntakeError) as raised:
        save_conversation(data, world[1])
    assert raised.value.field == "date"
    draft, created = save_conversation(replace(data, submit=False), world[1])
    assert created and draft.status == "draft" and draft.held_on is None
