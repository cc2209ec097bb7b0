"""Theme verbs. Each takes the acting user, audits, and flushes; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select, update

from listening import audit, signals
from listening.accounts.models import User
from listening.extensions import db
from listening.intake import screening
from listening.intake.models import Campaign, Response
from listening.themes import embedding, queries
from listening.themes.models import (
    Assignment,
    AssignmentSource,
    RunStatus,
    SubTheme,
    Theme,
    ThemeRun,
)
from listening.timeutil import utcnow

HEARTBEAT_TIMEOUT = 120.0  # seconds; the app's THEMES_HEARTBEAT_TIMEOUT is passed in


class ThemeError(ValueError):
    """A request the themes workspace cannot carry out, with a message for people."""


class RunInProgress(ThemeError):
    def __init__(self, run: ThemeRun):
        super().__init__("A theme analysis is already running for this campaign.")
        self.run = run


def ensure_themes(campaign: Campaign) -> list[Theme]:
    """The campaign's themes, seeded from the default SEL taxonomy the first time."""
    themes = queries.list_themes(campaign.id)
    if themes:
        return themes
    from listening.themes.pipeline.taxonomy import DEFAULT_TAXONOMY

    for position, item in enumerate(DEFAULT_TAXONOMY):
        db.session.add(
            Theme(
                campaign_id=campaign.id,
                slug=item.slug,
                name=item.name,
                description=item.description,
                position=position,
            )
        )
    db.session.flush()
    audit.record(
        campaign,
        "themes.seed",
        None,
        after={"themes": [t.slug for t in DEFAULT_TAXONOMY]},
    )
    signals.public_changed("themes")
    return queries.list_themes(campaign.id)


