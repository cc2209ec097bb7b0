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
# the rules flag this answer, which is no disclosure (a past event, resolved; the rules read
# each sentence on its own: bench/README.md, Safeguarding)
FALSE_ALARM = "I used to self-harm as a teenager; I'm 40 now and doing fine."


def designate(live_server, slug: str, lead) -> None:
    """Add `lead` to the campaign's safeguarding leads (as an admin would)."""
    from sqlalchemy import select

    from listening.accounts.models import User
    from listening.extensions import db
    from listening.intake.models import Campaign

    def add():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
        campaign.safeguarding_leads.append(db.session.get(User, lead.id))
        db.session.commit()

    live_server.query(add)


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
    designate(live_server, live_server.campaign_slug, lead)
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
    lead_page.get_by_role("button", name="Record and close the case").click()
    expect(lead_page.locator("main")).to_contain_text("The case is closed")
    screenshot(lead_page, "safeguarding-case-closed")
    lead_context.close()
    assert violations == []
    assert page_errors.messages == []


def test_an_admin_gives_a_campaign_its_lead_who_releases_a_false_alarm(
    live_server, browser, page, page_errors
):
    """A new campaign with no lead: admins are warned, choose a lead (390 px, axe); the lead
    sees the case and releases the false alarm with a reason, and the answer is ordinary."""
    import uuid
    from datetime import date

    from sqlalchemy import select

    from listening.accounts.models import User
    from listening.extensions import db
    from listening.intake import operations as intake
    from listening.intake.models import Area, Campaign, Conversation

    slug = f"safeg-{uuid.uuid4().hex[:6]}"
    partner = live_server.make_partner()
    lead = live_server.make_staff("safeguarding_lead")
    admin = live_server.make_staff("admin")

    def make_case() -> str:
        campaign = Campaign(slug=slug, name=f"Lewisham listening {slug}", question="What helps?")
        campaign.areas.append(Area(slug="lewisham", name="Lewisham"))
        db.session.add(campaign)
        db.session.flush()
        ref = str(uuid.uuid4())
        data = intake.ConversationInput(
            uuid=ref,
            campaign=slug,
            borough="lewisham",
            organisation=partner.organisation,
            date=date(2024, 3, 1),
            format="one-to-one",
            people_count=1,
            groups=(),
            consent_to_quote=True,
            responses=(FALSE_ALARM,),
        )
        intake.save_conversation(data, db.session.get(User, partner.id))
        db.session.commit()
        return ref

    ref = live_server.query(make_case)
    sign_in(page, admin)
    page.goto(f"/safeguarding/?campaign={slug}")
    expect(page.locator("#no-lead-warning")).to_contain_text("no safeguarding lead")
    page.wait_for_load_state()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    violations = audit(page, "safeguarding-cases-no-lead")
    page.get_by_role("link", name="Choose a lead").click()
    expect(page.get_by_role("heading", name="Safeguarding settings")).to_be_visible()
    page.wait_for_load_state()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    violations += audit(page, "safeguarding-settings")
    page.get_by_label(lead.email).check()
    page.get_by_role("button", name="Save leads").click()
    expect(page.locator("main")).to_contain_text("Safeguarding leads saved")
    expect(page.locator("#no-lead-warning")).to_have_count(0)
    expect(page.get_by_label(lead.email)).to_be_checked()
    screenshot(page, "safeguarding-settings")

    lead_context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    lead_context.set_default_timeout(15_000)
    lead_page = page_errors.watch(lead_context.new_page())
    sign_in(lead_page, lead, "/safeguarding/")
    lead_page.goto("/safeguarding/")
    expect(lead_page.locator("table")).to_contain_text(f"Lewisham listening {slug}")
    lead_page.locator("table a").first.click()
    expect(lead_page.locator("blockquote")).to_contain_text("I'm 40 now and doing fine")
    lead_page.get_by_label("Not a disclosure: a false alarm", exact=False).check()
    lead_page.get_by_role("button", name="Record and close the case").click()
    expect(lead_page.locator(".nhsuk-error-summary")).to_contain_text("Enter what was done")
    expect(lead_page.get_by_label("Not a disclosure: a false alarm", exact=False)).to_be_checked()
    lead_page.wait_for_load_state()
    assert lead_page.evaluate("() => document.documentElement.scrollWidth") <= 390
    violations += audit(lead_page, "safeguarding-case-release-error")
    lead_page.get_by_label("What was done, or why no action is needed").fill(
        "Self-harm long ago, resolved: nobody at risk of harm now."
    )
    lead_page.get_by_role("button", name="Record and close the case").click()
    expect(lead_page.locator("main")).to_contain_text("Released as a false alarm")
    lead_context.close()

    def flag() -> bool:
        c = db.session.scalar(select(Conversation).where(Conversation.uuid == ref))
        return c.responses[0].safeguarding_flag

    assert live_server.query(flag) is False
    assert violations == []
    assert [m for m in page_errors.messages if "status of 422" not in m] == []  # the error page
