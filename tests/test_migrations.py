"""Migrations go up from empty, down to empty and up again, and match the models."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from listening import create_app
from listening.config import database_url
from listening.extensions import db
from listening.themes import search


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database of the kind the suite runs on (a second PostgreSQL database in CI)."""
    url = os.environ.get("LISTENING_TEST_DATABASE_URL")
    if not url or not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    base = make_url(database_url(url))
    name = f"{base.database}_migrations"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _not_search_index(name, type_, parent_names) -> bool:
    """The answers' full-text index (an FTS5 table and its shadow tables, or an expression
    index) is made by migration 0014 alone: models cannot declare it."""
    return not (name or "").startswith((search.INDEX_TABLE, search.INDEX_NAME))


def test_upgrade_downgrade_upgrade_and_models_match(scratch_url):
    app = create_app({"DATABASE_URL": scratch_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"intake_conversation", "intake_response", "accounts_user"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_name": _not_search_index,
                },
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.engine.dispose()


def test_audit_events_of_the_old_dialects_are_rewritten(scratch_url):
    from datetime import date

    from sqlalchemy.orm import Session

    from listening.audit import AuditEvent
    from listening.intake.models import Area, Conversation
    from listening.organisations.models import Organisation

    app = create_app({"DATABASE_URL": scratch_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade(revision="0006")
        session = Session(db.engine)  # not the suite's db.session: that one is rolled back
        # The campaign row in 0006's columns: the model has gained columns since (0011).
        campaign_id = session.execute(
            text(
                "INSERT INTO intake_campaign (slug, name, question, description, attribution,"
                " starts_on, created_at) VALUES ('sel-2023', 'SEL', '?', '', '', '2023-06-01',"
                " '2023-06-01 00:00:00') RETURNING id"
            )
        ).scalar_one()
        area = Area(slug="bexley", name="Bexley", campaign_id=campaign_id)
        organisation = Organisation(name="Mind", type="charity")
        conversation = Conversation(
            uuid="7d2c6f0e-0000-4000-8000-000000000001",
            campaign_id=campaign_id,
            area=area,
            organisation=organisation,
            held_on=date(2023, 7, 1),
            format="small-group",
            people_count=6,
            consent_to_quote=True,
            status="submitted",
            source="web",
        )
        session.add(conversation)
        session.flush()
        conversation_id = conversation.id
        # the answer in 0006's columns too (intake_response has gained redactor_version, 0012)
        response_id = session.execute(
            text(
                "INSERT INTO intake_response (conversation_id, position, text, redacted_text,"
                " created_at) VALUES (:c, 0, 'Rent', 'Rent', '2023-07-01 00:00:00') RETURNING id"
            ),
            {"c": conversation_id},
        ).scalar_one()
        old = [
            ("create", "conversation", conversation.uuid, None),
            ("pledge.create", "assembly_pledge", "4", None),
            ("pledge.save", "assembly_pledge", "4", None),
            ("organisation.create", "intake_organisation", str(organisation.id), None),
            ("themes.move_response", "Response", str(response_id), None),
            ("issue-token", "user", "3", None),
            ("privacy-erase", "conversation", "gone-uuid", None),
            ("purge-originals", "response", "*", None),
            ("create", "campaign", "sel-2023", None),
            ("import", "conversation_import", "july.csv", {"campaign": "sel-2023"}),
        ]
        for action, entity, entity_id, after in old:
            session.add(AuditEvent(action=action, entity=entity, entity_id=entity_id, after=after))
        session.commit()
        upgrade()
        rows = session.execute(
            text("SELECT action, entity, entity_id FROM accounts_audit_event ORDER BY id")
        ).all()
        assert [tuple(row) for row in rows] == [
            ("intake.create", "intake_conversation", str(conversation_id)),
            ("assembly.create", "assembly_pledge", "4"),
            ("assembly.update", "assembly_pledge", "4"),
            ("organisations.create", "intake_organisation", str(organisation.id)),
            ("themes.move_response", "intake_response", str(response_id)),
            ("accounts.issue_token", "accounts_user", "3"),
            ("privacy.erase", "intake_conversation", "gone-uuid"),
            ("privacy.purge_originals", "intake_response", "*"),
            ("intake.create", "intake_campaign", str(campaign_id)),
            ("intake.import", "intake_campaign", str(campaign_id)),
        ]
        session.close()
        db.engine.dispose()


def test_the_installation_secret_is_random_and_shared_by_every_app_on_the_database(
    scratch_url, tmp_path
):
    from sqlalchemy import delete

    from listening.intake import importids
    from listening.intake.models import InstallationSecret

    def secret_of(app):
        with app.app_context():
            secret = importids.installation_secret()
            db.session.commit()
            return secret

    first, second = (create_app({"DATABASE_URL": scratch_url, "SECRET_KEY": k}) for k in "ab")
    elsewhere = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}", "SECRET_KEY": "c"}
    )
    saved = db.session
    db.session = db._make_scoped_session({})  # the suite's session is bound to its own database
    try:
        for app in (first, elsewhere):
            with app.app_context():
                upgrade()
        made = secret_of(first)
        assert len(made) == 32 and secret_of(second) == made  # another worker, another key
        assert secret_of(elsewhere) != made
        with first.app_context():  # the row lost: the first to need it makes a new one
            db.session.execute(delete(InstallationSecret))
            db.session.commit()
        remade = secret_of(second)
        assert remade != made and secret_of(first) == remade
    finally:
        db.session.remove()
        db.session = saved
        for app in (first, second, elsewhere):
            with app.app_context():
                db.engine.dispose()


def test_0018_keeps_every_answer_when_it_rebuilds_the_conversation_table(scratch_url):
    """On SQLite, 0018 rebuilds intake_conversation (DROP + rename): with foreign keys on,
    the DROP would cascade to its answers. env.py turns them off around the migration."""
    from sqlalchemy.orm import Session

    app = create_app({"DATABASE_URL": scratch_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade(revision="0012")
        session = Session(db.engine)
        statements = [
            "INSERT INTO intake_campaign (id, slug, name, question, description, attribution,"
            " created_at) VALUES (1, 'c', 'C', '', '', '', '2023-06-01 00:00:00')",
            "INSERT INTO intake_area (id, campaign_id, slug, name) VALUES (1, 1, 'a', 'A')",
            "INSERT INTO intake_community_group (id, campaign_id, slug, name)"
            " VALUES (1, 1, 'g', 'G')",
            "INSERT INTO intake_organisation (id, name, type, outreach_status, contact_notes,"
            " created_at) VALUES (1, 'O', 'charity', 'contacted', '', '2023-06-01 00:00:00')",
            "INSERT INTO accounts_user (id, email, name, role, password_hash, active, created_at)"
            " VALUES (1, 'p@example.org', '', 'partner', 'x', true, '2023-06-01 00:00:00')",
            "INSERT INTO intake_conversation (id, uuid, campaign_id, area_id, organisation_id,"
            " held_on, format, people_count, consent_to_quote, status, source, created_at,"
            " updated_at) VALUES (1, 'u-1', 1, 1, 1, '2023-07-01', 'event', 3, true,"
            " 'submitted', 'web', '2023-07-01 00:00:00', '2023-07-01 00:00:00')",
            "INSERT INTO intake_conversation_group (conversation_id, group_id) VALUES (1, 1)",
            "INSERT INTO intake_response (conversation_id, position, text, redacted_text,"
            " created_at) VALUES (1, 1, 'Rent', 'Rent', '2023-07-01 00:00:00')",
        ]
        for statement in statements:
            session.execute(text(statement))
        session.commit()
        upgrade(revision="0018")
        count = lambda table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: E731
        assert (count("intake_response"), count("intake_conversation_group")) == (1, 1)
        # people who used the service before have found their way: no first-steps panel
        assert session.execute(text("SELECT tour_done_at FROM accounts_user")).scalar()
        session.close()  # its transaction holds SQLite's write lock
        columns = {c["name"]: c for c in inspect(db.engine).get_columns("intake_conversation")}
        assert all(columns[n]["nullable"] for n in ("area_id", "held_on", "people_count"))
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()


def test_0024_makes_each_existing_lead_a_lead_of_every_campaign(scratch_url):
    """Leads were global before 0024: none loses a case when they become per campaign."""
    from sqlalchemy.orm import Session

    app = create_app({"DATABASE_URL": scratch_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade(revision="0022")
        session = Session(db.engine)
        for cid in (1, 2):
            session.execute(
                text(
                    "INSERT INTO intake_campaign (id, slug, name, question, description,"
                    " attribution, created_at) VALUES"
                    f" ({cid}, 'c{cid}', 'C', '', '', '', '2023-06-01 00:00:00')"
                )
            )
        for uid, role in ((1, "safeguarding_lead"), (2, "reviewer")):
            session.execute(
                text(
                    "INSERT INTO accounts_user (id, email, name, role, password_hash, active,"
                    f" created_at) VALUES ({uid}, 'u{uid}@example.org', '', '{role}', 'x',"
                    " true, '2023-06-01 00:00:00')"
                )
            )
        session.commit()
        session.close()
        upgrade(revision="0024")
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT campaign_id, user_id FROM intake_safeguarding_lead ORDER BY 1")
            ).all()
        assert [tuple(r) for r in rows] == [(1, 1), (2, 1)]
        db.engine.dispose()
