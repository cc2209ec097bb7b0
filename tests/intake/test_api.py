"""The intake sync API: PUT /api/v1/conversations/<uuid>, idempotent by the client's UUID."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import func, select

from listening.accounts import operations as accounts
from listening.extensions import db
from listening.intake.models import Conversation
from tests.conftest import PASSWORD


class FreshUserClient(FlaskClient):
    """Forget the user Flask-Login cached in `g`: tests hold one app context for all their
    requests, so without this a second request would still see the first request's user."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return FreshUserClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def world(make_campaign, make_user):
    campaign = make_campaign()
    partner = make_user("partner", "Peckham Community Centre")
    other = make_user("partner", "Bexley Youth Club")
    reviewer = make_user("reviewer", None)
    db.session.commit()
    return campaign, partner, other, reviewer


@pytest.fixture
def bearer(world):
    """Authorization headers for a user, from a freshly issued API token."""

    def headers(user):
        token = accounts.issue_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return headers


def put(client, ref, payload, headers=None, **kwargs):
    return client.put(f"/api/v1/conversations/{ref}", json=payload, headers=headers or {}, **kwargs)


def count(ref=None) -> int:
    query = select(func.count()).select_from(Conversation)
    if ref:
        query = query.where(Conversation.uuid == ref)
    return db.session.scalar(query)


def new_ref() -> str:
    return str(uuid.uuid4())


# ---------------------------------------------------------------- creating, replaying, conflicts


def test_bearer_token_creates_a_submitted_conversation(client, world, bearer, conversation_payload):
    _campaign, partner, _other, _reviewer = world
    ref = new_ref()
    payload = conversation_payload(
        groups=["young-people", "carers-and-lone-parents"],
        responses=["The mould is back.", "  Call me on 07700 900123  ", ""],
    )
    response = put(client, ref, payload, bearer(partner))
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {
        "uuid": ref,
        "status": "submitted",
        "created": True,
        "responses": 2,
    }
    conversation = db.session.scalar(select(Conversation).where(Conversation.uuid == ref))
    assert conversation.source == "api"
    assert conversation.logged_by_id == partner.id
    assert conversation.area.slug == "southwark"
    assert conversation.organisation.name == "Peckham Community Centre"
    assert conversation.held_on == date(2023, 7, 1)
    assert conversation.people_count == 6
    assert conversation.consent_to_quote is True
    assert sorted(g.slug for g in conversation.groups) == [
        "carers-and-lone-parents",
        "young-people",
    ]
    assert [r.text for r in conversation.responses] == [
        "The mould is back.",
        "Call me on 07700 900123",
    ]
    assert "07700 900123" not in conversation.responses[1].redacted_text


def test_the_same_body_again_is_200_and_one_conversation(
    client, world, bearer, conversation_payload
):
    partner = world[1]
    headers = bearer(partner)
    ref = new_ref()
    assert put(client, ref, conversation_payload(), headers).status_code == 201
    for _ in range(3):
        again = put(client, ref, conversation_payload(), headers)
        assert again.status_code == 200
        assert again.get_json()["created"] is False
    assert count(ref) == 1 and count() == 1


def test_a_replay_that_differs_only_in_form_is_the_same_conversation(
    client, world, bearer, conversation_payload
):
    """Group order, whitespace, names for slugs and upper-case UUIDs are not differences."""
    partner = world[1]
    headers = bearer(partner)
    ref = new_ref()
    first = conversation_payload(groups=["young-people", "migrants-and-refugees"])
    assert put(client, ref, first, headers).status_code == 201
    replay = conversation_payload(
        borough="Southwark",
        groups=["Migrants and refugees", "Young people"],
        responses=["  The landlord ignores the leak and the mould is back.  "],
    )
    response = put(client, ref.upper(), replay, headers)
    assert response.status_code == 200, response.get_json()
    assert count() == 1


def test_the_same_uuid_with_a_different_body_is_a_409(client, world, bearer, conversation_payload):
    partner = world[1]
    headers = bearer(partner)
    ref = new_ref()
    put(client, ref, conversation_payload(), headers)
    response = put(client, ref, conversation_payload(people_count=7), headers)
    assert response.status_code == 409
    body = response.get_json()
    assert "already submitted with this reference" in body["error"]
    assert body["errors"]["uuid"]
    assert db.session.scalar(select(Conversation.people_count).where(Conversation.uuid == ref)) == 6


