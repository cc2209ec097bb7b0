"""Theme operations on the database: runs, reviewer decisions, failures, counts."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.themes import embedding, operations, queries, runs
from listening.themes.models import Assignment, EmbeddingCache, SubTheme, Theme, ThemeRun

pytestmark = pytest.mark.slow


def _run(campaign, actor=None, seed=42):
    run = operations.start_run(campaign, actor, seed=seed)
    db.session.commit()
    return runs.execute_run(run.id)


def _theme(campaign, slug) -> Theme:
    return queries.get_theme(campaign.id, slug)


def _effective_slug(response) -> str | None:
    row = queries.effective_assignment(response)
    return db.session.get(Theme, row.theme_id).slug if row and row.theme_id else None


def test_start_run_seeds_the_default_themes_and_queues(themes_campaign, make_user):
    admin = make_user("admin")
    run = operations.start_run(themes_campaign, admin, seed=7)
    assert run.status == "queued" and run.seed == 7 and run.created_by_id == admin.id
    assert [t.slug for t in queries.list_themes(themes_campaign.id)] == [
        "housing",
        "migration-race",
        "work-wages-cost-of-living",
        "mental-health-isolation",
        "children-young-people-parents",
    ]
    with pytest.raises(operations.RunInProgress):
        operations.start_run(themes_campaign, admin)


def test_a_run_writes_assignments_sub_themes_state_and_versions(themes_campaign, embedder):
    run = _run(themes_campaign)
    assert run.status == "succeeded", run.error
    assert run.progress == 100 and run.n_responses == 24
    assert run.model_id.startswith("all-MiniLM-L6-v2@")
    assert "bertopic" in run.versions and run.timings["total"] > 0
    rows = db.session.scalars(select(Assignment).where(Assignment.run_id == run.id)).all()
    assert len(rows) == 24 and all(r.source == "model" for r in rows)
    assert all(r.map_x is not None and r.sub_theme_id is not None for r in rows if r.theme_id)
    housing = _theme(themes_campaign, "housing")
    damp = next(r for c in [themes_campaign] for r in _responses(c) if "Damp" in r.redacted_text)
    assert _effective_slug(damp) == "housing"
    subs = queries.live_sub_themes(run.id, housing.id)
    assert subs and all(s.keywords for s in subs)
    # the fitted assigner round-trips through safetensors + JSON
    state = embedding.load_state(run.assigner_tensors, run.assigner_meta)
    assert isinstance(state["phrase_embeddings"], np.ndarray)
    assert not run.assigner_tensors.startswith(b"\x80")  # not a pickle


def _responses(campaign):
    from listening.intake.models import Conversation, Response

    return db.session.scalars(
        select(Response)
        .join(Conversation)
        .where(Conversation.campaign_id == campaign.id)
        .order_by(Response.id)
    ).all()


def test_nothing_is_embedded_twice(themes_campaign):
    _run(themes_campaign)
    cached = db.session.scalar(select(func.count(EmbeddingCache.id)))
    assert cached >= 24
    operations.start_run(themes_campaign, None)  # a second run reuses every vector
    db.session.commit()
    second = queries.active_run(themes_campaign.id)
    runs.execute_run(second.id)
    assert db.session.scalar(select(func.count(EmbeddingCache.id))) == cached


def test_reviewer_decisions_survive_a_rerun_and_teach_the_model(themes_campaign, make_user):
    reviewer = make_user("reviewer")
    _run(themes_campaign)
    response = next(r for r in _responses(themes_campaign) if "rent went up" in r.redacted_text)
    children = _theme(themes_campaign, "children-young-people-parents")
    operations.move_response(response, children, reviewer)
    db.session.commit()
    assert _effective_slug(response) == "children-young-people-parents"
    second = _run(themes_campaign)
    assert second.status == "succeeded" and second.n_labels == 1
    assert _effective_slug(response) == "children-young-people-parents"
    model = queries.model_row(response.id, second.id)
    assert db.session.get(Theme, model.theme_id).slug == "children-young-people-parents"
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "themes.move_response" in actions and "themes.run_succeeded" in actions


def test_a_failed_run_keeps_the_previous_results(themes_campaign, monkeypatch):
    first = _run(themes_campaign)
    before = queries.theme_people_counts(themes_campaign.id, reviewed_only=False)

    def broken(*args, **kwargs):
        raise RuntimeError("discovery blew up")

    monkeypatch.setattr("listening.themes.pipeline.run_pipeline", broken)
    failed = _run(themes_campaign)
    assert failed.status == "failed" and "discovery blew up" in failed.error
    assert failed.finished_at is not None
    assert queries.current_run(themes_campaign.id).id == first.id
    assert queries.theme_people_counts(themes_campaign.id, reviewed_only=False) == before
    assert not db.session.scalars(select(SubTheme).where(SubTheme.run_id == failed.id)).all()


def test_counts_are_weighted_by_people_once_per_conversation(
    make_campaign, make_conversation, make_user
):
    campaign = make_campaign("weights")
    reviewer = make_user("reviewer")
    operations.ensure_themes(campaign)
    big = make_conversation(
        campaign, ["leak", "mould", "lonely"], borough="lambeth", people=10, groups=["young-people"]
    )
    small = make_conversation(campaign, ["rent"], borough="bexley", people=3)
    housing, mh = _theme(campaign, "housing"), _theme(campaign, "mental-health-isolation")
    for response in big.responses[:2] + small.responses:
        operations.move_response(response, housing, reviewer)
    operations.move_response(big.responses[2], mh, reviewer)
    assert queries.theme_people_counts(campaign.id) == {}  # nothing marked reviewed: private
    counts = queries.theme_people_counts(campaign.id, reviewed_only=False)
    assert set(counts) == {t.slug for t in queries.list_themes(campaign.id)}
    assert counts["housing"] == {
        "people": 13,
        "conversations": 2,
        "responses": 3,
        "by_borough": {"lambeth": 10, "bexley": 3},
    }
    assert counts["mental-health-isolation"]["people"] == 10
    assert counts["migration-race"] == {
        "people": 0,
        "conversations": 0,
        "responses": 0,
        "by_borough": {},
    }
    only_small = queries.theme_people_counts(campaign.id, organisation_id=-1, reviewed_only=False)
    assert only_small["housing"]["people"] == 0


def test_no_analysis_means_no_counts(make_campaign):
    campaign = make_campaign("empty")
    assert queries.theme_people_counts(campaign.id) == {}
    assert queries.theme_names(campaign.id) == {}


def test_sub_theme_rename_merge_split_and_move(themes_campaign, make_user):
    reviewer = make_user("reviewer")
    run = _run(themes_campaign)
    subs = [s for s in queries.live_sub_themes(run.id) if s.theme_id]
    biggest = max(subs, key=lambda s: len(queries.sub_theme_members(s)))
    members = queries.sub_theme_members(biggest)
    assert len(members) >= 2
    operations.rename_sub_theme(biggest, "Homes in bad repair", reviewer)
    assert biggest.display_label == "Homes in bad repair"
    new = operations.split_sub_theme(biggest, reviewer, response_ids=members[:1], label="One")
    assert queries.sub_theme_members(new) == members[:1]
    assert queries.sub_theme_members(biggest) == members[1:]
    operations.merge_sub_themes(biggest, [new], reviewer)
    assert new.merged_into_id == biggest.id
    assert sorted(queries.sub_theme_members(biggest)) == sorted(members)
    target = next(t for t in queries.list_themes(themes_campaign.id) if t.id != biggest.theme_id)
    moved = operations.move_sub_theme(biggest, target, reviewer)
    assert moved == len(members)
    responses = queries.responses_by_id(members)
    assert {_effective_slug(responses[rid]) for rid in members} == {target.slug}
    with pytest.raises(operations.ThemeError):
        operations.split_sub_theme(biggest, reviewer, response_ids=members)


def _pipeline_made(label: str) -> bool:
    """A label the pipeline makes: 2-6 words, none a stop word but the "and" joining two."""
    from listening.themes.pipeline.preprocess import stop_words

    words = label.lower().split()
    content = [w for i, w in enumerate(words) if not (w == "and" and 0 < i < len(words) - 1)]
    return 2 <= len(words) <= 6 and "," not in label and not set(content) & stop_words()


def test_merged_and_split_sub_themes_are_described_by_the_pipeline(themes_campaign, make_user):
    reviewer = make_user("reviewer")
    run = _run(themes_campaign)
    biggest = max(
        (s for s in queries.live_sub_themes(run.id) if s.theme_id),
        key=lambda s: len(queries.sub_theme_members(s)),
    )
    members = queries.sub_theme_members(biggest)
    new = operations.split_sub_theme(biggest, reviewer, response_ids=members[:2])
    assert new.label != biggest.label and new.keywords and biggest.keywords
    assert set(new.representative_ids) <= set(members[:2])
    operations.merge_sub_themes(biggest, [new], reviewer)
    assert _pipeline_made(biggest.label), biggest.label
    others = {s.label.lower() for s in queries.live_sub_themes(run.id) if s.id != biggest.id}
    assert biggest.label.lower() not in others
    reps = biggest.representative_ids
    assert reps and len(set(reps)) == len(reps) and set(reps) <= set(members)
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "themes.merge_sub_themes")
    ).all()
    assert event.after == {"into": biggest.id, "label": biggest.label}


def test_split_by_two_means_is_seeded(themes_campaign, make_user):
    reviewer = make_user("reviewer")
    run = _run(themes_campaign)
    sub = max(
        (s for s in queries.live_sub_themes(run.id) if s.theme_id),
        key=lambda s: len(queries.sub_theme_members(s)),
    )
    members = queries.sub_theme_members(sub)
    new = operations.split_sub_theme(sub, reviewer)
    split_off = queries.sub_theme_members(new)
    assert 0 < len(split_off) < len(members)
    assert new.keywords and new.representative_ids


def test_edit_review_and_confirm(themes_campaign, make_user):
    reviewer = make_user("reviewer")
    _run(themes_campaign)
    housing = _theme(themes_campaign, "housing")
    operations.edit_theme(housing, "Homes", "Where people live", reviewer)
    operations.mark_theme_reviewed(housing, reviewer)
    assert housing.reviewed and housing.reviewed_by_id == reviewer.id
    with pytest.raises(operations.ThemeError):
        operations.edit_theme(housing, "  ", "", reviewer)
    response = _responses(themes_campaign)[0]
    before = _effective_slug(response)
    row = operations.confirm_assignment(response, reviewer)
    assert row.source == "reviewer" and _effective_slug(response) == before
    assert queries.theme_names(themes_campaign.id)["housing"] == "Homes"


def test_new_conversations_are_assigned_with_the_current_model(themes_campaign, make_conversation):
    run = _run(themes_campaign)
    conversation = make_conversation(
        themes_campaign,
        ["The landlord won't fix the damp in our bedroom", "   "],
        borough="lambeth",
        people=4,
    )
    assert runs.assign_conversations([conversation.id]) == 2
    db.session.commit()
    damp, blank = conversation.responses
    row = queries.model_row(damp.id, run.id)
    assert db.session.get(Theme, row.theme_id).slug == "housing"
    assert row.sub_theme_id is not None
    assert queries.model_row(blank.id, run.id).theme_id is None
    counts = queries.theme_people_counts(themes_campaign.id, reviewed_only=False)
    assert counts["housing"]["by_borough"].get("lambeth", 0) >= 4


def test_assigning_before_any_run_waits_for_the_first_run(themes_campaign):
    conversation_ids = [c for (c,) in db.session.execute(select(func.min(Assignment.id)))]
    assert runs.assign_conversations([1, 2, 3]) == 0
    assert conversation_ids == [None]
    assert db.session.scalar(select(func.count(ThemeRun.id))) == 0
