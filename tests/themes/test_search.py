"""Answer search: words in any order and form, on whichever database the suite runs on
(SQLite FTS5 here, PostgreSQL text search when LISTENING_TEST_DATABASE_URL points at it)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from listening.extensions import db
from listening.privacy import operations as privacy
from listening.themes import search

HOSTILE = [
    '"',
    '""',
    "'",
    "rent\"'",
    "rent AND",
    "AND OR NOT",
    "NEAR(rent high, 2)",
    "rent*",
    "*",
    "^rent",
    "rent:high",
    "redacted_text:rent",
    "(rent",
    "rent)",
    "-rent",
    "rent -high",
    "a" * 500,
    "rent " * 100,
    "%_\\",
    "&|!<->:*",
    "日本語 テスト",
    "مرحبا",
    "🏠🏠",
    "Straße",
    "\u200b\u00a0",
    "\ufffd",
]


@pytest.fixture
def campaign(make_campaign, make_conversation):
    campaign = make_campaign("search-test", boroughs=("Southwark",))
    campaign.made = [
        make_conversation(campaign, ["High rents push families out of the borough"]),
        make_conversation(campaign, ["The rent is high and wages are low", "Buses are late"]),
        make_conversation(campaign, ["Café closed; no place to meet"]),
        make_conversation(campaign, ["Rent is high everywhere"], status="draft"),
    ]
    return campaign


def _found(campaign, q) -> list[str]:
    return [r.redacted_text for r in search.search_responses(campaign.id, q)]


def test_words_in_any_order_and_form(campaign):
    both = {"High rents push families out of the borough", "The rent is high and wages are low"}
    assert set(_found(campaign, "rent high")) == both
    assert set(_found(campaign, "HIGH RENT")) == both
    assert _found(campaign, "rent wages") == ["The rent is high and wages are low"]
    assert _found(campaign, "family") == ["High rents push families out of the borough"]
    assert _found(campaign, "rent buses") == []  # every word, in one answer
    assert "Rent is high everywhere" not in _found(campaign, "rent")  # drafts are not searched


def test_edits_are_found_by_their_new_words_only(campaign):
    answer = campaign.made[1].responses[1]
    answer.redacted_text = "Trains are cancelled"
    db.session.flush()
    assert _found(campaign, "trains cancelled") == ["Trains are cancelled"]
    assert _found(campaign, "buses") == []


def _indexed(word: str) -> list[int]:
    """Row ids the SQLite index itself holds for a word (PostgreSQL has no separate index)."""
    if db.session.get_bind().dialect.name != "sqlite":
        return []
    match = f"SELECT rowid FROM {search.INDEX_TABLE} WHERE {search.INDEX_TABLE} MATCH :word"
    return list(db.session.scalars(text(match), {"word": word}))


def test_erased_answers_are_never_found(campaign):
    conversation = campaign.made[0]
    erased_id = conversation.responses[0].id
    assert _found(campaign, "families") and erased_id in (_indexed("families") or [erased_id])
    privacy.erase(privacy.collect(conversation), None)
    db.session.flush()
    assert _found(campaign, "families") == []
    assert erased_id not in _indexed("families")


@pytest.mark.parametrize("q", HOSTILE)
def test_any_input_is_safe(campaign, q):
    found = _found(campaign, q)
    assert all("rent" in t.lower() for t in found)


def test_fts5_query_quotes_every_word():
    assert search.query_words('rent "AND" NEAR(x*') == ["rent", "and", "near", "x"]
    assert search.fts5_query(["rent", "and"]) == '"rent" "and"'
    assert search.query_words("***") == []


def test_search_page_with_hostile_strings(client, login, make_user, campaign):
    login(make_user("reviewer"))
    for q in HOSTILE + ["high rent"]:
        page = client.get("/themes/search", query_string={"campaign": "search-test", "q": q})
        assert page.status_code == 200, q
    for raw in ("%ED%A0%80", "%00rent", "%FF%FE", "rent%22%20OR%20%22x"):  # bad UTF-8, NUL
        assert client.get(f"/themes/search?campaign=search-test&q={raw}").status_code == 200, raw
    page = client.get("/themes/search", query_string={"campaign": "search-test", "q": "rent high"})
    assert "2 answers with every word" in page.get_data(as_text=True)


def test_a_reviewers_search_never_shows_answers_that_are_not_cleared(
    campaign, client, login, make_user
):
    """Before: the word search showed flagged answers to reviewers (issue 19 §2)."""
    from listening.intake.safeguarding import detector
    from listening.intake.safeguarding import operations as safeguarding

    flagged = campaign.made[0].responses[0]
    found = [detector.Finding(True, "neglect", "rules")]
    safeguarding.flag_answers([flagged], found, "any", stamp=False)
    older = campaign.made[1].responses[0]
    older.safeguarding_version = "r0-older"  # screened by a detector since replaced
    db.session.flush()
    assert _found(campaign, "rent high") == []
    login(make_user("reviewer"))
    page = client.get("/themes/search", query_string={"campaign": "search-test", "q": "rent"})
    body = page.get_data(as_text=True)
    assert "push families" not in body and "wages are low" not in body
