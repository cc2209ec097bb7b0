"""Follow a pledge or a theme by email: ask, confirm by a signed link, unsubscribe in one click."""

from __future__ import annotations

import hashlib
import re

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale

from listening import jobs, ratelimit
from listening.assembly import queries
from listening.extensions import csrf, db
from listening.follow import bp, operations, tasks, tokens
from listening.follow.forms import FollowForm
from listening.intake import operations as intake_operations
from listening.themes.queries import public_theme_names as theme_names

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@bp.record_once
def _connect(_state) -> None:
    tasks.connect()


@bp.route("/pledges/<int(max=2147483647):pledge_id>", methods=["GET", "POST"])
def new_pledge_follow(pledge_id: int):
    pledge = queries.get_pledge(None, pledge_id)
    if pledge is None:
        abort(404, "There is no pledge with that number.")
    form = FollowForm()
    if form.validate_on_submit():
        subscription = operations.start_following(
            form.email.data, pledge=pledge, purge_after_days=_confirm_days(), locale=_locale()
        )
        return _started(subscription)
    return render_template("follow/new_follow.html", form=form, pledge=pledge)


@bp.route("/themes/<slug>", methods=["GET", "POST"])
def new_theme_follow(slug: str):
    campaign = _campaign()
    names = theme_names(campaign.id)
    if slug not in names:
        abort(404, "There is no theme with that name.")
    form = FollowForm()
    if form.validate_on_submit():
        subscription = operations.start_following(
            form.email.data,
            campaign=campaign,
            theme_slug=slug,
            purge_after_days=_confirm_days(),
            locale=_locale(),
        )
        return _started(subscription)
    return render_template(
        "follow/new_follow.html", form=form, campaign=campaign, slug=slug, theme_name=names[slug]
    )


def _locale() -> str:
    return str(get_locale() or "en")


@bp.get("/check-your-email")
def show_check_email():
    return render_template("follow/check_email.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    subscription = operations.find(tokens.read_confirm(token))
    if subscription is None:
        return render_template("follow/bad_link.html", kind="confirm"), 400
    if request.method == "POST":  # a button, so a mail scanner fetching the link confirms nothing
        operations.confirm(subscription)
        db.session.commit()
        return render_template("follow/confirmed.html")
    return render_template("follow/confirm.html", token=token)


@csrf.exempt
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET asks; POST (our button, or a mail client's RFC 8058 one-click POST) unsubscribes.
    The signed token is the credential, so this POST needs no CSRF token."""
    pair = tokens.read_unsubscribe(token)
    if pair is None:
        return render_template("follow/bad_link.html", kind="unsubscribe"), 400
    subscription = operations.find(pair)
    if request.method == "GET":
        return render_template("follow/unsubscribe.html", token=token, found=subscription)
    if subscription is not None:
        operations.unsubscribe(subscription)
        db.session.commit()
    return render_template("follow/unsubscribed.html")


def _started(subscription):
    send = subscription.confirmed_at is None and _within_limit(subscription.email)
    db.session.commit()
    if send:
        jobs.enqueue(tasks.send_confirmation_job, subscription.id)
    # the same answer whether or not the address already followed this: it reveals nothing
    return redirect(url_for("follow.show_check_email"), 303)


def _confirm_days() -> int:
    return int(current_app.config["FOLLOW_CONFIRM_DAYS"])


def _within_limit(email: str) -> bool:
    """Whether one more confirmation email may go to this address (anyone can type it), on
    behalf of this client (one client typing a thousand addresses floods a thousand inboxes
    and spends the sender's reputation)."""
    to_address = "follow:" + hashlib.sha256(email.encode()).hexdigest()[:40]
    from_client = "follow:client:" + (request.remote_addr or "-")[:80]
    for bucket, key in (
        (to_address, "FOLLOW_CONFIRM_RATE_LIMIT"),
        (from_client, "FOLLOW_CONFIRM_PER_CLIENT_LIMIT"),
    ):
        limit = ratelimit.parse_limit(current_app.config[key])
        if limit is not None and ratelimit.hit(bucket, limit) is not None:
            return False
    return True


def _campaign():
    slug = request.args.get("campaign", "")
    if slug and not SLUG.match(slug):
        abort(404, "There is no campaign with that name.")
    if slug:
        campaign = intake_operations.get_campaign(slug)
    else:
        campaign = intake_operations.default_campaign(current_app.config["DEFAULT_CAMPAIGN"])
    if campaign is None:
        abort(404, "There is no campaign with that name.")
    return campaign
