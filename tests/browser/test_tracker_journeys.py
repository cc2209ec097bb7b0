"""The public tracker in real Chromium on a phone: from what people said to a pledge and its
progress, keyboard only, accessible names, and axe-core (WCAG 2.1 A/AA) on every public page.

Serves the app with werkzeug in a thread, on its own SQLite database built by the migrations
and filled by `flask demo seed` (which includes this package's demo pledges)."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.conftest import ARTIFACTS, AXE_JS, AXE_TAGS

pytestmark = pytest.mark.browser

THEMES = (
    "housing",
    "migration-race",
    "work-wages-cost-of-living",
    "mental-health-isolation",
    "children-young-people-parents",
)


@pytest.fixture(autouse=True)
def _transaction():
    """Override the rolled-back transaction of the unit tests: the live server commits."""
    yield


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Override the unit tests' cache reset: the live server's app has its own page cache."""
    yield


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    from flask_migrate import upgrade

    from listening import create_app
    from listening.extensions import db

    path = tmp_path_factory.mktemp("assembly-live") / "live.sqlite3"
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{path}",
            "SECRET_KEY": "live",
            "REDIS_URL": None,
            "TESTING": False,
        }
    )
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        from sqlalchemy import select

        from listening.assembly.models import Pledge

        pledge_ids = list(db.session.scalars(select(Pledge.id).order_by(Pledge.id)))
        db.session.remove()
    yield f"http://127.0.0.1:{server.port}", pledge_ids
    server.shutdown()
    server.server_close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser, live_url):
    """A phone-sized page on the demo-seeded server (`browser`: tests/browser/conftest.py)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        base_url=live_url[0],
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "assets.nhs.uk/fonts" not in m.text
            else None
        ),
    )
    page.errors = errors
    yield page
    context.close()


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    """axe-core with the WCAG 2.0/2.1 A and AA rules.

    `page.add_script_tag(path=...)` inlines the file into a <script> element, which our CSP
    (no inline scripts) refuses; evaluating it over the DevTools protocol is not subject to CSP.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate("() => {\n" + _axe_source() + "\n}")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_from_what_people_said_to_a_pledge_and_its_progress_on_a_phone(page):
    page.goto("/")
    assert page.url.endswith("/pledges")
    assert page.get_by_role("heading", level=1).inner_text().endswith("and progress")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    shot(page, "assembly-01-tracker")
    page.get_by_role("link", name="Housing", exact=True).click()
    page.wait_for_url("**/pledges/themes/housing")
    assert page.get_by_role("heading", name="You said").is_visible()
    assert page.locator(".app-quote").count() >= 1
    assert page.get_by_role("heading", name="We pledged").is_visible()
    shot(page, "assembly-02-theme-housing")
    page.locator(".app-pledge a").first.click()
    page.wait_for_url("**/pledges/*")
    assert page.get_by_role("heading", name="The commitment").is_visible()
    assert page.get_by_role("heading", name="Progress updates").is_visible()
    chart = page.get_by_role("img").filter(has=page.locator("title"))
    assert chart.count() >= 1
    assert page.get_by_role("progressbar").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "assembly-03-pledge")
    assert page.errors == []


def test_keyboard_only_filters_and_follows_a_theme(page):
    page.goto("/pledges")
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent.trim()")
    assert first == "Skip to main content"
    page.keyboard.press("Enter")
    seen = []
    for _ in range(40):  # Tab through the page until the status filter
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
        )
        if seen[-1] == "filter-status":
            break
    assert "Housing" in seen and "filter-theme" in seen and seen[-1] == "filter-status"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "filter-theme"
    page.select_option("#filter-theme", "housing")  # selecting with the keyboard on a phone UI
    page.focus("#filter-status")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Show pledges"
    page.keyboard.press("Enter")
    page.wait_for_url("**theme=housing**")
    assert "match your filters" in page.get_by_role("status").first.inner_text()
    titles = page.locator(".app-pledge h3").all_inner_texts()
    assert titles and all(title for title in titles)


def test_screen_reader_names(page, live_url):
    _, pledge_ids = live_url
    page.goto(f"/pledges/{pledge_ids[0]}")
    assert (
        page.get_by_role(
            "img",
            name="% of NHS trusts in South East London accredited London Living Wage employers",
        ).count()
        == 1
    )
    description = page.locator("svg desc").first.text_content()
    assert description.startswith("Baseline 40%") and "latest reading" in description
    assert page.get_by_role("progressbar", name="Progress").count() == 1
    assert page.get_by_role("navigation", name="Breadcrumb").count() == 1
    page.goto("/pledges")
    for slug in ("filter-theme", "filter-borough", "filter-lead", "filter-status"):
        assert page.locator(f"label[for='{slug}']").count() == 1


