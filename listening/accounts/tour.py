""""What to do first": three steps per role, shown on the landing page after a user's first
sign-in until they dismiss it ("Got it"), and again from their account page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from listening.accounts import bp, operations
from listening.accounts.forms import ConfirmForm
from listening.accounts.models import User
from listening.extensions import db
from listening.security import Role, safe_next


@dataclass(frozen=True)
class Step:
    link: str  # the link's text, unique on the page
    endpoint: str
    text: str
    args: tuple[tuple[str, int], ...] = ()

    def href(self) -> str:
        return url_for(self.endpoint, **dict(self.args))


def home_endpoint(user: User) -> str:
    """Where signing in lands: the partner form, or coverage for the engagement team."""
    return "intake.new_conversation" if user.role == Role.PARTNER else "intake.show_coverage"


def steps_for(user: User) -> list[Step]:
    if user.role == Role.ADMIN:
        return [
            Step("Add the team’s users", "accounts.list_users", "Give each partner, reviewer "
                 "and administrator their own sign-in, with the right role and organisation."),
            Step("Set up the organisations", "intake.list_organisations", "The partners who "
                 "facilitate conversations, and how far outreach to each has got."),
            Step("Edit the campaign’s pages", "pages.list_pages", "The accessibility statement, "
                 "privacy notice and contact page the public reads."),
        ]
    if user.role == Role.REVIEWER:
        return [
            Step("Review the themes queue", "themes.list_needs_review", "Answers the model "
                 "was unsure about: confirm or move each one, and the next run learns from it."),
            Step("Approve quotes", "assembly.list_staff_quotes", "Only consented, anonymised "
                 "quotes that you approve appear on the public tracker."),
            Step("Post pledge updates", "assembly.list_staff_pledges", "Tell the public what "
                 "has happened on each pledge since the assembly."),
        ]
    led_to = (
        Step("See what it led to", "assembly.show_partner", "The themes and pledges your "
             "organisation’s conversations fed into.", (("organisation_id", user.organisation_id),))
        if user.organisation_id
        else Step("See what it led to", "assembly.list_pledges", "The pledges leaders signed "
                  "after hearing what people said.")
    )
    return [
        Step("Log your first conversation", "intake.new_conversation", "Fill in the form after "
             "each conversation. No signal? It stays on your phone and is sent later. Not "
             "finished? Save it as a draft."),
        Step("Continue drafts and send a spreadsheet", "intake.list_conversations", "Your drafts "
             "and what you have sent. Conversations on paper or in a spreadsheet: send the file "
             "to the engagement team, who import it in one go."),
        led_to,
    ]


@bp.app_context_processor
def _tour_on_landing_page() -> dict:
    """The steps, on the landing page, for a signed-in user who has not dismissed them."""
    if (
        request.method == "GET"
        and current_user.is_authenticated
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
        flash("You can see these steps again from your account page.", "info")
    back = safe_next(request.form.get("next")) or url_for(home_endpoint(current_user))
    return redirect(back, code=303)
