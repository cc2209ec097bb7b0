"""An admin's edit of a submitted conversation changes its answers in place: what hangs off an
answer (an approved quote, a reviewer's theme decision) survives, and the audit keeps the
answers' wording before and after."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from listening.assembly.models import Quote
from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake import operations
from listening.intake.models import Response
from listening.privacy import operations as privacy
from listening.themes.models import Assignment, AssignmentSource, EmbeddingCache, Theme
from listening.themes.pipeline.embed import text_key

ANSWERS = ("The landlord ignores the leak, and the mould is back.", "Buses are too expensive.")


@pytest.fixture
def submitted(make_campaign, make_user):
    campaign = make_campaign()
    partner = make_user("partner", "Peckham Community Centre")
    admin = make_user("admin", None)
    reviewer = make_user("reviewer", None)
    data = operations.ConversationInput(
        uuid=str(uuid.uuid4()),
        campaign=campaign.slug,
        borough="southwark",
        organisation="Peckham Community Centre",
        date=date(2023, 7, 1),
        format="small-group",
        people_count=6,
        groups=("young-people",),
        consent_to_quote=True,
        responses=ANSWERS,
    )
    conversation, _ = operations.save_conversation(data, partner)
    first = conversation.responses[0]
    theme = Theme(campaign_id=campaign.id, slug="housing", name="Housing")
    db.session.add(theme)
    db.session.flush()
    db.session.add_all(
        [
            Quote(
                campaign_id=campaign.id,
                response_id=first.id,
                theme_slug="housing",
                text=first.redacted_text,
                status="approved",
                approved_by_id=admin.id,
            ),
            Assignment(
                response_id=first.id,
                theme_id=theme.id,
                source=AssignmentSource.REVIEWER,
                reviewer_id=reviewer.id,
            ),
        ]
    )
    db.session.commit()
    return data, conversation, admin


def _hanging_off(response_id):
    quotes = db.session.scalars(select(Quote.status).where(Quote.response_id == response_id))
    decisions = db.session.scalars(
        select(Assignment.source).where(Assignment.response_id == response_id)
    )
    return list(quotes), list(decisions)


def test_editing_another_field_keeps_answers_quotes_and_decisions(submitted):
    data, conversation, admin = submitted
    ids = [r.id for r in conversation.responses]
    operations.save_conversation(replace(data, people_count=9), admin, allow_edit_submitted=True)
    db.session.commit()
    assert [r.id for r in conversation.responses] == ids
    assert conversation.people_count == 9
    assert _hanging_off(ids[0]) == (["approved"], ["reviewer"])


def test_editing_an_answers_punctuation_changes_it_in_place(submitted):
    data, conversation, admin = submitted
    ids = [r.id for r in conversation.responses]
    edited = ("The landlord ignores the leak; and the mould is back!", ANSWERS[1])
    operations.save_conversation(replace(data, responses=edited), admin, allow_edit_submitted=True)
    db.session.commit()
    rows = db.session.scalars(
        select(Response).where(Response.conversation_id == conversation.id).order_by("position")
    ).all()
    assert [r.id for r in rows] == ids
    assert rows[0].text == edited[0] and rows[0].redacted_text.endswith("back!")
    # the reviewer's decision stays; the approved quote of changed words comes down (issue 19)
    assert _hanging_off(ids[0]) == (["withdrawn"], ["reviewer"])
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "intake.update", AuditEvent.entity_id == str(conversation.id))
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.actor_id == admin.id
    assert event.before["answers"][0].endswith("back.") and event.before["answers"][1] == ANSWERS[1]
    assert event.after["answers"][0].endswith("back!")


def test_removing_an_answer_deletes_only_that_one_and_renumbers_the_rest(submitted):
    data, conversation, admin = submitted
    ids = [r.id for r in conversation.responses]
    edited = ("A new first answer about rent.", ANSWERS[0])
    operations.save_conversation(replace(data, responses=edited), admin, allow_edit_submitted=True)
    db.session.commit()
    rows = db.session.scalars(
        select(Response).where(Response.conversation_id == conversation.id).order_by("position")
    ).all()
    assert [r.position for r in rows] == [1, 2]
    assert rows[1].id == ids[0]  # the quoted answer kept its row
    assert [r.text for r in rows] == list(edited)  # the other answer is gone, the new one added
    assert _hanging_off(ids[0]) == (["approved"], ["reviewer"])


def test_erasure_also_removes_the_audited_earlier_wording_and_its_embedding(submitted):
    data, conversation, admin = submitted
    earlier = conversation.responses[0].redacted_text
    db.session.add(EmbeddingCache(key=text_key(earlier), model_id="m", vector=b"\0" * 16))
    edited = ("Something else entirely now.", ANSWERS[1])
    operations.save_conversation(replace(data, responses=edited), admin, allow_edit_submitted=True)
    db.session.commit()
    privacy.erase(privacy.collect(conversation), admin)
    db.session.commit()
    audited = str([(e.before, e.after) for e in db.session.scalars(select(AuditEvent))])
    assert "mould is back" not in audited and "Buses are too expensive" not in audited
    assert db.session.scalars(select(EmbeddingCache.key)).all() == []
