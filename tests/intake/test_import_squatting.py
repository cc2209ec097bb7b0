"""Import UUIDs cannot be squatted: a partner who knows another organisation's reference can
neither compute the UUID its import will use nor take it; rows imported before the change are
still recognised."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from listening.accounts import operations as accounts
from listening.extensions import db
from listening.intake import importids, operations
from listening.intake.models import Conversation
from tests.intake.test_intake_import import ORG, csv_bytes, row, run_import

OTHER = "Brixton Youth Hub"


@pytest.fixture
def world(make_campaign, make_user):
    campaign = make_campaign()
    partner = make_user("partner", ORG)
    squatter = make_user("partner", OTHER)
    reviewer = make_user("reviewer", None)
    db.session.commit()
    return campaign, partner, squatter, reviewer


def _put(client, user, ref, payload):
    token = accounts.issue_token(user)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    return client.put(f"/api/v1/conversations/{ref}", json=payload, headers=headers)


def _imported(reference: str) -> Conversation:
    query = select(Conversation).where(
        Conversation.reference == reference, Conversation.source == "import"
    )
    return db.session.scalar(query)


def test_a_partner_put_under_the_old_derived_uuid_neither_takes_nor_blocks_the_import(
    client, world, conversation_payload
):
    campaign, _partner, squatter, reviewer = world
    old_style = importids.legacy_import_uuid("sel-2023", ORG, "C1")
    squat = _put(
        client, squatter, old_style, conversation_payload(organisation=OTHER, responses=["x"])
    )
    assert squat.status_code == 201  # to the server it is just the squatter's own UUID

    report = run_import(csv_bytes([row(ref="C1")]), campaign, reviewer)
    assert report.summary() == {"created": 1, "duplicates": 0, "errors": 0}, report.errors
    imported = _imported("C1")
    assert imported.organisation.name == ORG and imported.uuid != old_style
    assert importids.is_import_uuid(importids.installation_secret(), imported.uuid)
    squatted = operations.get_conversation(old_style)
    assert squatted.organisation.name == OTHER and squatted.source == "api"
    assert [r.text for r in squatted.responses] == ["x"]
    again = run_import(csv_bytes([row(ref="C1")]), campaign, reviewer)
    assert again.summary() == {"created": 0, "duplicates": 1, "errors": 0}


def test_a_put_of_an_import_uuid_is_refused_naming_the_field(client, world, conversation_payload):
    campaign, _partner, squatter, reviewer = world
    run_import(csv_bytes([row(ref="C1")]), campaign, reviewer)
    taken = _put(client, squatter, _imported("C1").uuid, conversation_payload(organisation=OTHER))
    assert taken.status_code == 409 and "uuid" in taken.get_json()["errors"]
    assert _imported("C1").organisation.name == ORG

    # an import UUID not used yet (it could only have leaked): refused all the same
    organisation_id = _imported("C1").organisation_id
    secret = importids.installation_secret()
    leaked = importids.import_uuid(secret, "sel-2023", organisation_id, "C2")
    refused = _put(client, squatter, leaked, conversation_payload(organisation=OTHER))
    assert refused.status_code == 409, refused.get_json()
    assert "kept for an imported conversation" in refused.get_json()["errors"]["uuid"][0]
    assert operations.get_conversation(leaked) is None
    report = run_import(csv_bytes([row(ref="C2")]), campaign, reviewer)
    assert report.created == 1 and _imported("C2").uuid == leaked


def _imported_the_old_way(reviewer, reference="C1") -> Conversation:
    """What the importer did before import UUIDs were HMACs (the same input, the old UUID)."""
    data = operations.ConversationInput(
        uuid=importids.legacy_import_uuid("sel-2023", ORG, reference),
        campaign="sel-2023",
        borough="southwark",
        organisation=ORG,
        date=date(2023, 7, 1),
        format="small-group",
        people_count=6,
        groups=("young-people", "carers-and-lone-parents"),
        consent_to_quote=True,
        responses=("The rent takes most of what I earn",),
        reference=reference,
    )
    conversation, created = operations.save_conversation(data, reviewer, source="import")
    db.session.commit()
    assert created
    return conversation


def test_rows_imported_before_the_upgrade_are_still_duplicates(world):
    campaign, _partner, _squatter, reviewer = world
    old = _imported_the_old_way(reviewer)
    report = run_import(csv_bytes([row(ref="C1")]), campaign, reviewer)
    assert report.summary() == {"created": 0, "duplicates": 1, "errors": 0}, report.errors
    changed = run_import(csv_bytes([row(ref="C1", people="9")]), campaign, reviewer)
    assert changed.summary() == {"created": 0, "duplicates": 0, "errors": 1}
    assert "imported before with different details" in changed.errors[0].reason
    rows = db.session.scalars(select(Conversation)).all()
    assert [(c.id, c.people_count) for c in rows] == [(old.id, 6)]


def test_a_conversation_erased_before_the_upgrade_is_not_imported_again(world):
    campaign, _partner, _squatter, reviewer = world
    operations.add_tombstone(importids.legacy_import_uuid("sel-2023", ORG, "C1"))
    db.session.commit()
    report = run_import(csv_bytes([row(ref="C1"), row(ref="C2")]), campaign, reviewer)
    assert report.summary() == {"created": 1, "duplicates": 0, "errors": 1}
    assert (report.errors[0].row, report.errors[0].column) == (2, "conversation_ref")
    assert "erased on request" in report.errors[0].reason
    assert _imported("C1") is None
