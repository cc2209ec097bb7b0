"""Quote publishing: only consented, redacted, approved text reaches the public, ever."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listening.assembly import operations as ops
from listening.assembly import quotes, quotetext
from listening.extensions import db

REDACTED = "My landlord [NAME] ignores the leak and the mould is back in the kids' room."


@pytest.mark.parametrize(
    "published",
    [
        REDACTED,
        "My landlord [NAME] ignores the leak [...] in the kids' room.",
        "[The] landlord [NAME] ignores the leak and the mould is back in the [children's] room.",
        "[…] the mould is back in the kids' room.",
        "My   landlord [NAME] ignores the leak and the mould is back in the kids' room.  ",
    ],
)
def test_bracketed_edits_are_accepted(published):
    assert quotetext.matches(published, REDACTED)
    assert quotetext.check(published, REDACTED)


@pytest.mark.parametrize(
    "published",
    [
        "My landlord Dave ignores the leak and the mould is back in the kids' room.",  # name back
        "My landlord [NAME] ignores the leak and the mould is back in the kids room.",  # edited
        "the mould is back in the kids' room.",  # cut without a bracket
        "My landlord [NAME] ignores the leak and the mould is back in the kids' room. Awful.",
        "My landlord [NAME] ignores the leak and the mould is back [in the kids' room.",
        "My landlord [NAME]] ignores the leak and the mould is back in the kids' room.",
        "My landlord [[NAME]] ignores the leak and the mould is back in the kids' room.",
        "",
    ],
)
def test_edits_outside_brackets_are_refused(published):
    assert not quotetext.matches(published, REDACTED)
    with pytest.raises(quotetext.QuoteTextError):
        quotetext.check(published, REDACTED)


def test_a_quote_cannot_be_mostly_the_editors_words():
    with pytest.raises(quotetext.QuoteTextError, match="own words"):
        quotetext.check("[Everything here is invented by the editor] room.", REDACTED)


words = st.lists(
    st.sampled_from(["rent", "mould", "kids", "late", "bus", "the", "is"]), min_size=1, max_size=12
)


@settings(max_examples=150, deadline=None)
@given(words, st.data())
def test_removing_bracketed_spans_matches_for_any_split(tokens, data):
    """Replace random runs of words with bracketed text: always valid."""
    text = " ".join(tokens)
    out, i = [], 0
    while i < len(tokens):
        if data.draw(st.booleans()):
            j = data.draw(st.integers(i + 1, len(tokens)))
            out.append("[…]")
            i = j
        else:
            out.append(tokens[i])
            i += 1
    assert quotetext.matches(" ".join(out), text)


@settings(max_examples=150, deadline=None)
@given(words, st.sampled_from(["Sam", "07700900123", "sam@example.org"]), st.data())
def test_inserting_unbracketed_words_never_matches(tokens, extra, data):
    text = " ".join(tokens)
    position = data.draw(st.integers(0, len(tokens)))
    changed = " ".join([*tokens[:position], extra, *tokens[position:]])
    assert not quotetext.matches(changed, text)


# ------------------------------------------------------------------ publishing, with the database

PII_ANSWERS = [
    "My name is Sarah Okoye and the landlord at 14 Elm Road, Peckham SE15 4QT ignores the mould.",
    "Call me on 07700 900123 or email sarah.okoye@example.com, the damp is making my son ill.",
    "John Smith from the council never rings back about the rent arrears.",
]


def test_only_approved_redacted_consented_text_is_public(
    make_conversation, make_pledge, reviewer, client
):
    conversation = make_conversation(texts=PII_ANSWERS)
    unconsented = make_conversation(
        texts=["Unconsented landlord story about mould."], consent=False
    )
    draft = make_conversation(texts=["Draft landlord story about mould."], status="draft")
    for response in conversation.responses:
        assert response.redacted_text != response.text  # the redactor removed something
    first, second, third = conversation.responses
    quotes.propose_quote(first, first.redacted_text, reviewer, theme_slug="housing")
    approved = quotes.propose_quote(second, second.redacted_text, reviewer, theme_slug="housing")
    quotes.approve_quote(approved, reviewer, quotes.CHECKLIST)
    withdrawn = quotes.propose_quote(third, third.redacted_text, reviewer, theme_slug="housing")
    quotes.approve_quote(withdrawn, reviewer, quotes.CHECKLIST)
    quotes.withdraw_quote(withdrawn, reviewer)
    for response in (unconsented.responses[0], draft.responses[0]):
        with pytest.raises(ops.AssemblyError, match="cannot be quoted"):
            quotes.propose_quote(response, response.redacted_text, reviewer, theme_slug="housing")
    db.session.commit()

    public = [
        client.get("/pledges/themes/housing").get_data(as_text=True),
        client.get("/api/v1/themes").get_data(as_text=True),
        client.get("/pledges").get_data(as_text=True),
    ]
    page = public[0]
    assert _html(second.redacted_text) in page
    assert _html(first.redacted_text) not in page  # proposed only
    assert _html(third.redacted_text) not in page  # withdrawn
    for text in public:
        for secret in (
            "Sarah",
            "Okoye",
            "07700",
            "900123",
            "sarah.okoye@example.com",
            "14 Elm Road",
            "John Smith",
            "Unconsented",
            "Draft landlord",
        ):
            assert secret not in text


def test_unredacted_text_is_refused_and_brackets_cannot_add_personal_details(
    make_conversation, reviewer
):
    response = make_conversation(texts=[PII_ANSWERS[1]]).responses[0]
    with pytest.raises(ops.AssemblyError) as caught:
        quotes.propose_quote(response, response.text, reviewer, theme_slug="housing")
    assert caught.value.field == "text"
    with pytest.raises(ops.AssemblyError, match=r"square brackets\] must not contain"):
        quotes.propose_quote(
            response,
            response.redacted_text + " [ring 07700 900123]",
            reviewer,
            theme_slug="housing",
        )


def test_withdrawing_consent_later_unpublishes(make_conversation, reviewer, client):
    conversation = make_conversation(texts=["The damp and the mould are back every winter."])
    quote = quotes.propose_quote(
        conversation.responses[0],
        "The damp and the mould are back [every winter].",
        reviewer,
        theme_slug="housing",
    )
    quotes.approve_quote(quote, reviewer, quotes.CHECKLIST)
    db.session.commit()
    assert "are back [every winter]" in client.get("/pledges/themes/housing").get_data(as_text=True)
    conversation.consent_to_quote = False
    db.session.commit()
    assert "are back" not in client.get("/pledges/themes/housing").get_data(as_text=True)
    assert quotes.public_quotes(conversation.campaign_id, theme_slug="housing") == []


def test_quote_no_longer_matching_its_answer_is_hidden(make_conversation, reviewer):
    conversation = make_conversation(texts=["The damp and the mould are back every winter."])
    response = conversation.responses[0]
    quote = quotes.approve_quote(
        quotes.propose_quote(response, response.redacted_text, reviewer, theme_slug="housing"),
        reviewer,
        quotes.CHECKLIST,
    )
    response.redacted_text = "[REDACTED]"  # e.g. re-redacted after a complaint
    db.session.flush()
    assert quotes.public_quotes(conversation.campaign_id, theme_slug="housing") == []
    with pytest.raises(ops.AssemblyError, match="has changed"):
        quotes.approve_quote(quote, reviewer, quotes.CHECKLIST)


def test_reviewer_chooses_and_approves_a_quote_through_the_pages(
    make_conversation, make_user, login, client, app
):
    response = make_conversation(texts=["The mould is back in the kids' room again."]).responses[0]
    login(make_user("reviewer", organisation=None))
    page = client.get("/staff/quotes?q=mould").get_data(as_text=True)
    assert f"/staff/quotes/new?response_id={response.id}" in page
    bad = client.post(
        "/staff/quotes/new",
        data={
            "response_id": response.id,
            "text": "The mould is back in Sam's room again.",
            "theme": "housing",
            "pledge": "",
        },
    )
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "Put any edits inside [square brackets]" in body
    assert "The mould is back in Sam&#39;s room again." in body  # what was typed is kept
    ok = client.post(
        "/staff/quotes/new",
        data={
            "response_id": response.id,
            "text": "The mould is back in the [children's] room again.",
            "theme": "housing",
            "pledge": "",
        },
    )
    assert ok.status_code == 303
    assert "children" not in app.test_client().get("/pledges/themes/housing").get_data(as_text=True)
    quote = quotes.list_quotes(response.conversation.campaign_id)[0]
    ticks = {"no_personal_details": "y", "no_risk_of_harm": "y"}
    assert client.post(f"/staff/quotes/{quote.id}/approve", data=ticks).status_code == 303
    anonymous = app.test_client()
    page = anonymous.get("/pledges/themes/housing").get_data(as_text=True)
    assert "in the [children&#39;s] room" in page


def _html(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
