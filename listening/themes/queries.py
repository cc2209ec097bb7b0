"""Read queries: current run, effective assignments (a reviewer's row beats the model's), counts.

Also the interface the assembly package reads: `theme_people_counts` and `theme_names`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from listening.extensions import db
from listening.intake import screening
from listening.intake.models import (
    Area,
    CommunityGroup,
    Conversation,
    ConversationStatus,
    Response,
    conversation_group,
)
from listening.themes.models import (
    ACTIVE_STATUSES,
    Assignment,
    AssignmentSource,
    RunStatus,
    SubTheme,
    Theme,
    ThemeRun,
)
from listening.themes.pipeline.taxonomy import DEFAULT_TAXONOMY

# Runs made before calibration stored no tier: their model answers scoring below this (or
# with no theme) need a human. Later runs: every model answer not auto-accepted does.
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Effective:
    """Where one response stands now."""

    response_id: int
    conversation_id: int
    theme_id: int | None
    score: float
    source: str  # "model", "reviewer" or "none" (not yet assigned)
    sub_theme_id: int | None
    people: int
    area_id: int
    auto_accepted: bool | None = None  # model rows: None for a run made before calibration


@dataclass
class ThemeCounts:
    responses: int = 0
    conversations: set[int] = field(default_factory=set)
    people: int = 0
    by_area: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    by_group: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def list_themes(campaign_id: int) -> list[Theme]:
    return list(
        db.session.scalars(
            select(Theme).where(Theme.campaign_id == campaign_id).order_by(Theme.position, Theme.id)
        )
    )


def get_theme(campaign_id: int, slug: str) -> Theme | None:
    return db.session.scalar(
        select(Theme).where(Theme.campaign_id == campaign_id, Theme.slug == slug)
    )


def current_run(campaign_id: int) -> ThemeRun | None:
    """The latest successful run: its results are the current ones."""
    return db.session.scalar(
        select(ThemeRun)
        .where(ThemeRun.campaign_id == campaign_id, ThemeRun.status == RunStatus.SUCCEEDED)
        .order_by(ThemeRun.finished_at.desc(), ThemeRun.id.desc())
        .limit(1)
    )


def latest_run(campaign_id: int) -> ThemeRun | None:
    return db.session.scalar(
        select(ThemeRun)
        .where(ThemeRun.campaign_id == campaign_id)
        .order_by(ThemeRun.id.desc())
        .limit(1)
    )


def active_run(campaign_id: int) -> ThemeRun | None:
    return db.session.scalar(
        select(ThemeRun)
        .where(
            ThemeRun.campaign_id == campaign_id,
            ThemeRun.status.in_(ACTIVE_STATUSES),
        )
        .order_by(ThemeRun.id.desc())
        .limit(1)
    )


def orphaned_runs(
    cutoff: datetime, campaign_id: int | None = None, include_queued: bool = True
) -> list[ThemeRun]:
    """Queued or running runs no worker has shown signs of life for since `cutoff`, locked.

    A running run is orphaned when its own heartbeat is older; a queued one when it was
    queued before and no run anywhere has a fresher heartbeat (a busy worker will get to it).
    """
    last_sign = func.coalesce(ThemeRun.heartbeat_at, ThemeRun.started_at, ThemeRun.created_at)
    orphaned = and_(ThemeRun.status == RunStatus.RUNNING, last_sign < cutoff)
    if include_queued:
        beating = aliased(ThemeRun)
        busy = exists().where(beating.status == RunStatus.RUNNING, beating.heartbeat_at >= cutoff)
        waiting = and_(ThemeRun.status == RunStatus.QUEUED, ThemeRun.created_at < cutoff, ~busy)
        orphaned = or_(orphaned, waiting)
    query = select(ThemeRun).where(orphaned)
    if campaign_id is not None:
        query = query.where(ThemeRun.campaign_id == campaign_id)
    # FOR UPDATE (PostgreSQL re-checks the heartbeat of a row a job updated meanwhile);
    # SQLite's writers already hold the database lock.
    return list(db.session.scalars(query.order_by(ThemeRun.id).with_for_update(of=ThemeRun)))


def list_runs(campaign_id: int, limit: int = 10) -> list[ThemeRun]:
    return list(
        db.session.scalars(
            select(ThemeRun)
            .where(ThemeRun.campaign_id == campaign_id)
            .order_by(ThemeRun.id.desc())
            .limit(limit)
        )
    )


def reviewer_labels(campaign_id: int, slugs: set[str] | None = None) -> dict[str, str]:
    """Response id (as text) → the theme slug a reviewer put it in."""
    rows = db.session.execute(
        select(Assignment.response_id, Theme.slug)
        .join(Theme, Theme.id == Assignment.theme_id)
        .where(Assignment.source == AssignmentSource.REVIEWER, Theme.campaign_id == campaign_id)
    )
    return {str(rid): slug for rid, slug in rows if slugs is None or slug in slugs}


def reviewer_row(response_id: int) -> Assignment | None:
    return db.session.scalar(
        select(Assignment).where(
            Assignment.response_id == response_id, Assignment.source == AssignmentSource.REVIEWER
        )
    )


def model_row(response_id: int, run_id: int | None) -> Assignment | None:
    if run_id is None:
        return None
    return db.session.scalar(
        select(Assignment).where(
            Assignment.response_id == response_id,
            Assignment.run_id == run_id,
            Assignment.source == AssignmentSource.MODEL,
        )
    )


def effective_assignment(response: Response) -> Assignment | None:
    """The row that decides this response's theme now."""
    row = reviewer_row(response.id)
    if row is not None:
        return row
    run = current_run(response.conversation.campaign_id)
    return model_row(response.id, run.id if run else None)