def test_every_public_page_passes_axe(page, live_url):
    _, pledge_ids = live_url
    urls = [
        "/pledges",
        "/pledges?theme=housing&status=at-risk",
        "/pledges/events",
        "/open-data",
        *(f"/pledges/themes/{slug}" for slug in THEMES),
        *(f"/pledges/{pledge_id}" for pledge_id in pledge_ids),
        *("/accessibility", "/privacy", "/contact", "/cookies"),
        f"/follow/pledges/{pledge_ids[0]}",
        "/follow/themes/housing",
        "/follow/check-your-email",
    ]
    violations = {}
    for url in urls:
        page.goto(url)
        page.locator("details").evaluate_all("els => els.forEach(e => e.open = true)")
        found = run_axe(page)
        if found:
            violations[url] = found
    # the follow form showing an error beside its field
    page.goto(f"/follow/pledges/{pledge_ids[0]}")
    page.get_by_label("Email address").fill("not an email")
    with page.expect_navigation():
        page.get_by_role("button", name="Get emails").click()
    error = page.get_by_text("Enter an email address in the correct format")
    expect(error).to_have_count(2)  # in the summary and beside the field
    expect(page.get_by_label("Email address")).to_have_value("not an email")
    if found := run_axe(page):
        violations["follow form with an error"] = found
    assert violations == {}
    assert page.errors == []
    # a refused follow link: a 400 page (the browser logs the status), still accessible
    page.goto("/follow/confirm/not-a-valid-link")
    assert page.get_by_role("heading", name="This link has expired or does not work").count() == 1
    assert run_axe(page) == []


def test_the_feed_reads_as_an_accessible_page_in_a_phone_browser(page, live_url):
    """The Atom feed's XSLT stylesheet turns it into a page; feed readers ignore it."""
    page.goto("/pledges/updates.atom")
    expect(page.get_by_role("heading", level=1)).to_contain_text("pledge progress updates")
    entries = page.locator("main li h2 a")
    assert entries.count() >= 10
    assert "/pledges/" in entries.first.get_attribute("href")
    expect(page.get_by_role("link", name="Open Government Licence v3.0")).to_have_count(1)
    # Chromium labels XSLT as deprecated with a banner of its own: not our page, not audited
    page.evaluate("() => document.querySelectorAll('xslt-warning-banner').forEach(e => e.remove())")
    assert run_axe(page) == []


def test_a_visitor_reads_the_tracker_in_portuguese_on_a_phone(page, live_url):
    """The language link keeps the page and is remembered (a cookie); every page on the way
    is in Portuguese, fits 390 px and passes axe; what staff typed stays as typed."""
    _, pledge_ids = live_url
    page.goto("/pledges")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Português").click()
    page.wait_for_url("**/pledges?lang=pt")
    expect(page.get_by_role("heading", level=1)).to_contain_text("o que foi prometido")
    assert page.evaluate("document.documentElement.lang") == "pt"
    expect(page.get_by_role("heading", name="Quem ouvimos")).to_have_count(1)
    expect(page.get_by_role("link", name="Housing", exact=True)).to_have_count(1)  # as typed
    violations, seen = {}, []

    def check(name):
        page.wait_for_load_state()
        page.locator("details").evaluate_all("els => els.forEach(e => e.open = true)")
        assert page.evaluate("document.documentElement.lang") == "pt", name
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        seen.append(name)
        if found := run_axe(page):
            violations[name] = found

    check("tracker")
    shot(page, "i18n-pt-01-tracker")
    page.get_by_role("link", name="Housing", exact=True).click()  # no ?lang: the cookie
    page.wait_for_url("**/pledges/themes/housing")
    expect(page.get_by_role("heading", name="Disseram", exact=True)).to_have_count(1)
    check("theme")
    page.locator(".app-pledge a").first.click()
    page.wait_for_url("**/pledges/*")
    expect(page.get_by_role("heading", name="O compromisso assumido")).to_have_count(1)
    expect(page.get_by_role("heading", name="Atualizações do progresso")).to_have_count(1)
    check("pledge")
    shot(page, "i18n-pt-02-pledge")
    follow = "Receber emails quando houver progresso neste compromisso"
    page.get_by_role("link", name=follow).click()
    page.get_by_label("Endereço de email").fill("não é um email")
    with page.expect_navigation():
        page.get_by_role("button", name="Receber emails").click()
    expect(page.get_by_text("Escreva um endereço de email no formato correto")).to_have_count(2)
    check("follow form with an error")
    page.goto("/pledges/events")
    expect(page.get_by_role("heading", level=1)).to_have_text("Workshops e assembleia")
    check("events")
    page.goto("/open-data")
    check("open data")
    page.goto("/accessibility")
    expect(page.get_by_role("heading", level=1)).to_have_text("Declaração de acessibilidade")
    expect(page.get_by_role("heading", name="Até que ponto este site é acessível")).to_have_count(1)
    check("accessibility statement")
    page.goto("/pledges/99999999")  # the browser logs the 404 itself
    expect(page.get_by_role("heading", level=1)).to_have_text("Página não encontrada")
    expect(page.get_by_text("Não existe nenhum compromisso com esse número.")).to_have_count(1)
    check("not found")
    assert violations == {}, violations
    assert len(seen) == 8
    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    page.goto("/pledges")
    expect(page.get_by_role("heading", name="Who we heard from")).to_have_count(1)
