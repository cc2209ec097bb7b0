"""Every page each role can reach, at 390 px in real Chromium, on demo data (`demo seed`'s SEL
2023 campaign and its assembly): no horizontal scroll of the document, zero axe-core (WCAG 2.1
A/AA) violations, and a screenshot per page, tests/_artifacts/phone-<role>-<page>.png.

One Chromium (the session's `browser`), one page per role reused for all its pages. The admin
walks the pages only an admin reaches; the staff pages admins share with reviewers are walked
as the reviewer (same templates and data)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.conftest import PHONE, audit, screenshot

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "sel-anchor-demo-2023"
USERS = {
    "partner": "partner@example.org",
    "reviewer": "reviewer@example.org",
    "admin": "admin@example.org",
}


@pytest.fixture(autouse=True)
def _transaction():
    """Override the unit tests' rolled-back transaction: the live server commits."""
    yield


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Override the unit tests' cache reset: the live server's app has its own page cache."""
    yield


@dataclass(frozen=True)
class Ids:
    pledge: int
    event: int
    metric: int
    action: int
    partner_organisation: int
    partner_conversation: str
    partner_user: int
    organisation: int
    response: int


def _ids() -> Ids:
    from sqlalchemy import select

    from listening.accounts.models import User
    from listening.assembly.models import Action, Event, Metric
    from listening.extensions import db
    from listening.intake import screening
    from listening.intake.models import Conversation, Response

    metric = db.session.scalars(select(Metric).order_by(Metric.id)).first()
    pledge = metric.pledge
    action = db.session.scalars(select(Action).where(Action.pledge_id == pledge.id)).first()
    action = action or db.session.scalars(select(Action)).first()
    partner = db.session.scalar(select(User).where(User.email == USERS["partner"]))
    conversation = db.session.scalars(
        select(Conversation)
        .where(Conversation.organisation_id == partner.organisation_id)
        .order_by(Conversation.id)
    ).first()
    return Ids(
        pledge=pledge.id,
        event=db.session.scalars(select(Event.id).order_by(Event.id)).first(),
        metric=metric.id,
        action=action.id,
        partner_organisation=partner.organisation_id,
        partner_conversation=conversation.uuid,
        partner_user=partner.id,
        organisation=partner.organisation_id,
        response=db.session.scalars(  # a cleared answer: the only kind a quote may use
            select(Response.id)
            .join(Conversation)
            .where(screening.cleared(), Conversation.consent_to_quote.is_(True))
            .order_by(Response.id)
        ).first(),
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The app on a real socket with the demo's SEL campaign and assembly (no Pol.is data)."""
    from flask_migrate import upgrade

    from listening import create_app
    from listening.assembly.demo import seed_assembly
    from listening.extensions import db
    from listening.intake import screening
    from listening.intake.demo.seed import seed_demo

    folder = tmp_path_factory.mktemp("phone-live")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
            "SECRET_KEY": "phone-live",
            "REDIS_URL": None,
            "TESTING": False,
            "WTF_CSRF_ENABLED": True,
            "FORM_RATE_LIMIT": "0",
        }
    )
    with app.app_context():
        upgrade()
        result = seed_demo(2023, realdata=folder / "no-realdata")  # SEL only: faster
        db.session.commit()
        screening.screen_outdated()  # as `demo seed` does: only cleared answers are quoted
        seed_assembly(result.campaign, seed=2023)
        db.session.commit()
        ids = _ids()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}", ids
    server.shutdown()
    server.server_close()
    with app.app_context():
        db.engine.dispose()