def test_another_organisations_uuid_is_a_conflict_without_a_leak(
    client, world, bearer, conversation_payload
):
    _campaign, partner, other, _reviewer = world
    ref = new_ref()
    secret = "Only Peckham may read this answer."
    put(client, ref, conversation_payload(responses=[secret]), bearer(partner))
    payload = conversation_payload(organisation="Bexley Youth Club", responses=[secret])
    response = put(client, ref, payload, bearer(other))
    assert response.status_code == 409, response.get_json()
    text = response.get_data(as_text=True)
    assert secret not in text and "Peckham" not in text and "southwark" not in text.lower()
    assert count() == 1


def test_a_partner_cannot_log_for_another_organisation(client, world, bearer, conversation_payload):
    partner = world[1]
    response = put(
        client, new_ref(), conversation_payload(organisation="Bexley Youth Club"), bearer(partner)
    )
    assert response.status_code == 422
    assert "organisation" in response.get_json()["errors"]
    assert count() == 0


def test_staff_may_log_for_any_organisation(client, world, bearer, conversation_payload):
    reviewer = world[3]
    response = put(
        client, new_ref(), conversation_payload(organisation="Bexley Youth Club"), bearer(reviewer)
    )
    assert response.status_code == 201, response.get_json()


def test_names_are_accepted_instead_of_slugs(client, world, bearer, conversation_payload):
    campaign, partner = world[0], world[1]
    payload = conversation_payload(
        campaign=campaign.name.upper(),
        borough="LAMBETH",
        organisation="peckham community centre",
        groups=["Carers and lone parents", "young people"],
        responses=["Names, not slugs."],
    )
    response = put(client, new_ref(), payload, bearer(partner))
    assert response.status_code == 201, response.get_json()
    conversation = db.session.scalar(select(Conversation))
    assert conversation.campaign.slug == "sel-2023"
    assert conversation.area.slug == "lambeth"
    assert sorted(g.slug for g in conversation.groups) == [
        "carers-and-lone-parents",
        "young-people",
    ]


def test_a_web_draft_is_submitted_by_the_api(client, world, bearer, login, conversation_payload):
    partner = world[1]
    ref = new_ref()
    login(partner)
    form = {
        "uuid": ref,
        "campaign": "sel-2023",
        "borough": "southwark",
        "organisation": "Peckham Community Centre",
        "date": "2023-07-01",
        "format": "small-group",
        "people_count": "6",
        "groups": "young-people",
        "consent_to_quote": "yes",
        "responses-0": "The landlord ignores the leak and the mould is back.",
        "save_draft": "1",
    }
    assert client.post("/intake/conversations/new", data=form).status_code == 303
    assert db.session.scalar(select(Conversation.status)) == "draft"
    client.get("/logout")
    response = put(client, ref, conversation_payload(), bearer(partner))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "submitted"
    assert count() == 1


# ---------------------------------------------------------------- validation: 422, never 500

TOO_MANY = [f"Answer {n}" for n in range(31)]
FUTURE = (date.today() + timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"campaign": None}, "campaign"),
        ({"campaign": ""}, "campaign"),
        ({"campaign": "nowhere-2099"}, "campaign"),
        ({"campaign": ["sel-2023"]}, "campaign"),
        ({"borough": "atlantis"}, "borough"),
        ({"borough": None}, "borough"),
        ({"borough": 42}, "borough"),
        ({"groups": ["dragons"]}, "groups"),
        ({"groups": ["young-people", {"slug": "x"}]}, "groups"),
        ({"people_count": 0}, "people_count"),
        ({"people_count": -3}, "people_count"),
        ({"people_count": "abc"}, "people_count"),
        ({"people_count": True}, "people_count"),
        ({"people_count": 2.5}, "people_count"),
        ({"people_count": None}, "people_count"),
        ({"people_count": 10_001}, "people_count"),
        ({"people_count": 10**30}, "people_count"),
        ({"date": FUTURE}, "date"),
        ({"date": "2023-13-45"}, "date"),
        ({"date": "01/07/2023"}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"date": 20230701}, "date"),
        ({"date": None}, "date"),
        ({"format": "chat"}, "format"),
        ({"format": None}, "format"),
        ({"responses": []}, "responses"),
        ({"responses": ["", "   "]}, "responses"),
        ({"responses": "one long answer"}, "responses"),
        ({"responses": None}, "responses"),
        ({"responses": [1, 2]}, "responses"),
        ({"responses": ["fine", None]}, "responses"),
        ({"responses": ["fine", ["nested"]]}, "responses"),
        ({"responses": TOO_MANY}, "responses"),
        ({"responses": ["x" * 20_001]}, "responses"),
        ({"consent_to_quote": "maybe"}, "consent_to_quote"),
        ({"consent_to_quote": 1}, "consent_to_quote"),
        ({"consent_to_quote": None}, "consent_to_quote"),
        ({"organisation": "Nobody Ltd"}, "organisation"),
        ({"organisation": None}, "organisation"),
    ],
)
def test_invalid_bodies_are_422_with_the_field_named(
    client, world, bearer, conversation_payload, overrides, field
):
    partner = world[1]
    response = put(client, new_ref(), conversation_payload(**overrides), bearer(partner))
    assert response.status_code == 422, (overrides, response.get_json())
    body = response.get_json()
    assert body["error"]
    assert field in body["errors"], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert count() == 0


