"""A run's life beyond success and failure: heartbeats, orphaned runs, cancelling, answers
deleted while a run computes. (A worker killed mid-run: test_worker_killed.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake.models import Response
from listening.themes import operations, queries, runs, tasks
from listening.themes.models import Assignment, SubTheme, ThemeRun
from listening.timeutil import utcnow

pytestmark = pytest.mark.slow


def _running(campaign, heartbeat_ago: float) -> ThemeRun:
    """A run a worker took `heartbeat_ago` seconds after its last sign of life."""
    run = operations.start_run(campaign, None)
    run.status, run.started_at = "running", utcnow() - timedelta(seconds=heartbeat_ago + 5)
    run.heartbeat_at = utcnow() - timedelta(seconds=heartbeat_ago)
    db.session.commit()
    return run


def _events(run: ThemeRun, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.entity == "themes_run",
        AuditEvent.entity_id == str(run.id),
        AuditEvent.action == action,
    )
    return list(db.session.scalars(query))


def test_a_run_whose_heartbeat_stopped_is_failed_and_no_longer_blocks(themes_campaign):
    old = _running(themes_campaign, heartbeat_ago=300)
    new = operations.start_run(themes_campaign, None, heartbeat_timeout=120)
    assert new.id != old.id and new.status == "queued"
    assert old.status == "failed" and old.finished_at is not None
    assert old.error.startswith("worker stopped: no heartbeat since ")
    assert f"{old.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC" in old.error
    assert len(_events(old, "themes.run_failed")) == 1


def test_a_run_with_a_fresh_heartbeat_still_blocks_a_new_one(themes_campaign):
    old = _running(themes_campaign, heartbeat_ago=5)
    with pytest.raises(operations.RunInProgress) as raised:
        operations.start_run(themes_campaign, None, heartbeat_timeout=120)
    assert raised.value.run.id == old.id and old.status == "running"


def test_a_queued_run_waits_while_a_worker_is_busy_but_not_for_a_dead_one(
    themes_campaign, make_campaign
):
    busy = _running(make_campaign("other"), heartbeat_ago=5)
    waiting = operations.start_run(themes_campaign, None)
    waiting.created_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    assert operations.fail_orphaned_runs(120) == []  # a worker is alive: it will get to it
    later = utcnow() + timedelta(minutes=5)  # the busy worker has been silent since
    assert {r.id for r in operations.fail_orphaned_runs(120, now=later)} == {busy.id, waiting.id}
    assert waiting.status == busy.status == "failed"


def test_a_starting_worker_fails_running_orphans_but_leaves_queued_runs(
    themes_campaign, make_campaign
):
    dead = _running(make_campaign("other"), heartbeat_ago=600)
    waiting = operations.start_run(themes_campaign, None)
    waiting.created_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    assert tasks.fail_orphaned_runs() == 1  # the worker is about to take the queued one
    assert (dead.status, waiting.status) == ("failed", "queued")


def test_the_run_page_and_the_status_marks_an_orphaned_run_failed(
    client, login, make_user, themes_campaign
):
    run = _running(themes_campaign, heartbeat_ago=600)
    login(make_user("reviewer"))
    status = client.get(f"/themes/runs/{run.id}/status.json").get_json()
    assert status["status"] == "failed" and status["finished"] is True
    assert "worker stopped" in status["error"]
    assert "worker stopped" in client.get(f"/themes/runs/{run.id}").get_data(as_text=True)


def test_the_job_beats_the_heart_and_a_finished_run_is_not_redone(themes_campaign):
    beats = []
    run = operations.start_run(themes_campaign, None)
    db.session.commit()

    def listen(percent, message):
        beats.append(db.session.get(ThemeRun, run.id).heartbeat_at)

    runs.execute_run(run.id, on_progress=listen)
    assert run.status == "succeeded" and run.heartbeat_at is not None
    assert beats and all(beat is not None for beat in beats)
    assert runs.execute_run(run.id).finished_at == run.finished_at


def test_cancelling_a_running_run_stops_it_and_saves_nothing(themes_campaign, make_user):
    reviewer = make_user("reviewer")
    run = operations.start_run(themes_campaign, None)
    db.session.commit()

    def cancel_at_first_progress(percent, message):
        row = db.session.get(ThemeRun, run.id)
        if row.status == "running":
            operations.cancel_run(row, reviewer)
            db.session.commit()

    runs.execute_run(run.id, on_progress=cancel_at_first_progress)
    db.session.expire_all()
    assert run.status == "cancelled" and run.message == "Cancelled" and run.error == ""
    assert db.session.scalar(select(func.count()).where(SubTheme.run_id == run.id)) == 0
    assert db.session.scalar(select(func.count()).where(Assignment.run_id == run.id)) == 0
    assert queries.current_run(themes_campaign.id) is None
    [event] = _events(run, "themes.cancel_run")
    assert event.actor_id == reviewer.id and event.after == {"status": "cancelled"}
    again = operations.start_run(themes_campaign, None)  # a cancelled run blocks nothing
    assert again.status == "queued"


def test_a_cancelled_queued_run_is_never_started(themes_campaign, make_user):
    run = operations.start_run(themes_campaign, None)
    operations.cancel_run(run, make_user("reviewer"))
    db.session.commit()
    tasks.run_theme_job(run.id)  # the job arrives later, or is delivered again by RQ
    assert run.status == "cancelled" and run.started_at is None and run.progress == 0
    with pytest.raises(operations.ThemeError, match="already finished"):
        operations.cancel_run(run, make_user("admin"))


def test_the_cancel_button_asks_for_confirmation(client, login, make_user, themes_campaign):
    run = operations.start_run(themes_campaign, None)
    db.session.commit()
    login(make_user("reviewer"))
    page = client.get(f"/themes/runs/{run.id}").get_data(as_text=True)
    assert f'action="/themes/runs/{run.id}/cancel"' in page
    unconfirmed = client.post(f"/themes/runs/{run.id}/cancel", data={})
    assert unconfirmed.status_code == 303 and run.status == "queued"
    shown = client.get(unconfirmed.headers["Location"]).get_data(as_text=True)
    assert "Tick the box to confirm" in shown
    confirmed = client.post(f"/themes/runs/{run.id}/cancel", data={"confirm": "y"})
    assert confirmed.status_code == 303
    db.session.expire_all()
    assert run.status == "cancelled"
    assert "cancelled" in client.get(confirmed.headers["Location"]).get_data(as_text=True)


def test_answers_deleted_while_a_run_computes_are_skipped_and_noted(themes_campaign):
    run = operations.start_run(themes_campaign, None)
    db.session.commit()
    first = db.session.scalar(select(func.min(Response.id)))
    deleted: list[int] = []

    def delete_before_saving(percent, message):
        if message == "Saving results" and not deleted:  # after embedding and clustering
            db.session.execute(delete(Response).where(Response.id == first))
            db.session.commit()
            deleted.append(first)

    runs.execute_run(run.id, on_progress=delete_before_saving)
    assert deleted and run.status == "succeeded", run.error
    assert run.n_responses == 23 and run.parameters["skipped_responses"] == 1
    rows = db.session.scalars(select(Assignment.response_id).where(Assignment.run_id == run.id))
    assert first not in set(rows)
    for sub in db.session.scalars(select(SubTheme).where(SubTheme.run_id == run.id)):
        assert first not in sub.representative_ids
