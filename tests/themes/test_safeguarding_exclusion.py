"""Answers flagged as possible safeguarding disclosures are never themed: no assignment, no
sub-theme example, no keyword; an answer flagged after a run leaves that run's results."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake.safeguarding import detector
from listening.intake.safeguarding import operations as safeguarding
from listening.themes import operations, tasks
from listening.themes.models import Assignment, SubTheme

pytestmark = pytest.mark.slow

DISCLOSURE = "My dad beats me with a belt and I am scared to go home tonight."


def examples_and_keywords() -> tuple[set[int], set[str]]:
    rows = db.session.scalars(select(SubTheme)).all()
    return {i for s in rows for i in s.representative_ids}, {k for s in rows for k in s.keywords}


def test_a_flagged_answer_is_left_out_of_theme_runs(themes_campaign, make_conversation):
    conversation = make_conversation(themes_campaign, ["The rent is too high", DISCLOSURE])
    safeguarding.screen_conversation(conversation, None)
    flagged = conversation.responses[1]
    assert flagged.safeguarding_flag and flagged.safeguarding_kind == "immediate_danger"
    run = operations.start_run(themes_campaign, None)
    db.session.commit()
    tasks.run_theme_job(run.id)
    assert run.status == "succeeded"
    assigned = set(db.session.scalars(select(Assignment.response_id)))
    assert conversation.responses[0].id in assigned
    assert flagged.id not in assigned
    examples, keywords = examples_and_keywords()
    assert flagged.id not in examples
    assert not keywords & {"belt", "beats", "dad"}


def test_an_answer_flagged_after_a_run_leaves_its_results(themes_campaign, make_conversation):
    conversation = make_conversation(themes_campaign, ["The rent is too high", DISCLOSURE])
    answer = conversation.responses[1]
    answer.safeguarding_flag, answer.safeguarding_kind = False, None  # as if the detector missed it
    run = operations.start_run(themes_campaign, None)
    db.session.commit()
    tasks.run_theme_job(run.id)
    assert db.session.scalar(select(Assignment.id).where(Assignment.response_id == answer.id))
    found = detector.Detector().check([answer.text])
    assert safeguarding.flag_answers([answer], found, "test") == [answer.id]
    assert (
        db.session.scalar(select(Assignment.id).where(Assignment.response_id == answer.id)) is None
    )
    assert answer.id not in examples_and_keywords()[0]
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "themes.forget_flagged")
    )
    assert event.after == {"responses": [answer.id]}