def pages_for(role: str, ids: Ids) -> dict[str, str]:
    """name → URL: every page the role reaches (admin: those only an admin reaches)."""
    if role == "public":
        return {
            "pledges": "/pledges",
            "pledges-filtered": "/pledges?theme=housing&status=on-track",
            "theme": "/pledges/themes/housing",
            "pledge": f"/pledges/{ids.pledge}",
            "events": "/pledges/events",
            "open-data": "/open-data",
            "follow-pledge": f"/follow/pledges/{ids.pledge}",
            "follow-theme": "/follow/themes/housing",
            "accessibility": "/accessibility",
            "privacy": "/privacy",
            "contact": "/contact",
            "cookies": "/cookies",
            "login": "/login",
        }
    if role == "partner":
        return {
            "new-conversation": "/intake/conversations/new",
            "conversations": "/intake/conversations",
            "conversations-oldest": "/intake/conversations?sort=oldest&q=rent",
            "conversation": f"/intake/conversations/{ids.partner_conversation}",
            "what-it-led-to": f"/partners/{ids.partner_organisation}",
            "account": "/account",
        }
    if role == "reviewer":
        pledge, metric, action, event = ids.pledge, ids.metric, ids.action, ids.event
        return {
            "conversations": "/intake/conversations",
            "conversations-page-2": "/intake/conversations?page=2",
            "conversations-filtered": "/intake/conversations?borough=bexley&status=submitted"
            "&date_from=2023-06-01&date_to=2023-09-30",
            "conversations-bad-filter": "/intake/conversations?borough=atlantis"
            "&date_from=2023-13-01",
            "conversation": f"/intake/conversations/{ids.partner_conversation}",
            "new-conversation": "/intake/conversations/new",
            "coverage": "/intake/coverage",
            "coverage-groups": "/intake/coverage/groups",
            "coverage-months": "/intake/coverage/months",
            "coverage-languages": "/intake/coverage/languages",
            "coverage-organisations": "/intake/coverage/organisations",
            "coverage-outreach": "/intake/coverage/outreach",
            "import": "/intake/imports/new",
            "themes": "/themes/",
            "themes-review": "/themes/review",
            "themes-search": "/themes/search?q=rent+landlord",
            "themes-rounds": "/themes/rounds?campaign=sel-2024",
            "themes-rounds-boroughs": "/themes/rounds?campaign=sel-2024&view=boroughs",
            "reports": "/staff/reports",
            "staff-pledge-archive": f"/staff/pledges/{pledge}/archive",
            "staff-pledges": "/staff/pledges",
            "staff-pledge": f"/staff/pledges/{pledge}",
            "staff-pledge-edit": f"/staff/pledges/{pledge}/edit",
            "staff-pledge-new": "/staff/pledges/new",
            "staff-update-new": f"/staff/pledges/{pledge}/updates/new",
            "staff-signatory-new": f"/staff/pledges/{pledge}/signatories/new",
            "staff-action-new": f"/staff/pledges/{pledge}/actions/new",
            "staff-action-edit": f"/staff/actions/{action}/edit",
            "staff-metric-new": f"/staff/pledges/{pledge}/metrics/new",
            "staff-metric-edit": f"/staff/metrics/{metric}/edit",
            "staff-reading-new": f"/staff/metrics/{metric}/readings/new",
            "staff-pledges-import": "/staff/pledges/import",
            "staff-events": "/staff/events",
            "staff-event": f"/staff/events/{event}",
            "staff-event-edit": f"/staff/events/{event}/edit",
            "staff-event-new": "/staff/events/new",
            "staff-quotes": "/staff/quotes",
            "staff-quote-new": f"/staff/quotes/new?response_id={ids.response}",
            "partners": "/partners",
            "what-it-led-to": f"/partners/{ids.partner_organisation}",
            "account": "/account",
        }
    return {
        "users": "/admin/users",
        "user": f"/admin/users/{ids.partner_user}",
        "user-new": "/admin/users/new",
        "organisations": "/intake/organisations",
        "organisation-new": "/intake/organisations/new",
        "organisation-edit": f"/intake/organisations/{ids.organisation}/edit",
        "conversation-edit": f"/intake/conversations/{ids.partner_conversation}/edit",
        "pages": "/admin/pages",
        "page-edit": "/admin/pages/privacy/edit",
        "privacy-find": "/admin/privacy/",
        "privacy-found": f"/admin/privacy/?ref={ids.partner_conversation}",
        "privacy-conversation": f"/admin/privacy/conversations/{ids.partner_conversation}",
        "privacy-erase": f"/admin/privacy/conversations/{ids.partner_conversation}/erase",
        "coverage": "/intake/coverage/outreach",
    }


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/login" not in page.url, "sign-in failed"


def walk(page, role: str, urls: dict[str, str]) -> list[str]:
    problems = []
    for name, url in urls.items():
        response = page.goto(url)
        if response is None or response.status != 200:
            problems.append(f"{name} {url}: HTTP {response and response.status}")
            continue
        problems += check(page, role, name, url)
    return problems


