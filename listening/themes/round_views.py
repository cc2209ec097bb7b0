"""Listening rounds compared (reviewers and admins): this round against the one it follows."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from listening.extensions import db
from listening.ids import parse_id
from listening.intake.campaigns import campaign_arg
from listening.publicity import min_count
from listening.security import staff_required
from listening.themes import bp, forms, rounds
from listening.themes.models import SubTheme

NEW = "new"
VIEWS = ("themes", "sub-themes", "boroughs", "groups")


@bp.get("/rounds")
@staff_required
def compare_rounds():
    campaign = campaign_arg()
    view = request.args.get("view", "themes")
    if view not in VIEWS:
        abort(400, f"view must be one of: {', '.join(VIEWS)}.")
    previous = rounds.previous_round(campaign)
    context = {
        "campaign": campaign,
        "previous": previous,
        "view": view,
        "views": VIEWS,
        "min_count": min_count(),
        "samples": rounds.BOOTSTRAP_SAMPLES,
    }
    if previous is not None:
        if view == "themes":
            context["changes"] = rounds.compare_themes(campaign)
        elif view == "sub-themes":
            changes, faded, pairs = rounds.compare_sub_themes(campaign)
            context.update(changes=changes, faded=faded, pairs=pairs)
            context["earlier"] = {s.id: s for s in rounds.earlier_sub_themes(campaign)}
        else:
            context["parts"] = rounds.breakdowns(
                campaign, "borough" if view == "boroughs" else "group"
            )
    return render_template("themes/compare_rounds.html", **context)


@bp.route("/rounds/sub-themes/<int(max=2147483647):sub_theme_id>", methods=["GET", "POST"])
@staff_required
def match_round(sub_theme_id: int):
    sub = db.get_or_404(SubTheme, sub_theme_id)
    campaign = sub.run.campaign
    earlier = rounds.earlier_sub_themes(campaign)
    if not earlier:
        abort(404, "This campaign follows no earlier round with an analysis.")
    form = forms.RoundMatchForm()
    form.previous.choices = [(NEW, "New in this round (continues nothing)")] + [
        (str(s.id), s.display_label) for s in earlier
    ]
    if form.validate_on_submit():
        chosen = parse_id(form.previous.data) if form.previous.data != NEW else None
        previous = next((s for s in earlier if s.id == chosen), None)
        rounds.set_match(sub, previous, current_user)
        db.session.commit()
        flash(
            f"“{sub.display_label}” now continues “{previous.display_label}”."
            if previous
            else f"“{sub.display_label}” is now new in this round.",
            "info",
        )
        return redirect(
            url_for("themes.compare_rounds", campaign=campaign.slug, view="sub-themes"), code=303
        )
    return render_template("themes/match_round.html", sub=sub, campaign=campaign, form=form)
