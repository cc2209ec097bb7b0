"""The conversation form without JavaScript: logging, errors beside fields with nothing lost,
"Add another answer", double submits, drafts, and who may see what."""

from __future__ import annotations

import re
import uuid
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from listening.extensions import db
from listening.intake.models import Conversation
from tests.conftest import PASSWORD

NEW = "/intake/conversations/new"


@pytest.fixture
def world(make_campaign, make_user):
    campaign = make_campaign()
    partner_a = make_user("partner", "Peckham Community Centre")
    partner_b = make_user("partner", "Bexley Youth Club")
    reviewer = make_user("reviewer", None)
    admin = make_user("admin", None)
    db.session.commit()
    return campaign, partner_a, partner_b, reviewer, admin


def form_data(**overrides) -> dict:
    data = {
        "uuid": str(uuid.uuid4()),
        "campaign": "sel-2023",
        "borough": "southwark",
        "organisation": "Peckham Community Centre",
        "date": "2023-07-01",
        "format": "small-group",
        "people_count": "6",
        "groups": ["young-people", "migrants-and-refugees"],
        "consent_to_quote": "yes",
        "responses-0": "The rent takes everything we earn.",
        "submit_conversation": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def conversations() -> list[Conversation]:
    return list(db.session.scalars(select(Conversation)))


def html_of(response) -> str:
    return response.get_data(as_text=True)


def checked(html: str, name: str, value: str) -> bool:
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return "checked" in tag
    raise AssertionError(f"no input {name}={value}")


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return unescape(match.group(1)).strip()


def input_value(html: str, name: str) -> str:
    tag = next(t for t in re.findall(r"<input[^>]*>", html) if f'name="{name}"' in t)
    match = re.search(r'value="([^"]*)"', tag)
    return unescape(match.group(1)) if match else ""


# ---------------------------------------------------------------- who gets in


@pytest.mark.parametrize("path", [NEW, "/intake/conversations"])
def test_anonymous_people_are_sent_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert "next=" in response.headers["Location"]


def test_the_new_form_has_a_fresh_reference_and_todays_date(client, world, login):
    login(world[1])
    first, second = html_of(client.get(NEW)), html_of(client.get(NEW))
    ref = input_value(first, "uuid")
    assert str(uuid.UUID(ref)) == ref and ref != input_value(second, "uuid")
    assert input_value(first, "date") == date.today().isoformat()
    assert 'id="outbox-status"' in first and "/assets/js/intake.js" in first
    assert "Peckham Community Centre" in first


# ---------------------------------------------------------------- logging


def test_a_partner_logs_a_conversation(client, world, login):
    partner = world[1]
    login(partner)
    data = form_data(**{"responses-1": "  ", "responses-2": "The bus is too dear."})
    response = client.post(NEW, data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/intake/conversations?sent={data['uuid']}")
    [conversation] = conversations()
    assert conversation.uuid == data["uuid"]
    assert conversation.status == "submitted" and conversation.source == "web"
    assert conversation.logged_by_id == partner.id
    assert sorted(g.slug for g in conversation.groups) == ["migrants-and-refugees", "young-people"]
    assert [r.text for r in conversation.responses] == [
        "The rent takes everything we earn.",
        "The bus is too dear.",
    ]
    listing = html_of(client.get(response.headers["Location"]))
    assert "Conversation sent. Thank you." in listing
    assert "Southwark" in listing  # the list holds submitted conversations only


def test_errors_are_summarised_and_shown_beside_each_field_with_nothing_lost(client, world, login):
    login(world[1])
    data = form_data(
        borough=None,
        format=None,
        consent_to_quote=None,
        people_count="lots",
        groups=["carers-and-lone-parents", "young-people"],
        **{
            "responses-0": "Keep <this> answer & its “quotes”.",
            "responses-1": "And this second one.",
        },
    )
    response = client.post(NEW, data=data)
    assert response.status_code == 422
    html = html_of(response)
    summary = html[html.index("nhsuk-error-summary") : html.index("<h1")]
    for message, anchor in (
        ("Select the borough where the conversation took place", "#borough"),
        ("Select the format of the conversation", "#format"),
        ("Enter how many people took part, as a number like 3", "#people_count"),
        ("Select whether they agreed to be quoted anonymously", "#consent_to_quote"),
    ):
        assert message in summary
        assert f'href="{anchor}"' in summary
        beside = (
            rf'id="{anchor[1:]}-error"[^>]*>\s*'
            rf'<span class="nhsuk-u-visually-hidden">Error: </span>\s*{re.escape(message)}'
        )
        assert re.search(beside, html), f"no error beside {anchor}"
    assert input_value(html, "people_count") == "lots"
    assert input_value(html, "uuid") == data["uuid"]  # the same reference: no duplicate later
    assert checked(html, "groups", "carers-and-lone-parents")
    assert checked(html, "groups", "young-people")
    assert not checked(html, "groups", "migrants-and-refugees")
    assert textarea(html, "responses-0") == "Keep <this> answer & its “quotes”."
    assert textarea(html, "responses-1") == "And this second one."
    assert "<this>" not in html  # escaped, not markup
    assert conversations() == []


def test_radios_and_answers_are_kept_when_only_the_answers_are_missing(client, world, login):
    login(world[1])
    response = client.post(
        NEW,
        data=form_data(
            **{"responses-0": "   "}, borough="lambeth", format="online", consent_to_quote="no"
        ),
    )
    assert response.status_code == 422
    html = html_of(response)
    assert "Enter at least one thing people said" in html
    assert 'href="#responses-0"' in html
    assert checked(html, "borough", "lambeth") and checked(html, "format", "online")
    assert checked(html, "consent_to_quote", "no")
    assert input_value(html, "people_count") == "6"


def test_a_future_date_is_refused_beside_the_date(client, world, login):
    login(world[1])
    html = html_of(client.post(NEW, data=form_data(date="2999-01-01")))
    assert "Date of the conversation must be today or in the past" in html
    assert 'id="date-error"' in html
    assert input_value(html, "date") == "2999-01-01"


def test_add_another_answer_keeps_what_was_typed(client, world, login):
    login(world[1])
    data = form_data(
        borough="bexley",
        people_count="4",
        add_answer="1",
        submit_conversation=None,
        **{"responses-0": "First answer typed."},
    )
    response = client.post(NEW, data=data)
    assert response.status_code == 200
    html = html_of(response)
    assert textarea(html, "responses-0") == "First answer typed."
    assert textarea(html, "responses-1") == ""
    assert re.search(r'<textarea[^>]*name="responses-1"[^>]*autofocus', html)
    assert checked(html, "borough", "bexley") and input_value(html, "people_count") == "4"
    assert input_value(html, "uuid") == data["uuid"]
    assert "There is a problem" not in html
    assert conversations() == []


def test_answers_stop_at_thirty(client, world, login):
    login(world[1])
    answers = {f"responses-{n}": f"Answer {n}" for n in range(30)}
    html = html_of(
        client.post(NEW, data=form_data(add_answer="1", submit_conversation=None, **answers))
    )
    assert 'name="responses-29"' in html and 'name="responses-30"' not in html


def test_a_double_submit_of_the_same_form_creates_one_conversation(client, world, login):
    login(world[1])
    data = form_data()
    first = client.post(NEW, data=data)
    second = client.post(NEW, data=data)
    assert first.status_code == second.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Conversation)) == 1


