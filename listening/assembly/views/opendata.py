"""Open data: the page that lists it, CSV downloads and the Atom feed of progress updates."""

from __future__ import annotations

from flask import Response, abort, render_template

from listening import csvutil
from listening.assembly import bp, cache, feeds, opendata, queries
from listening.assembly.views.public import campaign_key, common, public_campaign
from listening.urls import public_url


@bp.get("/open-data")
@cache.cached_page(campaign_key)
def show_open_data():
    campaign = public_campaign()
    return render_template("assembly/open_data.html", **common(campaign))


@bp.get("/open-data/<name>.csv")
def download_csv(name: str):
    campaign = public_campaign()
    pledges = queries.list_pledges(campaign)
    tables = {
        "pledges": (opendata.PLEDGE_CSV_HEADER, lambda: opendata.pledge_rows(pledges)),
        "updates": (opendata.UPDATE_CSV_HEADER, lambda: opendata.update_rows(pledges)),
        "readings": (opendata.READING_CSV_HEADER, lambda: opendata.reading_rows(pledges)),
        "themes": (opendata.THEME_CSV_HEADER, lambda: opendata.theme_rows(campaign)),
    }
    if name not in tables:
        abort(404, "There is no download with that name.")
    header, rows = tables[name]
    return csvutil.csv_response(f"{campaign.slug}-{name}.csv", header, rows())


@bp.get("/pledges/updates.atom")
@cache.cached_page(campaign_key)
def show_updates_feed():
    campaign = public_campaign()
    body = feeds.updates_feed(
        campaign,
        queries.recent_updates(campaign),
        self_url=public_url("assembly.show_updates_feed"),
        site_url=public_url("assembly.list_pledges"),
        pledge_url=lambda pledge_id: public_url("assembly.show_pledge", pledge_id=pledge_id),
    )
    return Response(body, mimetype="application/atom+xml")