def effective(
    campaign_id: int, organisation_id: int | None = None, run: ThemeRun | None = None
) -> list[Effective]:
    """Every cleared answer (`intake.screening`) of the campaign's submitted conversations,
    with its current theme and sub-theme: what reviewers, counts and public pages see.

    `run`: read the model's rows of that run instead of the current one (a stored report).
    """
    query = (
        select(
            Response.id, Response.conversation_id, Conversation.people_count, Conversation.area_id
        )
        .join(Conversation, Conversation.id == Response.conversation_id)
        .where(
            Conversation.campaign_id == campaign_id,
            Conversation.status == ConversationStatus.SUBMITTED,
            screening.cleared(),
        )
        .order_by(Response.id)
    )
    if organisation_id is not None:
        query = query.where(Conversation.organisation_id == organisation_id)
    responses = db.session.execute(query).all()
    run = run or current_run(campaign_id)
    model = _model_rows(run.id) if run else {}
    reviewer = _reviewer_rows(campaign_id)
    run_subs = _run_sub_themes(run.id) if run else {}
    out = []
    for rid, cid, people, area_id in responses:
        mine, auto = reviewer.get(rid), model.get(rid)
        if mine is not None:
            theme_id, score, sub = mine[0], mine[1], mine[2]
            if sub not in run_subs and auto is not None and auto[0] == theme_id:
                sub = auto[2]
            sub = sub if sub in run_subs else None
            out.append(Effective(rid, cid, theme_id, score, "reviewer", sub, people, area_id))
        elif auto is not None:
            out.append(
                Effective(rid, cid, auto[0], auto[1], "model", auto[2], people, area_id, auto[3])
            )
        else:
            out.append(Effective(rid, cid, None, 0.0, "none", None, people, area_id))
    return out


def _model_rows(run_id: int) -> dict[int, tuple]:
    rows = db.session.execute(
        select(
            Assignment.response_id,
            Assignment.theme_id,
            Assignment.score,
            Assignment.sub_theme_id,
            Assignment.confidence,
            Assignment.auto_accepted,
        ).where(Assignment.run_id == run_id, Assignment.source == AssignmentSource.MODEL)
    )
    return {
        rid: (theme_id, score, sub, None if confidence is None else bool(auto))
        for rid, theme_id, score, sub, confidence, auto in rows
    }


def _reviewer_rows(campaign_id: int) -> dict[int, tuple]:
    # scoped by the response's campaign: a reviewer's "no theme" row has no theme to join
    rows = db.session.execute(
        select(
            Assignment.response_id, Assignment.theme_id, Assignment.score, Assignment.sub_theme_id
        )
        .join(Response, Response.id == Assignment.response_id)
        .join(Conversation, Conversation.id == Response.conversation_id)
        .where(
            Assignment.source == AssignmentSource.REVIEWER, Conversation.campaign_id == campaign_id
        )
    )
    return {rid: (theme_id, score, sub) for rid, theme_id, score, sub in rows}


