"""The screening record and `flask intake rescreen` (issue 19 §2): every answer records the
redactor and detector that screened it and when; only those screened by the current versions
are cleared; a rescreen counts what it did and resumes where a killed one stopped."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake import operations, screening
from listening.intake.models import Response
from listening.intake.redaction import REDACTOR_VERSION
from listening.intake.safeguarding import tasks

DISCLOSURE = "My dad beats me with a belt and I am scared to go home tonight."
ORDINARY = (
    "The rent went up again and the landlord ignores the leak.",
    "Buses are too dear to get to the jobcentre.",
    "The youth club closed and there is nowhere to go.",
    "Nobody answers at the GP surgery in the morning.",
)


@pytest.fixture
def saved(make_campaign, make_user):
    """Conversations saved and committed whose screening job never ran (a process killed
    right after the commit): two answers each, five in all."""
    campaign = make_campaign()
    partner = make_user("partner", "Peckham Community Centre")

    def save(*answers):
        data = operations.ConversationInput(
            uuid=str(uuid.uuid4()),
            campaign=campaign.slug,
            borough="southwark",
            organisation="Peckham Community Centre",
            date=date(2023, 7, 1),
            format="small-group",
            people_count=4,
            groups=("young-people",),
            consent_to_quote=True,
            responses=answers,
        )
        return operations.save_conversation(data, partner)[0]

    conversations = [save(*ORDINARY[:2]), save(*ORDINARY[2:]), save("Call Jane on 07700 900123.")]
    db.session.commit()
    return campaign, [r for c in conversations for r in c.responses]


class Killed(Exception):
    """The process stopped half-way."""


def _kill_after_first_batch(_visited, _total):
    raise Killed


def _last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_every_screened_answer_records_what_screened_it_and_when(make_campaign, make_user):
    """Before: only a flagged answer recorded a detector version; nothing said an ordinary
    answer had been screened, or by what."""
    make_campaign()
    partner = make_user("partner", "Peckham Community Centre")
    data = operations.ConversationInput(
        uuid=str(uuid.uuid4()),
        campaign="sel-2023",
        borough="southwark",
        organisation="Peckham Community Centre",
        date=date(2023, 7, 1),
        format="small-group",
        people_count=2,
        groups=(),
        consent_to_quote=True,
        responses=(ORDINARY[0], DISCLOSURE),
    )
    conversation, _ = operations.save_conversation(data, partner)
    db.session.commit()
    tasks.after_submit([conversation.id])  # the screening job (eager in tests)
    ordinary, disclosure = conversation.responses
    for response in (ordinary, disclosure):
        assert response.redactor_version == REDACTOR_VERSION
        assert response.safeguarding_version == tasks.full_detector().version
        assert response.screened_at is not None
    assert screening.is_cleared(ordinary) and not screening.is_cleared(disclosure)
    cleared = set(db.session.scalars(select(Response.id).where(screening.cleared())))
    assert ordinary.id in cleared and disclosure.id not in cleared


def test_the_gate_reads_the_detector_version_from_the_detector():
    assert screening.current_versions() == (REDACTOR_VERSION, tasks.full_detector().version)


def test_an_answer_saved_but_never_screened_is_not_cleared(saved):
    _campaign, answers = saved
    assert not any(screening.is_cleared(r) for r in answers)  # the rules alone clear nothing


def test_rescreen_counts_what_it_did_and_a_second_pass_finds_nothing(saved, runner):
    campaign, answers = saved
    old = answers[4]  # redacted by an older redactor that missed the name
    old.redactor_version, old.redacted_text = "1", "Call Jane on [phone]."
    db.session.commit()
    result = runner.invoke(args=["intake", "rescreen", "--campaign", campaign.slug])
    assert result.exit_code == 0, result.output
    assert _last_json(result.stdout) == {"screened": 5, "flagged": 0, "redacted": 1, "cleared": 5}
    assert "Screening answers" in result.stderr
    assert old.redacted_text == "Call [name] on [phone]."
    assert old.redactor_version == REDACTOR_VERSION
    assert all(screening.is_cleared(r) for r in answers)
    again = runner.invoke(args=["intake", "rescreen"])
    assert _last_json(again.stdout) == {"screened": 0, "flagged": 0, "redacted": 0, "cleared": 0}


def test_rescreen_flags_what_the_current_detector_finds(saved, runner):
    campaign, answers = saved
    missed = answers[1]
    missed.text = missed.redacted_text = DISCLOSURE  # an older detector let it through
    db.session.commit()
    result = runner.invoke(args=["intake", "rescreen"])
    assert _last_json(result.stdout)["flagged"] == 1
    assert missed.safeguarding_flag and not screening.is_cleared(missed)


def test_a_killed_rescreen_resumes_where_it_stopped(saved, runner):
    campaign, answers = saved
    with pytest.raises(Killed):
        screening.screen_outdated(campaign.id, batch=2, on_batch=_kill_after_first_batch)
    assert sum(screening.is_cleared(r) for r in answers) == 2  # the first batch was committed
    result = runner.invoke(args=["intake", "rescreen", "--campaign", campaign.slug])
    assert _last_json(result.stdout)["screened"] == 3
    assert all(screening.is_cleared(r) for r in answers)
    batches = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "intake.screen")
    )
    assert batches == 2  # one audit event per batch: the killed pass's and the resumed one


def test_rescreen_all_screens_everything_and_resumes_a_killed_pass(saved, runner):
    campaign, answers = saved
    screening.screen_outdated(campaign.id)
    assert all(screening.is_cleared(r) for r in answers)
    started = screening.start_full_pass(campaign.id, None)
    with pytest.raises(Killed):
        screening.screen_outdated(campaign.id, None, started, 2, _kill_after_first_batch)
    resumed = runner.invoke(args=["intake", "rescreen", "--all", "--campaign", campaign.slug])
    assert _last_json(resumed.stdout)["screened"] == 3
    fresh = runner.invoke(args=["intake", "rescreen", "--all", "--campaign", campaign.slug])
    assert _last_json(fresh.stdout)["screened"] == 5


def test_rescreen_unknown_campaign_is_refused(runner):
    result = runner.invoke(args=["intake", "rescreen", "--campaign", "nope"])
    assert result.exit_code == 1 and "does not exist" in result.output
