"""Browser journeys in real Chromium (Playwright, sync API) against a live server.

Reusable by every feature's browser tests:
- `live_server`: the app served by werkzeug in a thread on 127.0.0.1 (random port), with its own
  SQLite database built by the migrations, CSRF ON, and a seeded campaign (`sel-2023`), two
  organisations and their partners. `live_server.query(fn)` runs `fn()` in the app context;
  `live_server.make_partner()` creates a partner of a fresh organisation (isolates a test).
- `browser`: one Chromium per session; `context` / `page`: fresh per test, 390×844 (a phone).
- `sign_in(page, user)`, `audit(page)` (axe-core, WCAG 2.1 A/AA) and `screenshot(page, name)`.
"""

from __future__ import annotations

import functools
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("LISTENING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}

# Browser assertions wait like the pages' default timeout: on a loaded 2-core CI machine the
# service worker and IndexedDB can take longer than Playwright's 5 s default.
expect.set_options(timeout=15_000)
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "_artifacts"
AXE_JS = ROOT / "tests" / "assets" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BOROUGHS = ("Southwark", "Lambeth", "Lewisham", "Bexley", "Bromley")
GROUPS = ("Young people", "Carers and lone parents", "Migrants and refugees")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _transaction():
    """Override the unit tests' rolled-back transaction: the live server commits for real."""
    yield


@dataclass
class LiveServer:
    url: str
    app: object
    partner: object = None
    other_partner: object = None
    campaign_slug: str = "sel-2023"
    requests: list = field(default_factory=list)  # (method, path, status) as served
    _count: list = field(default_factory=lambda: [0])

    def query(self, fn):
        """Run fn() in the live app's context (a fresh session; nothing left open)."""
        from listening.extensions import db

        with self.app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    def make_partner(self, organisation: str | None = None):
        """A partner of a new organisation: counts by organisation isolate one test."""
        from listening.accounts import operations
        from listening.extensions import db

        self._count[0] += 1
        name = organisation or f"Test Organisation {self._count[0]} {uuid.uuid4().hex[:6]}"
        email = f"partner-{uuid.uuid4().hex[:8]}@example.org"

        def create():
            user = operations.create_user(email, "partner", PASSWORD, organisation_name=name)
            db.session.commit()
            return _Account(user.id, email, name)

        return self.query(create)

    def make_staff(self, role: str = "reviewer"):
        """A reviewer (or admin) of the engagement team."""
        from listening.accounts import operations
        from listening.extensions import db

        email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"

        def create():
            user = operations.create_user(email, role, PASSWORD)
            db.session.commit()
            return _Account(user.id, email, "")

        return self.query(create)

    def conversations(self, organisation: str) -> list[dict]:
        """The organisation's conversations as plain dicts (uuid, status, people, answers)."""
        from sqlalchemy import select

        from listening.extensions import db
        from listening.intake.models import Conversation
        from listening.organisations.models import Organisation

        def read():
            rows = db.session.scalars(
                select(Conversation).join(Organisation).where(Organisation.name == organisation)
            )
            return [
                {
                    "uuid": c.uuid,
                    "status": c.status,
                    "people_count": c.people_count,
                    "source": c.source,
                    "responses": [r.text for r in c.responses],
                }
                for c in rows
            ]

        return self.query(read)


@dataclass(frozen=True)
class _Account:
    id: int
    email: str
    organisation: str


def _seed(app) -> tuple[_Account, _Account]:
    from listening.accounts import operations
    from listening.extensions import db
    from listening.intake.models import Area, Campaign, CommunityGroup

    with app.app_context():
        campaign = Campaign(
            slug="sel-2023",
            name="South East London anchor listening 2023",
            question="What puts pressure on you and your community's ability to thrive?",
            starts_on=date(2023, 6, 1),
        )
        for name in BOROUGHS:
            campaign.areas.append(Area(slug=name.lower(), name=name))
        campaign.areas.append(Area(slug="unspecified", name="Across South East London"))
        for name in GROUPS:
            campaign.groups.append(CommunityGroup(slug=name.lower().replace(" ", "-"), name=name))
        db.session.add(campaign)
        accounts = []
        for email, org in (
            ("partner@example.org", "Peckham Community Centre"),
            ("other@example.org", "Bexley Youth Club"),
        ):
            user = operations.create_user(email, "partner", PASSWORD, organisation_name=org)
            db.session.flush()
            accounts.append(_Account(user.id, email, org))
        db.session.commit()
        db.session.remove()
        return accounts[0], accounts[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app on a real socket with CSRF ON and its own migrated SQLite database."""
    from flask_migrate import upgrade

    from listening import create_app
    from listening.extensions import db

    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = create_app(
        {
            "TESTING": False,
            "DATABASE_URL": f"sqlite:///{path}",
            "SECRET_KEY": "live-server-secret",
            "WTF_CSRF_ENABLED": True,
            "REDIS_URL": None,
            "API_RATE_LIMIT": "0",
            "API_RATE_LIMIT_PER_ADDRESS": "0",
            "FORM_RATE_LIMIT": "0",
        }
    )
    with app.app_context():
        upgrade()
    partner, other = _seed(app)
    from listening.intake.redaction import redact

    # the server's first answer would otherwise load the redaction model (tens of seconds on
    # a loaded machine) inside its write transaction, past the journeys' waits
    redact("warm up")
    served: list = []

    def recording(environ, start_response):
        def start(status, headers, exc_info=None):
            served.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], int(status[:3])))
            return start_response(status, headers, exc_info)

        return app(environ, start)

    server = make_server("127.0.0.1", 0, recording, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(
        url=f"http://127.0.0.1:{server.port}",
        app=app,
        partner=partner,
        other_partner=other,
        requests=served,
    )
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        locale="en-GB",
        device_scale_factor=1,
        has_touch=True,
        is_mobile=True,
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@dataclass
class PageErrors:
    """Console errors and uncaught exceptions (a CSP violation shows up here)."""

    messages: list = field(default_factory=list)
    # expected while a test has the phone offline, or a lost answer is simulated
    EXPECTED = (
        "net::ERR_INTERNET_DISCONNECTED",
        "net::ERR_CONNECTION_RESET",
        # nhsuk-frontend's CSS asks for its web font from assets.nhs.uk, which our CSP
        # (font-src 'self') refuses; the text falls back to Arial
        "assets.nhs.uk/fonts/",
    )

    def watch(self, page):
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))
        page.on("console", self._console)
        return page

    def _console(self, message) -> None:
        if message.type == "error" and not any(e in message.text for e in self.EXPECTED):
            self.messages.append(f"console: {message.text}")


@pytest.fixture
def page_errors():
    return PageErrors()


@pytest.fixture
def page(context, page_errors):
    return page_errors.watch(context.new_page())


def sign_in(page, account, next_path: str | None = None) -> None:
    """Sign in through the login form (CSRF on) and wait for the landing page."""
    page.goto("/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def audit(page, name: str = "") -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; returns the violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # add_script_tag would be an inline script, which our CSP refuses; a function
        # evaluated over the DevTools protocol is not subject to the page's CSP
        page.evaluate("() => {\n" + _axe_source() + "\n}")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "page": name or page.url,
        }
        for v in result["violations"]
    ]


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def fits_and_passes(page, name: str) -> None:
    """The page is no wider than the phone and axe finds nothing; saves a screenshot."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    screenshot(page, name)
    assert width <= PHONE["width"], f"{name} is {width} px wide"
    assert audit(page, name) == []
