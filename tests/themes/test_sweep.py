"""The sweep (issue 19 §2): answers a killed process left unscreened, unembedded or unassigned
are found and done when a worker or the app starts, and before every run."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from listening import start_background_work
from listening.extensions import db
from listening.intake import operations as intake
from listening.intake import screening
from listening.intake.models import Conversation, Response
from listening.themes import operations, sweep, tasks
from listening.themes.models import Assignment, AssignmentSource, EmbeddingCache
from listening.themes.pipeline import text_key

pytestmark = pytest.mark.slow

LEFT = ("Our rent went up by two hundred pounds this year", "The bus fares are too expensive")


@pytest.fixture
def left_behind(make_campaign, make_user):
    """A conversation saved and committed by a process killed before its screening job ran."""

    def make(campaign):
        partner = make_user("partner", "Peckham Community Centre")
        data = intake.ConversationInput(
            uuid=str(uuid.uuid4()),
            campaign=campaign.slug,
            borough="southwark",
            organisation="Peckham Community Centre",
            date=date(2023, 7, 1),
            format="small-group",
            people_count=3,
            groups=(),
            consent_to_quote=True,
            responses=LEFT,
        )
        conversation, _ = intake.save_conversation(data, partner)
        db.session.commit()
        return conversation

    return make


def test_the_sweep_screens_and_embeds_what_a_killed_process_left(make_campaign, left_behind):
    conversation = left_behind(make_campaign("sweep-test", boroughs=("Southwark",)))
    answers = list(conversation.responses)
    assert not any(screening.is_cleared(r) for r in answers)
    counts = sweep.sweep()
    assert counts["screened"] == 2 and counts["cleared"] == 2
    assert counts["queued_conversations"] == 1  # no run yet: embedded ahead for the first
    assert all(screening.is_cleared(r) for r in answers)
    keys = set(db.session.scalars(select(EmbeddingCache.key)))
    assert {text_key(r.redacted_text) for r in answers} <= keys
    assert sweep.unfinished_conversations() == []
    assert sweep.sweep() == {
        "screened": 0,
        "flagged": 0,
        "redacted": 0,
        "cleared": 0,
        "queued_conversations": 0,
    }


def test_the_sweep_at_start_up_assigns_answers_the_current_run_has_not(
    app, themes_campaign, left_behind
):
    run = operations.start_run(themes_campaign, None)
    db.session.commit()
    tasks.run_theme_job(run.id)
    assert run.status == "succeeded"
    conversation = left_behind(themes_campaign)
    assert sweep.unfinished_conversations() == []  # not cleared yet: not for themes either
    assert start_background_work(app)  # in-process jobs: the sweep is queued (eager in tests)
    db.session.expire_all()  # the job ran in its own app context and session
    for response in conversation.responses:
        assert screening.is_cleared(response)
        row = db.session.scalar(
            select(Assignment).where(
                Assignment.response_id == response.id,
                Assignment.run_id == run.id,
                Assignment.source == AssignmentSource.MODEL,
            )
        )
        assert row is not None


def test_a_run_screens_what_is_not_cleared_first(themes_campaign, left_behind):
    cleared = db.session.scalar(  # every one of the 24 today; counted, not assumed
        select(func.count(Response.id))
        .join(Conversation)
        .where(Conversation.campaign_id == themes_campaign.id, screening.cleared())
    )
    assert cleared >= 20
    conversation = left_behind(themes_campaign)
    run = operations.start_run(themes_campaign, None)
    db.session.commit()
    tasks.run_theme_job(run.id)
    assert run.status == "succeeded" and run.n_responses == cleared + 2
    assert all(screening.is_cleared(r) for r in conversation.responses)
