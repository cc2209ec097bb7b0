"""Reads an auditor asks about: who was shown the original (unredacted) answers
(`privacy.read_original`), and who looked at the data-protection pages (`privacy.view`)."""

from __future__ import annotations

import logging

from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from tests.security import walk


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_staff_shown_original_answers_on_the_conversation_page_is_audited(world, clients, caplog):
    conversation = world.submitted
    with_pii = conversation.responses[1].id  # its original differs from its redacted text
    with caplog.at_level(logging.WARNING, logger="listening.extensions"):
        page = walk.request(
            clients["reviewer"], "GET", f"/intake/conversations/{conversation.uuid}"
        )
    assert page.status_code == 200 and "07700 900123" in page.get_data(as_text=True)
    [event] = _events("privacy.read_original")
    assert (event.entity, event.entity_id) == ("intake_conversation", str(conversation.id))
    assert event.actor_id == world.reviewer.id
    assert event.after == {"responses": [with_pii]}
    assert "writes in a read-only SQLite transaction" not in caplog.text


def test_no_original_shown_no_event(world, clients):
    page = walk.request(
        clients["partner_b"], "GET", f"/intake/conversations/{world.submitted.uuid}"
    )
    assert page.status_code == 404
    assert _events("privacy.read_original") == []


def test_the_admin_edit_form_shows_originals_and_is_audited(world, clients):
    conversation = world.submitted
    page = walk.request(clients["admin"], "GET", f"/intake/conversations/{conversation.uuid}/edit")
    assert page.status_code == 200 and "07700 900123" in page.get_data(as_text=True)
    [event] = _events("privacy.read_original")
    assert event.actor_id == world.admin.id and event.entity_id == str(conversation.id)


def test_privacy_pages_record_who_searched_and_who_looked(world, clients, caplog):
    admin, reference = clients["admin"], world.submitted.uuid
    with caplog.at_level(logging.WARNING, logger="listening.extensions"):
        assert walk.request(admin, "GET", "/admin/privacy/").status_code == 200
        assert _events("privacy.view") == []  # the empty search form shows nothing held
        walk.request(admin, "GET", "/admin/privacy/?ref=IMPORT-submitted")
        walk.request(admin, "GET", f"/admin/privacy/conversations/{reference}")
    search, view = sorted(_events("privacy.view"), key=lambda e: e.id)
    assert (search.entity, search.entity_id) == ("intake_conversation", "*")
    assert search.after == {"reference": "IMPORT-submitted", "found": [reference]}
    assert (view.entity, view.entity_id) == ("intake_conversation", str(world.submitted.id))
    assert {search.actor_id, view.actor_id} == {world.admin.id}
    assert "writes in a read-only SQLite transaction" not in caplog.text
