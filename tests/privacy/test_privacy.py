"""Data protection: find, export and erase a conversation by reference; purge originals."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from listening import audit
from listening.accounts import operations as accounts
from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake import operations as intake
from listening.intake.models import Conversation, Response, conversation_group
from listening.privacy import operations
from listening.timeutil import utcnow
from tests.security import walk
from tests.security.conftest import ORIGINAL_PII, _conversation


def _count(model_or_table, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model_or_table).where(*where))


def _quote_count(response_ids) -> int:
    from listening.assembly.models import Quote

    return _count(Quote, Quote.response_id.in_(response_ids))


def test_find_by_uuid_and_by_import_reference(world):
    assert operations.find_conversations(world.submitted.uuid) == [world.submitted]
    assert operations.find_conversations(world.submitted.uuid.upper()) == [world.submitted]
    assert operations.find_conversations("IMPORT-draft") == [world.draft]
    assert operations.find_conversations("nothing") == []
    with pytest.raises(operations.PrivacyError, match="No conversation"):
        operations.get_conversation("nothing")


def test_ambiguous_import_reference_asks_for_the_uuid(world):
    _conversation(world.campaign, world.org_b, world.partner_b, "submitted", ["x"], ["x"])
    with pytest.raises(operations.PrivacyError, match="2 conversations .* use the UUID"):
        operations.get_conversation("IMPORT-submitted")


def test_collect_and_export_everything_held(world):
    conversation = world.submitted
    audit.record(
        world.assembly.quote,
        "assembly.approve",
        world.admin,
        after={"text": conversation.responses[1].redacted_text},
    )
    db.session.flush()
    data = operations.export(operations.collect(conversation))
    assert data["conversation"]["uuid"] == conversation.uuid
    assert data["conversation"]["import_reference"] == "IMPORT-submitted"
    assert data["conversation"]["groups"] == [g.slug for g in conversation.groups] != []
    assert ORIGINAL_PII in data["responses"][1]["original_text"]
    assert "[phone number]" in data["responses"][1]["redacted_text"]
    assert [q["id"] for q in data["related"]["assembly_quote"]] == [world.assembly.quote.id]
    actions = {(e["entity"], e["action"]) for e in data["audit_events"]}
    assert ("assembly_quote", "assembly.approve") in actions
    json.dumps(data)  # JSON-ready


def test_erase_removes_everything_and_keeps_a_text_free_audit(app, world, clients):
    conversation = world.submitted
    uuid_, response_ids = conversation.uuid, [r.id for r in conversation.responses]
    conversation_id = conversation.id
    texts = [t for r in conversation.responses for t in (r.text, r.redacted_text)]
    audit.record(
        world.assembly.quote,
        "assembly.approve",
        world.admin,
        after={"text": conversation.responses[1].redacted_text, "status": "approved"},
    )
    db.session.commit()
    assert _quote_count(response_ids) == 1

    counts = operations.erase(operations.collect(conversation), world.admin)
    db.session.commit()

    assert counts["intake_response"] == 2 and counts["assembly_quote"] == 1
    assert _count(Conversation, Conversation.uuid == uuid_) == 0
    assert _count(Response, Response.id.in_(response_ids)) == 0
    assert _quote_count(response_ids) == 0
    events = db.session.scalars(select(AuditEvent)).all()
    dumped = json.dumps([[e.before, e.after] for e in events])
    assert not any(text in dumped for text in texts)
    erase_event = next(e for e in events if e.action == "privacy.erase")
    assert (erase_event.entity, erase_event.entity_id) == (
        "intake_conversation",
        str(conversation_id),
    )
    assert erase_event.actor_id == world.admin.id
    assert erase_event.after["deleted"]["intake_response"] == 2
    approve = next(e for e in events if e.action == "assembly.approve")
    assert approve.after == {"text": operations.ERASED, "status": "approved"}
    # gone from every page, for every role
    for target in walk.targets(app, world):
        if "GET" in target.rule.methods and "missing" not in target.tags:
            for role in ("anonymous", "admin"):
                body = walk.request(clients[role], "GET", target.path).get_data(as_text=True)
                assert "Mould everywhere" not in body, target.path


def test_erased_conversation_cannot_be_replayed(client, world, conversation_payload):
    token = accounts.issue_token(world.partner_a)
    uuid_ = world.draft.uuid
    operations.erase(operations.collect(world.draft), None)
    db.session.commit()
    assert intake.was_erased(uuid_)
    payload = conversation_payload(organisation=world.org_a.name)
    response = client.put(
        f"/api/v1/conversations/{uuid_}", json=payload, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 410
    assert "erased" in response.json["error"]
    assert _count(Conversation, Conversation.uuid == uuid_) == 0


def test_erase_clears_group_links(world):
    conversation_id = world.submitted.id
    assert _count(conversation_group, conversation_group.c.conversation_id == conversation_id)
    operations.erase(operations.collect(world.submitted), None)
    assert not _count(conversation_group, conversation_group.c.conversation_id == conversation_id)


def test_cli_find_export_erase(runner, world):
    reference = world.submitted.uuid
    found = runner.invoke(args=["privacy", "find", "IMPORT-submitted"])
    assert found.exit_code == 0 and reference in found.output
    assert "assembly_quote: 1" in found.output
    exported = runner.invoke(args=["privacy", "export", reference])
    assert exported.exit_code == 0
    assert json.loads(exported.output)["reference"] == reference
    refused = runner.invoke(args=["privacy", "erase", reference], input="n\n")
    assert refused.exit_code != 0
    assert operations.find_conversations(reference)
    erased = runner.invoke(args=["privacy", "erase", reference, "--yes"])
    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.output.strip().splitlines()[-1])["erased"] == reference
    assert operations.find_conversations(reference) == []
    missing = runner.invoke(args=["privacy", "export", reference])
    assert missing.exit_code != 0 and "No conversation" in missing.output


def test_admin_pages_search_view_export_and_erase_with_confirmation(world, clients):
    admin, reference = clients["admin"], world.submitted.uuid
    page = walk.request(admin, "GET", "/admin/privacy/?ref=IMPORT-submitted")
    assert page.status_code == 200 and reference in page.get_data(as_text=True)
    empty = walk.request(admin, "GET", "/admin/privacy/?ref=")
    assert "Enter a conversation reference" in empty.get_data(as_text=True)
    shown = walk.request(admin, "GET", f"/admin/privacy/conversations/{reference}")
    body = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "07700 900123" in body and "assembly_quote" in body
    exported = walk.request(admin, "GET", f"/admin/privacy/conversations/{reference}/export")
    assert exported.status_code == 200 and exported.is_json
    assert "attachment" in exported.headers["Content-Disposition"]
    assert exported.json["reference"] == reference
    assert _count(AuditEvent, AuditEvent.action == "privacy.export") == 1
    confirm = walk.request(admin, "GET", f"/admin/privacy/conversations/{reference}/erase")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.get_data(as_text=True)
    unconfirmed = walk.request(admin, "POST", f"/admin/privacy/conversations/{reference}/erase")
    assert unconfirmed.status_code == 422
    assert "Confirm that you want to erase" in unconfirmed.get_data(as_text=True)
    assert operations.find_conversations(reference)
    done = admin.post(f"/admin/privacy/conversations/{reference}/erase", data={"confirm": "y"})
    assert done.status_code == 303
    assert operations.find_conversations(reference) == []


def test_privacy_pages_are_admin_only(world, clients):
    for role in ("partner_a", "reviewer"):
        response = walk.request(
            clients[role], "GET", f"/admin/privacy/conversations/{world.submitted.uuid}/export"
        )
        assert response.status_code == 403


def _aged(world, days_ago: int, status: str = "submitted"):
    conversation = _conversation(
        world.campaign,
        world.org_a,
        world.partner_a,
        status,
        ["my name is Sam Jones"],
        ["my name is [name]"],
    )
    conversation.uuid = str(uuid.uuid4())
    conversation.submitted_at = None if status == "draft" else utcnow() - timedelta(days_ago)
    conversation.created_at = utcnow() - timedelta(days_ago)
    db.session.flush()
    return conversation


def test_purge_originals_after_retention(world):
    old, recent, old_draft = _aged(world, 400), _aged(world, 30), _aged(world, 400, "draft")
    cleared = operations.purge_originals(365, world.admin)
    db.session.commit()
    assert cleared == 3  # `old`, plus the fixture's submitted conversation from 2023 (2 answers)
    assert old.responses[0].text is None and old.responses[0].redacted_text
    assert recent.responses[0].text == "my name is Sam Jones"
    assert old_draft.responses[0].text == "my name is Sam Jones"  # not sent yet: kept
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "privacy.purge_originals")
    )
    assert event.after["cleared"] == 3 and event.after["days"] == 365
    assert operations.purge_originals(365, None) == 0  # idempotent


def test_cli_purge_originals(runner, app, world):
    _aged(world, 40)
    db.session.commit()
    result = runner.invoke(args=["privacy", "purge-originals"])
    assert result.exit_code == 0 and "Cleared the original text of 2 answers" in result.output
    result = runner.invoke(args=["privacy", "purge-originals", "--days", "10"])
    assert result.exit_code == 0 and "of 1 answers submitted more than 10 days" in result.output


def test_purge_originals_now_is_a_parameter(world):
    _aged(world, 10)
    assert operations.purge_originals(365, None, now=datetime(2030, 1, 1)) == 3
