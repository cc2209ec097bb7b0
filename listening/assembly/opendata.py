"""Public data shapes shared by the JSON API, the CSV downloads and the Atom feed.

A count in JSON is an integer or null, always with a `<name>_suppressed` boolean beside it
(`"people": null, "people_suppressed": true` when fewer than PUBLIC_MIN_COUNT people, or when
withheld so a small count cannot be worked out from a total); in CSV a suppressed count is an
empty cell with `<name>_suppressed` = yes. Nothing personal is exported: signatories are public
office-holders who signed in public; quotes are approved, consented and redacted.
"""

from __future__ import annotations

from datetime import date

from flask import current_app

from listening.assembly import datapackage, progress, queries, quotes
from listening.assembly.models import Pledge
from listening.publicity import count_fields, is_suppressed, parts_fields
from listening.themes import rounds


def licence() -> dict:
    """The licence the open data is published under (OPEN_DATA_LICENCE, _URL)."""
    config = current_app.config
    return {"name": config["OPEN_DATA_LICENCE"], "url": config["OPEN_DATA_LICENCE_URL"]}


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
    earlier = rounds.previous_theme_counts(campaign)
    return {
        "campaign": {
            "slug": campaign.slug,
            "name": campaign.name,
            "question": campaign.question,
            "attribution": campaign.attribution or None,
            **count_fields("people", summary.people),
            **count_fields("conversations", summary.conversations),
            "boroughs": summary.boroughs,
            "communities": summary.communities,
            "events": summary.events,
            "by_borough": parts_fields({area.slug: count for area, count in summary.by_borough}),
        },
        "analysis_published": published,
        "themes": [
            {
                "slug": theme.slug,
                "name": theme.name,
                "published": theme.published,
                **_theme_count("people", theme.counts.people, theme.published),
                **_theme_count("conversations", theme.counts.conversations, theme.published),
                "by_borough": parts_fields(
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
                "previous_round": None
                if earlier is None
                else previous_round(campaign, earlier, theme.slug),
            }
            for theme in themes
        ],
    }


def previous_round(campaign, earlier: dict, slug: str) -> dict:
    """How many raised the theme in the round this campaign follows: null people and share
    when that count is suppressed (or the theme was not reviewed then)."""
    people, total = earlier.get(slug, (None, None))
    hidden = is_suppressed(people)
    return {
        "campaign": campaign.previous_round.slug,
        "people": None if hidden else people,
        "share": None if hidden or not total else round(people / total, 4),
        "people_suppressed": people is not None and hidden,
    }


def _theme_count(name: str, count: int, published: bool) -> dict:
    """Unpublished themes have no counts yet: null, and not suppressed."""
    return count_fields(name, count) if published else {name: None, f"{name}_suppressed": False}


PLEDGE_CSV_HEADER = datapackage.header("pledges")


def pledge_rows(pledges: list[Pledge], today: date | None = None):
    for p in pledges:
        d = pledge_dict(p, today=today)
        d["themes"] = ";".join(d["themes"])
        d["signatories"] = "; ".join(
            f"{s['person']}, {s['role']}, {s['organisation']}" for s in d["signatories"]
        )
        yield tuple(d[name] for name in PLEDGE_CSV_HEADER)


UPDATE_CSV_HEADER = datapackage.header("updates")


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


READING_CSV_HEADER = datapackage.header("readings")


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


THEME_CSV_HEADER = datapackage.header("themes")


def theme_rows(campaign):
    for t in themes_payload(campaign)["themes"]:
        row = {**t, "pledges": len(t["pledges"])}
        yield tuple(row[name] for name in THEME_CSV_HEADER)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
