"""Partner journeys on a phone-sized Chromium: offline logging, replays, expired logins,
double taps and form errors without JavaScript. Nothing typed is lost or recorded twice."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, ROOT, screenshot, sign_in

pytestmark = pytest.mark.browser

NEW = "/intake/conversations/new"
ALL_SENT = "All sent"
# the service worker's cache name (static/js/sw.js; bumped when its lists change)
SW_CACHE = "listening-intake-" + re.search(
    r"const VERSION = '(\w+)'", (ROOT / "listening" / "static" / "js" / "sw.js").read_text()
).group(1)


def wait_for_service_worker(page) -> None:
    """The worker controls the page and has stored the intake pages (install finished)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)


def fill_conversation(
    page,
    answers: list[str],
    people: int = 3,
    borough: str = "Southwark",
    groups: tuple[str, ...] = ("Young people",),
    consent: str = "Yes",
) -> None:
    page.get_by_label(borough, exact=True).check()
    page.get_by_label("Small group", exact=True).check()
    page.get_by_label("How many people took part").fill(str(people))
    for group in groups:
        page.get_by_label(group, exact=True).check()
    for index, answer in enumerate(answers):
        if index:
            page.get_by_role("button", name="Add another answer").click()
        page.get_by_label(f"Answer {index + 1}", exact=True).fill(answer)
    page.get_by_role("group", name="Did they agree").get_by_label(consent, exact=True).check()


def submit(page) -> None:
    # the NHS.UK button ignores a second click within 1 s (its double-click guard); a person
    # filling a form never taps that fast, Playwright does
    time.sleep(1.1)
    page.get_by_role("button", name="Submit conversation").click()


def status(page):
    return page.locator("#outbox-status")


def test_offline_four_conversations_are_kept_then_sent_once(
    page, context, live_server, page_errors
):
    partner = live_server.make_partner()
    started = time.monotonic()
    first_request = len(live_server.requests)
    sign_in(page, partner)
    expect(page).to_have_url(live_server.url + NEW)
    wait_for_service_worker(page)

    context.set_offline(True)
    answers = [
        f"Offline conversation {n}: the rent went up again and the damp is back."
        for n in range(1, 5)
    ]
    for n, answer in enumerate(answers, start=1):
        fill_conversation(page, [answer], people=n + 1)
        submit(page)
        expect(status(page)).to_contain_text("Conversation saved on this phone")
        expect(status(page)).to_contain_text(f"{n} saved on this phone, not yet sent")
        expect(page.get_by_label("Answer 1", exact=True)).to_have_value("")  # ready for the next
    screenshot(page, "intake-offline-4-saved")

    served_before = len(live_server.requests)
    response = page.reload()
    assert response is not None and response.from_service_worker
    page.wait_for_load_state("networkidle")
    assert live_server.requests[served_before:] == []  # nothing reached the server
    expect(status(page)).to_contain_text("4 saved on this phone, not yet sent")
    expect(status(page)).to_contain_text("when you are back online")
    assert live_server.conversations(partner.organisation) == []

    back_online = time.monotonic()
    context.set_offline(False)
    expect(status(page)).to_contain_text(ALL_SENT, timeout=20_000)
    synced = time.monotonic() - back_online
    rows = live_server.conversations(partner.organisation)
    assert len(rows) == 4
    assert len({row["uuid"] for row in rows}) == 4
    assert sorted(r["responses"][0] for r in rows) == sorted(answers)
    assert sorted(r["people_count"] for r in rows) == [2, 3, 4, 5]
    assert {r["status"] for r in rows} == {"submitted"} and {r["source"] for r in rows} == {"api"}
    # each sent exactly once, with a valid CSRF token, by one flush at a time
    puts = [r for r in live_server.requests[first_request:] if r[0] == "PUT"]
    assert [status for _method, _path, status in puts] == [201] * 4, puts
    assert page.evaluate("() => indexedDB.databases().then(d => d.length)") >= 1
    assert _outbox_size(page) == 0
    screenshot(page, "intake-all-sent")
    elapsed = time.monotonic() - started
    print(
        f"\noffline journey (sign in, 4 offline, reload, sync): {elapsed:.1f}s; "
        f"back online to 'All sent' for 4: {synced:.2f}s"
    )
    assert page_errors.messages == []


