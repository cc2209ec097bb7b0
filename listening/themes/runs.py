"""The work of theme jobs: a full run, and assigning newly submitted conversations.

These commit (progress must be visible while a run is going); views and the CLI go through
`tasks`, which wraps them in an app context for RQ workers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from flask import current_app
from sqlalchemy import insert, select, update

from listening import audit, signals
from listening.extensions import db
from listening.intake import screening
from listening.intake.models import Conversation, ConversationStatus, Response
from listening.themes import operations, queries, rounds
from listening.themes.embedding import (
    DatabaseEmbeddingCache,
    assigner_for,
    dump_state,
    make_embedder,
    make_multilingual_embedder,
    sub_theme_centroids,
    sub_theme_prototype_centroids,
)
from listening.themes.models import Assignment, AssignmentSource, RunStatus, SubTheme, ThemeRun
from listening.timeutil import utcnow

log = logging.getLogger(__name__)

# stage → (first %, last %, message) of the progress bar
STAGES = {
    "screen": (1, 5, "Screening answers"),
    "embed": (5, 45, "Embedding answers"),
    "assign": (45, 55, "Assigning themes"),
    "discover": (55, 90, "Finding sub-themes"),
    "done": (90, 95, "Saving results"),
}
HEARTBEAT_EVERY = 2.0  # seconds between progress checkpoints within a stage


# -- a full run ----------------------------------------------------------------------------


class RunStopped(Exception):
    """The run was cancelled, or marked failed as orphaned, while its job was computing."""


def execute_run(run_id: int, embedder=None, on_progress=None, multilingual=None) -> ThemeRun | None:
    """Do a queued run; on failure mark it failed and leave the previous results current.

    Only a queued run is started (claimed under a row lock), so a job delivered twice never
    computes a run twice, nor one that was cancelled or failed. `on_progress(percent,
    message)` is called after each committed progress update.
    """
    run = db.session.get(ThemeRun, run_id, with_for_update=True, populate_existing=True)
    if run is None or run.status != RunStatus.QUEUED:
        db.session.rollback()
        return run
    run.status, run.progress, run.message = RunStatus.RUNNING, 1, "Loading answers"
    run.started_at, run.finished_at, run.error = utcnow(), None, ""
    run.heartbeat_at = run.started_at
    db.session.commit()
    heartbeat = Heartbeat(run_id, current_app.config["THEMES_HEARTBEAT_TIMEOUT"] / 4)
    try:
        _execute(run, embedder, on_progress, heartbeat, multilingual)
        db.session.commit()
    except RunStopped:
        db.session.rollback()  # nothing of this run is saved
        log.info("theme run %s stopped: no longer running", run_id)
        return db.session.get(ThemeRun, run_id)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the run
        log.exception("theme run %s failed", run_id)
        return mark_failed(run_id, exc)
    finally:
        heartbeat.stop()
    return run


class Heartbeat:
    """Beat a running run's heartbeat every `every` seconds from a daemon thread, on its own
    connection, for as long as this process lives and until `stop()`.

    Progress checkpoints beat too, but a stage can be silent for longer than the heartbeat
    timeout (one large clustering call); this thread keeps the run from looking orphaned
    while its worker is alive. When the process dies the thread dies with it, and the run is
    orphaned one timeout later. It only touches a run that is still running.
    """

    def __init__(self, run_id: int, every: float):
        self.run_id, self.every = run_id, max(0.2, float(every))
        self.engine = db.engine
        self.beats = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"theme-run-{run_id}-heartbeat", daemon=True
        )
        self._thread.start()

    def _loop(self) -> None:
        while not self._stopped.wait(self.every):
            try:
                if not self.beat():
                    return  # finished, cancelled or failed: nothing left to keep alive
            except Exception as exc:  # noqa: BLE001 - e.g. the database briefly unreachable
                if not self._stopped.is_set():
                    log.warning("theme run %s: heartbeat not written: %s", self.run_id, exc)

    def beat(self) -> bool:
        """One committed UPDATE of heartbeat_at; False when the run is no longer running."""
        beat = (
            update(ThemeRun)
            .where(ThemeRun.id == self.run_id, ThemeRun.status == RunStatus.RUNNING)
            .values(heartbeat_at=utcnow())
        )
        with self.engine.begin() as connection:
            alive = connection.execute(beat).rowcount == 1
        self.beats += alive
        return alive

    def stop(self) -> None:
        """Stop beating and wait for a beat under way (the run ends or saves its results)."""
        self._stopped.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=60)


def mark_failed(run_id: int, exc: BaseException) -> ThemeRun | None:
    """Record a run's failure (its previous results stay current) and commit."""
    db.session.rollback()
    run = db.session.get(ThemeRun, run_id, with_for_update=True, populate_existing=True)
    if run is None or run.is_finished:  # succeeded, cancelled, or already failed
        db.session.rollback()
        return run
    run.status, run.message = RunStatus.FAILED, "Failed"
    run.error = f"{type(exc).__name__}: {exc}"[:4000]
    run.finished_at = utcnow()
    audit.record(run, "themes.run_failed", None, after={"error": run.error})
    db.session.commit()
    return run


