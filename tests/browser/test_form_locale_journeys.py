"""The partner form in Portuguese in real Chromium at 390 px: switcher, errors, axe clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import audit, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_partner_switches_the_form_to_portuguese(page, live_server):
    partner = live_server.make_partner()
    sign_in(page, partner)
    page.goto("/intake/conversations/new")
    expect(page.locator("h1")).to_have_text("Log a conversation")
    page.get_by_role("link", name="Português").click()
    expect(page.locator("h1")).to_have_text("Registar uma conversa")
    assert page.evaluate("document.documentElement.lang") == "pt"
    page.wait_for_load_state()  # the stylesheets too, before measuring
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot(page, "form-pt")
    violations = audit(page, "form-pt")
    # the same form posted by the browser (as without the script): errors in Portuguese
    page.evaluate("() => document.getElementById('conversation-form').submit()")
    page.wait_for_load_state()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Há um problema")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Selecione o bairro")
    violations += audit(page, "form-pt-errors")
    assert violations == []
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Log a conversation")