@pytest.mark.parametrize(
    "key",
    [
        "campaign",
        "borough",
        "organisation",
        "date",
        "format",
        "people_count",
        "groups",
        "consent_to_quote",
        "responses",
    ],
)
def test_every_missing_key_is_422(client, world, bearer, conversation_payload, key):
    payload = conversation_payload()
    del payload[key]
    response = put(client, new_ref(), payload, bearer(world[1]))
    if key == "groups":  # communities are optional
        assert response.status_code == 201
    else:
        assert response.status_code == 422
        assert key in response.get_json()["errors"]


def test_messages_for_unknown_choices_say_what_is_wrong(
    client, world, bearer, conversation_payload
):
    headers = bearer(world[1])
    errors = put(client, new_ref(), conversation_payload(borough="Atlantis"), headers).get_json()[
        "errors"
    ]
    assert errors["borough"] == ["Borough “Atlantis” is not part of Campaign sel-2023"]
    errors = put(
        client, new_ref(), conversation_payload(groups=["young-people", "Dragons"]), headers
    ).get_json()["errors"]
    assert errors["groups"] == ["Community group “Dragons” is not part of Campaign sel-2023"]
    errors = put(client, new_ref(), conversation_payload(format="chat"), headers).get_json()[
        "errors"
    ]
    assert "one-to-one" in errors["format"][0]
    errors = put(
        client, new_ref(), conversation_payload(consent_to_quote="maybe"), headers
    ).get_json()["errors"]
    assert errors["consent_to_quote"] == ["consent_to_quote must be true or false"]
    errors = put(client, new_ref(), conversation_payload(people_count="abc"), headers).get_json()[
        "errors"
    ]
    assert errors["people_count"] == ["Enter how many people took part, as a number like 3"]


def test_consent_may_also_be_yes_or_no(client, world, bearer, conversation_payload):
    headers = bearer(world[1])
    assert (
        put(client, new_ref(), conversation_payload(consent_to_quote="no"), headers).status_code
        == 201
    )
    assert db.session.scalar(select(Conversation.consent_to_quote)) is False


def test_an_invalid_uuid_is_422(client, world, bearer, conversation_payload):
    for ref in ("not-a-uuid", "1234", "x" * 300):
        response = put(client, ref, conversation_payload(), bearer(world[1]))
        assert response.status_code == 422
        assert "uuid" in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("hello", "text/plain"),
        ("{not json", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"a string"', "application/json"),
        ("null", "application/json"),
        ("42", "application/json"),
        ("", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
    ],
)
def test_bodies_that_are_not_a_json_object_are_422(client, world, bearer, data, content_type):
    response = client.put(
        f"/api/v1/conversations/{new_ref()}",
        data=data,
        content_type=content_type,
        headers=bearer(world[1]),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["body"]


def test_huge_strings_are_refused_cleanly(client, world, bearer, conversation_payload):
    headers = bearer(world[1])
    big = "x" * 200_000
    for overrides in (
        {"borough": big},
        {"campaign": big},
        {"organisation": big},
        {"format": big},
        {"date": big},
        {"people_count": big},
        {"groups": [big]},
        {"consent_to_quote": big},
    ):
        response = put(client, new_ref(), conversation_payload(**overrides), headers)
        assert response.status_code == 422, list(overrides)
        assert len(response.get_data()) < 5_000  # the echo of a value is cut short
    assert count() == 0


def test_a_body_over_the_size_limit_is_413_json(client, world, bearer, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.put(
        f"/api/v1/conversations/{new_ref()}",
        data="x" * (limit + 1),
        content_type="application/json",
        headers=bearer(world[1]),
    )
    assert response.status_code == 413
    assert response.is_json


# ---------------------------------------------------------------- authentication


def test_without_token_or_session_it_is_401_json(client, world, conversation_payload):
    response = put(client, new_ref(), conversation_payload())
    assert response.status_code == 401
    assert response.is_json and "Sign in" in response.get_json()["error"]
    assert count() == 0


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "bearer" + " x" * 10]
)
def test_a_bad_token_is_401(client, world, conversation_payload, header):
    response = put(client, new_ref(), conversation_payload(), {"Authorization": header})
    assert response.status_code == 401


