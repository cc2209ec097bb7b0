"""A conversation dated outside the campaign's dates is flagged at entry: a warning beside the
date (asked once, then it stands), never a hard error; a date in the future stays an error."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from listening.extensions import db
from listening.intake.forms import period_warning
from listening.intake.models import Conversation
from tests.intake.test_conversation_views import NEW, form_data


@pytest.fixture
def partner(make_campaign, make_user):
    campaign = make_campaign()  # starts 1 June 2023
    campaign.ends_on = date(2023, 12, 31)
    user = make_user("partner", "Peckham Community Centre")
    db.session.commit()
    return user


def saved() -> int:
    return db.session.scalar(select(func.count()).select_from(Conversation))


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2023-05-31", "31 May 2023 is before this campaign started (1 June 2023)"),
        ("2024-01-01", "1 January 2024 is after this campaign ended (31 December 2023)"),
    ],
)
def test_a_date_outside_the_campaign_is_asked_about_once_then_stands(
    client, login, partner, day, words
):
    login(partner)
    data = form_data(date=day, **{"responses-0": "Kept while the date is checked."})
    first = client.post(NEW, data=data)
    html = unescape(first.get_data(as_text=True))
    assert first.status_code == 200
    assert words in html and "send the conversation again" in html
    assert saved() == 0
    assert "Kept while the date is checked." in html  # nothing typed is lost
    assert f'name="date_checked" type="hidden" value="{day}"' in html
    second = client.post(NEW, data={**data, "date_checked": day})
    assert second.status_code == 303
    assert saved() == 1


def test_a_different_date_is_asked_about_again(client, login, partner):
    login(partner)
    response = client.post(NEW, data=form_data(date="2023-05-01", date_checked="2023-05-31"))
    assert response.status_code == 200 and saved() == 0
    assert "1 May 2023 is before" in unescape(response.get_data(as_text=True))


def test_a_date_inside_the_campaign_or_a_draft_is_not_asked_about(client, login, partner):
    login(partner)
    assert client.post(NEW, data=form_data(date="2023-06-01")).status_code == 303
    draft = form_data(date="2023-01-05", save_draft="1")
    draft.pop("submit_conversation")
    assert client.post(NEW, data=draft).status_code == 303
    assert saved() == 2


def test_a_future_date_is_still_an_error(client, login, partner):
    login(partner)
    response = client.post(NEW, data=form_data(date="2999-01-01", date_checked="2999-01-01"))
    assert response.status_code == 422
    assert "must be today or in the past" in response.get_data(as_text=True)
    assert saved() == 0


def test_a_campaign_without_dates_warns_about_nothing():
    from listening.intake.models import Campaign

    open_ended = Campaign(slug="x", name="x", starts_on=None, ends_on=None)
    assert period_warning(open_ended, date(2001, 1, 1)) is None
    assert period_warning(None, date(2001, 1, 1)) is None
    started = Campaign(slug="y", name="y", starts_on=date(2023, 6, 1), ends_on=None)
    assert period_warning(started, date(2030, 1, 1)) is None
    assert "before this campaign started" in period_warning(started, date(2023, 5, 31))
