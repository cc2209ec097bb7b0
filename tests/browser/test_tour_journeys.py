""" "What to do first" in Chromium on a phone: shown after the first sign-in, accessible,
no sideways scrolling at 390 px, dismissed for good with "Got it"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, audit, screenshot, sign_in

pytestmark = pytest.mark.browser

FIRST_LINK = {"partner": "Log your first conversation", "admin": "Add the team’s users"}


@pytest.mark.parametrize("role", ["partner", "admin"])
def test_first_sign_in_shows_what_to_do_first_then_got_it(page, live_server, page_errors, role):
    account = live_server.make_partner() if role == "partner" else live_server.make_staff(role)
    sign_in(page, account)
    landing = page.url
    panel = page.get_by_role("region", name="What to do first")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("listitem")).to_have_count(3)
    expect(panel.get_by_role("link", name=FIRST_LINK[role])).to_be_visible()
    screenshot(page, f"tour-{role}")
    with_panel = _violations(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    with page.expect_navigation():
        panel.get_by_role("button", name="Got it").click()
    assert page.url == landing
    expect(page.get_by_role("region", name="What to do first")).to_have_count(0)
    expect(page.get_by_text("You can see these steps again")).to_be_visible()
    # the panel adds no WCAG 2.1 AA violation to the page it sits on (the partner's form
    # has none at all)
    assert with_panel <= _violations(page)
    if role == "partner":
        assert with_panel == set()

    page.context.clear_cookies()
    sign_in(page, account)
    expect(page.get_by_role("heading", name="What to do first")).to_have_count(0)
    page.goto("/account")
    page.get_by_role("link", name="What to do first").click()
    expect(page.get_by_role("link", name=FIRST_LINK[role])).to_be_visible()
    assert page_errors.messages == []


def _violations(page) -> set[tuple[str, str]]:
    return {(v["id"], str(v["nodes"])) for v in audit(page)}
