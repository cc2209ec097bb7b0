"""The one "campaign from the request" reader every feature's views use."""

from __future__ import annotations

import re

from flask import abort, current_app, request

from listening.intake.models import Campaign
from listening.intake.operations import default_campaign, get_campaign

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
NO_CAMPAIGN = "There is no campaign yet. An administrator must create one."


def campaign_arg(
    *, lenient: bool = False, required: bool = True, missing: str = NO_CAMPAIGN
) -> Campaign | None:
    """The campaign named by `campaign` in the query string, else the configured default.

    Strict (public and review pages, `?campaign=` in a link): an unknown or malformed name is a
    404. Lenient (staff and partner forms, which also post the name): the form's value counts
    too, and an unknown name falls back to the default. With nothing to show: a 404 saying
    `missing`, or None when not `required`.
    """
    slug = ((request.values if lenient else request.args).get("campaign") or "").strip()
    campaign = get_campaign(slug) if SLUG.match(slug) else None
    if slug and campaign is None and not lenient:
        abort(404, "There is no campaign with that name.")
    campaign = campaign or default_campaign(current_app.config["DEFAULT_CAMPAIGN"])
    if campaign is None and required:
        abort(404, missing)
    return campaign
