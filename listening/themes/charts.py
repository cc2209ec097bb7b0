"""Geometry for server-rendered inline SVG charts (templates draw them; no JavaScript)."""

from __future__ import annotations

from collections.abc import Sequence


def bars(
    items: Sequence[tuple[str, int]],
    width: int = 640,
    bar: int = 22,
    gap: int = 10,
    label_width: int = 260,
) -> dict | None:
    """Horizontal bars: label, value, and the bar's position in a `width`-wide SVG."""
    if not items:
        return None
    top = max(v for _, v in items) or 1
    room = width - label_width - 60
    out = []
    for i, (label, value) in enumerate(items):
        y = i * (bar + gap)
        out.append(
            {
                "label": label if len(label) <= 38 else label[:37] + "…",
                "full_label": label,
                "value": value,
                "y": y,
                "text_y": y + bar * 0.7,
                "x": label_width,
                "width": max(1, round(value / top * room)) if value else 0,
                "value_x": label_width + (round(value / top * room) if value else 0) + 6,
            }
        )
    return {
        "width": width,
        "height": len(items) * (bar + gap),
        "bar": bar,
        "bars": out,
        "label_width": label_width,
    }


def scatter(
    points: Sequence[tuple[float, float, int, int]],
    legend: Sequence[tuple[int, str]],
    width: int = 640,
    height: int = 400,
    pad: int = 12,
) -> dict:
    """Points (x, y, colour index, response id) scaled into the SVG's box, plus a legend."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    sx = (width - 2 * pad) / ((x1 - x0) or 1.0)
    sy = (height - 2 * pad) / ((y1 - y0) or 1.0)
    dots = [
        {
            "cx": round(pad + (x - x0) * sx, 1),
            "cy": round(height - pad - (y - y0) * sy, 1),
            "colour": colour,
            "id": rid,
        }
        for x, y, colour, rid in points
    ]
    counts = {i: 0 for i, _ in legend}
    for dot in dots:
        counts[dot["colour"]] = counts.get(dot["colour"], 0) + 1
    return {
        "width": width,
        "height": height,
        "dots": dots,
        "legend": [(i, name, counts.get(i, 0)) for i, name in legend],
    }