def test_a_draft_then_a_submit_is_one_conversation(client, world, login):
    login(world[1])
    data = form_data(save_draft="1", submit_conversation=None)
    response = client.post(NEW, data=data)
    assert response.status_code == 303
    [draft] = conversations()
    assert draft.status == "draft"
    assert "Saved as a draft" in html_of(client.get(response.headers["Location"]))

    edit = f"/intake/conversations/{data['uuid']}/edit"
    html = html_of(client.get(edit))
    assert textarea(html, "responses-0") == "The rent takes everything we earn."
    assert checked(html, "borough", "southwark")
    changed = form_data(uuid=data["uuid"], people_count="8")
    assert client.post(edit, data=changed).status_code == 303
    [conversation] = conversations()
    assert conversation.status == "submitted" and conversation.people_count == 8
    assert conversation.submitted_at is not None
    # a submitted conversation is no longer the partner's to edit
    assert client.get(edit).status_code == 403


def test_a_draft_is_sent_by_the_new_form_too(client, world, login):
    login(world[1])
    data = form_data(save_draft="1", submit_conversation=None)
    client.post(NEW, data=data)
    assert client.post(NEW, data=form_data(uuid=data["uuid"])).status_code == 303
    [conversation] = conversations()
    assert conversation.status == "submitted"


