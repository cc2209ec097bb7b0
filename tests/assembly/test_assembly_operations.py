"""Operations: the progress roll-up, status, the stale flag, validation and the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from listening.assembly import operations as ops
from listening.assembly import progress
from listening.audit import AuditEvent
from listening.extensions import db


def metric_input(**overrides):
    data = dict(
        name="% of NHS trusts accredited London Living Wage employers",
        unit="percent",
        direction="increase",
        baseline=40,
        target=100,
        baseline_on=date(2023, 11, 15),
        target_on=date(2025, 3, 31),
    )
    data.update(overrides)
    return ops.MetricInput(**data)


def test_metric_fraction_in_both_directions():
    assert progress.metric_fraction("increase", 40, 100, None) == 0
    assert progress.metric_fraction("increase", 40, 100, 70) == pytest.approx(0.5)
    assert progress.metric_fraction("increase", 40, 100, 130) == 1
    assert progress.metric_fraction("increase", 40, 100, 20) == 0
    assert progress.metric_fraction("decrease", 120, 30, 75) == pytest.approx(0.5)
    assert progress.metric_fraction("decrease", 120, 30, 150) == 0
    assert progress.metric_fraction("decrease", 10, 10, 9) == 1
    assert progress.metric_fraction("increase", 10, 10, 9) == 0


def test_roll_up_weights_actions_and_metrics(make_pledge, reviewer):
    pledge = make_pledge(actor=reviewer)
    ops.save_action(pledge, ops.ActionInput("Publish routes", done=True, weight=1), reviewer)
    ops.save_action(pledge, ops.ActionInput("Contract staff", done=False, weight=1), reviewer)
    metric = ops.save_metric(pledge, metric_input(weight=2), reviewer)
    ops.record_reading(metric, date(2024, 6, 1), 70, reviewer)  # half way: 0.5
    # (1×1 + 1×0 + 2×0.5) / (1 + 1 + 2) = 0.5
    result = progress.roll_up(pledge)
    assert (result.percent, result.derived, result.basis) == (50, True, "actions and metrics")
    ops.record_reading(metric, date(2024, 9, 1), 100, reviewer)  # the latest reading counts
    assert progress.roll_up(pledge).percent == 75


def test_progress_is_set_by_hand_without_actions_or_metrics(make_pledge):
    pledge = make_pledge(manual_progress=35)
    assert progress.roll_up(pledge) == progress.Progress(35, False, "set by hand")
    pledge.status = "achieved"
    assert progress.roll_up(pledge).percent == 100


def test_newest_update_sets_status_and_stale_flag(make_pledge, reviewer):
    pledge = make_pledge(actor=reviewer)
    assert progress.is_stale(pledge, date(2024, 2, 14)) is True  # signed 15 Nov 2023, 91 days
    assert progress.is_stale(pledge, date(2024, 2, 12)) is False
    ops.post_update(pledge, ops.UpdateInput(date(2024, 3, 1), "at-risk", "Slow start."), reviewer)
    ops.post_update(pledge, ops.UpdateInput(date(2024, 1, 1), "on-track", "Earlier."), reviewer)
    assert pledge.status == "at-risk"  # an older update does not override the newest
    assert progress.last_updated_on(pledge) == date(2024, 3, 1)
    assert progress.is_stale(pledge, date(2024, 5, 29)) is False
    assert progress.is_stale(pledge, date(2024, 6, 1)) is True
    pledge.status = "achieved"
    assert progress.is_stale(pledge, date(2030, 1, 1)) is False


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"theme_slugs": ()}, "themes", "at least one theme"),
        ({"theme_slugs": ("gardening",)}, "themes", "not a theme"),
        ({"due_on": date(2023, 1, 1)}, "due_on", "on or after the date it was signed"),
        ({"title": "  "}, "title", "Enter the pledge"),
        ({"lead_organisation_id": None}, "lead_organisation", "lead organisation"),
        ({"status": "done"}, "status", "status"),
        ({"manual_progress": 140}, "manual_progress", "between 0 and 100"),
    ],
)
def test_bad_pledges_are_refused_with_field_and_message(make_pledge, overrides, field, words):
    with pytest.raises(ops.AssemblyError) as caught:
        make_pledge(**overrides)
    assert caught.value.field == field
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"target": 30}, "target", "higher is better, the target must be at least the baseline"),
        ({"direction": "decrease"}, "target", "lower is better"),
        ({"target": 140}, "target", "between 0 and 100"),
        ({"baseline": -1}, "baseline", "between 0 and 100"),
        ({"baseline": "forty"}, "baseline", "must be a number"),
        ({"target_on": date(2023, 1, 1)}, "target_on", "after the baseline date"),
        ({"unit": "miles"}, "unit", "unit"),
    ],
)
def test_bad_metrics_are_refused(make_pledge, overrides, field, words):
    pledge = make_pledge()
    with pytest.raises(ops.AssemblyError) as caught:
        ops.save_metric(pledge, metric_input(**overrides), None)
    assert caught.value.field == field
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("unit", "day", "value", "field", "words"),
    [
        ("percent", date(2024, 1, 1), 140, "value", "between 0 and 100"),
        ("percent", date(2024, 1, 1), "12%", "value", "must be a number"),
        ("number", date(2024, 1, 1), -3, "value", "cannot be negative"),
        ("percent", date(2023, 1, 1), 50, "taken_on", "on or after the baseline date"),
        ("percent", date(2099, 1, 1), 50, "taken_on", "today or in the past"),
    ],
)
def test_bad_readings_are_refused(make_pledge, unit, day, value, field, words):
    pledge = make_pledge()
    metric = ops.save_metric(pledge, metric_input(unit=unit, baseline=0, target=80), None)
    with pytest.raises(ops.AssemblyError) as caught:
        ops.record_reading(metric, day, value, None)
    assert caught.value.field == field
    assert words in caught.value.message
    assert metric.readings == []


def test_reading_on_the_same_date_replaces_the_earlier_one(make_pledge):
    metric = ops.save_metric(make_pledge(), metric_input(), None)
    ops.record_reading(metric, date(2024, 1, 1), 50, None)
    ops.record_reading(metric, date(2024, 1, 1), 55, None)
    assert [r.value for r in metric.readings] == [55]


def test_update_before_signing_and_done_date_without_done_are_refused(make_pledge):
    pledge = make_pledge()
    with pytest.raises(ops.AssemblyError, match="on or after the date the pledge was signed"):
        ops.post_update(pledge, ops.UpdateInput(date(2023, 1, 1), "on-track", "x"), None)
    with pytest.raises(ops.AssemblyError, match="only give a date done|Only give a date done"):
        ops.save_action(pledge, ops.ActionInput("x", done=False, done_on=date(2024, 1, 1)), None)


def test_every_change_is_audited(make_pledge, reviewer):
    pledge = make_pledge(actor=reviewer)
    ops.add_signatory(
        pledge, ops.SignatoryInput("Lambeth Council", "Cllr A Person", "Leader"), reviewer
    )
    action = ops.save_action(pledge, ops.ActionInput("Publish routes"), reviewer)
    metric = ops.save_metric(pledge, metric_input(), reviewer)
    ops.record_reading(metric, date(2024, 1, 1), 60, reviewer)
    ops.post_update(pledge, ops.UpdateInput(date(2024, 1, 2), "on-track", "Going well."), reviewer)
    ops.delete_action(action, reviewer)
    actions = db.session.execute(
        select(AuditEvent.action, AuditEvent.entity)
        .where(AuditEvent.actor_id == reviewer.id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        ("assembly.create", "assembly_pledge"),
        ("organisations.create", "intake_organisation"),
        ("assembly.create", "assembly_signatory"),
        ("assembly.create", "assembly_action"),
        ("assembly.create", "assembly_metric"),
        ("assembly.create", "assembly_reading"),
        ("assembly.set_status", "assembly_pledge"),
        ("assembly.create", "assembly_progress_update"),
        ("assembly.delete", "assembly_action"),
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assembly.set_status"))
    assert (event.before, event.after) == ({"status": "not-started"}, {"status": "on-track"})


def test_signatory_organisation_is_matched_by_name_or_created(make_pledge, make_org):
    pledge = make_pledge()
    existing = make_org("Lambeth Council", "council")
    row = ops.add_signatory(
        pledge, ops.SignatoryInput("lambeth council", "A Person", "Leader"), None
    )
    assert row.organisation is existing
    with pytest.raises(ops.AssemblyError, match="name of the person"):
        ops.add_signatory(pledge, ops.SignatoryInput("Lambeth Council", " ", "Leader"), None)


def test_event_attendance_and_ideas(campaign, reviewer):
    event = ops.save_event(
        campaign,
        ops.EventInput(
            kind="co-production-workshop",
            title="Co-production workshop: housing",
            held_on=date(2023, 10, 10),
            theme_slugs=("housing",),
            attendance={"community-members": 22, "decision-makers": 9},
            ideas=(("Fast track from GP to council", ("housing",)),),
        ),
        reviewer,
    )
    assert event.attendance_total == 31
    assert [i.text for i in event.ideas] == ["Fast track from GP to council"]
    ops.add_idea(event, "Discharge never to the street", ["housing"], reviewer)
    assert len(event.ideas) == 2
    with pytest.raises(ops.AssemblyError) as caught:
        ops.save_event(
            campaign,
            ops.EventInput(
                kind="assembly",
                title="x",
                held_on=date(2023, 1, 1),
                attendance={"community-members": -2},
            ),
            reviewer,
        )
    assert caught.value.field == "attendance_community-members"
