"""The theme review queue, search and a theme page at phone width (390×844): no sideways
scrolling, no axe violations, and a decision for a group of identical answers made through the
page."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits_and_passes, sign_in
from tests.conftest import screen_answers

pytestmark = pytest.mark.browser

LONG_WORD = "https://example.org/" + "averylonglinksomeonepastedintotheiranswer" * 3
ANSWERS = [
    # (text, people, housing score, migration score)
    ("Rent is too high for families like ours", 12, 0.41, 0.39),
    ("rent is too high for families like ours!", 3, 0.41, 0.39),
    ("RENT is too high for families like ours.", 2, 0.41, 0.39),
    (f"They told me to look at {LONG_WORD} for help with the rent", 4, 0.35, 0.33),
    ("Nobody at the council answers the phone about repairs", 1, 0.30, 0.10),
]


def _seed_queue() -> tuple[str, int]:
    """A campaign of its own with a finished run whose model was unsure about every answer."""
    from listening.extensions import db
    from listening.intake.models import Area, Campaign, Conversation, Response
    from listening.organisations.models import Organisation
    from listening.themes import operations, queries
    from listening.themes.models import Assignment, RunStatus, ThemeRun
    from listening.timeutil import utcnow

    slug = f"queue-{uuid.uuid4().hex[:6]}"
    campaign = Campaign(
        slug=slug, name="Queue at phone width", question="?", starts_on=date(2023, 6, 1)
    )
    campaign.areas.append(Area(slug="southwark", name="Southwark"))
    organisation = Organisation(name=f"Queue Centre {slug}")
    db.session.add_all([campaign, organisation])
    db.session.flush()
    operations.ensure_themes(campaign)
    run = ThemeRun(campaign_id=campaign.id, status=RunStatus.SUCCEEDED, finished_at=utcnow())
    db.session.add(run)
    housing = queries.get_theme(campaign.id, "housing")
    for text, people, first, second in ANSWERS:
        conversation = Conversation(
            uuid=str(uuid.uuid4()),
            campaign=campaign,
            area=campaign.areas[0],
            organisation=organisation,
            held_on=date(2023, 7, 1),
            format="small-group",
            people_count=people,
            status="submitted",
            responses=[Response(position=0, text=text, redacted_text=text)],
        )
        db.session.add(conversation)
        db.session.flush()
        screen_answers(conversation)  # the publication gate shows reviewers cleared answers only
        db.session.add(
            Assignment(
                response_id=conversation.responses[0].id,
                theme_id=housing.id,
                score=first,
                scores={"housing": first, "migration-race": second},
                source="model",
                run_id=run.id,
            )
        )
    db.session.commit()
    return slug, housing.id


def test_review_and_search_fit_a_phone_and_a_group_is_decided_once(page, live_server):
    slug, housing_id = live_server.query(_seed_queue)
    sign_in(page, live_server.make_staff("reviewer"))

    page.goto(f"/themes/review?campaign={slug}")
    cards = page.locator(".app-queue__card")
    expect(cards).to_have_count(3)  # the three "rent is too high" answers are one card
    expect(cards.first).to_contain_text("Said 3 times")  # and it reaches the most people
    fits_and_passes(page, "themes-review-390")

    page.goto(f"/themes/search?campaign={slug}&q=help+rent")
    expect(page.locator("tbody tr")).to_have_count(1)
    fits_and_passes(page, "themes-search-390")

    page.goto(f"/themes/{housing_id}")  # the theme page's answers table stacks too
    expect(page.locator("#answers-other tbody tr")).to_have_count(len(ANSWERS))
    fits_and_passes(page, "themes-theme-390")

    page.goto(f"/themes/review?campaign={slug}")
    first = cards.first
    expect(first.get_by_label("Apply to 3 identical answers")).to_be_checked()
    first.get_by_label("Or move to theme").select_option(label="Work, wages and cost of living")
    first.get_by_role("button", name="Move").click()
    expect(page.locator("body")).to_contain_text("Moved for 3 answers.")
    expect(cards).to_have_count(2)