def test_csrf_is_required_when_enabled(csrf_app, client, world):
    page = html_of(client.get("/login"))
    client.post(
        "/login",
        data={
            "email": world[1].email,
            "password": PASSWORD,
            "csrf_token": input_value(page, "csrf_token"),
        },
    )
    data = form_data()
    assert client.post(NEW, data=data).status_code == 400
    assert conversations() == []
    token = input_value(html_of(client.get(NEW)), "csrf_token")
    assert client.post(NEW, data=data | {"csrf_token": token}).status_code == 303
    assert len(conversations()) == 1


# ---------------------------------------------------------------- who sees what


@pytest.fixture
def logged_by_a(client, world, login):
    """A submitted and a draft conversation of organisation A; signed out afterwards."""
    login(world[1])
    submitted, draft = (
        form_data(),
        form_data(save_draft="1", submit_conversation=None, **{"responses-0": "Draft words of A."}),
    )
    client.post(NEW, data=submitted)
    client.post(NEW, data=draft)
    client.get("/logout")
    client.post("/logout")
    return submitted["uuid"], draft["uuid"]


def test_partner_b_cannot_see_or_edit_partner_as_conversations(client, world, login, logged_by_a):
    submitted, draft = logged_by_a
    login(world[2])
    for ref in (submitted, draft):
        assert client.get(f"/intake/conversations/{ref}").status_code == 404
        assert client.get(f"/intake/conversations/{ref}/edit").status_code == 404
        assert (
            client.post(f"/intake/conversations/{ref}/edit", data=form_data(uuid=ref)).status_code
            == 404
        )
    listing = html_of(client.get("/intake/conversations"))
    assert submitted not in listing and draft not in listing
    assert "No conversations yet." in listing


def test_partner_b_reusing_as_reference_is_refused_without_a_leak(
    client, world, login, logged_by_a
):
    submitted, _draft = logged_by_a
    login(world[2])
    response = client.post(
        NEW,
        data=form_data(
            uuid=submitted, organisation="Bexley Youth Club", **{"responses-0": "B's own words."}
        ),
    )
    assert response.status_code == 409
    html = html_of(response)
    assert "belongs to another organisation" in html
    assert "The rent takes everything we earn." not in html
    assert (
        db.session.scalar(select(Conversation.people_count).where(Conversation.uuid == submitted))
        == 6
    )


def test_partner_a_sees_their_own_and_not_the_original_of_a_submitted_one(
    client, world, login, logged_by_a
):
    submitted, draft = logged_by_a
    login(world[1])
    listing = html_of(client.get("/intake/conversations"))
    assert submitted in listing and draft in listing
    assert client.get(f"/intake/conversations/{submitted}").status_code == 200
    assert client.get(f"/intake/conversations/{draft}/edit").status_code == 200
    assert client.get(f"/intake/conversations/{submitted}/edit").status_code == 403


def test_staff_see_every_organisations_conversations(client, world, login, logged_by_a):
    submitted, draft = logged_by_a
    partner_b = world[2]
    login(partner_b)
    client.post(
        NEW,
        data=form_data(
            organisation="Bexley Youth Club", borough="bexley", **{"responses-0": "B's words."}
        ),
    )
    client.post("/logout")
    login(world[3])
    listing = html_of(client.get("/intake/conversations"))
    assert submitted in listing and draft not in listing  # a partner's draft stays theirs
    assert "Bexley Youth Club" in listing and "Peckham Community Centre" in listing
    assert client.get(f"/intake/conversations/{submitted}").status_code == 200
    # reviewers read; only an administrator edits a submitted conversation
    assert client.get(f"/intake/conversations/{submitted}/edit").status_code == 403
    client.post("/logout")
    login(world[4])
    assert client.get(f"/intake/conversations/{submitted}/edit").status_code == 200
