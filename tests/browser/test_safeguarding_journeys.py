"""Safeguarding in Chromium at phone width: the partner's form shows the campaign's guidance
the moment a possible disclosure is submitted offline (the same rules, run on the phone), before
anything is sent; then it syncs and the safeguarding lead reads and closes the case."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    ARTIFACTS,
    PHONE,
    audit,
    fits_and_passes,
    screenshot,
    sign_in,
)
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


def set_contact(live_server, account, name: str, phone: str) -> None:
    """Give a user a name and a phone number (as an admin would on their page)."""
    from listening.accounts.models import User
    from listening.extensions import db

    def save():
        user = db.session.get(User, account.id)
        user.name, user.phone = name, phone
        db.session.commit()

    live_server.query(save)


def call_links_fit(page, box) -> list[str]:
    """The `tel:` links in `box`, after checking each is at least 44 px high and inside the
    phone's width."""
    links = box.locator("a[href^='tel:']")
    hrefs = []
    for i in range(links.count()):
        link = links.nth(i)
        size = link.bounding_box()
        assert size["height"] >= 44, (link.get_attribute("href"), size)
        assert size["x"] >= 0 and size["x"] + size["width"] <= PHONE["width"], size
        hrefs.append(link.get_attribute("href"))
    return hrefs


def test_offline_disclosure_shows_guidance_before_sync_then_reaches_the_lead(
    page, context, live_server, browser, page_errors
):
    from listening.intake.redaction import redact

    # a running server has its redactor loaded; loading it (spaCy, Presidio, torch) inside the
    # first save holds SQLite's write lock long enough to time a second request out
    redact("Warm up, Adewale.")
    lead = live_server.make_staff("safeguarding_lead")
    set_contact(live_server, lead, "Sam Okafor", "020 7946 0000")
    designate(live_server, live_server.campaign_slug, lead)
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
    # the first action first, and a call link for every number, big enough to tap
    assert guidance.locator("ol > li").first.inner_text().startswith("If someone is in danger")
    hrefs = call_links_fit(page, guidance)
    assert hrefs[:2] == ["tel:999", "tel:02079460000"]  # 999, then the campaign's lead
    assert {"tel:08088005000", "tel:08001111", "tel:116123"} <= set(hrefs)
    expect(guidance).to_contain_text("Sam Okafor")
    screenshot(page, "safeguarding-offline-guidance")
    guidance.screenshot(path=str(ARTIFACTS / "safeguarding-guidance-390.png"))

    context.set_offline(False)
    page.reload()  # back online without a reload, the outbox waits for its retry timer
    expect(status(page)).to_contain_text("All sent", timeout=30_000)
    violations = audit(page, "safeguarding-guidance")
    rows = live_server.conversations(partner.organisation)
    assert sorted(r["responses"][0] for r in rows)[0] == DISCLOSURE

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


def test_the_lead_reads_the_whole_conversation_and_reaches_who_logged_it_at_phone_width(
    live_server, page, page_errors
):
    """A case at 390 px: every answer (the flagged one marked, the others redacted), who
    logged it with a call and an email link, and the conversation's facts; axe finds nothing."""
    import uuid
    from datetime import date

    from listening.accounts.models import User
    from listening.extensions import db
    from listening.intake import operations as intake
    from listening.intake.models import Area, Campaign

    slug = f"case-{uuid.uuid4().hex[:6]}"
    partner = live_server.make_partner()
    set_contact(live_server, partner, "Ada Mensah", "07700 900456")
    lead = live_server.make_staff("safeguarding_lead")
    answers = (
        "Ring me on 07700 900123 about the damp, the landlord never comes.",
        DISCLOSURE,
        "The buses stop at eight so the late shift walks home.",
    )

    def make_case() -> None:
        campaign = Campaign(slug=slug, name=f"Southwark listening {slug}", question="What helps?")
        campaign.areas.append(Area(slug="southwark", name="Southwark"))
        campaign.safeguarding_leads.append(db.session.get(User, lead.id))
        db.session.add(campaign)
        db.session.flush()
        data = intake.ConversationInput(
            uuid=str(uuid.uuid4()),
            campaign=slug,
            borough="southwark",
            organisation=partner.organisation,
            date=date(2024, 5, 14),
            format="small-group",
            people_count=4,
            groups=(),
            consent_to_quote=True,
            responses=answers,
        )
        intake.save_conversation(data, db.session.get(User, partner.id))
        db.session.commit()

    live_server.query(make_case)
    sign_in(page, lead, "/safeguarding/")
    page.goto(f"/safeguarding/?campaign={slug}")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("14 May 2024")  # when it was said
    expect(row).to_contain_text(partner.organisation)
    page.wait_for_load_state()
    fits_and_passes(page, "safeguarding-cases-390")
    row.get_by_role("link").click()
    main = page.locator("main")
    expect(main).to_contain_text("terrified")
    expect(main).to_contain_text("The buses stop at eight")
    expect(main).to_contain_text("about the damp")
    expect(main).not_to_contain_text("07700 900123")  # the other answers are redacted
    expect(page.locator(".app-answer-item--flagged")).to_have_count(1)
    expect(page.locator(".app-answer-item--flagged")).to_contain_text("terrified")
    expect(main).to_contain_text("Ada Mensah")
    expect(page.locator(f"a[href^='mailto:{partner.email}']")).to_be_visible()
    for text in ("14 May 2024", "Southwark", "Small group", "4"):
        expect(main).to_contain_text(text)
    page.wait_for_load_state()
    assert call_links_fit(page, main) == ["tel:07700900456"]
    fits_and_passes(page, "safeguarding-case-390")
    assert page_errors.messages == []
