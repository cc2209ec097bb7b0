"""Job wiring: the run job, and assignment of conversations as intake submits them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from listening.extensions import db
from listening.intake.models import Conversation
from listening.themes import operations, queries, runs, tasks
from listening.themes.models import Theme, ThemeRun

pytestmark = pytest.mark.slow


def test_run_job_runs_a_queued_run_and_is_safe_to_repeat(themes_campaign):
    run = operations.start_run(themes_campaign, None)
    db.session.commit()
    tasks.run_theme_job(run.id)
    assert run.status == "succeeded"
    finished = run.finished_at
    tasks.run_theme_job(run.id)  # a repeated delivery does nothing
    assert run.finished_at == finished
    assert db.session.scalar(select(db.func.count(ThemeRun.id))) == 1


def test_submitting_through_the_api_assigns_the_new_answers(
    client, make_user, make_campaign, make_conversation, conversation_payload
):
    from listening.accounts.operations import issue_token
    from tests.themes.conftest import SEL_CORPUS

    campaign = make_campaign()  # sel-2023, as the payload says
    for i in range(0, 24, 3):
        make_conversation(campaign, [SEL_CORPUS[i][0], SEL_CORPUS[i + 16][0]], people=2)
    run = operations.start_run(campaign, None)
    db.session.commit()
    tasks.run_theme_job(run.id)
    token = issue_token(make_user("partner"))
    db.session.commit()
    payload = conversation_payload(
        responses=["Black mould all over the kids' bedroom and the council won't come"]
    )
    response = client.put(
        "/api/v1/conversations/7f0c1f5e-4a63-4a55-9a39-3b1c6d1f0a01",
        json=payload,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()
    conversation = db.session.scalar(
        select(Conversation).where(Conversation.uuid == "7f0c1f5e-4a63-4a55-9a39-3b1c6d1f0a01")
    )
    row = queries.model_row(conversation.responses[0].id, run.id)
    assert row is not None and db.session.get(Theme, row.theme_id).slug == "housing"


def test_assign_job_without_a_run_only_embeds_for_the_first_run(themes_campaign, make_conversation):
    from listening.themes.embedding import DatabaseEmbeddingCache, make_embedder
    from listening.themes.pipeline import text_key

    conversation = make_conversation(themes_campaign, ["The rent is too high"])
    db.session.commit()  # intake commits before it enqueues
    key = text_key("The rent is too high")
    cache = DatabaseEmbeddingCache(make_embedder().model_id)
    assert cache.get_many([key]) == {}
    tasks.enqueue_assign_conversations([conversation.id])
    assert conversation.responses[0].redacted_text == "The rent is too high"
    assert queries.model_row(conversation.responses[0].id, None) is None
    assert runs.assign_conversations([conversation.id]) == 0
    vector = cache.get_many([key])[key]
    assert vector.shape == (384,) and abs(float(vector @ vector) - 1) < 1e-5
