"""Approving a quote runs the redactor again: personal details need the reviewer's tick."""

from __future__ import annotations

import pytest

from listening.assembly import quotes
from listening.assembly.operations import AssemblyError
from listening.extensions import db

MISSED = "Olusegun told me the rent went up again"  # as an older redactor may have stored it


@pytest.fixture
def missed_quote(make_conversation, reviewer):
    response = make_conversation(texts=[MISSED]).responses[0]
    response.redacted_text = MISSED
    db.session.flush()
    return quotes.propose_quote(response, MISSED, reviewer, theme_slug="housing")


def test_approval_refuses_text_with_personal_details_and_names_them(missed_quote, reviewer):
    with pytest.raises(AssemblyError) as error:
        quotes.approve_quote(missed_quote, reviewer)
    assert error.value.field == "checked"
    assert "“Olusegun” (name)" in error.value.message
    assert missed_quote.status == "proposed"


def test_the_reviewers_tick_publishes_it(missed_quote, reviewer):
    assert quotes.approve_quote(missed_quote, reviewer, checked=True).status == "approved"


def test_clean_text_needs_no_tick(make_conversation, reviewer):
    response = make_conversation(texts=["Olusegun told me the rent went up again"]).responses[0]
    assert response.redacted_text == "[name] told me the rent went up again"
    quote = quotes.propose_quote(response, response.redacted_text, reviewer, theme_slug="housing")
    assert quotes.approve_quote(quote, reviewer).status == "approved"


def test_the_page_shows_the_error_by_the_tick_box(missed_quote, login, client, make_user):
    login(make_user("reviewer", organisation=None))
    refused = client.post(f"/staff/quotes/{missed_quote.id}/approve")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="checked-{missed_quote.id}-error"' in page
    assert "“Olusegun” (name)" in page
    assert f'aria-describedby="checked-{missed_quote.id}-error"' in page
    assert missed_quote.status == "proposed"
    ticked = client.post(f"/staff/quotes/{missed_quote.id}/approve", data={"checked": "y"})
    assert ticked.status_code == 303
    assert missed_quote.status == "approved"
