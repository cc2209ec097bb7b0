"""The report's staff pages in real Chromium on a phone: axe-clean (WCAG 2.1 AA), no sideways
scroll at 390 px, and the print stylesheet hides the site's header and the download link."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import audit, screenshot, sign_in
from tests.report.conftest import CHOSEN, build_world

pytestmark = pytest.mark.browser


def _seed(live_server, staff) -> str:
    from listening.accounts.models import User
    from listening.extensions import db
    from listening.intake.models import Area, Campaign, CommunityGroup

    def seed():
        campaign = Campaign(
            slug="report-browser",
            name="Report browser test campaign",
            question="What puts pressure on you and your community's ability to thrive?",
            starts_on=date(2023, 6, 1),
        )
        for name in ("Southwark", "Lambeth", "Bexley"):
            campaign.areas.append(Area(slug=name.lower(), name=name, population=300_000))
        campaign.areas.append(Area(slug="unspecified", name="Across South East London"))
        campaign.groups.append(CommunityGroup(slug="young-people", name="Young people"))
        db.session.add(campaign)
        db.session.flush()
        build_world(campaign, db.session.get(User, staff.id), organisation="Report Test Centre")
        return campaign.slug

    return live_server.query(seed)


def test_the_report_pages_are_accessible_and_fit_a_phone(page, live_server):
    staff = live_server.make_staff("reviewer")
    slug = _seed(live_server, staff)
    sign_in(page, staff)
    violations = []

    page.goto(f"/staff/reports?campaign={slug}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("campaign report")
    violations += audit(page, "report-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "report-form")

    page.get_by_role("button", name="Create report").click()
    expect(page.get_by_role("heading", name="What we heard", level=1)).to_be_visible()
    expect(page.get_by_text(CHOSEN)).to_be_visible()
    violations += audit(page, "report-page")
    page.wait_for_load_state()  # the stylesheets too, before measuring
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "report-page")

    page.emulate_media(media="print")
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Download this report (PDF)")).to_be_hidden()
    assert violations == []
