"""Listening rounds compared: this round against the one it follows.

A campaign can follow an earlier round (`Campaign.previous_round`): the same question asked of
the same communities again. Per theme (matched by slug) and per sub-theme (matched by centroid
similarity, correctable by a reviewer) we compare the share of people who raised it: people in
conversations with at least one answer there, over all people heard in that round. The 95 %
interval of each share and of the change comes from a bootstrap over conversations (each round
resampled on its own, BOOTSTRAP_SAMPLES times, seeded so a page shows the same figures twice).

Trend words: "new" (nobody raised it last round), "faded" (nobody this round), "grew" / "shrank"
(the interval of the change excludes zero), otherwise "about the same".
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy import select

from listening import audit
from listening.extensions import db
from listening.intake.models import Area, Campaign, CommunityGroup, conversation_group
from listening.publicity import is_suppressed
from listening.themes import queries
from listening.themes.models import AssignmentSource, RoundMatch, SubTheme

BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 2024
CHUNK = 100  # bootstrap samples drawn at a time (memory: CHUNK × conversations)


@dataclass(frozen=True)
class Share:
    """People who raised something in one round, out of everyone heard, with an interval."""

    people: int
    total: int
    low: float
    high: float

    @property
    def share(self) -> float:
        return self.people / self.total if self.total else 0.0


@dataclass(frozen=True)
class Change:
    key: Hashable  # theme slug, or sub-theme id of this round
    label: str
    now: Share
    before: Share | None  # None: nothing to compare with (no earlier round, or no match)
    low: float | None  # interval of now.share - before.share
    high: float | None
    trend: str

    @property
    def difference(self) -> float | None:
        return None if self.before is None else self.now.share - self.before.share


@dataclass(frozen=True)
class Round:
    """One round's conversations: people per conversation and which keys each one touched."""

    people: np.ndarray  # (conversations,)
    members: np.ndarray  # (conversations, keys) bool
    keys: list[Hashable]

    def column(self, key: Hashable) -> np.ndarray:
        if key in self.keys:
            return self.members[:, self.keys.index(key)]
        return np.zeros(len(self.people), dtype=bool)


# -- the statistics (pure) ---------------------------------------------------------------------


def bootstrap_shares(people: np.ndarray, members: np.ndarray, samples: int, seed: int):
    """(samples, keys) shares of people, each sample a resampling of the conversations."""
    n, k = members.shape
    if n == 0:
        return np.zeros((samples, k))
    rng = np.random.default_rng(seed)
    weighted = people[:, None] * members  # (n, k)
    out = np.empty((samples, k))
    for start in range(0, samples, CHUNK):
        size = min(CHUNK, samples - start)
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=size)  # (size, n)
        totals = counts @ people
        out[start : start + size] = (counts @ weighted) / np.maximum(totals, 1)[:, None]
    return out


def interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail], axis=0)
    return float(low), float(high)


def trend(now: int, before: int | None, low: float | None, high: float | None) -> str:
    if before is None:
        return "no earlier round"
    if before == 0 and now > 0:
        return "new"
    if now == 0 and before > 0:
        return "faded"
    if low is not None and low > 0:
        return "grew"
    if high is not None and high < 0:
        return "shrank"
    return "about the same"


