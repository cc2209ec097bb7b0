"""Coverage dashboard for the engagement team: who has been heard, and who not yet."""

from __future__ import annotations

from flask import abort, render_template, request

from listening.csvutil import csv_response
from listening.intake import bp, operations, queries
from listening.intake.campaigns import campaign_arg
from listening.organisations.models import ORGANISATION_TYPES, OUTREACH_STATUSES
from listening.security import staff_required

# A phone-first chart: each label on its own line above its bar, in a 360-unit-wide SVG drawn
# at the width of the page (at most 30rem), so 15-unit text reads at 14-20 px.
CHART_WIDTH, LABEL_LINE, BAR, GAP, VALUE_ROOM = 360, 20, 18, 14, 70
SECTIONS = {
    "boroughs": "By borough",
    "groups": "By community group",
    "languages": "By language",
    "months": "Over time",
    "organisations": "By facilitating organisation",
    "outreach": "Outreach",
}


def _campaign():
    """?campaign=slug (404 if unknown), else the configured default, else the newest."""
    return campaign_arg(required=False)


def bar_chart(title: str, rows: list[queries.Reach]) -> dict | None:
    """Geometry for a horizontal bar chart of people; the template draws it as inline SVG."""
    if not rows or not any(r.people for r in rows):
        return None
    top = max(r.people for r in rows)
    room = CHART_WIDTH - VALUE_ROOM
    step = LABEL_LINE + BAR + GAP
    bars = []
    for index, row in enumerate(rows):
        y = index * step
        width = round(row.people / top * room)
        name = row.name if len(row.name) <= 40 else row.name[:39] + "…"
        bars.append(
            {
                "label": name + (" (under-reached)" if row.under_reached else ""),
                "value": f"{row.people:,}",
                "label_y": y + 15,
                "y": y + LABEL_LINE,
                "text_y": y + LABEL_LINE + 14,
                "width": width,
                "value_x": width + 6,
                "flag": row.under_reached,
            }
        )
    summary = "; ".join(f"{r.name} {r.people:,}" for r in rows)
    return {
        "title": f"{title}: {summary}",
        "width": CHART_WIDTH,
        "bar": BAR,
        "height": len(rows) * step - GAP,
        "bars": bars,
    }


@bp.get("/coverage", defaults={"section": "boroughs"})
@bp.get("/coverage/<any(groups, languages, months, organisations, outreach):section>")
@staff_required
def show_coverage(section: str):
    campaign = _campaign()
    context = {"campaign": campaign, "section": section, "sections": SECTIONS}
    if campaign is None:
        return render_template("intake/coverage.html", **context)
    boroughs = queries.by_borough(campaign)
    context |= {
        "campaigns": operations.list_campaigns(),
        "total": queries.totals(campaign),
        "rate": queries.reach_rate(boroughs),
        "under_reached": [b for b in boroughs if b.under_reached],
        "status_names": OUTREACH_STATUSES,
        "type_names": ORGANISATION_TYPES,
    }
    if section == "boroughs":
        context |= {"rows": boroughs, "chart": bar_chart("People reached by borough", boroughs)}
    elif section == "groups":
        rows = queries.by_group(campaign)
        context |= {"rows": rows, "chart": bar_chart("People reached by community group", rows)}
    elif section == "languages":
        context["rows"] = queries.by_language(campaign)
    elif section == "months":
        rows = queries.by_month(campaign)
        context |= {"rows": rows, "chart": bar_chart("People reached by month", rows)}
    elif section == "organisations":
        context["rows"] = queries.by_organisation(campaign)
    else:
        context["statuses"], context["organisations"] = queries.outreach(campaign)
    return render_template("intake/coverage.html", **context)


def _rows(table: str, campaign):
    if table == "boroughs":
        rows = queries.by_borough(campaign)
        total = queries.totals(campaign)
        return (
            [
                "Borough",
                "Conversations",
                "People",
                "Residents",
                "People per 10,000 residents",
                "Under-reached",
            ],
            [
                [
                    r.name,
                    r.conversations,
                    r.people,
                    r.population,
                    r.per_10k,
                    "yes" if r.under_reached else "",
                ]
                for r in rows
            ]
            + [["Total", total.conversations, total.people, None, None, ""]],
        )
    if table == "groups":
        return (
            ["Community group", "Conversations", "People"],
            [[r.name, r.conversations, r.people] for r in queries.by_group(campaign)],
        )
    if table == "languages":
        return (
            ["Language", "Code", "Answers", "Conversations"],
            [[r.name, r.key, r.answers, r.conversations] for r in queries.by_language(campaign)],
        )
    if table == "months":
        return (
            ["Month", "Conversations", "People"],
            [[r.key, r.conversations, r.people] for r in queries.by_month(campaign)],
        )
    _statuses, rows = queries.outreach(campaign)
    return (
        [
            "Organisation",
            "Type",
            "Borough",
            "Outreach status",
            "Conversations",
            "People",
            "Contact notes",
        ],
        [
            [
                o.name,
                ORGANISATION_TYPES.get(o.type, o.type),
                o.borough,
                OUTREACH_STATUSES.get(o.status, o.status),
                o.conversations,
                o.people,
                o.contact_notes,
            ]
            for o in rows
        ],
    )


@bp.get("/coverage.csv")
@staff_required
def show_coverage_csv():
    table = request.args.get("table", "boroughs")
    if table not in ("boroughs", "groups", "organisations", "months", "languages"):
        abort(404, "Choose table=boroughs, groups, organisations, months or languages.")
    campaign = _campaign() or abort(404, "There is no campaign yet.")
    header, rows = _rows(table, campaign)
    return csv_response(f"coverage-{campaign.slug}-{table}.csv", header, rows)