def _execute(run: ThemeRun, embedder, on_progress, heartbeat: Heartbeat, multilingual) -> None:
    from listening.themes.pipeline import Document, Embedder, Theme, run_pipeline
    from listening.themes.pipeline.multilingual import MultilingualEmbedder, is_routed

    started = time.monotonic()
    tracker = _Progress(run.id, started, on_progress)
    _clear_first(run.campaign_id, tracker)
    themes = operations.ensure_themes(run.campaign)
    taxonomy = [Theme(t.slug, t.name, t.description) for t in themes]
    rows = db.session.execute(
        select(Response.id, Response.redacted_text, Response.language)
        .join(Conversation, Conversation.id == Response.conversation_id)
        .where(
            Conversation.campaign_id == run.campaign_id,
            Conversation.status == ConversationStatus.SUBMITTED,
            screening.cleared(),  # only what the current redactor and detector screened
        )
        .order_by(Response.id)
    ).all()
    documents = [Document(str(rid), text or "") for rid, text, _ in rows]
    languages = {str(rid): language for rid, _, language in rows}
    labels = queries.reviewer_labels(run.campaign_id, {t.slug for t in themes})
    labels = {doc.id: labels[doc.id] for doc in documents if doc.id in labels}
    previous = queries.current_run(run.campaign_id)
    previous_id, run_id, seed = getattr(previous, "id", None), run.id, run.seed
    params = _pipeline_params(run.parameters or {})
    routed = [d.text for d in documents if is_routed(languages[d.id])]
    if embedder is None:
        english = [d.text for d in documents if not is_routed(languages[d.id])]
        embedder = _prefetched(Embedder(), english, tracker)
    if multilingual is None and routed:
        multilingual = _prefetched(MultilingualEmbedder(), routed, tracker)
    # From here until the results are written, the session holds no transaction (SQLite takes
    # the write lock at BEGIN), so people can keep working while the model computes.
    db.session.commit()
    result = run_pipeline(
        documents,
        taxonomy,
        labels=labels or None,
        random_state=seed,
        embedder=embedder,
        progress=tracker,
        languages=languages,
        multilingual=multilingual,
        **params,
    )
    # The save locks the run row (SQLite: the whole database), so no orphan check can fail the
    # run meanwhile; a beat would only wait for the lock.
    heartbeat.stop()
    tracker("done", 0.0)
    # The save is one transaction that starts by locking the run: a cancel waits for it (and
    # then finds the run finished), or came first and is seen here.
    run = db.session.get(ThemeRun, run_id, with_for_update=True, populate_existing=True)
    if run.status != RunStatus.RUNNING:
        raise RunStopped(run_id)
    skipped = _save_result(run, themes, result)
    if previous_id is not None:
        _carry_over_labels(db.session.get(ThemeRun, previous_id), run)
    tracker.timings["save"] = round(time.monotonic() - tracker.stage_started, 3)
    tensors, meta = dump_state(result.assigner_state)
    run.assigner_tensors, run.assigner_meta = tensors, meta
    run.model_id, run.versions = result.model_id, dict(result.versions)
    run.n_responses, run.n_labels = len(documents) - skipped, int(result.n_labels)
    if skipped:
        run.parameters = {**(run.parameters or {}), "skipped_responses": skipped}
    if result.routed_ids:
        other = {"other_language_responses": len(result.routed_ids)}
        run.parameters = {**(run.parameters or {}), **other}
    run.cross_val_accuracy = result.cross_val_accuracy
    run.timings = {**tracker.timings, "total": round(time.monotonic() - started, 3)}
    run.status, run.progress, run.message = RunStatus.SUCCEEDED, 100, "Finished"
    run.finished_at = utcnow()
    audit.record(
        run,
        "themes.run_succeeded",
        None,
        after={
            "responses": run.n_responses,
            "labels": run.n_labels,
            "seed": run.seed,
            "model": run.model_id,
            "skipped": skipped,
        },
    )
    rounds.rematch_after_run(run.campaign_id, embedder)
    signals.public_changed("themes")