def check(page, role: str, name: str, url: str) -> list[str]:
    """The page as shown: no sideways scroll, readable charts, axe; then its screenshot."""
    problems = []
    # open every disclosure so what it hides is measured and audited too
    page.locator("details").evaluate_all("els => els.forEach(e => e.open = true)")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(WIDEST)
        problems.append(f"{name} {url}: scrollWidth {width} > 390; widest: {wide}")
    if small := page.evaluate(SMALL_CHART_TEXT):
        problems.append(f"{name} {url}: chart text under 14 px: {small}")
    for violation in audit(page, name):
        problems.append(f"{name} {url}: axe {violation['id']} {violation['nodes']}")
    screenshot(page, f"phone-{role}-{name}")
    return problems


def date_warning(page) -> list[str]:
    """The script flags a date outside the campaign (1 June to 30 September 2023) as it is
    typed: a warning beside the field, gone once the date is inside."""
    page.goto("/intake/conversations/new")
    field, warning = page.get_by_label("Date of the conversation"), page.locator("#date-warning")
    field.fill("2023-05-20")
    expect(warning).to_contain_text(
        "Check the date: 20 May 2023 is before this campaign started (1 June 2023)."
    )
    problems = check(page, "partner", "new-conversation-date-warning", "/intake/conversations/new")
    field.fill("2023-07-01")
    expect(warning).to_have_text("")
    field.fill("2023-10-01")
    expect(warning).to_contain_text("is after this campaign ended (30 September 2023)")
    return problems


IMPORT_CSV = (
    "conversation_ref,date,borough,organisation,format,people_count,groups,consent_to_quote,"
    "response\n"
    "phone-1,2023-07-01,Southwark,Peckham Community Centre,small-group,4,Young people,yes,"
    "The bus fare eats the food budget.\n"
    "phone-2,2023-07-02,Narnia,Peckham Community Centre,small-group,four,,maybe,\n"
)


def import_reports(page, ids: Ids) -> list[str]:
    """The two import reports (they only exist after an upload): rows, columns and reasons."""
    problems = []
    uploads = (
        ("import-report", "/intake/imports/new", "conversations.csv", IMPORT_CSV),
        (
            "staff-pledges-import-report",
            "/staff/pledges/import",
            "updates.csv",
            f"pledge_id,date,status,text\n{ids.pledge},2024-01-31,on-track,Trusts accredited\n"
            "999999,not-a-date,sideways,\n",
        ),
    )
    for name, url, filename, text in uploads:
        page.goto(url)
        page.locator("input[type=file]").set_input_files(
            {"name": filename, "mimeType": "text/csv", "buffer": text.encode()}
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Import").click()
        if "row" not in page.locator("main").inner_text().lower():
            problems.append(f"{name}: no row-by-row report")
        problems += check(page, "reviewer", name, url)
    return problems


# text in an SVG chart as drawn: its font size times the SVG's scale (viewBox → screen)
SMALL_CHART_TEXT = """() => Array.from(document.querySelectorAll('svg[viewBox] text')).map(t => {
    const svg = t.ownerSVGElement
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width
    return [t.textContent, Math.round(parseFloat(getComputedStyle(t).fontSize) * scale * 10) / 10]
  }).filter(([, size]) => size < 14).slice(0, 3)"""


# the elements sticking out furthest to the right (to say what to fix)
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .map(e => [e.getBoundingClientRect().right,
             e.tagName + '.' + (e.className.baseVal ?? e.className)])
  .filter(([r]) => r > 390).sort((a, b) => b[0] - a[0]).slice(0, 3)"""


@pytest.mark.parametrize("role", ["public", "partner", "reviewer", "admin"])
def test_every_page_of_a_role_fits_a_phone_and_passes_axe(browser, demo, role):
    url, ids = demo
    context = browser.new_context(
        viewport=PHONE,
        base_url=url,
        locale="en-GB",
        device_scale_factor=1,
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        if role != "public":
            sign_in(page, USERS[role])
        urls = pages_for(role, ids)
        problems = walk(page, role, urls)
        if role == "partner":
            problems += date_warning(page)
            urls |= {"new-conversation-date-warning": ""}
        if role == "reviewer":
            problems += import_reports(page, ids)
            urls |= {"import-report": "", "staff-pledges-import-report": ""}
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
    assert errors == []
    shots = sorted(Path("tests/_artifacts").glob(f"phone-{role}-*.png"))
    assert {re.sub(rf"^phone-{role}-", "", p.stem) for p in shots} >= set(urls)
