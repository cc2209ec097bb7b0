"""Shared fixtures: one app per session, schema from the migrations, a rolled-back
transaction per test, and factories that return callables."""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import text

from listening import create_app
from listening.extensions import db

PASSWORD = "correct horse battery staple"
PUBLIC_URL = "https://tracker.example.org"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("LISTENING_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class FreshUserClient(FlaskClient):
    """Forget the user Flask-Login cached in `g` before each request: tests hold one app
    context for all their requests, so without this a request would still see the previous
    request's user. Real requests never share `g`."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("signed_in_by_token", None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": _database_url(tmp_path_factory),
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "REDIS_URL": None,
            "JOBS_EAGER": True,
            "SERVER_NAME": "localhost",
            "ASSEMBLY_CACHE_SECONDS": 0,  # tests that need the page cache turn it on
        }
    )
    app.test_client_class = FreshUserClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            downgrade(revision="base")  # a clean slate on a shared test database
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the interpreter does


class _BoundSession(FlaskSession):
    """Flask-SQLAlchemy's Session ignores `bind=`; tests need every query on one connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@pytest.fixture(autouse=True)
def _transaction(app):
    """Each test runs inside a transaction that is rolled back; commits become savepoints."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "class_": _BoundSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _fresh_page_cache(app):
    """Each test starts with an empty page cache: the generation stamp is rolled back with the
    test's rows, so an entry left by an earlier test could otherwise be served again."""
    from listening.assembly import cache

    with app.app_context():
        cache.page_cache().clear()
    yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def signed_in(app):
    """A new client signed in as `user` (one client per person); None: an anonymous one."""

    def make(user=None):
        client = app.test_client()
        if user is not None:
            response = client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return client

    return make


@pytest.fixture
def csrf_app(app):
    """Temporarily turn CSRF protection on (it is off for most view tests)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_campaign():
    from listening.intake.models import Area, Campaign, CommunityGroup

    def make(slug="sel-2023", boroughs=("Southwark", "Lambeth", "Bexley"), groups=None):
        campaign = Campaign(
            slug=slug,
            name=f"Campaign {slug}",
            question="What puts pressure on you?",
            starts_on=date(2023, 6, 1),
        )
        for name in boroughs:
            campaign.areas.append(Area(slug=name.lower(), name=name, population=300_000))
        campaign.areas.append(Area(slug="unspecified", name="Across the region"))
        for name in groups or ("Young people", "Carers and lone parents", "Migrants and refugees"):
            slug = name.lower().replace(" ", "-")
            campaign.groups.append(CommunityGroup(slug=slug, name=name))
        db.session.add(campaign)
        db.session.flush()
        return campaign

    return make


@pytest.fixture
def make_user():
    from listening.accounts import operations

    def make(role="partner", organisation="Peckham Community Centre", email=None):
        email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.org"
        return operations.create_user(
            email,
            role,
            PASSWORD,
            organisation_name=organisation if role == "partner" else organisation,
        )

    return make


@pytest.fixture
def login(client):
    def do_login(user):
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=False
        )
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return user

    return do_login


@pytest.fixture
def conversation_payload():
    def make(**overrides):
        payload = {
            "campaign": "sel-2023",
            "borough": "southwark",
            "organisation": "Peckham Community Centre",
            "date": "2023-07-01",
            "format": "small-group",
            "people_count": 6,
            "groups": ["young-people"],
            "consent_to_quote": True,
            "responses": ["The landlord ignores the leak and the mould is back."],
        }
        payload.update(overrides)
        return payload

    return make


@pytest.fixture
def db_dialect(app):
    with app.app_context():
        return db.engine.dialect.name


def screen_answers(conversation, redacted_by_current: bool = True):
    """Screen the conversation's answers as intake does after a submit (the full detector;
    the publication gate clears only what it screened). `redacted_by_current`: the fixture
    made `redacted_text` as the current redactor would, so it is kept as it is."""
    from listening.intake import screening
    from listening.intake.redaction import REDACTOR_VERSION

    if redacted_by_current:
        for response in conversation.responses:
            response.redactor_version = REDACTOR_VERSION
    db.session.flush()
    screening.screen([r.id for r in conversation.responses], None)
    return conversation


def release_language_holds(conversation, actor):
    """A lead reads the answers held only because the detector cannot read their language and
    releases them as not a disclosure (`release_case`, as on the case page); they are cleared."""
    from listening.intake.safeguarding import detector
    from listening.intake.safeguarding import operations as safeguarding

    flagged = [r for r in conversation.responses if r.safeguarding_flag]
    assert flagged and all(r.safeguarding_kind == detector.UNREAD for r in flagged)
    safeguarding.release_case(
        safeguarding.case_for(conversation), actor, "Read in full: not a disclosure"
    )
    db.session.flush()
    return conversation


def table_count(name: str) -> int:
    return db.session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()


@pytest.fixture(scope="session")
def smtp_server():
    from tests import mailserver

    controller, inbox = mailserver.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def inbox(app, smtp_server):
    """Mail on, to a real local SMTP server; links from PUBLIC_URL. Empty at each test's start."""
    controller, inbox = smtp_server
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "PUBLIC_URL")}
    app.config.update(
        MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port, PUBLIC_URL=PUBLIC_URL
    )
    inbox.clear()
    yield inbox
    app.config.update(saved)
