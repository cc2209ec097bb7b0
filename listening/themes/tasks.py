"""Theme jobs: a full run, and assigning newly submitted conversations.

Job functions take ids and run in the app context `jobs.enqueue` gives them (on RQ, or on the
in-process executor without Redis: a request never waits for the model, and the model stays
warm in that process for the next conversation).
"""

from __future__ import annotations

import logging

from listening import jobs
from listening.dbwrite import retry_when_busy
from listening.extensions import db, read_only

log = logging.getLogger(__name__)


def run_theme_job(run_id: int) -> None:
    """The job behind "Run theme analysis": progress is committed on the run as it goes."""
    from listening.themes import runs

    with jobs.job_app_context():
        try:
            runs.execute_run(int(run_id))
        except Exception as exc:  # e.g. the database was unreachable before the run began
            runs.mark_failed(int(run_id), exc)
            raise


def assign_conversations_job(*conversation_ids: int) -> None:
    """Embed and assign just these conversations' responses with the current model (only
    embed them, for the first run, in a campaign that has none yet)."""
    from listening.themes import embedding, runs

    ids = [int(i) for i in conversation_ids]
    with jobs.job_app_context():
        runs.load_model()  # before any query: no transaction (SQLite: write lock) held meanwhile
        embedder = embedding.make_embedder(held=True)
        multilingual = embedding.make_multilingual_embedder(held=True)
        with read_only():  # the model work, writing nothing: no write lock held meanwhile
            runs.prepare_assignment(ids, embedder, multilingual)
            db.session.rollback()

        def write() -> None:
            runs.assign_conversations(ids, embedder, multilingual)
            embedder.cache.write()
            multilingual.cache.write()
            db.session.commit()

        try:
            retry_when_busy(write)
        except Exception:
            db.session.rollback()
            raise


def enqueue_run(run_id: int) -> None:
    """Queue a committed ThemeRun.

    One RQ retry: a job that failed before it could claim its run (the database briefly
    unreachable) gets another go. The job only ever claims a queued run, so a retry of a job
    whose run started, failed, was cancelled or finished does nothing: two workers never
    compute the same run.
    """
    jobs.enqueue(run_theme_job, run_id, retries=1)


def enqueue_assign_conversations(conversation_ids: list[int]) -> None:
    """Queue embed + assign for newly submitted conversations."""
    ids = [int(i) for i in conversation_ids]
    if ids:
        jobs.enqueue(assign_conversations_job, *ids)


def on_conversations_submitted(_sender, ids: list[int], **_extra) -> None:
    """Receiver of `signals.conversations_submitted` (intake sends it after its commit)."""
    enqueue_assign_conversations(ids)


def on_responses_flagged(_sender, ids: list[int], **_extra) -> None:
    """Receiver of `signals.responses_flagged` (inside intake's unit of work): forget them."""
    from listening.themes import erasure

    erasure.forget_flagged(ids)


def encode_texts(texts):
    """Sentence vectors for intake's safeguarding check (no database cache: texts stay private)."""
    from listening.themes.pipeline.embed import Embedder

    return Embedder().encode(list(texts))


def fail_orphaned_runs() -> int:
    """Mark failed the running runs whose worker stopped; commits. A worker does this as it
    starts; it leaves queued runs alone, as it is about to take them from the queue."""
    from flask import current_app

    from listening.themes import operations

    timeout = current_app.config["THEMES_HEARTBEAT_TIMEOUT"]
    orphans = operations.fail_orphaned_runs(timeout, include_queued=False)
    db.session.commit()
    return len(orphans)


def warm() -> None:
    """Load the models, spaCy and UMAP's compiled code now (in a worker before it takes jobs)."""
    from listening.themes.pipeline.run import warm as warm_pipeline

    warm_pipeline()
