"""Redaction improves; stored answers follow: `privacy reredact` brings answers made with an
older redactor up to date, takes down approved quotes of answers that changed and drops what
themes derived from the old wording."""

from __future__ import annotations

import json

from sqlalchemy import select

from listening.assembly.models import Quote
from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake.models import Response
from listening.intake.redaction import REDACTOR_VERSION
from listening.privacy import operations
from listening.themes.models import Assignment, SubTheme, Theme, ThemeRun
from listening.timeutil import utcnow
from tests.security.conftest import _conversation

LEAKY = "Please ring Olusegun Adeyemi about the mould in the flat"


def _old_answer(world, purged=False):
    """An answer the old redactor let a name through, with an approved quote of it."""
    conversation = _conversation(
        world.campaign, world.org_a, world.partner_a, "submitted", [LEAKY], [LEAKY]
    )
    response = conversation.responses[0]
    if purged:
        response.text = None
    quote = Quote(
        campaign_id=world.campaign.id,
        response=response,
        theme_slug="housing",
        text=LEAKY,
        status="approved",
        proposed_by_id=world.admin.id,
        approved_by_id=world.admin.id,
        approved_at=utcnow(),
    )
    run = ThemeRun(campaign_id=world.campaign.id, status="succeeded", model_id="m")
    theme = Theme(campaign_id=world.campaign.id, slug="housing", name="Housing")
    db.session.add_all([quote, run, theme])
    db.session.flush()
    sub_theme = SubTheme(
        run_id=run.id,
        theme_id=theme.id,
        key="housing/0",
        label="Olusegun and mould",
        keywords=["olusegun", "mould"],
        representative_ids=[response.id],
    )
    db.session.add(sub_theme)
    db.session.flush()
    db.session.add(
        Assignment(
            response_id=response.id, theme_id=theme.id, run_id=run.id, sub_theme_id=sub_theme.id
        )
    )
    db.session.commit()
    return response, quote, sub_theme


def _outdated(world) -> list[int]:
    return list(db.session.scalars(operations.outdated_answers(world.campaign.id)))


def test_answers_saved_now_carry_the_current_redactor_version(
    client, make_user, make_campaign, conversation_payload
):
    from listening.accounts import operations as accounts

    make_campaign()
    token = accounts.issue_token(make_user("partner"))
    db.session.commit()
    response = client.put(
        "/api/v1/conversations/6a0d2b52-1c1e-4a55-9d3f-5d8a7b3c2e11",
        json=conversation_payload(),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()
    versions = db.session.scalars(select(Response.redactor_version)).all()
    assert versions == [REDACTOR_VERSION]


def test_reredact_updates_the_answer_withdraws_its_quote_and_refreshes_themes(world):
    response, quote, sub_theme = _old_answer(world)
    report = operations.reredact_batch(_outdated(world), None)
    db.session.commit()
    assert "Olusegun" not in response.redacted_text and "[name]" in response.redacted_text
    assert response.redactor_version == REDACTOR_VERSION
    # the world's own quoted answer changes too (its old placeholder was "[phone number]")
    assert report.changed >= 1 and report.quotes_withdrawn >= 1
    assert db.session.get(Quote, quote.id).status == "withdrawn"
    refreshed = db.session.get(SubTheme, sub_theme.id)
    assert "olusegun" not in refreshed.keywords and "mould" in refreshed.keywords
    assert "Olusegun" not in refreshed.label
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.reredact")
    ).one()
    assert event.after["changed"] == report.changed
    # resumable and idempotent: nothing is left to do, a second pass changes nothing
    assert _outdated(world) == []
    assert operations.reredact_batch(_outdated(world), None).checked == 0


def test_a_purged_original_is_re_checked_from_its_redacted_text(world):
    response, _quote, _sub = _old_answer(world, purged=True)
    report = operations.reredact_batch([response.id], None)
    assert report.from_redacted == 1 and report.changed == 1
    assert "Olusegun" not in response.redacted_text and response.text is None


def test_reredact_command_reports_counts_and_refuses_unknown_campaigns(app, world):
    response, _quote, _sub = _old_answer(world)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "reredact", "--campaign", world.campaign.slug])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["checked"] >= 1 and summary["changed"] >= 1 and summary["quotes_withdrawn"] >= 1
    assert "Olusegun" not in db.session.get(Response, response.id).redacted_text
    missing = runner.invoke(args=["privacy", "reredact", "--campaign", "no-such-campaign"])
    assert missing.exit_code != 0 and "no-such-campaign" in missing.output


def test_reredact_uses_each_answers_language(world):
    """Version 2 tagged ordinary Polish words as names; version 3 reads the stored language
    (or detects it for answers stored before languages were) and gives the words back."""
    polish = "Czynsz w Lewisham wzrósł o dwieście funtów, a pensja została taka sama."
    old = "[name] w Lewisham wzrósł o dwieście funtów, a pensja została taka [name]."
    bengali = "আমার নাম শাহানা পারভীন, আমি তিন সন্তান নিয়ে এক ঘরে থাকি।"
    conversation = _conversation(
        world.campaign, world.org_a, world.partner_a, "submitted", [polish, bengali], [old, bengali]
    )
    first, second = conversation.responses
    first.language, first.redactor_version = "pl", "2"
    second.language, second.redactor_version = None, "2"
    db.session.commit()
    operations.reredact_batch([first.id, second.id], None)
    db.session.commit()
    assert first.redacted_text == polish
    assert second.redacted_text == "আমার নাম [name], আমি তিন সন্তান নিয়ে এক ঘরে থাকি।"
    assert second.language is None  # detection is for the redactor; the stored tag is unchanged
