"""How far along a pledge is, and whether it has gone quiet.

Progress formula (a weighted roll-up, 0–100):

* each action contributes its weight `w` times 1 if done, else 0;
* each metric contributes its weight `w` times its own progress
  `p = (latest − baseline) / (target − baseline)`, clamped to [0, 1]. The same formula serves
  both directions: for a "decrease" metric target < baseline, so a falling reading moves p up.
  A metric with no reading yet has p = 0. When target = baseline, p = 1 once the latest reading
  is at or past the target in the metric's direction;
* progress = 100 × Σ(w × p) / Σ(w), rounded down to a whole percent.

When a pledge has neither actions nor metrics, progress is set by hand (`manual_progress`).
A pledge with status "achieved" and nothing to roll up shows 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

STALE_AFTER_DAYS = 90


@dataclass(frozen=True)
class Progress:
    percent: int
    derived: bool  # True when rolled up from actions/metrics, False when set by hand
    basis: str  # "actions and metrics", "actions", "metrics" or "set by hand"


def metric_fraction(direction: str, baseline: float, target: float, latest: float | None) -> float:
    """A metric's progress in [0, 1]; see the module docstring."""
    if latest is None:
        return 0.0
    if target == baseline:
        reached = latest >= target if direction == "increase" else latest <= target
        return 1.0 if reached else 0.0
    fraction = (latest - baseline) / (target - baseline)
    return min(1.0, max(0.0, fraction))


def roll_up(pledge) -> Progress:
    """The pledge's progress from its actions and metrics, or the hand-set figure."""
    weighted: list[tuple[int, float]] = []
    for action in pledge.actions:
        weighted.append((action.weight, 1.0 if action.done else 0.0))
    for metric in pledge.metrics:
        latest = metric.latest.value if metric.latest is not None else None
        fraction = metric_fraction(metric.direction, metric.baseline, metric.target, latest)
        weighted.append((metric.weight, fraction))
    total = sum(weight for weight, _ in weighted)
    if not weighted or total <= 0:
        manual = 100 if pledge.status == "achieved" and not weighted else pledge.manual_progress
        return Progress(int(manual or 0), False, "set by hand")
    percent = math.floor(100 * sum(w * f for w, f in weighted) / total + 1e-9)
    kinds = [
        name for name, rows in (("actions", pledge.actions), ("metrics", pledge.metrics)) if rows
    ]
    return Progress(percent, True, " and ".join(kinds))


def last_updated_on(pledge) -> date:
    """The date of the newest progress update, or when the pledge was signed or created."""
    dates = [update.posted_on for update in pledge.updates]
    if dates:
        return max(dates)
    return pledge.signed_on or pledge.created_at.date()


def update_interval(pledge) -> int:
    """Days a pledge may go without an update: its campaign's setting, else the default."""
    days = getattr(pledge.campaign, "update_interval_days", None) if pledge.campaign else None
    return int(days or STALE_AFTER_DAYS)


def is_stale(pledge, today: date, days: int | None = None) -> bool:
    """No update for longer than the campaign's update interval, and not yet achieved."""
    if pledge.status == "achieved":
        return False
    days = update_interval(pledge) if days is None else days
    return today - last_updated_on(pledge) > timedelta(days=days)


def is_overdue(pledge, today: date) -> bool:
    """Past its due date and not achieved."""
    return pledge.due_on is not None and pledge.due_on < today and pledge.status != "achieved"


@dataclass(frozen=True)
class Timeliness:
    """What the public sees about a pledge's dates: the same rules as the staff pages."""

    last_updated: date
    days_since_update: int
    interval_days: int
    next_update_due: date | None  # None once achieved
    stale: bool
    overdue: bool
    days_overdue: int


def timeliness(pledge, today: date) -> Timeliness:
    last = last_updated_on(pledge)
    interval = update_interval(pledge)
    overdue = is_overdue(pledge, today)
    return Timeliness(
        last_updated=last,
        days_since_update=max(0, (today - last).days),
        interval_days=interval,
        next_update_due=None if pledge.status == "achieved" else last + timedelta(days=interval),
        stale=is_stale(pledge, today, interval),
        overdue=overdue,
        days_overdue=(today - pledge.due_on).days if overdue else 0,
    )