def _clear_first(campaign_id: int, tracker) -> None:
    """Screen the campaign's answers not yet screened by the current redactor and detector,
    in committed batches, so the run themes every answer that can be cleared."""
    todo = screening.count_outdated(campaign_id)
    if not todo:
        return
    tracker("screen", 0.0)
    visited = [0]

    def step(n: int, _total) -> None:
        visited[0] += n
        tracker("screen", visited[0] / todo)

    screening.screen_outdated(campaign_id, on_batch=step)


class _MemoryCache:
    """Vectors fetched up front, so the pipeline never touches the database."""

    def __init__(self, vectors: dict[str, np.ndarray]):
        self.vectors = vectors

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        return {k: self.vectors[k] for k in keys if k in self.vectors}

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        self.vectors.update(items)


def _prefetched(model, texts: list[str], tracker):
    """Read cached vectors of `model`, embed the rest outside any transaction, store them,
    commit; the same kind of embedder over those vectors in memory."""
    from listening.themes.pipeline import text_key

    stored = DatabaseEmbeddingCache(model.model_id)
    by_key = {text_key(t): t for t in texts}
    vectors = stored.get_many(sorted(by_key))
    db.session.commit()
    missing = [k for k in sorted(by_key) if k not in vectors]
    if missing:
        tracker("embed", 0.0)
        encoded = model.encode([by_key[k] for k in missing], progress=lambda f: tracker("embed", f))
        fresh = dict(zip(missing, encoded, strict=True))
        stored.put_many(fresh)
        db.session.commit()
        vectors.update(fresh)
    return type(model)(cache=_MemoryCache(vectors))


def _pipeline_params(parameters: Mapping) -> dict:
    keys = ("assigner_params", "discovery_params")
    return {k: dict(parameters[k]) for k in keys if isinstance(parameters.get(k), Mapping)}


