"""Everything a report shows, read from the live data with the existing queries.

Figures are read when the report is shown (coverage and pledge status move on); themes,
sub-themes and their counts come from the theme run the report was made from; quotes are the
chosen ones that still pass every rule (operations.available). Counts of people follow the
public pages' small-number rules (listening.publicity): the PDF leaves the building.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from listening import publicity, urls
from listening.assembly import progress
from listening.assembly import queries as assembly
from listening.assembly.models import EVENT_KINDS, STATUSES, Event, Pledge
from listening.intake import queries as intake
from listening.intake.models import Campaign
from listening.report import operations
from listening.report.models import Report
from listening.themes import charts
from listening.themes import queries as themes
from listening.themes.models import ThemeRun

CHART_WIDTH, BAR, GAP = 620, 20, 8
PER = intake.PER


@dataclass(frozen=True)
class BoroughRow:
    name: str
    shown: bool  # False: its count is small, or withheld so a small one cannot be worked out
    conversations: str
    people: str
    residents: str
    per_10k: str
    under_reached: bool


@dataclass(frozen=True)
class SubThemeRow:
    label: str
    people: str


@dataclass(frozen=True)
class ThemeSection:
    slug: str
    name: str
    people_count: int | None  # None: suppressed
    people: str
    conversations: int
    sub_themes: list[SubThemeRow]
    quotes: list[str]


@dataclass(frozen=True)
class EventRow:
    event: Event
    kind: str
    themes: list[str]
    attendance: int


@dataclass(frozen=True)
class PledgeRow:
    pledge: Pledge
    status: str
    percent: int
    overdue: bool
    themes: list[str]


@dataclass(frozen=True)
class ReportContent:
    report: Report
    campaign: Campaign
    run: ThemeRun | None
    total: intake.Reach
    rate: float | None
    boroughs: list[BoroughRow]
    groups: list[tuple[str, str]]
    themes: list[ThemeSection]
    events: list[EventRow]
    pledges: list[PledgeRow]
    by_status: list[tuple[str, int]]
    charts: dict[str, dict | None]
    min_count: int
    made_on: datetime
    today: date
    tracker_url: str


def build(report: Report, today: date | None = None) -> ReportContent:
    """The report's content as of now, with its own choices and theme run."""
    today = today or date.today()
    campaign, run = report.campaign, report.theme_run
    reach = intake.by_borough(campaign)
    boroughs = borough_rows(reach)
    sections = theme_sections(campaign, run, report)
    pledges = pledge_rows(campaign, today)
    by_status = [
        (label, sum(1 for p in pledges if p.pledge.status == key))
        for key, label in STATUSES.items()
    ]
    return ReportContent(
        report=report,
        campaign=campaign,
        run=run,
        total=intake.totals(campaign),
        rate=intake.reach_rate(reach),
        boroughs=boroughs,
        groups=[(r.name, publicity.public_count_text(r.people)) for r in intake.by_group(campaign)],
        themes=sections,
        events=event_rows(campaign),
        pledges=pledges,
        by_status=by_status,
        charts=report_charts(reach, boroughs, sections, by_status),
        min_count=publicity.min_count(),
        made_on=report.created_at,
        today=today,
        tracker_url=urls.absolute(f"pledges?campaign={campaign.slug}"),
    )


def borough_rows(reach: list[intake.Reach]) -> list[BoroughRow]:
    """The coverage table, with small (and secondarily withheld) counts hidden row-wide."""
    parts = {r.key: r.people for r in reach}
    shown, withheld = publicity.public_parts_text(parts), publicity.withheld_parts(parts)
    rows = []
    for r in reach:
        hidden = r.key in withheld
        rows.append(
            BoroughRow(
                name=r.name,
                shown=not hidden,
                conversations="–" if hidden else f"{r.conversations:,}",
                people=shown[r.key],
                residents=f"{r.population:,}" if r.population else "–",
                per_10k="–" if hidden or r.per_10k is None else f"{r.per_10k:,.1f}",
                under_reached=r.under_reached,
            )
        )
    return rows


