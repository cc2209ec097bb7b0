"""Geometry for small, accessible SVG line charts of a metric's readings (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext, ngettext

from listening.i18n import day_text

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 58, 12, 12, 30  # room for 14 px labels (app.css)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[tuple[float, float, str, str]]  # x, y, date label, value label
    baseline_y: float
    target_y: float
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    description: str
    left: int = LEFT  # where the plot starts; the y labels end just before it
    right: int = RIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in self.points)


def format_value(value: float, unit: str) -> str:
    text = f"{value:,.1f}".rstrip("0").rstrip(".")
    if unit == "percent":
        return f"{text}%"
    if unit == "gbp":
        return f"£{text}"
    return text


def metric_chart(metric) -> Chart:
    """Readings over time with the baseline and target as horizontal lines."""
    readings = list(metric.readings)
    values = [r.value for r in readings] + [metric.baseline, metric.target]
    low, high = min(values), max(values)
    if metric.unit == "percent":
        low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    days = [r.taken_on for r in readings] or [metric.baseline_on or date.today()]
    start = metric.baseline_on or days[0]
    start = min(start, days[0])
    end = max(days[-1], metric.target_on or days[-1])
    span = max((end - start).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: date) -> float:
        return LEFT + plot_w * (day - start).days / span

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    points = [
        (
            x_of(r.taken_on),
            y_of(r.value),
            day_text(r.taken_on, "short"),
            format_value(r.value, metric.unit),
        )
        for r in readings
    ]
    ticks = [(y_of(v), format_value(v, metric.unit)) for v in (low, (low + high) / 2, high)]
    x_labels = [
        (float(LEFT), day_text(start, "short_month")),
        (float(LEFT + plot_w), day_text(end, "short_month")),
    ]
    return Chart(
        WIDTH,
        HEIGHT,
        points,
        y_of(metric.baseline),
        y_of(metric.target),
        ticks,
        x_labels,
        describe(metric),
    )


def describe(metric) -> str:
    """A sentence a screen reader can read instead of the picture, in the page's language."""
    unit = metric.unit
    baseline, target = format_value(metric.baseline, unit), format_value(metric.target, unit)
    parts = [
        gettext(
            "Baseline %(value)s in %(date)s",
            value=baseline,
            date=day_text(metric.baseline_on, "month"),
        )
        if metric.baseline_on
        else gettext("Baseline %(value)s", value=baseline),
        gettext(
            "target %(value)s by %(date)s", value=target, date=day_text(metric.target_on, "month")
        )
        if metric.target_on
        else gettext("target %(value)s", value=target),
    ]
    if metric.readings:
        latest = metric.readings[-1]
        parts.append(
            ngettext(
                "latest reading %(value)s on %(date)s (%(num)d reading in all)",
                "latest reading %(value)s on %(date)s (%(num)d readings in all)",
                len(metric.readings),
                value=format_value(latest.value, unit),
                date=day_text(latest.taken_on),
            )
        )
    else:
        parts.append(gettext("no readings yet"))
    return "; ".join(parts) + "."
