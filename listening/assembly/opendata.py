"""Public data shapes shared by the JSON API, the CSV downloads and the Atom feed.

People counts are integers, or the string "fewer than 5" when suppressed (see publicity).
Nothing personal is exported: signatories are public office-holders who signed in public;
quotes are approved, consented and redacted.
"""

from __future__ import annotations

from datetime import date

from listening.assembly import progress, queries, quotes
from listening.assembly.models import Pledge
from listening.assembly.publicity import public_count, public_parts


def pledge_dict(pledge: Pledge, url: str | None = None, today: date | None = None) -> dict:
    rolled = progress.roll_up(pledge)
    timely = progress.timeliness(pledge, today or date.today())
    return {
        "id": pledge.id,
        "campaign": pledge.campaign.slug,
        "title": pledge.title,
        "commitment": pledge.commitment,
        "themes": pledge.theme_slugs,
        "subthemes": [
            {"theme": row.theme_slug, "subtheme_id": row.subtheme_id}
            for row in pledge.themes
            if row.subtheme_id is not None
        ],
        "status": pledge.status,
        "progress": rolled.percent,
        "progress_basis": rolled.basis,
        "lead_organisation": pledge.lead_organisation.name,
        "borough": pledge.area.slug if pledge.area else None,
        "signed_at": pledge.event.title if pledge.event else None,
        "signed_on": _iso(pledge.signed_on),
        "due_on": _iso(pledge.due_on),
        "last_updated": _iso(timely.last_updated),
        "days_since_update": timely.days_since_update,
        "next_update_due": _iso(timely.next_update_due),
        "overdue": timely.overdue,
        "stale": timely.stale,
        "url": url,
        "signatories": [
            {"person": s.person, "role": s.role, "organisation": s.organisation.name}
            for s in pledge.signatories
        ],
        "actions": [
            {
                "title": a.title,
                "owner": a.owner,
                "due_on": _iso(a.due_on),
                "done": a.done,
                "done_on": _iso(a.done_on),
            }
            for a in pledge.actions
        ],
        "metrics": [metric_dict(m) for m in pledge.metrics],
        "updates": [
            {
                "date": u.posted_on.isoformat(),
                "status": u.status,
                "text": u.text,
                "reported_by": u.author_name or pledge.lead_organisation.name,
            }
            for u in pledge.updates
        ],
    }


def metric_dict(metric) -> dict:
    return {
        "name": metric.name,
        "unit": metric.unit,
        "direction": metric.direction,
        "baseline": metric.baseline,
        "baseline_on": _iso(metric.baseline_on),
        "target": metric.target,
        "target_on": _iso(metric.target_on),
        "readings": [{"date": r.taken_on.isoformat(), "value": r.value} for r in metric.readings],
    }


def themes_payload(campaign) -> dict:
    """Public aggregates per theme, with small counts suppressed."""
    published, themes = queries.theme_summaries(campaign)
    summary = queries.campaign_summary(campaign)
    return {
        "campaign": {
            "slug": campaign.slug,
            "name": campaign.name,
            "question": campaign.question,
            "attribution": campaign.attribution or None,
            "people": public_count(summary.people),
            "conversations": public_count(summary.conversations),
            "boroughs": summary.boroughs,
            "communities": summary.communities,
            "events": summary.events,
            "by_borough": public_parts({area.slug: count for area, count in summary.by_borough}),
        },
        "analysis_published": published,
        "themes": [
            {
                "slug": theme.slug,
                "name": theme.name,
                "published": theme.published,
                "people": public_count(theme.counts.people) if theme.published else None,
                "conversations": public_count(theme.counts.conversations)
                if theme.published
                else None,
                "by_borough": public_parts(
                    {
                        area.slug: theme.counts.by_borough.get(area.slug, 0)
                        for area in campaign.areas
                    }
                )
                if theme.published
                else {},
                "pledges": [p.id for p in theme.pledges],
                "pledges_by_status": theme.by_status,
                "average_progress": theme.average_progress,
                "quotes": [
                    q.text for q in quotes.public_quotes(campaign.id, theme_slug=theme.slug)
                ],
            }
            for theme in themes
        ],
    }


PLEDGE_CSV_HEADER = (
    "id",
    "title",
    "commitment",
    "themes",
    "status",
    "progress",
    "lead_organisation",
    "borough",
    "signed_on",
    "due_on",
    "last_updated",
    "signatories",
)


def pledge_rows(pledges: list[Pledge]):
    for p in pledges:
        d = pledge_dict(p)
        yield (
            d["id"],
            d["title"],
            d["commitment"],
            ";".join(d["themes"]),
            d["status"],
            d["progress"],
            d["lead_organisation"],
            d["borough"] or "",
            d["signed_on"] or "",
            d["due_on"] or "",
            d["last_updated"],
            "; ".join(f"{s['person']}, {s['role']}, {s['organisation']}" for s in d["signatories"]),
        )


UPDATE_CSV_HEADER = ("pledge_id", "pledge_title", "date", "status", "text", "reported_by")


def update_rows(pledges: list[Pledge]):
    for p in pledges:
        for u in sorted(p.updates, key=lambda row: (row.posted_on, row.id)):
            yield (
                p.id,
                p.title,
                u.posted_on.isoformat(),
                u.status,
                u.text,
                u.author_name or p.lead_organisation.name,
            )


READING_CSV_HEADER = (
    "pledge_id",
    "metric",
    "unit",
    "direction",
    "baseline",
    "target",
    "target_on",
    "date",
    "value",
)


def reading_rows(pledges: list[Pledge]):
    for p in pledges:
        for m in p.metrics:
            for r in m.readings:
                yield (
                    p.id,
                    m.name,
                    m.unit,
                    m.direction,
                    m.baseline,
                    m.target,
                    _iso(m.target_on) or "",
                    r.taken_on.isoformat(),
                    r.value,
                )


THEME_CSV_HEADER = ("slug", "name", "people", "conversations", "pledges", "average_progress")


def theme_rows(campaign):
    payload = themes_payload(campaign)
    for t in payload["themes"]:
        yield (
            t["slug"],
            t["name"],
            t["people"] if t["people"] is not None else "not published",
            t["conversations"] if t["conversations"] is not None else "not published",
            len(t["pledges"]),
            t["average_progress"] if t["average_progress"] is not None else "",
        )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
