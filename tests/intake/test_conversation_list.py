"""The conversations list at scale: the true count, pages, filters from the query string (bad
values get a message beside the field, never a 500), snippets and sorting by date."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from html import unescape

import pytest

from listening.extensions import db
from listening.intake.models import Conversation, Response

LIST = "/intake/conversations"


@pytest.fixture
def world(make_campaign, make_user):
    campaign = make_campaign()
    partner_a = make_user("partner", "Peckham Community Centre")
    partner_b = make_user("partner", "Bexley Youth Club")
    reviewer = make_user("reviewer", None)
    db.session.flush()
    areas = {a.slug: a for a in campaign.areas}
    groups = {g.slug: g for g in campaign.groups}
    made = []
    # 60 conversations: 40 of A in Southwark, 20 of B in Bexley; dates a day apart from 1 July
    # 2023; every 5th names young people; one mentions 100% rent rise. Plus a draft of each
    # partner, which the list never shows (drafts have their own section).
    for i in range(60):
        partner = partner_a if i < 40 else partner_b
        text = f"Answer number {i}: the rent and the bills." if i != 7 else "A 100% rent rise."
        conversation = Conversation(
            uuid=str(uuid.uuid4()),
            campaign=campaign,
            area=areas["southwark" if i < 40 else "bexley"],
            organisation=partner.organisation,
            held_on=date(2023, 7, 1) + timedelta(days=i),
            format="small-group",
            people_count=3,
            status="submitted",
            groups=[groups["young-people"]] if i % 5 == 0 else [],
            responses=[
                Response(position=0, text=text + " Call Jane on 07700 900123.", redacted_text=text)
            ],
        )
        db.session.add(conversation)
        made.append(conversation)
    for partner in (partner_a, partner_b):
        db.session.add(
            Conversation(
                uuid=str(uuid.uuid4()),
                campaign=campaign,
                organisation=partner.organisation,
                status="draft",
                responses=[Response(position=0, text="Half typed rent", redacted_text="Half")],
            )
        )
    db.session.commit()
    return campaign, partner_a, partner_b, reviewer, made


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(response.get_data(as_text=True))


def count_in(html: str) -> int:
    match = re.search(r'id="count">([\d,]+) conversation', html)
    assert match, "no count heading"
    return int(match.group(1).replace(",", ""))


def shown(html: str) -> list[str]:
    return re.findall(r'href="/intake/conversations/([0-9a-f-]{36})"', html)


def test_staff_see_the_true_count_and_pages_of_25(client, login, world):
    *_, reviewer, made = world
    login(reviewer)
    first = body(client.get(LIST))
    assert count_in(first) == 60
    assert len(shown(first)) == 25
    assert "page 1 of 3" in first and 'aria-current="page"' in first
    third = body(client.get(LIST + "?page=3"))
    assert len(shown(third)) == 10
    assert not set(shown(first)) & set(shown(third))
    # every conversation on exactly one page
    second = body(client.get(LIST + "?page=2"))
    assert set(shown(first) + shown(second) + shown(third)) == {c.uuid for c in made}
    # a page past the end is the last page; nonsense is a 400 that names the parameter
    assert shown(body(client.get(LIST + "?page=99"))) == shown(third)
    for bad in ("abc", "-2", "²"):
        response = client.get(LIST + f"?page={bad}")
        assert response.status_code == 400
        assert "page must be a whole number" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("borough=bexley", lambda i, c: i >= 40),
        ("group=young-people", lambda i, c: i % 5 == 0),
        ("date_from=2023-07-11&date_to=2023-07-20", lambda i, c: 10 <= i <= 19),
        ("q=100%25", lambda i, c: i == 7),  # "%" is a character, not a wildcard
        ("q=RENT+AND", lambda i, c: i != 7),
        (
            "borough=southwark&group=young-people",
            lambda i, c: i < 40 and i % 5 == 0,
        ),
    ],
)
def test_each_filter_narrows_the_list(client, login, world, query, expected):
    *_, reviewer, made = world
    login(reviewer)
    html = body(client.get(f"{LIST}?{query}&sort=oldest"))
    wanted = [c.uuid for i, c in enumerate(made) if expected(i, c)]
    assert count_in(html) == len(wanted)
    assert shown(html) == wanted[:25]


def test_the_organisation_filter(client, login, world):
    _campaign, _a, partner_b, reviewer, made = world
    login(reviewer)
    html = body(client.get(f"{LIST}?organisation={partner_b.organisation_id}"))
    assert count_in(html) == 20
    assert set(shown(html)) == {c.uuid for c in made[40:]}


@pytest.mark.parametrize(
    ("query", "field", "message", "kept"),  # the bad value is left out; the list still shows
    [
        ("borough=atlantis", "borough", "Select a borough from the list", None),
        ("organisation=abc", "organisation", "Select an organisation from the list", None),
        ("group=nobody", "group", "Select a community group from the list", None),
        ("date_from=2023-13-45", "date_from", "Enter a real date", "2023-13-45"),
        ("date_from=yesterday", "date_from", "Enter a real date", "yesterday"),
        (
            "date_from=2023-08-01&date_to=2023-07-01",
            "date_to",
            "must be the same as or after",
            None,
        ),
        ("sort=sideways", "sort", "Select how to sort from the list", None),
        ("q=" + "x" * 201, "q", "200 characters or fewer", "x" * 201),
        ("campaign=nope", "campaign", "Select a campaign from the list", None),
    ],
)
def test_a_bad_filter_value_is_a_message_beside_its_field(
    client, login, world, query, field, message, kept
):
    *_, reviewer, _made = world
    login(reviewer)
    html = body(client.get(f"{LIST}?{query}"))
    assert html.count(message) == 2  # in the error summary and beside the field
    assert f'id="{field}-error"' in html
    assert "Error: Conversations" in html
    # only the valid "from" date (1 August 2023 on: 29 of them) applies
    assert count_in(html) == (29 if "date_to" in query else 60)
    if kept:
        assert f'value="{kept}"' in html


def test_partners_see_only_their_own_with_a_redacted_snippet_and_sort_by_date(client, login, world):
    _campaign, partner_a, _b, _reviewer, made = world
    login(partner_a)
    newest = body(client.get(f"{LIST}?sort=newest"))
    assert count_in(newest) == 40
    own = [c.uuid for c in made[:40]]
    assert shown(newest) == own[::-1][:25]
    oldest = body(client.get(f"{LIST}?sort=oldest"))
    assert shown(oldest) == own[:25]
    assert "“Answer number 0: the rent and the bills.”" in oldest
    assert "07700" not in oldest and "Jane" not in oldest  # snippets are the redacted text
    # another organisation's conversation cannot be reached with a filter
    sneaky = body(client.get(f"{LIST}?organisation={made[45].organisation_id}"))
    assert made[45].uuid not in sneaky
    assert count_in(sneaky) == 40
