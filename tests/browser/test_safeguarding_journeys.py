"""Safeguarding in Chromium at phone width: the partner's form shows the campaign's guidance
the moment a possible disclosure is submitted offline (the same rules, run on the phone), before
anything is sent; then it syncs and the safeguarding lead reads and closes the case."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, audit, screenshot, sign_in
from tests.browser.test_intake_journeys import (
    NEW,
    fill_conversation,
    status,
    submit,
    wait_for_service_worker,
)

pytestmark = pytest.mark.browser

DISCLOSURE = "My boyfriend beats me and I'm terrified of what he'll do if I leave."


def test_offline_disclosure_shows_guidance_before_sync_then_reaches_the_lead(
    page, context, live_server, browser, page_errors
):
    from listening.intake.redaction import redact

    # a running server has its redactor loaded; loading it (spaCy, Presidio, torch) inside the
    # first save holds SQLite's write lock long enough to time a second request out
    redact("Warm up, Adewale.")
    partner = live_server.make_partner()
    sign_in(page, partner)
    expect(page).to_have_url(live_server.url + NEW)
    wait_for_service_worker(page)
    guidance = page.locator("#safeguarding-guidance")
    expect(guidance).to_be_hidden()

    context.set_offline(True)
    fill_conversation(page, ["The bus never comes and I'd kill for a decent one."])
    submit(page)
    expect(status(page)).to_contain_text("1 saved on this phone, not yet sent")
    expect(guidance).to_be_hidden()  # the same words, not a disclosure

    fill_conversation(page, [DISCLOSURE])
    submit(page)
    expect(status(page)).to_contain_text("2 saved on this phone, not yet sent")
    expect(guidance).to_be_visible()
    expect(guidance).to_contain_text("Safeguarding: what to do now")
    expect(guidance).to_contain_text("call 999")
    expect(guidance).to_be_focused()
    assert live_server.conversations(partner.organisation) == []  # shown before any sync
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "safeguarding-offline-guidance")

    context.set_offline(False)
    page.reload()  # back online without a reload, the outbox waits for its retry timer
    expect(status(page)).to_contain_text("All sent", timeout=30_000)
    violations = audit(page, "safeguarding-guidance")
    rows = live_server.conversations(partner.organisation)
    assert sorted(r["responses"][0] for r in rows)[0] == DISCLOSURE

    lead = live_server.make_staff("safeguarding_lead")
    lead_context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    lead_context.set_default_timeout(15_000)
    lead_page = lead_context.new_page()
    sign_in(lead_page, lead, "/safeguarding/")
    lead_page.goto("/safeguarding/")
    expect(lead_page.get_by_role("heading", name="Safeguarding cases")).to_be_visible()
    violations += audit(lead_page, "safeguarding-cases")
    lead_page.locator("table a").first.click()
    expect(lead_page.locator("blockquote")).to_contain_text("terrified")
    violations += audit(lead_page, "safeguarding-case")
    lead_page.wait_for_load_state()  # the stylesheets too, before measuring
    assert lead_page.evaluate("() => document.documentElement.scrollWidth") <= 390
    lead_page.get_by_role("button", name="Mark seen").click()
    expect(lead_page.locator("main")).to_contain_text("Marked as seen")
    lead_page.get_by_label("Action taken", exact=True).check()
    lead_page.get_by_label("What was done, or why no action is needed").fill(
        "Called the partner; referred to the local domestic abuse service."
    )
    lead_page.get_by_role("button", name="Record action taken").click()
    expect(lead_page.locator("main")).to_contain_text("The case is closed")
    screenshot(lead_page, "safeguarding-case-closed")
    lead_context.close()
    assert violations == []
    assert page_errors.messages == []