def _run_sub_themes(run_id: int) -> set[int]:
    return set(db.session.scalars(select(SubTheme.id).where(SubTheme.run_id == run_id)))


def count_by_theme(
    rows: list[Effective], with_groups: bool = True
) -> dict[int | None, ThemeCounts]:
    """Responses, conversations and people (weighted once per conversation) per theme id."""
    groups = _conversation_groups({r.conversation_id for r in rows}) if with_groups else {}
    counts: dict[int | None, ThemeCounts] = defaultdict(ThemeCounts)
    seen: set[tuple[int | None, int]] = set()
    for row in rows:
        entry = counts[row.theme_id]
        entry.responses += 1
        if (row.theme_id, row.conversation_id) in seen:
            continue
        seen.add((row.theme_id, row.conversation_id))
        entry.conversations.add(row.conversation_id)
        entry.people += row.people
        entry.by_area[row.area_id] += row.people
        for group_id in groups.get(row.conversation_id, ()):
            entry.by_group[group_id] += row.people
    return counts


def _conversation_groups(conversation_ids: set[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    ids = sorted(conversation_ids)
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            select(conversation_group.c.conversation_id, conversation_group.c.group_id).where(
                conversation_group.c.conversation_id.in_(ids[start : start + 500])
            )
        )
        for cid, gid in rows:
            out[cid].append(gid)
    return out


def has_analysis(campaign_id: int) -> bool:
    """A run has finished, or a reviewer has placed an answer."""
    if current_run(campaign_id) is not None:
        return True
    return bool(reviewer_labels(campaign_id))


def theme_people_counts(
    campaign_id: int, organisation_id: int | None = None, reviewed_only: bool = True
) -> dict[str, dict]:
    """slug → {"people", "conversations", "responses", "by_borough": {area slug: people}}.

    Current assignments (a reviewer's decision beats the model's). A conversation counts once
    per theme it touches, weighted by its people_count. Empty when there is no analysis yet.
    `organisation_id` limits it to that organisation's conversations. With `reviewed_only`
    (what the public and partners see) only themes a reviewer has marked reviewed are in it.
    """
    if not has_analysis(campaign_id):
        return {}
    areas = dict(
        db.session.execute(select(Area.id, Area.slug).where(Area.campaign_id == campaign_id)).all()
    )
    counts = count_by_theme(effective(campaign_id, organisation_id), with_groups=False)
    out = {}
    for theme in list_themes(campaign_id):
        if reviewed_only and not theme.reviewed:
            continue
        entry = counts.get(theme.id, ThemeCounts())
        out[theme.slug] = {
            "people": entry.people,
            "conversations": len(entry.conversations),
            "responses": entry.responses,
            "by_borough": {areas[a]: n for a, n in sorted(entry.by_area.items()) if a in areas},
        }
    return out


def theme_names(campaign_id: int) -> dict[str, str]:
    """slug → name, in the campaign's order (empty before the first run seeds the themes)."""
    return {t.slug: t.name for t in list_themes(campaign_id)}


def public_theme_names(campaign_id: int) -> dict[str, str]:
    """slug → name: the campaign's themes, or the default taxonomy's before the first run."""
    return theme_names(campaign_id) or {t.slug: t.name for t in DEFAULT_TAXONOMY}


# -- workspace pages ------------------------------------------------------------------------


def areas_and_groups(campaign_id: int) -> tuple[list[Area], list[CommunityGroup]]:
    areas = db.session.scalars(
        select(Area).where(Area.campaign_id == campaign_id).order_by(Area.name)
    ).all()
    groups = db.session.scalars(
        select(CommunityGroup)
        .where(CommunityGroup.campaign_id == campaign_id)
        .order_by(CommunityGroup.name)
    ).all()
    return list(areas), list(groups)


def live_sub_themes(run_id: int, theme_id: int | None = None, emerging: bool = False):
    """Sub-themes of a run that were not merged away, for one theme or the emerging ones."""
    query = select(SubTheme).where(SubTheme.run_id == run_id, SubTheme.merged_into_id.is_(None))
    if emerging:
        query = query.where(SubTheme.theme_id.is_(None))
    elif theme_id is not None:
        query = query.where(SubTheme.theme_id == theme_id)
    return list(db.session.scalars(query.order_by(SubTheme.id)))


def sub_theme_members(sub_theme: SubTheme) -> list[int]:
    """Response ids whose current sub-theme is this one."""
    run = db.session.get(ThemeRun, sub_theme.run_id)
    rows = effective(run.campaign_id)
    return [r.response_id for r in rows if r.sub_theme_id == sub_theme.id]


def responses_by_id(ids) -> dict[int, Response]:
    ids = list(ids)
    out: dict[int, Response] = {}
    for start in range(0, len(ids), 500):
        rows = db.session.scalars(select(Response).where(Response.id.in_(ids[start : start + 500])))
        out.update({r.id: r for r in rows})
    return out


def needs_human(row: Effective, threshold: float = LOW_CONFIDENCE) -> bool:
    """A model answer that was not auto-accepted (before calibration: no theme or low score)."""
    if row.source != AssignmentSource.MODEL:
        return False
    if row.auto_accepted is not None:
        return not row.auto_accepted
    return row.theme_id is None or row.score < threshold


def needs_review(campaign_id: int, threshold: float = LOW_CONFIDENCE, limit: int | None = 100):
    """Model answers that need a human, lowest score first, and how many there are (the review
    page orders them by expected gain: `queue.groups`)."""
    rows = [r for r in effective(campaign_id) if needs_human(r, threshold)]
    rows.sort(key=lambda r: (r.theme_id is not None, r.score, r.response_id))
    return (rows if limit is None else rows[:limit]), len(rows)


# -- the same sub-theme across merges and runs ---------------------------------------------

# A sub-theme of an earlier run continues as the new one sharing at least this share of its
# answers (Jaccard): reviewer names and pledge links follow it.
SAME_SUB_THEME_OVERLAP = 0.5


def members_by_sub_theme(run_id: int) -> dict[int, set[int]]:
    """Sub-theme id → the response ids the model put in it, for one run."""
    out: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(Assignment.sub_theme_id, Assignment.response_id)
        .join(SubTheme, SubTheme.id == Assignment.sub_theme_id)
        .where(SubTheme.run_id == run_id)
    )
    for sub_id, response_id in rows:
        out.setdefault(sub_id, set()).add(response_id)
    return out


