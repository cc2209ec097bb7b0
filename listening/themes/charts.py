"""Geometry for server-rendered inline SVG charts (templates draw them; no JavaScript)."""

from __future__ import annotations

from collections.abc import Sequence


def bars(
    items: Sequence[tuple[str, int]],
    width: int = 360,
    bar: int = 18,
    gap: int = 14,
    label_line: int = 20,
) -> dict | None:
    """Horizontal bars, each label on its own line above its bar, in a `width`-wide SVG.

    Drawn at the page's width (at most 30rem, see app.css), 15-unit text reads at 14 px or more
    on a 390 px phone; long labels keep their whole text in the bar's tooltip."""
    if not items:
        return None
    top = max(v for _, v in items) or 1
    room = width - 60  # the value is written after the bar
    step = label_line + bar + gap
    out = []
    for i, (label, value) in enumerate(items):
        y = i * step
        length = max(1, round(value / top * room)) if value else 0
        out.append(
            {
                "label": label if len(label) <= 40 else label[:39] + "…",
                "full_label": label,
                "value": value,
                "label_y": y + 15,
                "y": y + label_line,
                "text_y": y + label_line + 14,
                "x": 0,
                "width": length,
                "value_x": length + 6,
            }
        )
    return {"width": width, "height": len(items) * step - gap, "bar": bar, "bars": out}


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
