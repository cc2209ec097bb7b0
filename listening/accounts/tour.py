""" "What to do first": three steps per role, shown on the landing page after a user's first
sign-in until they dismiss it ("Got it"), and again from their account page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from listening.accounts import bp, operations
from listening.accounts.forms import ConfirmForm
from listening.accounts.models import User
from listening.extensions import db
from listening.i18n import N_
from listening.security import Role, safe_next


@dataclass(frozen=True)
class Step:
    link: str  # the link's text, unique on the page
    href: str
    text: str


# (link text, endpoint, what it is for), per role; links name their page, not the nav's words
STEPS = {
    Role.PARTNER: (
        (
            N_("Log your first conversation"),
            "intake.new_conversation",
            N_(
                "Fill in the form after each conversation. No signal? It stays on your phone and "
                "is sent later. Not finished? Save it as a draft."
            ),
        ),
        (
            N_("Continue drafts and send a spreadsheet"),
            "intake.list_conversations",
            N_(
                "Your drafts and what you have sent. Conversations on paper or in a spreadsheet: "
                "send the file to the engagement team, who import it in one go."
            ),
        ),
        (
            N_("See what it led to"),
            "assembly.show_partner",
            N_("The themes and pledges your organisation’s conversations fed into."),
        ),
    ),
    Role.REVIEWER: (
        (
            N_("Review the themes queue"),
            "themes.list_needs_review",
            N_(
                "Answers the model was unsure about: confirm or move each one, and the next run "
                "learns from it."
            ),
        ),
        (
            N_("Approve quotes"),
            "assembly.list_staff_quotes",
            N_("Only consented, anonymised quotes that you approve appear on the public tracker."),
        ),
        (
            N_("Post pledge updates"),
            "assembly.list_staff_pledges",
            N_("Tell the public what has happened on each pledge since the assembly."),
        ),
    ),
    Role.ADMIN: (
        (
            N_("Add the team’s users"),
            "accounts.list_users",
            N_(
                "Give each partner, reviewer and administrator their own sign-in, with the right "
                "role and organisation."
            ),
        ),
        (
            N_("Set up the organisations"),
            "intake.list_organisations",
            N_("The partners who facilitate conversations, and how far outreach to each has got."),
        ),
        (
            N_("Edit the campaign’s pages"),
            "pages.list_pages",
            N_("The accessibility statement, privacy notice and contact page the public reads."),
        ),
    ),
    Role.SAFEGUARDING_LEAD: (
        (
            N_("Open your cases"),
            "safeguarding.list_cases",
            N_(
                "Answers flagged as a possible disclosure in the campaigns you lead. Mark each "
                "one seen, then record what was done. You are emailed a link, never the answer "
                "itself."
            ),
        ),
        (
            N_("See what the public sees"),
            "assembly.list_pledges",
            N_(
                "Flagged answers never reach themes, quotes or these pages. A false alarm you "
                "release becomes an ordinary answer again."
            ),
        ),
        (
            N_("Check your account"),
            "accounts.show_account",
            N_("Change your password, and open these first steps again."),
        ),
    ),
}


HOME = {
    Role.PARTNER: "intake.new_conversation",
    Role.SAFEGUARDING_LEAD: "safeguarding.list_cases",
}


def home_endpoint(user: User) -> str:
    """Where signing in lands: the partner form, a lead's cases, or coverage for the
    engagement team."""
    return HOME.get(user.role, "intake.show_coverage")


def _href(endpoint: str, user: User) -> str:
    if endpoint == "assembly.show_partner":  # a partner with no organisation: the tracker
        if user.organisation_id is None:
            return url_for("assembly.list_pledges")
        return url_for(endpoint, organisation_id=user.organisation_id)
    return url_for(endpoint)


def steps_for(user: User) -> list[Step]:
    """The three steps for the user's role, with their links."""
    steps = STEPS.get(user.role, ())
    return [
        Step(gettext(link), _href(endpoint, user), gettext(text)) for link, endpoint, text in steps
    ]


@bp.app_context_processor
def _tour_on_landing_page() -> dict:
    """The steps, on the landing page, for a signed-in user who has not dismissed them."""
    if (
        has_request_context()  # a report rendered by the CLI has no request and no user
        and request.method == "GET"
        and current_user.is_authenticated
        and current_user.role in STEPS
        and current_user.tour_done_at is None
        and request.endpoint == home_endpoint(current_user)
    ):
        return {"tour_steps": steps_for(current_user), "tour_form": ConfirmForm()}
    return {}


@bp.get("/account/first-steps")
@login_required
def show_tour():
    return render_template(
        "accounts/tour.html", tour_steps=steps_for(current_user), tour_form=ConfirmForm()
    )


@bp.post("/account/first-steps/done")
@login_required
def finish_tour():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.show_tour"), code=303)  # an expired form: show again
    if current_user.tour_done_at is None:
        operations.finish_tour(current_user)
        db.session.commit()
        flash(gettext("You can see these steps again from your account page."), "info")
    back = safe_next(request.form.get("next")) or url_for(home_endpoint(current_user))
    return redirect(back, code=303)