def theme_sections(campaign: Campaign, run: ThemeRun | None, report: Report) -> list[ThemeSection]:
    """The chosen themes that are still reviewed, with the run's sub-themes and chosen quotes."""
    if run is None:
        return []
    choices = operations.available(campaign, run)
    wanted = set(report.theme_ids)
    quote_ids = set(report.quote_ids)
    counts = themes.count_by_theme(themes.effective(campaign.id, run=run), with_groups=False)
    sections = []
    for theme in choices.themes:
        if theme.id not in wanted:
            continue
        entry = counts.get(theme.id, themes.ThemeCounts())
        subs = assembly.public_sub_themes(campaign, theme.slug, [], run=run)
        sections.append(
            ThemeSection(
                slug=theme.slug,
                name=theme.name,
                people_count=None if publicity.is_suppressed(entry.people) else entry.people,
                people=publicity.public_count_text(entry.people),
                conversations=len(entry.conversations),
                sub_themes=[
                    SubThemeRow(s.label, publicity.public_count_text(s.people)) for s in subs
                ],
                quotes=[
                    q.text
                    for q in choices.quotes
                    if q.id in quote_ids and q.theme_slug == theme.slug
                ],
            )
        )
    return sections


def event_rows(campaign: Campaign) -> list[EventRow]:
    names = themes.public_theme_names(campaign.id)
    return [
        EventRow(
            event=e,
            kind=EVENT_KINDS.get(e.kind, e.kind),
            themes=[names.get(slug, slug) for slug in e.theme_slugs],
            attendance=e.attendance_total,
        )
        for e in assembly.list_events(campaign)
    ]


def pledge_rows(campaign: Campaign, today: date) -> list[PledgeRow]:
    names = themes.public_theme_names(campaign.id)
    return [
        PledgeRow(
            pledge=p,
            status=STATUSES.get(p.status, p.status),
            percent=progress.roll_up(p).percent,
            overdue=progress.is_overdue(p, today),
            themes=[names.get(slug, slug) for slug in p.theme_slugs],
        )
        for p in assembly.list_pledges(campaign)
    ]


def _chart(title: str, items: list[tuple[str, float]], texts: list[str], flags=None) -> dict | None:
    """Bar geometry (themes.charts.bars) with the text to print by each bar."""
    chart = charts.bars(items, width=CHART_WIDTH, bar=BAR, gap=GAP)
    if chart is None:
        return None
    for index, (bar, text) in enumerate(zip(chart["bars"], texts, strict=True)):
        bar["text"] = text
        bar["flag"] = bool(flags and flags[index])
    chart["title"] = (
        title
        + ": "
        + "; ".join(f"{label} {text}" for (label, _), text in zip(items, texts, strict=True))
    )
    return chart


def report_charts(reach, boroughs, sections, by_status) -> dict[str, dict | None]:
    """People by borough, people per 10,000 residents, people by theme, pledges by status."""
    shown = [(r, row) for r, row in zip(reach, boroughs, strict=True) if row.shown]
    rated = [(r, row) for r, row in shown if r.per_10k is not None]
    return {
        "people": _chart(
            "People heard by borough",
            [(r.name, r.people) for r, _ in shown],
            [row.people for _, row in shown],
        ),
        "per_10k": _chart(
            "People heard per 10,000 residents",
            [(r.name, r.per_10k) for r, _ in rated],
            [row.per_10k + (" – under-reached" if r.under_reached else "") for r, row in rated],
            [r.under_reached for r, _ in rated],
        ),
        "themes": _chart(
            "People who raised each theme",
            [(s.name, s.people_count) for s in sections if s.people_count is not None],
            [s.people for s in sections if s.people_count is not None],
        ),
        "pledges": _chart(
            "Pledges by status",
            [(label, n) for label, n in by_status if n],
            [str(n) for _, n in by_status if n],
        )
        if any(n for _, n in by_status)
        else None,
    }