def test_a_token_of_a_deactivated_user_is_401(client, world, bearer, conversation_payload):
    _campaign, partner, _other, reviewer = world
    headers = bearer(partner)
    admin = accounts.create_user("admin-api@example.org", "admin", PASSWORD)
    accounts.set_active(partner, False, admin)
    db.session.commit()
    assert put(client, new_ref(), conversation_payload(), headers).status_code == 401


def _csrf_from(html: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def _login_with_csrf(client, user) -> str:
    token = _csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303
    page = client.get("/intake/conversations/new").get_data(as_text=True)
    return _csrf_from(page)


def test_a_session_with_the_csrf_header_works(csrf_app, client, world, conversation_payload):
    token = _login_with_csrf(client, world[1])
    ref = new_ref()
    response = put(client, ref, conversation_payload(), {"X-CSRFToken": token})
    assert response.status_code == 201, response.get_json()
    assert put(client, ref, conversation_payload(), {"X-CSRFToken": token}).status_code == 200


def test_the_token_from_the_list_page_works_too(csrf_app, client, world, conversation_payload):
    _login_with_csrf(client, world[1])
    token = _csrf_from(client.get("/intake/conversations").get_data(as_text=True))
    response = put(client, new_ref(), conversation_payload(), {"X-CSRFToken": token})
    assert response.status_code == 201


@pytest.mark.parametrize("header", [None, "", "forged-token"])
def test_a_session_without_a_valid_csrf_header_is_refused(
    csrf_app, client, world, conversation_payload, header
):
    _login_with_csrf(client, world[1])
    headers = {} if header is None else {"X-CSRFToken": header}
    response = put(client, new_ref(), conversation_payload(), headers)
    assert response.status_code == 400
    assert "CSRF" in response.get_json()["error"]
    assert count() == 0


def test_a_bearer_token_needs_no_csrf_header(csrf_app, client, world, bearer, conversation_payload):
    response = put(client, new_ref(), conversation_payload(), bearer(world[1]))
    assert response.status_code == 201


def test_a_signed_out_session_is_401_even_with_a_token_header(
    csrf_app, client, world, conversation_payload
):
    token = _login_with_csrf(client, world[1])
    client.post("/logout", data={"csrf_token": token})
    response = put(client, new_ref(), conversation_payload(), {"X-CSRFToken": token})
    assert response.status_code == 401


def test_the_api_answers_json_for_other_methods(client, world, bearer):
    response = client.get(f"/api/v1/conversations/{new_ref()}", headers=bearer(world[1]))
    assert response.status_code == 405
    assert response.is_json


def test_every_change_is_audited(client, world, bearer, conversation_payload):
    from listening.audit import AuditEvent
    from listening.intake.models import Conversation

    ref = new_ref()
    put(client, ref, conversation_payload(), bearer(world[1]))
    put(client, ref, conversation_payload(), bearer(world[1]))  # a replay changes nothing
    conversation = db.session.scalar(select(Conversation).filter_by(uuid=ref))
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "intake_conversation",
            AuditEvent.entity_id == str(conversation.id),
        )
    ).all()
    assert [e.action for e in events] == ["intake.create"]
    assert json.dumps(events[0].after, default=str)


def test_deeply_nested_json_is_refused_before_parsing(client, world, bearer):
    _, partner, _, _ = world
    body = "[" * 100_000 + "]" * 100_000
    response = client.put(
        f"/api/v1/conversations/{new_ref()}",
        data=body,
        content_type="application/json",
        headers=bearer(partner),
    )
    assert response.status_code == 422
    assert "nested" in response.get_json()["error"]
    assert "body" in response.get_json()["errors"]
    assert count() == 0


def test_a_lone_surrogate_in_an_answer_is_422_naming_the_field(
    client, world, bearer, conversation_payload
):
    _, partner, _, _ = world
    body = json.dumps(conversation_payload(responses=["fine", "broken \ud800 text"]))
    response = client.put(
        f"/api/v1/conversations/{new_ref()}",
        data=body,
        content_type="application/json",
        headers=bearer(partner),
    )
    assert response.status_code == 422
    assert "responses" in response.get_json()["errors"]
    assert count() == 0


def test_a_group_sent_twice_is_recorded_once(client, world, bearer, conversation_payload):
    _, partner, _, _ = world
    payload = conversation_payload(groups=["young-people", "Young people", "young-people"])
    response = put(client, new_ref(), payload, bearer(partner))
    assert response.status_code == 201, response.get_json()
    assert count() == 1