def most_overlapping(members: set[int], candidates: dict[int, set[int]]) -> int | None:
    """The candidate sub-theme sharing most answers with `members`, if it shares enough."""
    best, overlap = None, 0.0
    for sub_id, other in candidates.items():
        score = len(members & other) / max(len(members | other), 1)
        if score > overlap:
            best, overlap = sub_id, score
    return best if overlap >= SAME_SUB_THEME_OVERLAP else None


def current_sub_themes(sub_theme_ids: Sequence[int], run: ThemeRun) -> dict[int, int | None]:
    """Each sub-theme id → the live sub-theme of `run` that stands for it now, or None.

    That is the sub-theme itself, what it was merged into, or — for one of an earlier run — the
    live sub-theme of `run` sharing most of its answers.
    """
    out: dict[int, int | None] = {}
    members_now: dict[int, set[int]] | None = None
    earlier: dict[int, dict[int, set[int]]] = {}
    for sub_id in sub_theme_ids:
        sub, seen = db.session.get(SubTheme, sub_id), set()
        while sub is not None and sub.merged_into_id is not None and sub.id not in seen:
            seen.add(sub.id)
            sub = db.session.get(SubTheme, sub.merged_into_id)
        if sub is None or sub.merged_into_id is not None:
            out[sub_id] = None
        elif sub.run_id == run.id:
            out[sub_id] = sub.id
        else:
            if members_now is None:
                live = {s.id for s in live_sub_themes(run.id)}
                members_now = {k: v for k, v in members_by_sub_theme(run.id).items() if k in live}
            if sub.run_id not in earlier:
                earlier[sub.run_id] = members_by_sub_theme(sub.run_id)
            out[sub_id] = most_overlapping(earlier[sub.run_id].get(sub.id, set()), members_now)
    return out