def _outbox_size(page) -> int:
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('listening')
        open.onsuccess = () => {
          const request = open.result.transaction('outbox').objectStore('outbox').count()
          request.onsuccess = () => { open.result.close(); resolve(request.result) }
          request.onerror = () => reject(request.error)
        }
        open.onerror = () => reject(open.error)
    })""")


def test_a_lost_response_is_replayed_and_recorded_once(page, live_server):
    partner = live_server.make_partner()
    sign_in(page, partner)
    first_request = len(live_server.requests)
    answered = []

    def lose_first_answer(route):
        if not answered:
            response = route.fetch()  # the server receives and saves the conversation …
            answered.append(response.status)
            route.abort("connectionreset")  # … but its answer never reaches the phone
        else:
            answered.append("retry")
            route.continue_()

    page.route("**/api/v1/conversations/*", lose_first_answer)
    fill_conversation(page, ["The bus fares mean I cannot visit my mum."])
    submit(page)
    expect(status(page)).to_contain_text(ALL_SENT, timeout=20_000)
    assert answered[0] == 201 and "retry" in answered
    puts = [r[2] for r in live_server.requests[first_request:] if r[0] == "PUT"]
    assert puts == [201, 200]  # the replay found the saved conversation
    rows = live_server.conversations(partner.organisation)
    assert len(rows) == 1
    assert rows[0]["responses"] == ["The bus fares mean I cannot visit my mum."]


def test_an_expired_login_keeps_the_outbox_until_signing_in_again(page, context, live_server):
    partner = live_server.make_partner()
    sign_in(page, partner)
    wait_for_service_worker(page)
    context.set_offline(True)
    for n, answer in enumerate(("Childcare costs more than my wages.", "The youth club closed.")):
        fill_conversation(page, [answer])
        submit(page)
        # a person starts the next one once the form says the last is saved and has cleared
        expect(status(page)).to_contain_text(f"{n + 1} saved on this phone, not yet sent")
        expect(page.get_by_label("Answer 1", exact=True)).to_have_value("")

    context.clear_cookies()  # the session ended while the phone was offline
    context.set_offline(False)
    link = page.get_by_role("link", name="Sign in again to send 2 saved conversations")
    expect(link).to_be_visible(timeout=20_000)
    assert live_server.conversations(partner.organisation) == []
    assert _outbox_size(page) == 2
    screenshot(page, "intake-sign-in-again")

    link.click()
    expect(page).to_have_url(live_server.url + "/login?next=%2Fintake%2Fconversations%2Fnew")
    page.get_by_label("Email").fill(partner.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + NEW)
    expect(status(page)).to_contain_text(ALL_SENT, timeout=20_000)
    rows = live_server.conversations(partner.organisation)
    assert sorted(r["responses"][0] for r in rows) == [
        "Childcare costs more than my wages.",
        "The youth club closed.",
    ]


def test_a_double_tap_on_submit_records_one_conversation(page, live_server):
    partner = live_server.make_partner()
    sign_in(page, partner)
    fill_conversation(page, ["Double tap: the GP never answers the phone."])
    first_request = len(live_server.requests)
    time.sleep(1.1)
    page.get_by_role("button", name="Submit conversation").dblclick()
    expect(status(page)).to_contain_text(ALL_SENT, timeout=20_000)
    page.wait_for_timeout(500)
    assert len(live_server.conversations(partner.organisation)) == 1
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    assert len([r for r in live_server.requests[first_request:] if r[0] == "PUT"]) == 1


def test_a_double_tap_without_javascript_records_one_conversation(browser, live_server):
    partner = live_server.make_partner()
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, partner)
        fill_conversation(page, ["Double post: nobody explains the forms."])
        page.get_by_role("button", name="Submit conversation").dblclick()
        page.wait_for_url("**/intake/conversations?sent=*")
        assert len(live_server.conversations(partner.organisation)) == 1
    finally:
        context.close()


def test_form_errors_without_javascript_keep_everything_typed(browser, live_server):
    partner = live_server.make_partner()
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, partner)
        page.get_by_label("Lambeth", exact=True).check()
        page.get_by_label("Carers and lone parents", exact=True).check()
        page.get_by_label("Migrants and refugees", exact=True).check()
        page.get_by_label("Answer 1", exact=True).fill("First: the housing list is ten years.")
        page.get_by_role("button", name="Add another answer").click()  # a real round trip
        expect(page.get_by_label("Answer 1", exact=True)).to_have_value(
            "First: the housing list is ten years."
        )
        page.get_by_label("Answer 2", exact=True).fill("Second: my English class was cut.")
        page.get_by_label("How many people took part").fill("lots")
        page.get_by_role("button", name="Submit conversation").click()

        summary = page.locator(".nhsuk-error-summary")
        expect(summary).to_contain_text("There is a problem")
        expect(summary).to_contain_text("Select the format of the conversation")
        expect(summary).to_contain_text("Enter how many people took part")
        expect(summary).to_contain_text("Select whether they agreed to be quoted anonymously")
        people = page.get_by_label("How many people took part")
        expect(people).to_have_value("lots")
        expect(page.locator("#people_count-error")).to_contain_text(
            "Enter how many people took part"
        )
        expect(page.locator("#format-error")).to_be_visible()
        expect(page.get_by_label("Lambeth", exact=True)).to_be_checked()
        expect(page.get_by_label("Carers and lone parents", exact=True)).to_be_checked()
        expect(page.get_by_label("Migrants and refugees", exact=True)).to_be_checked()
        expect(page.get_by_label("Young people", exact=True)).not_to_be_checked()
        expect(page.get_by_label("Answer 1", exact=True)).to_have_value(
            "First: the housing list is ten years."
        )
        expect(page.get_by_label("Answer 2", exact=True)).to_have_value(
            "Second: my English class was cut."
        )
        screenshot(page, "intake-errors-no-js")
        assert live_server.conversations(partner.organisation) == []
    finally:
        context.close()


def test_client_side_errors_keep_what_was_typed(page, live_server):
    partner = live_server.make_partner()
    sign_in(page, partner)
    page.get_by_label("Bexley", exact=True).check()
    page.get_by_label("Answer 1", exact=True).fill("I keep what I typed.")
    page.get_by_role("button", name="Add another answer").click()
    expect(page.get_by_label("Answer 2", exact=True)).to_be_focused()
    page.get_by_label("Answer 2", exact=True).fill("Second answer, added without a reload.")
    submit(page)
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select the format of the conversation")
    expect(page.locator("#people_count-error")).to_contain_text("Enter how many people")
    expect(page.get_by_label("Bexley", exact=True)).to_be_checked()
    expect(page.get_by_label("Answer 2", exact=True)).to_have_value(
        "Second answer, added without a reload."
    )
    screenshot(page, "intake-errors-js")
    # correcting the form sends it; the errors go away
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("How many people took part").fill("2")
    page.get_by_role("group", name="Did they agree").get_by_label("No", exact=True).check()
    submit(page)
    expect(status(page)).to_contain_text(ALL_SENT, timeout=20_000)
    expect(summary).to_have_count(0)
    rows = live_server.conversations(partner.organisation)
    assert rows[0]["responses"] == [
        "I keep what I typed.",
        "Second answer, added without a reload.",
    ]


def test_server_refusals_stay_on_the_phone_and_can_be_corrected(page, live_server):
    """A 422 keeps the record and restores it into the form; a 409 is shown, not dropped."""
    partner = live_server.make_partner()
    sign_in(page, partner)
    # the server rejects what the light client-side check lets through (a borough the
    # campaign does not know, as after the campaign changed while the phone was offline)
    page.evaluate("""() => {
        const radio = document.querySelector('input[name="borough"]')
        radio.value = 'atlantis'
    }""")
    first_label = page.locator('input[name="borough"]').first.get_attribute("id")
    page.locator(f"#{first_label}").check()
    page.get_by_label("Small group", exact=True).check()
    page.get_by_label("How many people took part").fill("4")
    page.get_by_label("Answer 1", exact=True).fill("Refused once, then corrected.")
    page.get_by_role("group", name="Did they agree").get_by_label("Yes", exact=True).check()
    submit(page)
    problems = page.locator("#outbox-problems")
    expect(problems).to_contain_text("1 conversation needs your attention", timeout=20_000)
    expect(problems).to_contain_text("Refused once, then corrected.")
    assert _outbox_size(page) == 1
    screenshot(page, "intake-refused")

    page.get_by_role("button", name="Open it to correct it").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Borough “atlantis”")
    expect(page.get_by_label("Answer 1", exact=True)).to_have_value("Refused once, then corrected.")
    expect(page.get_by_label("How many people took part")).to_have_value("4")
    expect(page.locator("#borough-error")).to_be_visible()  # beside the field, too
    page.get_by_label("Lewisham", exact=True).check()
    submit(page)
    expect(status(page)).to_contain_text("All sent. 1 conversation sent", timeout=20_000)
    expect(problems).not_to_contain_text("needs your attention")
    assert _outbox_size(page) == 0
    rows = live_server.conversations(partner.organisation)
    assert len(rows) == 1 and rows[0]["responses"] == ["Refused once, then corrected."]


def test_a_conflicting_reference_is_shown_not_dropped(page, live_server):
    partner = live_server.make_partner()
    sign_in(page, partner)
    fill_conversation(page, ["The first conversation with this reference."])
    reused = page.locator('input[name="uuid"]').input_value()
    submit(page)
    expect(status(page)).to_contain_text(ALL_SENT, timeout=20_000)
    # a phone bug or a restored backup reuses the reference for different words
    page.evaluate("uuid => { document.querySelector('input[name=\"uuid\"]').value = uuid }", reused)
    fill_conversation(page, ["Different words under the same reference."], people=9)
    submit(page)
    problems = page.locator("#outbox-problems")
    expect(problems).to_contain_text("already submitted with this reference", timeout=20_000)
    assert _outbox_size(page) == 1
    page.get_by_role("button", name="Open it to correct it").click()
    expect(page.get_by_label("Answer 1", exact=True)).to_have_value(
        "Different words under the same reference."
    )
    assert page.locator('input[name="uuid"]').input_value() != reused
    submit(page)
    expect(status(page)).to_contain_text("All sent. 2 conversations sent", timeout=20_000)
    assert _outbox_size(page) == 0
    rows = live_server.conversations(partner.organisation)
    assert sorted(r["people_count"] for r in rows) == [3, 9]


CACHED_URLS = """() => caches.keys().then(names => Promise.all(names.map(name =>
    caches.open(name).then(cache => cache.keys()).then(keys => keys.map(k => name + ' ' +
    new URL(k.url).pathname))))).then(lists => [].concat(...lists))"""


def test_the_worker_stores_only_partner_pages_and_assets(page, context, live_server):
    partner = live_server.make_partner()
    sign_in(page, partner)
    wait_for_service_worker(page)
    fill_conversation(page, ["Cached? Only the page, never the API's answer."])
    submit(page)
    expect(status(page)).to_contain_text(ALL_SENT, timeout=20_000)
    page.goto("/intake/conversations")
    page.goto("/intake/coverage")  # staff only: 403 for a partner, never stored
    page.goto("/themes/")
    page.goto("/intake/conversations/new")
    stored = page.evaluate(CACHED_URLS)
    names = {entry.split(" ")[0] for entry in stored}
    paths = {entry.split(" ")[1] for entry in stored}
    assert names == {SW_CACHE}
    assert {"/intake/conversations/new", "/intake/conversations"} <= paths
    assert all(
        p.startswith("/assets/") or p in {"/intake/conversations/new", "/intake/conversations"}
        for p in paths
    ), paths

    # the same phone signed in as staff: the partner's stored pages are forgotten, and the
    # staff pages (every organisation's conversations) are not stored
    reviewer = live_server.make_staff()
    context.clear_cookies()
    sign_in(page, reviewer)
    page.goto("/intake/conversations")
    page.goto("/intake/conversations/new")
    page.wait_for_timeout(300)
    paths = {entry.split(" ")[1] for entry in page.evaluate(CACHED_URLS)}
    assert not {"/intake/conversations/new", "/intake/conversations"} & paths, paths


def test_staff_browsers_get_no_service_worker(page, live_server):
    sign_in(page, live_server.make_staff())
    page.goto("/intake/conversations/new")
    page.wait_for_load_state("networkidle")
    assert (
        page.evaluate("() => navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    )
    assert page.evaluate("() => caches.keys().then(k => k.length)") == 0


def test_without_indexeddb_the_form_posts_as_usual(page, live_server):
    page.add_init_script("Object.defineProperty(window, 'indexedDB', {value: undefined})")
    partner = live_server.make_partner()
    sign_in(page, partner)
    fill_conversation(page, ["No outbox on this phone: the form posts."])
    submit(page)
    page.wait_for_url("**/intake/conversations?sent=*")
    expect(page.get_by_text("Conversation sent. Thank you.")).to_be_visible()
    rows = live_server.conversations(partner.organisation)
    assert len(rows) == 1 and rows[0]["source"] == "web"


def test_a_draft_saved_offline_is_kept_then_synced_as_a_draft_and_submitted_later(
    page, context, live_server, page_errors
):
    partner = live_server.make_partner()
    sign_in(page, partner)
    wait_for_service_worker(page)
    context.set_offline(True)
    page.get_by_label("Southwark", exact=True).check()
    page.get_by_label("How many people took part").fill("a few")
    page.get_by_label("Answer 1", exact=True).fill("A draft I must not lose.")
    page.get_by_role("button", name="Save as draft").click()
    # a draft may leave fields out, but what it has is still checked
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("as a number like 3")
    expect(page.locator(".nhsuk-error-summary")).not_to_contain_text("Select the format")
    page.get_by_label("How many people took part").fill("4")
    time.sleep(1.1)
    page.get_by_role("button", name="Save as draft").click()
    expect(status(page)).to_contain_text("Draft saved on this phone")
    expect(status(page)).to_contain_text("1 saved on this phone, not yet sent")
    [uuid] = page.evaluate("""() => new Promise(resolve => {
        indexedDB.open('listening').onsuccess = event => {
          const request = event.target.result.transaction('outbox').objectStore('outbox').getAll()
          request.onsuccess = () => resolve(request.result.map(r => r.uuid + ':' + r.body.status))
        }
    })""")
    assert uuid.endswith(":draft")
    uuid = uuid.split(":")[0]
    assert live_server.conversations(partner.organisation) == []

    context.set_offline(False)
    expect(status(page)).to_contain_text(ALL_SENT, timeout=30_000)
    expect(status(page)).to_contain_text("1 draft is waiting for you under Drafts")
    [row] = live_server.conversations(partner.organisation)
    assert (row["uuid"], row["status"], row["people_count"]) == (uuid, "draft", 4)
    assert row["responses"] == ["A draft I must not lose."]
    assert _outbox_size(page) == 0

    # listed under Drafts; continued and submitted, it is the same conversation, once
    page.goto("/intake/conversations")
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Continue your draft")
    expect(page.get_by_label("Answer 1", exact=True)).to_have_value("A draft I must not lose.")
    time.sleep(1.1)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit conversation").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select the format")
    page.get_by_label("Small group", exact=True).check()
    page.get_by_role("group", name="Did they agree").get_by_label("No", exact=True).check()
    time.sleep(1.1)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit conversation").click()
    expect(page.get_by_text("Conversation sent. Thank you.")).to_be_visible()
    [row] = live_server.conversations(partner.organisation)
    assert (row["uuid"], row["status"]) == (uuid, "submitted")
    # the one error: the page that answered the incomplete submission with 422
    assert [m for m in page_errors.messages if "status of 422" not in m] == []


def test_a_new_worker_deletes_old_versions_of_its_cache(page, live_server):
    page.goto("/login")
    page.evaluate("""() => Promise.all([
        caches.open('listening-intake-v0').then(c => c.put('/old', new Response('old'))),
        caches.open('someone-else').then(c => c.put('/theirs', new Response('theirs')))])""")
    sign_in(page, live_server.make_partner())
    wait_for_service_worker(page)
    assert sorted(page.evaluate("() => caches.keys()")) == [SW_CACHE, "someone-else"]


def test_signing_out_forgets_the_pages_but_keeps_the_outbox(page, context, live_server):
    partner = live_server.make_partner()
    sign_in(page, partner)
    wait_for_service_worker(page)
    context.set_offline(True)
    fill_conversation(page, ["Queued, then the volunteer signs out."])
    submit(page)
    expect(status(page)).to_contain_text("1 saved on this phone, not yet sent")
    # Cookies first, so the flush on reconnect cannot send the outbox before signing out
    # (the other order was a race the reconnect sometimes won).
    context.clear_cookies()
    context.set_offline(False)
    page.goto("/logout")
    expect(page.locator("#outbox-warning")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_server.url + "/login")
    paths = {entry.split(" ")[1] for entry in page.evaluate(CACHED_URLS)}
    assert "/assets/js/intake.js" in paths
    assert not {"/intake/conversations/new", "/intake/conversations"} & paths
    assert _outbox_size(page) == 1
    sign_in(page, partner)
    expect(status(page)).to_contain_text(ALL_SENT, timeout=20_000)
    assert len(live_server.conversations(partner.organisation)) == 1


def test_a_refused_conversation_opens_from_the_list_page(page, live_server):
    partner = live_server.make_partner()
    sign_in(page, partner)
    page.evaluate("() => { document.querySelector('input[name=\"format\"]').value = 'chat' }")
    fill_conversation(page, ["Opened from my list of conversations."], people=7)
    page.locator('input[name="format"]').first.check()
    submit(page)
    expect(page.locator("#outbox-problems")).to_contain_text(
        "Format must be one of", timeout=20_000
    )
    page.goto("/intake/conversations")
    page.get_by_role("link", name="Open it to correct it").click()
    expect(page.get_by_label("Answer 1", exact=True)).to_have_value(
        "Opened from my list of conversations."
    )
    expect(page.get_by_label("How many people took part")).to_have_value("7")
    expect(page).to_have_url(live_server.url + NEW)  # the ?restore= is tidied away
    expect(page.locator("#format-error")).to_contain_text("Format must be one of")
    page.get_by_label("Event", exact=True).check()
    submit(page)
    expect(status(page)).to_contain_text("All sent. 1 conversation sent", timeout=20_000)


def test_a_captive_portal_answer_is_not_taken_for_sent(page, live_server):
    """Wi-Fi that answers every request with its own 200 page must not empty the outbox."""
    partner = live_server.make_partner()
    sign_in(page, partner)
    portal = []

    def captive_once(route):
        if not portal:
            portal.append(True)
            route.fulfill(
                status=200,
                content_type="text/html",
                body="<html><body>Welcome to Centre Wi-Fi</body></html>",
            )
        else:
            route.continue_()

    page.route("**/api/v1/conversations/*", captive_once)
    fill_conversation(page, ["The portal said 200 but the server never heard me."])
    submit(page)
    expect(status(page)).to_contain_text(ALL_SENT, timeout=20_000)
    assert portal == [True]
    rows = live_server.conversations(partner.organisation)
    assert [r["responses"] for r in rows] == [
        ["The portal said 200 but the server never heard me."]
    ]
