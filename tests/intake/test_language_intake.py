"""Each answer's language is stored at intake (form, API, import), shown and counted."""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from listening.accounts import operations as accounts
from listening.extensions import db
from listening.intake import operations
from listening.intake.importers import import_file
from listening.intake.importers.reading import COLUMNS
from listening.intake.models import Conversation, Response
from listening.intake.operations import ConversationInput
from listening.intake.safeguarding import operations as safeguarding

PORTUGUESE = "O senhorio não arranja o bolor e os meus filhos estão sempre doentes."
SOMALI = "Kirada guriga aad bay u badan tahay, shaqadana mushaharkeedu waa yar yahay."
ENGLISH = "The landlord ignores the leak and the mould is back."


@pytest.fixture
def world(make_campaign, make_user):
    campaign = make_campaign()
    partner = make_user("partner", "Peckham Community Centre")
    reviewer = make_user("reviewer", None)
    db.session.commit()
    return campaign, partner, reviewer


def _languages(ref: str) -> list[str | None]:
    conversation = db.session.scalar(select(Conversation).where(Conversation.uuid == ref))
    return [r.language for r in conversation.responses]


def _put(client, partner, payload, ref):
    token = accounts.issue_token(partner)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    return client.put(f"/api/v1/conversations/{ref}", json=payload, headers=headers)


def test_the_api_stores_each_answers_language(client, world, conversation_payload):
    _campaign, partner, _reviewer = world
    ref = str(uuid.uuid4())
    payload = conversation_payload(responses=[PORTUGUESE, ENGLISH, SOMALI, "Rent"])
    assert _put(client, partner, payload, ref).status_code == 201
    assert _languages(ref) == ["pt", "en", "so", None]


def test_an_edited_answer_is_detected_again(world):
    _campaign, partner, _reviewer = world
    ref = str(uuid.uuid4())
    data = ConversationInput(
        uuid=ref,
        campaign="sel-2023",
        borough="southwark",
        organisation="Peckham Community Centre",
        date=date(2023, 7, 1),
        format="one-to-one",
        people_count=1,
        groups=(),
        consent_to_quote=True,
        responses=(ENGLISH, SOMALI),
        submit=False,
    )
    operations.save_conversation(data, partner)
    assert _languages(ref) == ["en", "so"]
    operations.save_conversation(replace(data, responses=(PORTUGUESE, SOMALI)), partner)
    assert _languages(ref) == ["pt", "so"]


def test_an_import_stores_the_language(world):
    campaign, _partner, reviewer = world
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerow(
        ["C1", "2023-07-01", "Southwark", "Peckham Community Centre", "one-to-one", "1", "", "yes"]
        + [SOMALI]
    )
    report = import_file(io.BytesIO(buffer.getvalue().encode()), "c.csv", campaign, reviewer)
    db.session.commit()
    assert report.summary()["created"] == 1
    stored = db.session.scalars(select(Response.language).where(Response.redacted_text != ""))
    assert "so" in list(stored)


def test_coverage_counts_answers_by_language_and_the_conversation_shows_a_tag(
    client, world, conversation_payload, signed_in, make_user
):
    _campaign, partner, reviewer = world
    ref = str(uuid.uuid4())
    payload = conversation_payload(responses=[PORTUGUESE, ENGLISH, "Rent"])
    assert _put(client, partner, payload, ref).status_code == 201
    other = conversation_payload(responses=["Os preços da comida não param de subir este ano."])
    assert _put(client, partner, other, str(uuid.uuid4())).status_code == 201
    staff = signed_in(reviewer)
    page = staff.get("/intake/coverage/languages?campaign=sel-2023").get_data(as_text=True)
    assert "Answers by language" in page and 'data-label="Answers">2<' in page
    rows = [r for r in csv.reader(io.StringIO(_csv(staff)))]
    assert rows[0] == ["Language", "Code", "Answers", "Conversations"]
    assert rows[1:] == [["Portuguese", "pt", "2", "2"], ["English", "en", "1", "1"]] + [
        ["Unknown", "", "1", "1"]
    ]
    # the detector cannot read Portuguese: the answer goes to the safeguarding lead first
    shown = staff.get(f"/intake/conversations/{ref}").get_data(as_text=True)
    assert '<p lang="pt" dir="auto">O ' not in shown
    conversation = db.session.scalar(select(Conversation).where(Conversation.uuid == ref))
    assert [r.safeguarding_kind for r in conversation.responses] == ["unread_language", None, None]
    lead = make_user("safeguarding_lead", None)
    safeguarding.release_case(safeguarding.case_for(conversation), lead, "Read: no disclosure.")
    db.session.commit()
    shown = staff.get(f"/intake/conversations/{ref}").get_data(as_text=True)
    assert '<p lang="pt" dir="auto">O ' in shown
    assert ">Portuguese</strong>" in shown and ">English</strong>" not in shown


def _csv(staff) -> str:
    response = staff.get("/intake/coverage.csv?campaign=sel-2023&table=languages")
    assert response.status_code == 200
    return response.get_data(as_text=True).lstrip("\ufeff")


def test_detect_languages_fills_answers_stored_before_it_was_recorded(
    client, world, runner, conversation_payload
):
    _campaign, partner, _reviewer = world
    ref = str(uuid.uuid4())
    payload = conversation_payload(
        people_count=2,
        groups=[],
        consent_to_quote=False,
        responses=[PORTUGUESE, SOMALI, "Rent"],
    )
    assert _put(client, partner, payload, ref).status_code == 201
    for row in db.session.scalars(select(Response)):
        row.language = None  # as after migration 0022 on an existing database
    db.session.commit()
    result = runner.invoke(args=["intake", "detect-languages", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[-1]) == {"looked_at": 3, "detected": 2}
    assert _languages(ref) == ["pt", "so", None]
    again = runner.invoke(args=["intake", "detect-languages"])
    assert json.loads(again.output.splitlines()[-1]) == {"looked_at": 1, "detected": 0}


def test_answers_are_redacted_with_their_language(client, world, conversation_payload):
    """A Bengali answer loses the name after "my name is" and keeps its other words; a Polish
    answer keeps its ordinary words (the English NER used to tag them as names)."""
    _campaign, partner, _reviewer = world
    ref = str(uuid.uuid4())
    bengali = "আমার নাম শাহানা পারভীন, আমি তিন সন্তান নিয়ে এক ঘরে থাকি।"
    polish = "Czynsz wzrósł o dwieście funtów, a pensja została taka sama."
    payload = conversation_payload(responses=[bengali, polish])
    assert _put(client, partner, payload, ref).status_code == 201
    conversation = db.session.scalar(select(Conversation).where(Conversation.uuid == ref))
    stored = [(r.language, r.redacted_text) for r in conversation.responses]
    assert stored == [
        ("bn", "আমার নাম [name], আমি তিন সন্তান নিয়ে এক ঘরে থাকি।"),
        ("pl", polish),
    ]