def start_run(
    campaign: Campaign,
    actor: User | None,
    seed: int = 42,
    parameters: dict | None = None,
    heartbeat_timeout: float = HEARTBEAT_TIMEOUT,
) -> ThemeRun:
    """Queue a theme analysis of the campaign; raises RunInProgress if one is under way.

    A run whose worker stopped (no heartbeat for `heartbeat_timeout` seconds) is marked failed
    first, so it does not block the new one.
    """
    fail_orphaned_runs(heartbeat_timeout, campaign.id)
    active = queries.active_run(campaign.id)
    if active is not None:
        raise RunInProgress(active)
    ensure_themes(campaign)
    run = ThemeRun(
        campaign_id=campaign.id,
        status=RunStatus.QUEUED,
        seed=int(seed),
        parameters=dict(parameters or {}),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(run)
    db.session.flush()
    audit.record(
        run,
        "themes.start_run",
        actor,
        after={"campaign": campaign.slug, "seed": run.seed},
    )
    return run


def fail_orphaned_runs(
    timeout: float,
    campaign_id: int | None = None,
    now: datetime | None = None,
    include_queued: bool = True,
) -> list[ThemeRun]:
    """Mark failed the queued or running runs whose worker stopped (no heartbeat for `timeout`
    seconds); their job, should it still be alive, stops at its next checkpoint."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=timeout)
    orphans = queries.orphaned_runs(cutoff, campaign_id, include_queued)
    for run in orphans:
        since = run.heartbeat_at or run.started_at or run.created_at
        run.status, run.message, run.finished_at = RunStatus.FAILED, "Failed", now
        run.error = f"worker stopped: no heartbeat since {since:%Y-%m-%d %H:%M:%S} UTC"
        audit.record(run, "themes.run_failed", None, after={"error": run.error})
    db.session.flush()
    return orphans


def cancel_run(run: ThemeRun, actor: User) -> ThemeRun:
    """Cancel a queued or running run; its job stops at its next checkpoint and saves nothing."""
    db.session.refresh(run, with_for_update=True)  # not over a success committed meanwhile
    if run.is_finished:
        raise ThemeError(f"Run {run.id} has already finished ({run.status}).")
    before = run.status
    run.status, run.message, run.finished_at = RunStatus.CANCELLED, "Cancelled", utcnow()
    db.session.flush()
    audit.record(
        run, "themes.cancel_run", actor, before={"status": before}, after={"status": run.status}
    )
    return run


def _slug(theme_id: int | None) -> str | None:
    return db.session.get(Theme, theme_id).slug if theme_id else None


def _reviewer_decision(
    response: Response,
    theme: Theme | None,
    actor: User,
    sub_theme: SubTheme | None,
    score: float | None = None,
) -> Assignment:
    if not screening.is_cleared(response):  # flagged, or not screened by the current versions
        raise ThemeError("This answer cannot be themed: it is flagged or not yet screened.")
    row = queries.reviewer_row(response.id)
    before = queries.effective_assignment(response)
    if row is None:
        row = Assignment(response_id=response.id, source=AssignmentSource.REVIEWER)
        db.session.add(row)
    row.theme_id = theme.id if theme else None
    row.sub_theme_id = sub_theme.id if sub_theme else None
    row.reviewer_id = actor.id
    if score is not None:
        row.score = score
    elif before is not None and before.scores and theme is not None:
        row.score = float(before.scores.get(theme.slug, 0.0))
    row.scores = before.scores if before is not None else None
    return row


def move_response(
    response: Response,
    theme: Theme | None,
    actor: User,
    sub_theme: SubTheme | None = None,
    same_as: int | None = None,
) -> Assignment:
    """Put a response in a theme (None: in no theme); a reviewer's row beats the model's.

    `same_as`: the answer this one was decided with (an identical answer in the queue).
    Only a cleared answer (`intake.screening`) can be placed: a flagged one never is."""
    _check_theme(response, theme)
    before = queries.effective_assignment(response)
    row = _reviewer_decision(response, theme, actor, sub_theme)
    db.session.flush()
    after = {
        "theme": theme.slug if theme else None,
        "sub_theme": sub_theme.id if sub_theme else None,
    }
    audit.record(
        response,
        "themes.move_response",
        actor,
        before={"theme": _slug(before.theme_id) if before else None},
        after=after | ({"same_as": same_as} if same_as else {}),
    )
    signals.public_changed("themes")
    return row


def confirm_assignment(response: Response, actor: User, same_as: int | None = None) -> Assignment:
    """Accept the model's theme for a response, so it sticks like any reviewer decision."""
    current = queries.effective_assignment(response)
    if current is None:
        raise ThemeError("This answer has not been analysed yet.")
    if current.source == AssignmentSource.REVIEWER:
        return current
    theme = db.session.get(Theme, current.theme_id) if current.theme_id else None
    sub = db.session.get(SubTheme, current.sub_theme_id) if current.sub_theme_id else None
    row = _reviewer_decision(response, theme, actor, sub, score=current.score)
    db.session.flush()
    audit.record(
        response,
        "themes.confirm_assignment",
        actor,
        after={"theme": theme.slug if theme else None} | ({"same_as": same_as} if same_as else {}),
    )
    signals.public_changed("themes")
    return row


def decide_answers(
    lead: Response,
    same: Sequence[Response],
    actor: User,
    theme: Theme | None = None,
    confirm: bool = False,
) -> int:
    """Decide an answer and the answers that are the same as it, once for all of them.

    `confirm`: the model's theme of `lead` holds for every one; otherwise all go to `theme`
    (None: no theme). One audit event per answer; returns how many were decided."""
    if confirm:
        decided = confirm_assignment(lead, actor)
        theme = db.session.get(Theme, decided.theme_id) if decided.theme_id else None
    else:
        move_response(lead, theme, actor)
    for response in same:
        current = queries.effective_assignment(response)
        if confirm and current is not None and current.theme_id == (theme.id if theme else None):
            confirm_assignment(response, actor, same_as=lead.id)
        else:
            move_response(response, theme, actor, same_as=lead.id)
    return 1 + len(same)


def _check_theme(response: Response, theme: Theme | None) -> None:
    if theme is not None and theme.campaign_id != response.conversation.campaign_id:
        raise ThemeError("That theme belongs to another campaign.")


def move_sub_theme(sub_theme: SubTheme, theme: Theme, actor: User) -> int:
    """Move every answer of a sub-theme (and the sub-theme) to another theme."""
    before = sub_theme.theme_id
    members = queries.sub_theme_members(sub_theme)
    responses = queries.responses_by_id(members)
    for rid in members:
        _reviewer_decision(responses[rid], theme, actor, sub_theme)
    sub_theme.theme_id, sub_theme.is_emerging = theme.id, False
    db.session.flush()
    audit.record(
        sub_theme,
        "themes.move_sub_theme",
        actor,
        before={"theme": _slug(before)},
        after={"theme": theme.slug, "responses": len(members)},
    )
    signals.public_changed("themes")
    return len(members)


def rename_sub_theme(sub_theme: SubTheme, label: str, actor: User) -> SubTheme:
    """Give a sub-theme a reviewer's name (blank: back to the model's label)."""
    before = sub_theme.display_label
    sub_theme.reviewer_label = label.strip()[:200] or None
    db.session.flush()
    audit.record(
        sub_theme,
        "themes.rename_sub_theme",
        actor,
        before={"label": before},
        after={"label": sub_theme.display_label},
    )
    signals.public_changed("themes")
    return sub_theme


def merge_sub_themes(target: SubTheme, sources: Sequence[SubTheme], actor: User) -> SubTheme:
    """Fold sub-themes of the same run and theme into `target`, described afresh."""
    sources = [s for s in sources if s.id != target.id]
    for source in sources:
        if source.run_id != target.run_id or source.theme_id != target.theme_id:
            raise ThemeError("Only sub-themes of the same theme can be merged.")
    ids = [s.id for s in sources]
    if ids:
        db.session.execute(
            update(Assignment)
            .where(Assignment.sub_theme_id.in_(ids))
            .values(sub_theme_id=target.id)
        )
    for source in sources:
        source.merged_into_id = target.id
    db.session.flush()
    if ids:
        _describe(target.run_id, target.theme_id, [target])
    audit.record(
        target,
        "themes.merge_sub_themes",
        actor,
        before={"merged": ids},
        after={"into": target.id, "label": target.label},
    )
    signals.public_changed("themes")
    _forget(target.run_id)
    return target


def split_sub_theme(
    sub_theme: SubTheme,
    actor: User,
    response_ids: Sequence[int] | None = None,
    label: str = "",
    random_state: int = 42,
) -> SubTheme:
    """Split off a new sub-theme: the chosen answers, or else a seeded 2-means of its answers."""
    members = queries.sub_theme_members(sub_theme)
    if response_ids:
        moving = [rid for rid in members if rid in set(response_ids)]
    else:
        moving = _two_means(members, random_state)
    if not moving or len(moving) == len(members):
        raise ThemeError("Choose some, but not all, of the sub-theme's answers to split off.")
    new = SubTheme(
        run_id=sub_theme.run_id,
        theme_id=sub_theme.theme_id,
        key=_split_key(sub_theme),
        label=sub_theme.label,
        is_emerging=sub_theme.is_emerging,
        keywords=[],
        representative_ids=[],
    )
    db.session.add(new)
    db.session.flush()
    db.session.execute(
        update(Assignment)
        .where(Assignment.sub_theme_id == sub_theme.id, Assignment.response_id.in_(moving))
        .values(sub_theme_id=new.id)
    )
    _describe(sub_theme.run_id, sub_theme.theme_id, [sub_theme, new])
    new.reviewer_label = label.strip()[:200] or None
    db.session.flush()
    audit.record(
        sub_theme,
        "themes.split_sub_theme",
        actor,
        after={"new_sub_theme": new.id, "responses": moving},
    )
    signals.public_changed("themes")
    _forget(sub_theme.run_id)
    return new


def _split_key(sub_theme: SubTheme) -> str:
    taken = set(db.session.scalars(select(SubTheme.key).where(SubTheme.run_id == sub_theme.run_id)))
    n = 1
    while f"{sub_theme.key}/{n}" in taken:
        n += 1
    return f"{sub_theme.key}/{n}"[:120]


def _vectors(response_ids: Sequence[int]) -> np.ndarray:
    texts = queries.responses_by_id(response_ids)
    return embedding.make_embedder().encode(
        [texts[rid].redacted_text or "" for rid in response_ids]
    )


def _in_minilm_space(response_ids: Sequence[int]) -> list[int]:
    """Those answers a run embeds with MiniLM: answers in other languages are left out of
    MiniLM's clusters and descriptions (their space is the multilingual model's)."""
    from listening.themes.pipeline.multilingual import is_routed

    responses = queries.responses_by_id(response_ids)
    return [rid for rid in response_ids if not is_routed(responses[rid].language)]


def _two_means(members: list[int], random_state: int) -> list[int]:
    """The smaller half of a seeded 2-means of the English (and unknown) answers; answers in
    other languages stay where they are."""
    members = _in_minilm_space(members)
    if len(members) < 2:
        return []
    from sklearn.cluster import KMeans

    labels = KMeans(2, n_init=10, random_state=random_state).fit_predict(_vectors(members))
    smaller = 1 if (labels == 1).sum() <= (labels == 0).sum() else 0
    return [rid for rid, lab in zip(members, labels, strict=True) if lab == smaller]


def _describe(run_id: int, theme_id: int | None, changed: Sequence[SubTheme]) -> None:
    """New keywords, label and examples for the `changed` sub-themes, made by the pipeline as
    in a run: against the other sub-themes of their theme, with labels distinct from every
    other sub-theme of the run."""
    from listening.themes.pipeline.discover import describe_subthemes

    run = db.session.get(ThemeRun, run_id)
    rows = queries.effective(run.campaign_id)
    subs = queries.live_sub_themes(run_id, theme_id, emerging=theme_id is None)
    members = {s.id: [r.response_id for r in rows if r.sub_theme_id == s.id] for s in subs}
    members = {sub_id: _in_minilm_space(ids) for sub_id, ids in members.items()}
    subs = [s for s in subs if members[s.id]]
    ids = [rid for s in subs for rid in members[s.id]]
    labels = [n for n, s in enumerate(subs) for _ in members[s.id]]
    texts = queries.responses_by_id([r.response_id for r in rows])
    changed_ids = {s.id for s in changed}
    taken = [s.label for s in queries.live_sub_themes(run_id) if s.id not in changed_ids]
    keywords, chosen, examples = describe_subthemes(
        [texts[rid].redacted_text or "" for rid in ids],
        _vectors(ids),
        labels,
        [t.redacted_text or "" for t in texts.values()],
        relabel=[n for n, s in enumerate(subs) if s.id in changed_ids],
        taken=taken,
        embedder=embedding.make_embedder(),
        random_state=run.seed,
    )
    for n, sub in enumerate(subs):
        if sub.id in changed_ids:
            sub.keywords, sub.label = list(keywords[n]), chosen[n][:200]
            sub.representative_ids = [ids[i] for i in examples[n]]


def _forget(run_id: int) -> None:
    embedding.forget_cached(run_id)


def edit_theme(theme: Theme, name: str, description: str, actor: User) -> Theme:
    """Change a theme's name and description (its slug is part of the product's contract)."""
    before = {"name": theme.name, "description": theme.description}
    name = name.strip()
    if not name:
        raise ThemeError("Enter a name for the theme.")
    theme.name, theme.description = name[:200], description.strip()
    db.session.flush()
    audit.record(
        theme,
        "themes.edit_theme",
        actor,
        before=before,
        after={"name": theme.name, "description": theme.description},
    )
    signals.public_changed("themes")
    return theme


def mark_theme_reviewed(theme: Theme, actor: User | None, reviewed: bool = True) -> Theme:
    """Record that a reviewer (None: the system, from the CLI) has checked or reopened a theme.

    A reviewed theme's counts are public on the tracker."""
    before = theme.reviewed
    theme.reviewed = reviewed
    theme.reviewed_at = utcnow() if reviewed else None
    theme.reviewed_by_id = actor.id if reviewed and actor is not None else None
    db.session.flush()
    audit.record(
        theme,
        "themes.mark_theme_reviewed",
        actor,
        before={"reviewed": before},
        after={"reviewed": reviewed},
    )
    signals.public_changed("themes")
    return theme
