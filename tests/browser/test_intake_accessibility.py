"""axe-core (WCAG 2.1 A and AA) on every page a partner sees, at phone width, in every state
that changes the markup: empty, with errors (from the server and from the script), with
conversations waiting on the phone, refused by the server, and signed out."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import audit, screenshot, sign_in
from tests.browser.test_intake_journeys import fill_conversation, submit, wait_for_service_worker

pytestmark = pytest.mark.browser


def test_the_audit_finds_a_real_violation(page, live_server):
    """The helper is not vacuous: an image without alternative text is reported."""
    page.goto("/login")
    page.evaluate("() => document.querySelector('main').appendChild(document.createElement('img'))")
    assert "image-alt" in {v["id"] for v in audit(page)}


def test_every_partner_page_has_no_wcag_21_aa_violations(page, context, live_server):
    partner = live_server.make_partner()
    violations = []

    def check(name):
        screenshot(page, f"a11y-{name}")
        violations.extend(audit(page, name))

    page.goto("/login")
    check("login")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check("login-errors")

    sign_in(page, partner)
    wait_for_service_worker(page)
    check("new-conversation")

    page.get_by_label("Answer 1", exact=True).fill("Only an answer: the rest is missing.")
    submit(page)
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    check("new-conversation-script-errors")

    # the same form posted by the browser (as without the script): the server's error page
    page.evaluate("() => document.getElementById('conversation-form').submit()")
    page.wait_for_load_state()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select the borough")
    expect(page.get_by_label("Answer 1", exact=True)).to_have_value(
        "Only an answer: the rest is missing."
    )
    check("new-conversation-server-errors")

    page.goto("/intake/conversations/new")
    context.set_offline(True)
    fill_conversation(page, ["Waiting on the phone for a signal."])
    submit(page)
    expect(page.locator("#outbox-status")).to_contain_text("1 saved on this phone")
    check("new-conversation-outbox-waiting")

    context.clear_cookies()
    context.set_offline(False)
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible(timeout=20_000)
    check("new-conversation-sign-in-again")
    sign_in(page, partner, next_path="/intake/conversations/new")
    expect(page.locator("#outbox-status")).to_contain_text("All sent", timeout=20_000)

    page.evaluate("() => { document.querySelector('input[name=\"borough\"]').value = 'atlantis' }")
    page.locator('input[name="borough"]').first.check()
    page.get_by_label("Event", exact=True).check()
    page.get_by_label("How many people took part").fill("12")
    page.get_by_label("Answer 1", exact=True).fill("Refused by the server.")
    page.get_by_role("group", name="Did they agree").get_by_label("No", exact=True).check()
    submit(page)
    expect(page.locator("#outbox-problems")).to_contain_text("needs your attention", timeout=20_000)
    check("new-conversation-refused")

    page.goto("/intake/conversations")
    expect(page.locator("#outbox-problems")).to_contain_text("needs your attention")
    check("list-conversations")

    page.locator(".app-conversation a").first.click()
    expect(page.get_by_role("heading", name="What they said")).to_be_visible()
    check("show-conversation")

    page.goto("/logout")
    expect(page.locator("#outbox-warning")).to_be_visible()
    check("logout")

    assert violations == [], json.dumps(violations, indent=1)
