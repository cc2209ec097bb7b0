"""Nothing destructive in one tap, in real Chromium on a phone (390×844, CSRF on): the delete
link leads to a confirmation page that fits the screen and passes axe; "No, go back" keeps
everything, "Yes, delete" deletes; archiving a pledge takes its public page away."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import audit, screenshot, sign_in

pytestmark = pytest.mark.browser


def _pledge_with_a_measure(live_server) -> tuple[int, int]:
    from listening.assembly import operations as ops
    from listening.extensions import db
    from listening.intake.models import Campaign
    from listening.organisations.models import Organisation

    def create():
        campaign = db.session.query(Campaign).filter_by(slug="sel-2023").one()
        lead = Organisation(
            name=f"Lewisham and Greenwich NHS Trust {uuid.uuid4().hex[:6]}", type="nhs"
        )
        db.session.add(lead)
        db.session.flush()
        pledge = ops.save_pledge(
            campaign,
            ops.PledgeInput(
                title="Guaranteed interviews for local pre-employment programme candidates",
                commitment="At least 20% of entry-level vacancies guarantee an interview.",
                theme_slugs=("work-wages-cost-of-living",),
                lead_organisation_id=lead.id,
                signed_on=date(2023, 11, 15),
            ),
            None,
        )
        metric = ops.save_metric(
            pledge,
            ops.MetricInput(
                "Entry-level vacancies with a guaranteed interview", "percent", "increase", 0, 20
            ),
            None,
        )
        for day, value in ((10, 2.5), (11, 6), (12, 11)):
            ops.record_reading(metric, date(2024, 1, day), value, None)
        db.session.commit()
        return pledge.id, metric.id

    return live_server.query(create)


def _metric_exists(live_server, metric_id: int) -> bool:
    from listening.assembly.models import Metric
    from listening.extensions import db

    return live_server.query(lambda: db.session.get(Metric, metric_id) is not None)


def test_deleting_a_measure_asks_first_on_a_phone(page, live_server):
    pledge_id, metric_id = _pledge_with_a_measure(live_server)
    sign_in(page, live_server.make_staff())
    page.goto(f"/staff/pledges/{pledge_id}")
    with page.expect_navigation():  # and its stylesheets: a width measured before them is wrong
        page.get_by_role(
            "link", name="Delete Entry-level vacancies with a guaranteed interview"
        ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete the measure")
    expect(page.get_by_text("also deletes its 3 readings")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert audit(page, "confirmation") == []
    screenshot(page, "confirm-delete-measure-390")

    page.get_by_role("link", name="No, go back").click()
    expect(page).to_have_url(f"{live_server.url}/staff/pledges/{pledge_id}")
    assert _metric_exists(live_server, metric_id)

    page.goto(f"/staff/metrics/{metric_id}/delete")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, delete this measure").click()
    expect(page.get_by_text("Deleted.")).to_be_visible()
    assert not _metric_exists(live_server, metric_id)


def test_archiving_a_pledge_on_a_phone(page, live_server):
    pledge_id, _metric_id = _pledge_with_a_measure(live_server)
    sign_in(page, live_server.make_staff())
    page.goto(f"/staff/pledges/{pledge_id}")
    with page.expect_navigation():  # and its stylesheets: a width measured before them is wrong
        page.get_by_role("link", name="Archive pledge").click()
    expect(page.get_by_text("You can undo this")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert audit(page, "archive confirmation") == []
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, archive this pledge").click()
    expect(page.get_by_role("heading", name="Archived pledges")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.request.get(f"/pledges/{pledge_id}").status == 404
    with page.expect_navigation():
        page.get_by_role("button", name="Restore Guaranteed interviews").first.click()
    assert page.request.get(f"/pledges/{pledge_id}").status == 200
