"""What is done to keep a pledge: actions, measures and their readings, progress updates."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from listening import audit, signals
from listening.accounts.models import User
from listening.assembly.models import (
    DIRECTIONS,
    STATUSES,
    UNITS,
    Action,
    Metric,
    Pledge,
    ProgressUpdate,
    Reading,
)
from listening.assembly.operations.common import (
    AssemblyError,
    _choice,
    _date_in_range,
    _not_future,
    _require,
    check_value,
    snapshot,
)
from listening.extensions import db


@dataclass(frozen=True)
class ActionInput:
    title: str
    owner: str = ""
    due_on: date | None = None
    done: bool = False
    done_on: date | None = None
    weight: int = 1


@dataclass(frozen=True)
class MetricInput:
    name: str
    unit: str
    direction: str
    baseline: float
    target: float
    baseline_on: date | None = None
    target_on: date | None = None
    weight: int = 1


@dataclass(frozen=True)
class UpdateInput:
    posted_on: date
    status: str
    text: str
    author_name: str = ""


def _check_action(pledge: Pledge, data: ActionInput, today: date) -> None:
    _require(data.title, "title", "Enter what will be done")
    if len(data.title.strip()) > 300:
        raise AssemblyError("title", "Action must be 300 characters or fewer")
    if not 1 <= data.weight <= 100:
        raise AssemblyError("weight", "Weight must be a whole number from 1 to 100")
    _date_in_range(data.due_on, "due_on", "Due date", today)
    if data.due_on and pledge.signed_on and data.due_on < pledge.signed_on:
        raise AssemblyError(
            "due_on",
            f"Due date must be on or after the date the pledge was "
            f"signed ({pledge.signed_on:%-d %B %Y})",
        )
    if data.done_on:
        _not_future(data.done_on, "done_on", "Date done", today)
        if not data.done:
            raise AssemblyError("done_on", "Only give a date done when the action is done")


def save_action(
    pledge: Pledge,
    data: ActionInput,
    actor: User | None,
    action: Action | None = None,
    today: date | None = None,
) -> Action:
    today = today or date.today()
    _check_action(pledge, data, today)
    before = snapshot(action) if action is not None else None
    if action is None:
        action = Action(position=len(pledge.actions))
        pledge.actions.append(action)
    action.title, action.owner = data.title.strip(), data.owner.strip()
    action.due_on, action.done, action.weight = data.due_on, data.done, data.weight
    action.done_on = (data.done_on or today) if data.done else None
    db.session.flush()
    audit.record(
        action,
        "assembly.update" if before else "assembly.create",
        actor,
        before,
        snapshot(action),
    )
    signals.public_changed("assembly")
    return action


def delete_action(action: Action, actor: User | None) -> None:
    audit.record(action, "assembly.delete", actor, snapshot(action), None)
    audit.record_cascade(action, "assembly.delete", actor)
    signals.public_changed("assembly")
    db.session.delete(action)
    db.session.flush()


# ---------------------------------------------------------------------------------- metrics


def _check_metric(data: MetricInput, today: date) -> None:
    _require(data.name, "name", "Enter what is measured")
    _choice(data.unit, UNITS, "unit", "Select the unit")
    _choice(data.direction, DIRECTIONS, "direction", "Select whether higher or lower is better")
    for name, label in (("baseline", "Baseline"), ("target", "Target")):
        check_value(data.unit, getattr(data, name), name, label)
    if data.direction == "increase" and data.target < data.baseline:
        raise AssemblyError(
            "target",
            "For a measure where higher is better, the target must be at least the baseline",
        )
    if data.direction == "decrease" and data.target > data.baseline:
        raise AssemblyError(
            "target", "For a measure where lower is better, the target must be at most the baseline"
        )
    _date_in_range(data.baseline_on, "baseline_on", "Baseline date", today)
    _date_in_range(data.target_on, "target_on", "Target date", today)
    if data.baseline_on and data.target_on and data.target_on <= data.baseline_on:
        raise AssemblyError("target_on", "Target date must be after the baseline date")
    if not 1 <= data.weight <= 100:
        raise AssemblyError("weight", "Weight must be a whole number from 1 to 100")


def save_metric(
    pledge: Pledge,
    data: MetricInput,
    actor: User | None,
    metric: Metric | None = None,
    today: date | None = None,
) -> Metric:
    _check_metric(data, today or date.today())
    if metric is not None and metric.unit != data.unit and metric.readings:
        raise AssemblyError("unit", "The unit cannot change once readings are recorded")
    before = snapshot(metric) if metric is not None else None
    if metric is None:
        metric = Metric()
        pledge.metrics.append(metric)
    for key, value in asdict(data).items():
        setattr(metric, key, value.strip() if isinstance(value, str) else value)
    metric.baseline, metric.target = float(data.baseline), float(data.target)
    db.session.flush()
    audit.record(
        metric,
        "assembly.update" if before else "assembly.create",
        actor,
        before,
        snapshot(metric),
    )
    signals.public_changed("assembly")
    return metric


def delete_metric(metric: Metric, actor: User | None) -> None:
    audit.record(metric, "assembly.delete", actor, snapshot(metric), None)
    audit.record_cascade(metric, "assembly.delete", actor)
    signals.public_changed("assembly")
    db.session.delete(metric)
    db.session.flush()


def record_reading(
    metric: Metric,
    taken_on: date | None,
    value,
    actor: User | None,
    note: str = "",
    today: date | None = None,
    field_prefix: str = "",
) -> Reading:
    """Add a dated reading, or replace the one already recorded for that date."""
    today = today or date.today()
    if taken_on is None:
        raise AssemblyError(field_prefix + "taken_on", "Enter the date of the reading")
    _not_future(taken_on, field_prefix + "taken_on", "Date of the reading", today)
    _date_in_range(taken_on, field_prefix + "taken_on", "Date of the reading", today)
    if metric.baseline_on and taken_on < metric.baseline_on:
        raise AssemblyError(
            field_prefix + "taken_on",
            "Date of the reading must be on or after "
            f"the baseline date ({metric.baseline_on:%-d %B %Y})",
        )
    value = check_value(metric.unit, value, field_prefix + "value", f"Reading for “{metric.name}”")
    existing = next((r for r in metric.readings if r.taken_on == taken_on), None)
    before = snapshot(existing) if existing else None
    if existing is None:
        existing = Reading(taken_on=taken_on, value=value, note=note.strip())
        metric.readings.append(existing)
        metric.readings.sort(key=lambda reading: reading.taken_on)
    else:
        existing.value, existing.note = value, note.strip()
    db.session.flush()
    audit.record(
        existing,
        "assembly.update" if before else "assembly.create",
        actor,
        before,
        snapshot(existing),
    )
    signals.public_changed("assembly")
    return existing


def delete_reading(reading: Reading, actor: User | None) -> None:
    audit.record(reading, "assembly.delete", actor, snapshot(reading), None)
    signals.public_changed("assembly")
    reading.metric.readings.remove(reading)
    db.session.flush()


# ---------------------------------------------------------------------------------- updates


def post_update(
    pledge: Pledge, data: UpdateInput, actor: User | None, today: date | None = None
) -> ProgressUpdate:
    """A dated progress note; the pledge takes the status of its newest update."""
    today = today or date.today()
    if data.posted_on is None:
        raise AssemblyError("posted_on", "Enter the date of the update")
    _not_future(data.posted_on, "posted_on", "Date of the update", today)
    _date_in_range(data.posted_on, "posted_on", "Date of the update", today)
    if pledge.signed_on and data.posted_on < pledge.signed_on:
        raise AssemblyError(
            "posted_on",
            "Date of the update must be on or after the date the "
            f"pledge was signed ({pledge.signed_on:%-d %B %Y})",
        )
    _choice(data.status, STATUSES, "status", "Select the pledge’s status at this update")
    text = _require(data.text, "text", "Enter what has happened since the last update")
    if len(text) > 5000:
        raise AssemblyError("text", "Update must be 5,000 characters or fewer")
    update = ProgressUpdate(
        posted_on=data.posted_on,
        status=data.status,
        text=text,
        author=actor,
        author_name=data.author_name.strip(),
    )
    pledge.updates.append(update)
    db.session.flush()
    newest = max(pledge.updates, key=lambda row: (row.posted_on, row.id))
    if newest is update and pledge.status != update.status:
        before = {"status": pledge.status}
        pledge.status = update.status
        audit.record(pledge, "assembly.set_status", actor, before, {"status": pledge.status})
    audit.record(update, "assembly.create", actor, None, snapshot(update))
    signals.public_changed("assembly")
    signals.pledge_progress_posted.send("assembly", pledge_id=pledge.id, update_id=update.id)
    db.session.flush()
    return update


def delete_update(update: ProgressUpdate, actor: User | None) -> None:
    audit.record(update, "assembly.delete", actor, snapshot(update), None)
    audit.record_cascade(update, "assembly.delete", actor)
    signals.public_changed("assembly")
    db.session.delete(update)
    db.session.flush()
