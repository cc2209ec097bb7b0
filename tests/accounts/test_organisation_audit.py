"""Organisations created as a side effect of the users pages are audited."""

from __future__ import annotations

from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.organisations.models import Organisation
from tests.conftest import PASSWORD


def test_an_organisation_created_from_the_new_user_page_is_audited(client, make_user):
    admin = make_user("admin", None)
    client.post("/login", data={"email": admin.email, "password": PASSWORD})
    response = client.post(
        "/admin/users/new",
        data={
            "email": "newpartner@example.org",
            "role": "partner",
            "organisation": "Lewisham Food Bank",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 303
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == "Lewisham Food Bank")
    )
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == Organisation.__tablename__,
            AuditEvent.entity_id == str(organisation.id),
        )
    ).one()
    assert event.action == "accounts.create_organisation"
    assert event.actor_id == admin.id and event.after == {"name": "Lewisham Food Bank"}
