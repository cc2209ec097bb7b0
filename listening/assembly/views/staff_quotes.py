"""Reviewers choose quotes from consented, redacted answers, approve and withdraw them."""

from __future__ import annotations

from flask import abort, render_template, request, url_for

from listening.assembly import bp, forms, queries, quotes
from listening.assembly import models as m
from listening.assembly.views.common import actor, handle_form, staff_campaign
from listening.extensions import db
from listening.ids import parse_id
from listening.intake import screening
from listening.intake.models import Response
from listening.security import staff_required
from listening.themes.queries import public_theme_names as theme_names


@bp.get("/staff/quotes")
@staff_required
def list_staff_quotes():
    campaign = staff_campaign()
    listed = quotes.list_quotes(campaign.id)
    search = request.args.get("q", "")[:200]
    return render_template(
        "assembly/staff/list_quotes.html",
        campaign=campaign,
        search=search,
        candidates=quotes.eligible_responses(campaign.id, search) if search else [],
        quotes=listed,
        hidden={q.id for q in listed if not screening.is_cleared(q.response)},
        statuses=m.QUOTE_STATUSES,
        reasons=quotes.WITHDRAWN_REASONS,
        theme_names=theme_names(campaign.id),
    )


@bp.route("/staff/quotes/new", methods=["GET", "POST"])
@staff_required
def new_quote():
    response_id = parse_id(request.values.get("response_id"))
    response = db.session.get(Response, response_id) if response_id else None
    if response is None or not screening.is_cleared(response):  # flagged or not yet screened
        abort(404, "Choose an answer to quote first.")
    campaign = response.conversation.campaign
    form = forms.QuoteForm(response_id=response.id, text=response.redacted_text)
    form.theme.choices = [("", "No theme")] + list(theme_names(campaign.id).items())
    form.pledge.choices = [("", "No pledge")] + [
        (str(p.id), p.title) for p in queries.list_pledges(campaign)
    ]
    theme = request.args.get("theme", "")
    if request.method == "GET" and theme:
        form.theme.data = theme

    def propose():
        pledge = db.session.get(m.Pledge, int(form.pledge.data)) if form.pledge.data else None
        return quotes.propose_quote(
            response,
            form.text.data or "",
            actor(),
            theme_slug=form.theme.data or None,
            pledge=pledge,
        )

    return handle_form(
        form,
        propose,
        lambda _q: url_for("assembly.list_staff_quotes"),
        "Quote saved. It is not public until it is approved.",
        template="assembly/staff/new_quote.html",
        response=response,
        title="Choose a quote",
        back=url_for("assembly.list_staff_quotes"),
        submit="Save quote",
    )


@bp.route("/staff/quotes/<int(max=2147483647):quote_id>/approve", methods=["GET", "POST"])
@staff_required
def approve_quote(quote_id: int):
    quote = db.session.get(m.Quote, quote_id) or abort(404)
    if not quotes.eligible(quote.response):
        abort(404, "This answer can no longer be quoted.")
    form = forms.ApproveQuoteForm()
    return handle_form(
        form,
        lambda: quotes.approve_quote(quote, actor(), form.confirmed()),
        lambda _q: url_for("assembly.list_staff_quotes"),
        "Quote published.",
        template="assembly/staff/approve_quote.html",
        quote=quote,
        findings=quotes.personal_details(quote.text, quote.response.language),
        title="Approve a quote",
        back=url_for("assembly.list_staff_quotes"),
        submit="Approve and publish",
    )
