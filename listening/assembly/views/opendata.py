"""Open data: the page that lists it, CSV downloads, datapackage.json and the Atom feed."""

from __future__ import annotations

from functools import wraps

from flask import Response, abort, jsonify, make_response, render_template, request

from listening import csvutil
from listening.assembly import bp, cache, datapackage, feeds, opendata, queries
from listening.assembly.views.public import campaign_key, common, public_campaign
from listening.assembly.views.reuse import open_data
from listening.urls import public_url


@bp.get("/open-data")
@cache.cached_page(campaign_key)
def show_open_data():
    campaign = public_campaign()
    return render_template(
        "assembly/open_data.html",
        licence=opendata.licence(),
        tables=datapackage.TABLES,
        **common(campaign),
    )


@bp.get("/open-data/<name>.csv")
@open_data
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


@bp.get("/open-data/datapackage.json")
@open_data
@cache.cached_page(campaign_key)
def show_datapackage():
    """A Frictionless Data Package: every CSV with its Table Schema, and the licence."""
    campaign = public_campaign()
    slug = request.args.get("campaign")

    def path_for(name: str) -> str:
        # Relative paths resolve next to this file; another campaign's CSVs need the query.
        if not slug:
            return f"{name}.csv"
        return public_url("assembly.download_csv", name=name, campaign=slug)

    homepage = public_url("assembly.show_open_data", **({"campaign": slug} if slug else {}))
    return jsonify(datapackage.package(campaign, opendata.licence(), path_for, homepage))


def _for_browsers(view):
    """A browser opening the feed gets it as application/xml, the type browsers apply the
    feed's XSLT stylesheet to (they show application/atom+xml as text or download it); feed
    readers, which ask for Atom or for anything, get application/atom+xml. Same body."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.vary.add("Accept")
        offered = request.accept_mimetypes.best_match([ATOM_TYPE, "text/html"])
        if response.status_code == 200 and offered == "text/html":
            response.mimetype = "application/xml"
        return response

    return wrapped


ATOM_TYPE = "application/atom+xml"


@bp.get("/pledges/updates.atom")
@open_data
@_for_browsers
@cache.cached_page(campaign_key)
def show_updates_feed():
    campaign = public_campaign()
    body = feeds.updates_feed(
        campaign,
        queries.recent_updates(campaign),
        self_url=public_url("assembly.show_updates_feed"),
        site_url=public_url("assembly.list_pledges"),
        pledge_url=lambda pledge_id: public_url("assembly.show_pledge", pledge_id=pledge_id),
        licence=opendata.licence(),
    )
    return Response(body, mimetype=ATOM_TYPE)
