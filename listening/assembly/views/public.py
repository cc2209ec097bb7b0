"""The public pledge tracker: no login, small counts suppressed, cached for anonymous visitors."""

from __future__ import annotations

import re
from datetime import date

from flask import abort, current_app, render_template, request

from listening.assembly import bp, cache, charts, progress, queries, quotes
from listening.assembly.models import ATTENDEE_KINDS, EVENT_KINDS, STATUSES
from listening.ids import parse_id
from listening.intake.campaigns import campaign_arg
from listening.themes import rounds
from listening.themes.queries import public_theme_names as theme_names


def campaign_key() -> str:
    return request.args.get("campaign") or current_app.config["DEFAULT_CAMPAIGN"]


SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def public_campaign():
    """The campaign named by ?campaign=, else the default; 404 when there is none."""
    return campaign_arg(missing="No campaign has been published yet.")


def read_filters(campaign, strict: bool = False) -> queries.Filters:
    """Filters from the query string. Pages ignore unknown values; the API (`strict`) answers
    400 naming the parameter and the values it accepts."""
    args = request.args
    allowed = {
        "theme": list(theme_names(campaign.id)),
        "borough": [a.slug for a in campaign.areas],
        "status": list(STATUSES),
    }
    chosen = {name: args.get(name, "") for name in allowed}
    lead = parse_id(args.get("lead", ""))
    if strict:
        for name, values in allowed.items():
            if chosen[name] and chosen[name] not in values:
                abort(400, f"Unknown {name} {chosen[name]!r}: use one of {', '.join(values)}.")
        leads = {org.id for org in queries.lead_organisations(campaign)}
        if args.get("lead") and lead not in leads:
            abort(400, f"Unknown lead {args['lead']!r}: use the id of a lead organisation.")
    return queries.Filters(
        **{name: value if value in allowed[name] else "" for name, value in chosen.items()},
        lead=lead,
    )


def pledge_context(pledge, today: date | None = None) -> dict:
    timely = progress.timeliness(pledge, today or date.today())
    return {
        "progress": progress.roll_up(pledge),
        "last_updated": timely.last_updated,
        "stale": timely.stale,
        "overdue": timely.overdue,
        "timely": timely,
    }


def common(campaign) -> dict:
    return {
        "campaign": campaign,
        "theme_names": theme_names(campaign.id),
        "statuses": STATUSES,
        "event_kinds": EVENT_KINDS,
        "attendee_kinds": ATTENDEE_KINDS,
        "pledge_context": pledge_context,
        "campaign_query": _campaign_query(),
    }


def _campaign_query() -> dict:
    slug = request.args.get("campaign")
    return {"campaign": slug} if slug else {}


@bp.get("/pledges")
@cache.cached_page(campaign_key)
def list_pledges():
    campaign = public_campaign()
    filters = read_filters(campaign)
    pledges = queries.list_pledges(campaign, filters)
    # The theme cards count every pledge: reuse the list when no filter narrowed it.
    published, themes = queries.theme_summaries(campaign, None if filters.active else pledges)
    return render_template(
        "assembly/list_pledges.html",
        summary=queries.campaign_summary(campaign),
        themes=themes,
        analysis_published=published,
        pledges=pledges,
        filters=filters,
        leads=queries.lead_organisations(campaign),
        events=queries.list_events(campaign),
        **common(campaign),
    )


@bp.get("/pledges/themes/<slug>")
@cache.cached_page(campaign_key)
def show_theme(slug: str):
    campaign = public_campaign()
    names = theme_names(campaign.id)
    if slug not in names:
        abort(404, "There is no theme with that name.")
    published, themes = queries.theme_summaries(campaign)
    theme = next(t for t in themes if t.slug == slug)
    events = [e for e in queries.list_events(campaign) if slug in e.theme_slugs]
    theme_quotes = quotes.public_quotes(campaign.id, theme_slug=slug, limit=500)
    return render_template(
        "assembly/show_theme.html",
        theme=theme,
        analysis_published=published,
        quotes=theme_quotes[:12],
        sub_themes=queries.public_sub_themes(campaign, slug, theme_quotes),
        events=events,
        areas=campaign.areas,
        **earlier_round_context(campaign, slug),
        **common(campaign),
    )


def earlier_round_context(campaign, slug: str) -> dict:
    """ "Raised by N people in 2023 and M in 2024", when the campaign follows an earlier round
    whose analysis of this theme was reviewed."""
    counts = rounds.previous_theme_counts(campaign)
    previous = campaign.previous_round
    if not counts or slug not in counts or previous is None:
        return {}
    people, total = counts[slug]
    year = previous.starts_on.year if previous.starts_on else previous.name
    return {
        "earlier_round": {"year": year, "people": people, "total": total},
        "this_year": campaign.starts_on.year if campaign.starts_on else campaign.name,
        "this_total": queries.campaign_summary(campaign).people,
    }


@bp.get("/pledges/<int(max=2147483647):pledge_id>")
@cache.cached_page(campaign_key)
def show_pledge(pledge_id: int):
    pledge = queries.get_pledge(None, pledge_id)
    if pledge is None:
        abort(404, "There is no pledge with that number.")
    campaign = pledge.campaign
    return render_template(
        "assembly/show_pledge.html",
        pledge=pledge,
        charts=charts,
        format_value=charts.format_value,
        quotes=quotes.public_quotes(campaign.id, pledge_id=pledge.id),
        **common(campaign),
        **pledge_context(pledge),
    )


@bp.get("/pledges/events")
@cache.cached_page(campaign_key)
def list_events():
    campaign = public_campaign()
    return render_template(
        "assembly/list_events.html", events=queries.list_events(campaign), **common(campaign)
    )