class _Progress:
    """Pipeline progress → the run row, with a heartbeat: a checkpoint at most every
    HEARTBEAT_EVERY seconds (or on a new stage), one short UPDATE committed at once.

    The UPDATE only touches a run that is still running, so it is also the cancellation
    check: no row updated means the run was cancelled or given up as orphaned, and the job
    stops (RunStopped) without saving. Only writes: reading the expired row after a commit
    would open a transaction (and take SQLite's write lock) for the whole of the next stage.
    """

    def __init__(self, run_id: int, started: float, listener=None):
        self.run_id, self.stage, self.last, self.listener = run_id, None, 0.0, listener
        self.stage_started = started
        self.percent, self.message = 1, ""
        self.timings: dict[str, float] = {}

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if stage != self.stage:
            if self.stage is not None:
                self.timings[self.stage] = round(now - self.stage_started, 3)
            self.stage, self.stage_started = stage, now
        elif now - self.last < HEARTBEAT_EVERY:
            return
        first, last, message = STAGES.get(stage, (self.percent, self.percent, stage))
        self.percent = int(first + (last - first) * max(0.0, min(1.0, fraction)))
        self.message, self.last = message, now
        beat = (
            update(ThemeRun)
            .where(ThemeRun.id == self.run_id, ThemeRun.status == RunStatus.RUNNING)
            .values(progress=self.percent, message=message, heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        still_running = db.session.execute(beat).rowcount == 1
        db.session.commit()
        if not still_running:
            raise RunStopped(self.run_id)
        if self.listener is not None:
            self.listener(self.percent, message)


def _save_result(run: ThemeRun, themes, result) -> int:
    """Write the sub-themes and assignments; answers deleted while the run computed are
    skipped. Returns how many were."""
    ids = {t.slug: t.id for t in themes}
    present = _existing_responses([int(a.doc_id) for a in result.assignments])
    subs: dict[str, SubTheme] = {}
    for found in result.discovery.subthemes:
        row = SubTheme(
            run_id=run.id,
            theme_id=ids.get(found.theme) if found.theme else None,
            key=found.key[:120],
            label=found.label[:200],
            keywords=list(found.keywords),
            representative_ids=[int(i) for i in found.representative_ids if int(i) in present],
            is_emerging=found.theme is None,
        )
        db.session.add(row)
        subs[found.key] = row
    db.session.flush()
    sub_of = dict(result.discovery.doc_subtheme)
    where = {doc: (x, y) for doc, x, y in result.discovery.coordinates}
    now = utcnow()
    rows = []
    for a in result.assignments:
        if int(a.doc_id) not in present:
            continue
        x, y = where.get(a.doc_id, (None, None))
        sub = subs.get(sub_of.get(a.doc_id, ""))
        rows.append(
            {
                "response_id": int(a.doc_id),
                "theme_id": ids.get(a.theme) if a.theme else None,
                "score": float(a.score),
                "scores": {s: float(v) for s, v in a.scores},
                "confidence": a.confidence,
                "auto_accepted": a.auto_accepted,
                "source": AssignmentSource.MODEL,
                "run_id": run.id,
                "sub_theme_id": sub.id if sub else None,
                "map_x": x,
                "map_y": y,
                "created_at": now,
                "updated_at": now,
            }
        )
    if rows:
        db.session.execute(insert(Assignment), rows)
    return len(result.assignments) - len(rows)


def _existing_responses(response_ids: list[int]) -> set[int]:
    """Which of these responses still exist, locked against deletion until the save commits
    (PostgreSQL's FOR KEY SHARE; SQLite's writer holds the database lock already)."""
    present: set[int] = set()
    for start in range(0, len(response_ids), 5000):
        chunk = response_ids[start : start + 5000]
        query = select(Response.id).where(Response.id.in_(chunk)).with_for_update(key_share=True)
        present.update(db.session.scalars(query))
    return present


def _carry_over_labels(previous: ThemeRun, run: ThemeRun) -> None:
    """A reviewer's sub-theme name moves to the new sub-theme sharing most of its answers."""
    renamed = db.session.scalars(
        select(SubTheme).where(SubTheme.run_id == previous.id, SubTheme.reviewer_label.is_not(None))
    ).all()
    if not renamed:
        return
    new_members = queries.members_by_sub_theme(run.id)
    query = select(SubTheme).where(SubTheme.run_id == run.id)
    new_subs = {s.id: s for s in db.session.scalars(query)}
    old_members = queries.members_by_sub_theme(previous.id)
    for old in renamed:
        best = queries.most_overlapping(old_members.get(old.id, set()), new_members)
        if best is not None and new_subs[best].reviewer_label is None:
            new_subs[best].reviewer_label = old.reviewer_label


# -- newly submitted conversations -------------------------------------------------------


def load_model() -> None:
    """Load the embedding model into this process (once; later calls return at once)."""
    from listening.themes.pipeline.embed import load_model as _load

    _load()


def assign_conversations(conversation_ids: Iterable[int], embedder=None, multilingual=None) -> int:
    """Embed and assign the responses of these conversations with the current run's model.

    Answers in a known language other than English are themed and placed in a sub-theme by
    the multilingual model, as in a full run. In a campaign without a finished run they are
    only embedded (into the shared cache), so its first full run finds them ready and themes
    them. Returns the number of responses assigned. Flushes; the caller commits.
    """
    assigned = 0
    for campaign_id, responses in _responses_by_campaign(conversation_ids).items():
        if not responses:
            continue
        run = queries.current_run(campaign_id)
        embedder = embedder or make_embedder()
        multilingual = multilingual or make_multilingual_embedder()
        if run is None or run.assigner_tensors is None:
            _embed_ahead(responses, embedder, multilingual)
            continue
        assigned += _assign_with_run(run, responses, embedder, multilingual)
    if assigned:
        signals.public_changed("themes")
    db.session.flush()
    return assigned


def prepare_assignment(conversation_ids: Iterable[int], embedder, multilingual) -> None:
    """Compute now, writing nothing, what `assign_conversations` will need: the answers'
    vectors (held by the embedders' caches) and the current run's assigner and sub-theme
    centroids (kept per process). A job calls it before its write transaction."""
    for campaign_id, responses in _responses_by_campaign(conversation_ids).items():
        if not responses:
            continue
        _embed_ahead(responses, embedder, multilingual)
        run = queries.current_run(campaign_id)
        if run is not None and run.assigner_tensors is not None:
            assigner_for(run, embedder)
            sub_theme_centroids(run, embedder)


def _responses_by_campaign(conversation_ids: Iterable[int]) -> dict[int, list[Response]]:
    """The cleared answers of these submitted conversations, by campaign (the publication gate:
    screened by the current redactor and detector, not flagged)."""
    conversations = db.session.scalars(
        select(Conversation).where(
            Conversation.id.in_(list(conversation_ids)),
            Conversation.status == ConversationStatus.SUBMITTED,
        )
    ).all()
    by_campaign: dict[int, list[Response]] = {}
    for conversation in conversations:
        by_campaign.setdefault(conversation.campaign_id, []).extend(
            r for r in conversation.responses if screening.is_cleared(r)
        )
    return by_campaign


def _embed_ahead(responses: list[Response], embedder, multilingual) -> None:
    """Cache the vectors a first run will need, each answer by the model a run gives it."""
    from listening.themes.pipeline.multilingual import is_routed

    texts = [(r.redacted_text or "", is_routed(r.language)) for r in responses]
    embedder.encode([text for text, routed in texts if not routed])
    other = [text for text, routed in texts if routed]
    if other:
        multilingual.encode(other)


def _assign_with_run(run: ThemeRun, responses: list[Response], embedder, multilingual) -> int:
    from listening.themes.pipeline.multilingual import is_routed, place
    from listening.themes.pipeline.run import route_other_languages

    assigner = assigner_for(run, embedder)
    texts = [r.redacted_text or "" for r in responses]
    codes = [r.language for r in responses]
    own = [i for i, code in enumerate(codes) if not is_routed(code)]
    x = embedder.encode([texts[i] for i in own])
    results = [None] * len(responses)
    for i, row in zip(own, assigner.assign([str(responses[i].id) for i in own], x), strict=True):
        results[i] = row
    results, z = route_other_languages(texts, codes, results, assigner, multilingual)
    ids = {t.slug: t.id for t in operations.ensure_themes(run.campaign)}
    existing = {
        a.response_id: a
        for a in db.session.scalars(
            select(Assignment).where(
                Assignment.run_id == run.id,
                Assignment.source == AssignmentSource.MODEL,
                Assignment.response_id.in_([r.id for r in responses]),
            )
        )
    }
    subs = {
        i: _nearest(_theme_centroids(run, embedder, results[i], ids), x[n])
        for n, i in enumerate(own)
    }
    routed = [i for i in range(len(responses)) if i not in subs]
    if routed:
        centroids, owner = sub_theme_prototype_centroids(run, multilingual)
        themes = [ids.get(results[i].theme) if results[i].theme else None for i in routed]
        subs.update(zip(routed, place(z, themes, centroids, owner), strict=True))
    for i, (response, result) in enumerate(zip(responses, results, strict=True)):
        row = existing.get(response.id) or Assignment(
            response_id=response.id, source=AssignmentSource.MODEL, run_id=run.id
        )
        row.theme_id = ids.get(result.theme) if result.theme else None
        row.score, row.scores = float(result.score), {s: float(v) for s, v in result.scores}
        row.confidence, row.auto_accepted = result.confidence, result.auto_accepted
        row.sub_theme_id = subs[i]
        db.session.add(row)
    return len(responses)


def _theme_centroids(run: ThemeRun, embedder, result, ids) -> Mapping[int, np.ndarray]:
    theme_id = ids.get(result.theme) if result.theme else None
    return sub_theme_centroids(run, embedder).get(theme_id) or {}


def _nearest(centroids: Mapping[int, np.ndarray], vector: np.ndarray) -> int | None:
    if not centroids or not np.any(vector):
        return None
    return max(centroids, key=lambda sub_id: float(centroids[sub_id] @ vector))
