"""Public JSON for pledges and themes (open data, no login). Small counts are suppressed.

Every response names its licence. Pledges come a page at a time: `?page=` (from 1) and
`?per_page=` (1 to MAX_PER_PAGE, default DEFAULT_PER_PAGE), with `total`, `pages` and
absolute `next`/`prev` links (null at either end), also sent as a Link header.
Unknown filter or paging values get 400 with a message, never an empty list.
"""

from __future__ import annotations

from flask import abort, jsonify, request

from listening.assembly import api_bp, cache, opendata, queries
from listening.assembly.views.public import campaign_key, public_campaign, read_filters
from listening.assembly.views.reuse import open_data
from listening.ids import query_int
from listening.urls import public_url

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


def _page_url(page: int, per_page: int) -> str:
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    return public_url("assembly_api.list_public_pledges", **args, page=page, per_page=per_page)


@api_bp.get("/pledges")
@open_data
@cache.cached_page(campaign_key)
def list_public_pledges():
    """Pledges with theme slugs, status, progress, signatories, actions, metrics and updates."""
    campaign = public_campaign()
    filters = read_filters(campaign, strict=True)
    per_page = query_int("per_page", DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)
    page = query_int("page", 1)
    pledges = queries.list_pledges(campaign, filters)
    pages = max(1, -(-len(pledges) // per_page))
    if page > pages:
        abort(400, f"page must be from 1 to {pages}.")
    shown = pledges[(page - 1) * per_page : page * per_page]
    links = {
        "next": _page_url(page + 1, per_page) if page < pages else None,
        "prev": _page_url(page - 1, per_page) if page > 1 else None,
    }
    response = jsonify(
        campaign=campaign.slug,
        attribution=campaign.attribution or None,
        licence=opendata.licence(),
        total=len(pledges),
        count=len(shown),
        page=page,
        per_page=per_page,
        pages=pages,
        **links,
        pledges=[
            opendata.pledge_dict(p, public_url("assembly.show_pledge", pledge_id=p.id))
            for p in shown
        ],
    )
    link_header = [f'<{url}>; rel="{rel}"' for rel, url in links.items() if url]
    if link_header:
        response.headers["Link"] = ", ".join(link_header)
    return response


@api_bp.get("/pledges/<int(max=2147483647):pledge_id>")
@open_data
def show_public_pledge(pledge_id: int):
    pledge = queries.get_pledge(None, pledge_id)
    if pledge is None:
        return jsonify(error="Not Found", message="There is no pledge with that number."), 404
    url = public_url("assembly.show_pledge", pledge_id=pledge.id)
    return jsonify({**opendata.pledge_dict(pledge, url), "licence": opendata.licence()})


@api_bp.get("/themes")
@open_data
@cache.cached_page(campaign_key)
def list_public_themes():
    """Public aggregates per theme (null plus a `_suppressed` flag for small counts)."""
    return jsonify({**opendata.themes_payload(public_campaign()), "licence": opendata.licence()})
