"""Approving a quote always asks for the reviewer's checklist; the redactor's findings are
shown as warnings above it (issue 19 §2)."""

from __future__ import annotations

import pytest

from listening.assembly import quotes
from listening.assembly.operations import AssemblyError
from listening.extensions import db

MISSED = "Olusegun told me the rent went up again"  # as an older redactor may have stored it
TICKS = {"no_personal_details": "y", "no_risk_of_harm": "y"}


@pytest.fixture
def missed_quote(make_conversation, reviewer):
    response = make_conversation(texts=[MISSED]).responses[0]
    response.redacted_text = MISSED
    db.session.flush()
    return quotes.propose_quote(response, MISSED, reviewer, theme_slug="housing")


@pytest.fixture
def clean_quote(make_conversation, reviewer):
    response = make_conversation(texts=["The rent went up again and the damp is back"]).responses[0]
    return quotes.propose_quote(response, response.redacted_text, reviewer, theme_slug="housing")


def test_a_clean_quote_is_not_published_without_both_ticks(clean_quote, reviewer):
    """Before: a quote the redactor found nothing in was published with no question asked."""
    assert not quotes.personal_details(clean_quote.text)
    for ticked in ((), ("no_personal_details",), ("no_risk_of_harm",)):
        with pytest.raises(AssemblyError) as error:
            quotes.approve_quote(clean_quote, reviewer, ticked)
        assert error.value.field in quotes.CHECKLIST and error.value.field not in ticked
        assert clean_quote.status == "proposed"
    assert quotes.approve_quote(clean_quote, reviewer, quotes.CHECKLIST).status == "approved"


def test_the_checklist_page_asks_every_time_with_errors_by_each_box(
    clean_quote, login, client, make_user
):
    login(make_user("reviewer", organisation=None))
    page = client.get(f"/staff/quotes/{clean_quote.id}/approve").get_data(as_text=True)
    for words in quotes.CHECKLIST.values():
        assert words in page
    assert 'id="quote-findings"' not in page  # nothing found: no warning
    refused = client.post(
        f"/staff/quotes/{clean_quote.id}/approve", data={"no_personal_details": "y"}
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'id="no_risk_of_harm-error"' in body
    assert "Confirm nothing suggests someone is at risk of harm" in body
    assert 'id="no_personal_details-error"' not in body
    assert 'name="no_personal_details" type="checkbox" value="y" checked' in body  # kept
    assert clean_quote.status == "proposed"
    assert client.post(f"/staff/quotes/{clean_quote.id}/approve", data=TICKS).status_code == 303
    assert clean_quote.status == "approved"


def test_the_redactors_findings_are_warnings_above_the_checklist(
    missed_quote, login, client, make_user
):
    login(make_user("reviewer", organisation=None))
    page = client.get(f"/staff/quotes/{missed_quote.id}/approve").get_data(as_text=True)
    assert 'id="quote-findings"' in page
    assert "“Olusegun” (name)" in page
    assert page.index("quote-findings") < page.index('name="no_personal_details"')
    assert client.post(f"/staff/quotes/{missed_quote.id}/approve", data=TICKS).status_code == 303
    assert missed_quote.status == "approved"


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        (
            "The head teacher at Greenvale Primary told us the breakfast club is closing",
            "“The head teacher at Greenvale Primary” (role at place)",
        ),
        (
            "We are the only Eritrean family in Marsh House and everyone knows us",
            "“the only Eritrean family in Marsh House” (identifying description)",
        ),
    ],
)
def test_what_the_redactor_flags_but_keeps_is_a_warning_on_the_checklist(
    said, shown, make_conversation, reviewer, login, client, make_user
):
    """Redactor 4 reports a named role at a named place and a uniquely identifying description
    without replacing them: the reviewer who approves the quote is warned about them."""
    response = make_conversation(texts=[said]).responses[0]
    assert response.redacted_text == said  # kept in the text, for the reviewer to judge
    quote = quotes.propose_quote(response, said, reviewer, theme_slug="housing")
    login(make_user("reviewer", organisation=None))
    page = client.get(f"/staff/quotes/{quote.id}/approve").get_data(as_text=True)
    assert 'id="quote-findings"' in page and shown in page
