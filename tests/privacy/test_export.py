"""A subject-access export holds every audit event about the conversation and its answers."""

from __future__ import annotations

from listening.extensions import db
from listening.privacy import operations
from listening.themes import operations as themes


def test_export_includes_the_theme_events_about_its_answers(world):
    # the second answer: the first (markup only after five words) is not read as English, so
    # it waits for a person and cannot be themed
    response = world.submitted.responses[1]
    housing = next(t for t in themes.ensure_themes(world.campaign) if t.slug == "housing")
    themes.move_response(response, housing, world.reviewer)
    db.session.commit()

    data = operations.export(operations.collect(world.submitted))

    moves = [e for e in data["audit_events"] if e["action"] == "themes.move_response"]
    assert len(moves) == 1
    assert moves[0]["entity"] == "intake_response"
    assert moves[0]["entity_id"] == str(response.id)
    assert moves[0]["after"]["theme"] == "housing"


def test_export_includes_the_conversations_own_events(world):
    operations.record_export(operations.collect(world.submitted), world.admin)
    db.session.commit()

    data = operations.export(operations.collect(world.submitted))

    exports = [e for e in data["audit_events"] if e["action"] == "privacy.export"]
    assert [e["entity"] for e in exports] == ["intake_conversation"]
    assert exports[0]["actor"] == world.admin.email
