"""What the review pages show, assembled from queries (read only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from listening.extensions import db
from listening.intake.models import Campaign, Response
from listening.themes import charts, queries, queue
from listening.themes.models import Assignment, AssignmentSource, SubTheme, Theme, ThemeRun
from listening.themes.search import search_responses as search_answers

HEAT_LEVELS = 5
EXAMPLES = 3  # example answers shown per sub-theme


@dataclass
class ThemeRow:
    theme: Theme | None
    responses: int
    conversations: int
    people: int
    by_area: list[tuple[int, int]]  # (people, heat level) per area column
    by_group: list[tuple[int, int]]
    sub_themes: int = 0


@dataclass
class Overview:
    campaign: Campaign
    rows: list[ThemeRow]
    unassigned: ThemeRow
    areas: list
    groups: list
    current: ThemeRun | None
    latest: ThemeRun | None
    runs: list[ThemeRun]
    needs_review: int
    emerging: list[SubTheme]
    map: dict | None
    total_responses: int


def _heat(values: list[int], top: int) -> list[tuple[int, int]]:
    def level(v: int) -> int:
        if v <= 0 or top <= 0:
            return 0
        return max(1, min(HEAT_LEVELS - 1, round(v / top * (HEAT_LEVELS - 1))))

    return [(v, level(v)) for v in values]


def overview(campaign: Campaign) -> Overview:
    """The theme overview: counts, heat tables by borough and group, runs, the map."""
    themes = queries.list_themes(campaign.id)
    areas, groups = queries.areas_and_groups(campaign.id)
    rows = queries.effective(campaign.id)
    counts = queries.count_by_theme(rows)
    current = queries.current_run(campaign.id)
    subs = queries.live_sub_themes(current.id) if current else []
    top_area = max((n for c in counts.values() for n in c.by_area.values()), default=0)
    top_group = max((n for c in counts.values() for n in c.by_group.values()), default=0)

    def row(theme: Theme | None) -> ThemeRow:
        c = counts.get(theme.id if theme else None, queries.ThemeCounts())
        return ThemeRow(
            theme,
            c.responses,
            len(c.conversations),
            c.people,
            _heat([c.by_area.get(a.id, 0) for a in areas], top_area),
            _heat([c.by_group.get(g.id, 0) for g in groups], top_group),
            sum(1 for s in subs if theme is not None and s.theme_id == theme.id),
        )

    _, waiting = queries.needs_review(campaign.id, limit=0)
    return Overview(
        campaign=campaign,
        rows=[row(t) for t in themes],
        unassigned=row(None),
        areas=areas,
        groups=groups,
        current=current,
        latest=queries.latest_run(campaign.id),
        runs=queries.list_runs(campaign.id),
        needs_review=waiting,
        emerging=[s for s in subs if s.theme_id is None],
        map=_map(current, themes, rows) if current else None,
        total_responses=len(rows),
    )


def _map(run: ThemeRun, themes: list[Theme], rows) -> dict | None:
    where = dict(
        (rid, (x, y))
        for rid, x, y in db.session.execute(
            select(Assignment.response_id, Assignment.map_x, Assignment.map_y).where(
                Assignment.run_id == run.id,
                Assignment.source == AssignmentSource.MODEL,
                Assignment.map_x.is_not(None),
            )
        )
    )
    index = {t.id: i for i, t in enumerate(themes)}
    points = [
        (
            where[r.response_id][0],
            where[r.response_id][1],
            index.get(r.theme_id, len(themes)),
            r.response_id,
        )
        for r in rows
        if r.response_id in where
    ]
    legend = [(i, t.name) for i, t in enumerate(themes)] + [(len(themes), "No theme")]
    return charts.scatter(points, legend) if points else None


@dataclass
class Member:
    response: Response
    score: float
    source: str


@dataclass
class SubThemeView:
    sub_theme: SubTheme | None
    members: list[Member]
    representatives: list[Response] = field(default_factory=list)


@dataclass
class ThemePage:
    theme: Theme
    run: ThemeRun | None
    sub_themes: list[SubThemeView]
    others: SubThemeView
    counts: ThemeRow
    bars: dict | None


def distinct_answers(responses: list[Response], n: int) -> list[Response]:
    """The first `n` responses whose texts differ (ignoring case, punctuation and spacing)."""
    seen: set[str] = set()
    out = []
    for response in responses:
        key = queue.same_answer_key(response.redacted_text)
        if key not in seen and len(out) < n:
            seen.add(key)
            out.append(response)
    return out


def theme_page(theme: Theme) -> ThemePage:
    """A theme with its sub-themes, keywords, representative quotes and the answers behind them."""
    run = queries.current_run(theme.campaign_id)
    rows = [r for r in queries.effective(theme.campaign_id) if r.theme_id == theme.id]
    responses = queries.responses_by_id([r.response_id for r in rows])
    subs = queries.live_sub_themes(run.id, theme.id) if run else []
    by_sub: dict[int | None, list[Member]] = {}
    for r in rows:
        key = r.sub_theme_id if any(s.id == r.sub_theme_id for s in subs) else None
        by_sub.setdefault(key, []).append(Member(responses[r.response_id], r.score, r.source))
    views = []
    for sub in subs:
        members = sorted(by_sub.get(sub.id, []), key=lambda m: -m.score)
        reps = [responses[i] for i in sub.representative_ids or [] if i in responses]
        member_ids = {m.response.id for m in members}
        reps = [r for r in reps if r.id in member_ids] + [m.response for m in members]
        views.append(SubThemeView(sub, members, distinct_answers(reps, EXAMPLES)))
    views.sort(key=lambda v: -len(v.members))
    counts = queries.count_by_theme(rows, with_groups=False).get(theme.id, queries.ThemeCounts())
    row = ThemeRow(theme, counts.responses, len(counts.conversations), counts.people, [], [])
    bars = charts.bars([(v.sub_theme.display_label, len(v.members)) for v in views if v.members])
    others = SubThemeView(None, sorted(by_sub.get(None, []), key=lambda m: -m.score))
    return ThemePage(theme, run, views, others, row, bars)


REVIEW_PER_PAGE = 20


@dataclass(frozen=True)
class ReviewPage:
    cards: list[queue.Group]
    total_cards: int
    total: int  # answers, a card may stand for several identical ones
    page: int
    per_page: int = REVIEW_PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total_cards // self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1


def needs_review(campaign: Campaign, page: int = 1) -> ReviewPage:
    """One page of the queue's cards (highest expected gain first), with how many cards and
    answers wait in all; a page past the end shows the last one."""
    cards = queue.groups(campaign.id)
    pages = max(1, -(-len(cards) // REVIEW_PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * REVIEW_PER_PAGE
    chunk = cards[start : start + REVIEW_PER_PAGE]
    return ReviewPage(chunk, len(cards), sum(len(g.items) for g in cards), page)


def search(campaign: Campaign, q: str):
    """Matching responses with their current theme and score."""
    found = search_answers(campaign.id, q)
    current = {r.response_id: r for r in queries.effective(campaign.id)}
    themes = {t.id: t for t in queries.list_themes(campaign.id)}
    out = []
    for response in found:
        row = current.get(response.id)
        theme = themes.get(row.theme_id) if row else None
        out.append((response, theme, row.score if row else 0.0, row.source if row else "none"))
    return out
