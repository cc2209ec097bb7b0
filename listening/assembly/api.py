"""Public JSON for pledges and themes (open data, no login). Small counts are suppressed."""

from __future__ import annotations

from flask import jsonify

from listening.api import bp
from listening.assembly import cache, opendata, queries
from listening.assembly.views.public import campaign_key, public_campaign, read_filters
from listening.urls import public_url


@bp.get("/pledges")
@cache.cached_page(campaign_key)
def list_public_pledges():
    """Pledges with theme slugs, status, progress, signatories, actions, metrics and updates."""
    campaign = public_campaign()
    pledges = queries.list_pledges(campaign, read_filters(campaign))
    items = [
        opendata.pledge_dict(p, public_url("assembly.show_pledge", pledge_id=p.id)) for p in pledges
    ]
    return jsonify(
        campaign=campaign.slug,
        attribution=campaign.attribution or None,
        count=len(items),
        pledges=items,
    )


@bp.get("/pledges/<int(max=2147483647):pledge_id>")
def show_public_pledge(pledge_id: int):
    pledge = queries.get_pledge(None, pledge_id)
    if pledge is None:
        return jsonify(error="Not Found", message="There is no pledge with that number."), 404
    url = public_url("assembly.show_pledge", pledge_id=pledge.id)
    return jsonify(opendata.pledge_dict(pledge, url))


@bp.get("/themes")
@cache.cached_page(campaign_key)
def list_public_themes():
    """Public aggregates per theme ("fewer than 5" for small counts)."""
    return jsonify(opendata.themes_payload(public_campaign()))
