"""Coverage dashboard for the engagement team: who has been heard, and who not yet."""

from __future__ import annotations

from flask import abort, render_template, request

from listening.csvutil import csv_response
from listening.intake import bp, operations, queries
from listening.intake.campaigns import campaign_arg
from listening.organisations.models import ORGANISATION_TYPES, OUTREACH_STATUSES
from listening.security import staff_required

CHART_WIDTH, BAR, GAP, LABEL_WIDTH = 760, 24, 10, 330


def _campaign():
    """?campaign=slug (404 if unknown), else the configured default, else the newest."""
    return campaign_arg(required=False)


def bar_chart(title: str, rows: list[queries.Reach]) -> dict | None:
    """Geometry for a horizontal bar chart of people; the template draws it as inline SVG."""
    if not rows or not any(r.people for r in rows):
        return None
    top = max(r.people for r in rows)
    room = CHART_WIDTH - LABEL_WIDTH - 170
    bars = []
    for index, row in enumerate(rows):
        y = index * (BAR + GAP)
        width = round(row.people / top * room)
        label = row.name if len(row.name) <= 36 else row.name[:35] + "…"
        value = f"{row.people:,}" + (" – under-reached" if row.under_reached else "")
        bars.append(
            {
                "label": label,
                "value": value,
                "y": y,
                "text_y": y + 17,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
                "flag": row.under_reached,
            }
        )
    summary = "; ".join(f"{r.name} {r.people:,}" for r in rows)
    return {
        "title": f"{title}: {summary}",
        "width": CHART_WIDTH,
        "bar": BAR,
        "height": len(rows) * (BAR + GAP),
        "label_width": LABEL_WIDTH,
        "bars": bars,
    }


@bp.get("/coverage")
@staff_required
def show_coverage():
    campaign = _campaign()
    if campaign is None:
        return render_template("intake/coverage.html", campaign=None)
    boroughs, groups = queries.by_borough(campaign), queries.by_group(campaign)
    months = queries.by_month(campaign)
    statuses, organisations = queries.outreach(campaign)
    return render_template(
        "intake/coverage.html",
        campaign=campaign,
        campaigns=operations.list_campaigns(),
        total=queries.totals(campaign),
        rate=queries.reach_rate(boroughs),
        boroughs=boroughs,
        groups=groups,
        months=months,
        languages=queries.by_language(campaign),
        facilitators=queries.by_organisation(campaign),
        statuses=statuses,
        organisations=organisations,
        status_names=OUTREACH_STATUSES,
        type_names=ORGANISATION_TYPES,
        under_reached=[b for b in boroughs if b.under_reached],
        share=queries.UNDER_REACHED_SHARE,
        charts={
            "boroughs": bar_chart("People reached by borough", boroughs),
            "groups": bar_chart("People reached by community group", groups),
            "months": bar_chart("People reached by month", months),
        },
    )


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