def compare(
    now: Round,
    before: Round | None,
    labels: Mapping[Hashable, str],
    pairs: Mapping[Hashable, Hashable | None] | None = None,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> list[Change]:
    """One Change per key of `labels`; `pairs` maps a key of now to its key in `before`
    (default: the same key)."""
    keys = list(labels)
    pairs = pairs if pairs is not None else {key: key for key in keys}
    now_m = np.column_stack([now.column(k) for k in keys]) if keys else np.zeros((0, 0))
    boot_now = bootstrap_shares(now.people, now_m, samples, seed)
    if before is not None:
        cols = [
            before.column(pairs[k]) if pairs.get(k) is not None else np.zeros(len(before.people))
            for k in keys
        ]
        before_m = np.column_stack(cols).astype(bool) if keys else np.zeros((0, 0))
        boot_before = bootstrap_shares(before.people, before_m, samples, seed + 1)
    changes = []
    total_now = int(now.people.sum())
    for i, key in enumerate(keys):
        people_now = int(now.people[now_m[:, i]].sum()) if len(now.people) else 0
        share_now = Share(people_now, total_now, *interval(boot_now[:, i]))
        if before is None or pairs.get(key) is None:
            changes.append(
                Change(key, labels[key], share_now, None, None, None, "no earlier round")
            )
            continue
        people_before = int(before.people[before_m[:, i]].sum()) if len(before.people) else 0
        share_before = Share(people_before, int(before.people.sum()), *interval(boot_before[:, i]))
        low, high = interval(boot_now[:, i] - boot_before[:, i])
        changes.append(
            Change(
                key,
                labels[key],
                share_now,
                share_before,
                low,
                high,
                trend(people_now, people_before, low, high),
            )
        )
    return changes


# -- reading rounds from the database ------------------------------------------------------------


def previous_round(campaign: Campaign) -> Campaign | None:
    return campaign.previous_round


def load_round(
    rows: list[queries.Effective],
    key_of: Callable[[queries.Effective], Hashable | None],
    within: Callable[[int], bool] | None = None,
) -> Round:
    """People per submitted conversation and the keys its answers touched, from a campaign's
    current assignments (`queries.effective`). `within(conversation id)` limits it."""
    people: dict[int, int] = {}
    touched: dict[int, set[Hashable]] = {}
    for row in rows:
        if within is not None and not within(row.conversation_id):
            continue
        people[row.conversation_id] = row.people
        key = key_of(row)
        if key is not None:
            touched.setdefault(row.conversation_id, set()).add(key)
    conversations = sorted(people)
    keys = sorted({k for ks in touched.values() for k in ks}, key=str)
    members = np.zeros((len(conversations), len(keys)), dtype=bool)
    index = {k: j for j, k in enumerate(keys)}
    for i, cid in enumerate(conversations):
        for key in touched.get(cid, ()):
            members[i, index[key]] = True
    weights = np.array([people[c] for c in conversations], dtype=float)
    return Round(weights, members, keys)


def _theme_slugs(campaign_id: int) -> dict[int, str]:
    return {t.id: t.slug for t in queries.list_themes(campaign_id)}


def theme_round(campaign: Campaign, within=None, rows=None) -> Round:
    slugs = _theme_slugs(campaign.id)
    rows = queries.effective(campaign.id) if rows is None else rows
    return load_round(rows, lambda row: slugs.get(row.theme_id), within)


def compare_themes(
    campaign: Campaign, within_now=None, within_before=None, rows=(None, None)
) -> list[Change]:
    """Per theme of this campaign (in its order), this round against the previous one."""
    labels = queries.theme_names(campaign.id)
    previous = previous_round(campaign)
    now = theme_round(campaign, within_now, rows[0])
    before = None
    if previous is not None:
        before = theme_round(previous, within_before, rows[1])
    return compare(now, before, labels)


def previous_theme_counts(campaign: Campaign) -> dict[str, tuple[int, int]] | None:
    """slug → (people who raised it, people heard) in the previous round, for the public API
    and pages; None when the campaign follows no round. Only themes reviewed then have counts."""
    previous = previous_round(campaign)
    if previous is None:
        return None
    reviewed = {t.slug for t in queries.list_themes(previous.id) if t.reviewed}
    before = theme_round(previous)
    total = int(before.people.sum())
    out = {}
    for slug in reviewed:
        people = int(before.people[before.column(slug)].sum())
        out[slug] = (people, total)
    return out


# -- breakdowns by borough and community group -----------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """The theme comparison inside one borough or one community group (matched by slug)."""

    slug: str
    name: str
    people_now: int
    people_before: int
    changes: list[Change]

    @property
    def suppressed(self) -> bool:
        return is_suppressed(self.people_now) or is_suppressed(self.people_before)


def _conversations_in_area(campaign: Campaign, slug: str) -> set[int]:
    from listening.intake.models import Conversation

    return set(
        db.session.scalars(
            select(Conversation.id)
            .join(Area, Area.id == Conversation.area_id)
            .where(Conversation.campaign_id == campaign.id, Area.slug == slug)
        )
    )


def _conversations_in_group(campaign: Campaign, slug: str) -> set[int]:
    return set(
        db.session.scalars(
            select(conversation_group.c.conversation_id)
            .join(CommunityGroup, CommunityGroup.id == conversation_group.c.group_id)
            .where(CommunityGroup.campaign_id == campaign.id, CommunityGroup.slug == slug)
        )
    )


def breakdowns(campaign: Campaign, by: str) -> list[Breakdown]:
    """Per borough (`by="borough"`) or community group (`by="group"`) present in both rounds."""
    previous = previous_round(campaign)
    if previous is None:
        return []
    if by == "borough":
        parts = [(a.slug, a.name) for a in campaign.areas]
        members_of = _conversations_in_area
    else:
        parts = [(g.slug, g.name) for g in campaign.groups]
        members_of = _conversations_in_group
    rows = (queries.effective(campaign.id), queries.effective(previous.id))
    out = []
    for slug, name in parts:
        mine, theirs = members_of(campaign, slug), members_of(previous, slug)
        changes = compare_themes(campaign, mine.__contains__, theirs.__contains__, rows)
        now_total = changes[0].now.total if changes else 0
        before_total = changes[0].before.total if changes and changes[0].before else 0
        out.append(Breakdown(slug, name, now_total, before_total, changes))
    return out


# -- sub-themes across rounds ----------------------------------------------------------------


def match_threshold() -> float:
    return float(current_app.config["THEMES_ROUND_MATCH_THRESHOLD"])


def best_matches(
    now: Mapping[int, np.ndarray], before: Mapping[int, np.ndarray], threshold: float
) -> dict[int, tuple[int | None, float | None]]:
    """Each sub-theme of now → (the most similar earlier sub-theme if cosine ≥ threshold,
    the similarity). Several may continue one earlier sub-theme (it split)."""
    if not now:
        return {}
    if not before:
        return {sub_id: (None, None) for sub_id in now}
    ids_before = list(before)
    matrix = np.vstack([before[i] for i in ids_before])
    out = {}
    for sub_id, vector in now.items():
        sims = matrix @ vector
        best = int(np.argmax(sims))
        similarity = float(sims[best])
        out[sub_id] = (ids_before[best] if similarity >= threshold else None, similarity)
    return out


def _flat(centroids: Mapping[int | None, Mapping[int, np.ndarray]]) -> dict[int, np.ndarray]:
    return {sub_id: v for per_theme in centroids.values() for sub_id, v in per_theme.items()}


def match_sub_themes(campaign: Campaign, embedder) -> int:
    """(Re)match the current run's sub-themes to the previous round's by centroid; keeps a
    reviewer's matches. Returns how many model matches were written. The caller commits."""
    from listening.themes.embedding import sub_theme_centroids

    previous = previous_round(campaign)
    run, earlier = queries.current_run(campaign.id), None
    if previous is not None:
        earlier = queries.current_run(previous.id)
    if run is None or earlier is None:
        return 0
    now = _flat(sub_theme_centroids(run, embedder))
    before = _flat(sub_theme_centroids(earlier, embedder))
    existing = {
        m.sub_theme_id: m
        for m in db.session.scalars(
            select(RoundMatch).where(RoundMatch.sub_theme_id.in_(list(now) or [-1]))
        )
    }
    written = 0
    for sub_id, (match, similarity) in best_matches(now, before, match_threshold()).items():
        row = existing.get(sub_id)
        if row is not None and row.source == AssignmentSource.REVIEWER:
            continue
        if row is None:
            row = RoundMatch(sub_theme_id=sub_id)
            db.session.add(row)
        row.previous_sub_theme_id, row.similarity = match, similarity
        row.source = AssignmentSource.MODEL
        written += 1
    db.session.flush()
    return written


def rematch_after_run(campaign_id: int, embedder) -> None:
    """After a run of `campaign_id`: its matches to the round before, and the matches of any
    round that follows it. The caller commits."""
    campaign = db.session.get(Campaign, campaign_id)
    match_sub_themes(campaign, embedder)
    followers = db.session.scalars(
        select(Campaign).where(Campaign.previous_round_id == campaign_id)
    )
    for later in followers:
        match_sub_themes(later, embedder)


def set_match(sub_theme: SubTheme, previous: SubTheme | None, reviewer) -> RoundMatch:
    """A reviewer's correction: this sub-theme continues `previous` (None: it is new)."""
    row = db.session.scalar(select(RoundMatch).where(RoundMatch.sub_theme_id == sub_theme.id))
    before = None
    if row is None:
        row = RoundMatch(sub_theme_id=sub_theme.id)
        db.session.add(row)
    else:
        before = {"previous_sub_theme": row.previous_sub_theme_id, "source": row.source}
    row.previous_sub_theme_id = previous.id if previous is not None else None
    row.source, row.reviewer_id, row.similarity = AssignmentSource.REVIEWER, reviewer.id, None
    db.session.flush()
    after = {"previous_sub_theme": row.previous_sub_theme_id, "source": row.source}
    audit.record(row, "themes.match_round", reviewer, before, after)
    return row


def compare_sub_themes(campaign: Campaign):
    """(one Change per live sub-theme of the current run, the previous round's sub-themes that
    nothing continues — they faded, {sub-theme id: id of the earlier one it continues})."""
    run = queries.current_run(campaign.id)
    if run is None:
        return [], [], {}
    subs = queries.live_sub_themes(run.id)
    subs = [s for s in subs if s.theme_id is not None] + [s for s in subs if s.theme_id is None]
    labels = {s.id: s.display_label for s in subs}
    now = load_round(queries.effective(campaign.id), lambda row: row.sub_theme_id)
    previous = previous_round(campaign)
    earlier = queries.current_run(previous.id) if previous is not None else None
    if earlier is None:
        return compare(now, None, labels), [], {}
    matches = dict(
        db.session.execute(
            select(RoundMatch.sub_theme_id, RoundMatch.previous_sub_theme_id).where(
                RoundMatch.sub_theme_id.in_(list(labels) or [-1])
            )
        ).all()
    )
    before = load_round(queries.effective(previous.id), lambda row: row.sub_theme_id)
    pairs = {sub_id: matches.get(sub_id) for sub_id in labels}
    changes = compare(now, before, labels, pairs)
    # an unmatched sub-theme of this round is new: nobody raised it then
    changes = [
        Change(
            c.key, c.label, c.now, Share(0, int(before.people.sum()), 0.0, 0.0), None, None, "new"
        )
        if pairs.get(c.key) is None
        else c
        for c in changes
    ]
    continued = {m for m in matches.values() if m is not None}
    faded = [s for s in queries.live_sub_themes(earlier.id) if s.id not in continued]
    return changes, faded, pairs


def earlier_sub_themes(campaign: Campaign) -> list[SubTheme]:
    """The previous round's live sub-themes (for the reviewer's "continues" choice)."""
    previous = previous_round(campaign)
    earlier = queries.current_run(previous.id) if previous is not None else None
    return queries.live_sub_themes(earlier.id) if earlier is not None else []
