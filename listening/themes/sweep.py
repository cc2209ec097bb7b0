"""The sweep: work a killed process left undone is found and done (issue 19 §2).

An answer saved just before its process died may never have been screened by the full
detector, or embedded and assigned. The sweep screens every submitted answer the current
redactor and detector have not screened (`intake.screening`), then queues embedding and
assignment for cleared answers that have none yet. It runs when a worker starts
(`flask themes worker`), once as an in-process job when a web worker starts without Redis
(`listening.start_background_work`), and a theme run screens its campaign first. Safe to run
any number of times: what is done is never done again.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from listening import jobs
from listening.extensions import db
from listening.intake import screening
from listening.intake.models import Conversation, ConversationStatus, Response
from listening.themes import queries, tasks
from listening.themes.embedding import make_embedder, make_multilingual_embedder
from listening.themes.models import Assignment, AssignmentSource, EmbeddingCache

log = logging.getLogger(__name__)


def sweep(campaign_id: int | None = None) -> dict[str, int]:
    """Screen what is not screened by the current versions, then queue embedding and
    assignment for the conversations of cleared answers that lack them. Returns counts."""
    report = screening.screen_outdated(campaign_id)
    conversation_ids = unfinished_conversations(campaign_id)
    # End the read: outside a request every SQLite transaction takes the write lock, and a
    # worker that swept at start would otherwise hold it while it waits for jobs.
    db.session.commit()
    tasks.enqueue_assign_conversations(conversation_ids)
    return {**report.as_dict(), "queued_conversations": len(conversation_ids)}


def sweep_job() -> None:
    """The sweep as a job (at start-up, without blocking requests)."""
    with jobs.job_app_context():
        try:
            counts = sweep()
        except Exception:
            db.session.rollback()
            raise
        log.info("sweep: %s", counts)


def unfinished_conversations(campaign_id: int | None = None) -> list[int]:
    """Submitted conversations with a cleared answer not yet assigned by its campaign's current
    run (nor placed by a reviewer) or, in a campaign with no run yet, not yet embedded."""
    query = (
        select(Response.id, Response.conversation_id, Response.redacted_text, Response.language)
        .add_columns(Conversation.campaign_id)
        .join(Conversation, Conversation.id == Response.conversation_id)
        .where(Conversation.status == ConversationStatus.SUBMITTED, screening.cleared())
        .order_by(Response.id)
    )
    if campaign_id is not None:
        query = query.where(Conversation.campaign_id == campaign_id)
    by_campaign: dict[int, list] = {}
    for row in db.session.execute(query):
        by_campaign.setdefault(row.campaign_id, []).append(row)
    found: set[int] = set()
    for campaign, rows in by_campaign.items():
        run = queries.current_run(campaign)
        if run is not None and run.assigner_tensors is not None:
            found |= _unassigned(run.id, rows)
        else:
            found |= _unembedded(rows)
    return sorted(found)


def _unassigned(run_id: int, rows) -> set[int]:
    ids = [r.id for r in rows]
    placed: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        placed.update(
            db.session.scalars(
                select(Assignment.response_id).where(
                    Assignment.response_id.in_(chunk),
                    (Assignment.run_id == run_id)
                    | (Assignment.source == AssignmentSource.REVIEWER),
                )
            )
        )
    return {r.conversation_id for r in rows if r.id not in placed}


def _unembedded(rows) -> set[int]:
    from listening.themes.pipeline import text_key
    from listening.themes.pipeline.multilingual import is_routed

    english, other = make_embedder().cache.model_id, make_multilingual_embedder().cache.model_id
    wanted: dict[tuple[str, str], set[int]] = {}
    for row in rows:
        model_id = other if is_routed(row.language) else english
        wanted.setdefault((model_id, text_key(row.redacted_text or "")), set()).add(
            row.conversation_id
        )
    stored: set[tuple[str, str]] = set()
    for model_id in {m for m, _ in wanted}:
        keys = [k for m, k in wanted if m == model_id]
        for start in range(0, len(keys), 500):
            found = db.session.scalars(
                select(EmbeddingCache.key).where(
                    EmbeddingCache.model_id == model_id,
                    EmbeddingCache.key.in_(keys[start : start + 500]),
                )
            )
            stored.update((model_id, key) for key in found)
    return {
        c for pair, conversations in wanted.items() if pair not in stored for c in conversations
    }
