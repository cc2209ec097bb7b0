"""Read queries for the public tracker, the open data and the staff pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import selectinload

from listening.assembly import progress
from listening.assembly.models import (
    STATUSES,
    Event,
    Idea,
    Metric,
    Pledge,
    PledgeTheme,
    ProgressUpdate,
    Signatory,
)
from listening.extensions import db
from listening.intake.models import (
    Area,
    Campaign,
    CommunityGroup,
    Conversation,
    ConversationStatus,
    conversation_group,
)
from listening.organisations.models import Organisation
from listening.themes import queries as themes
from listening.themes.models import SubTheme
from listening.themes.queries import public_theme_names as theme_names


@dataclass(frozen=True)
class ThemeCounts:
    people: int = 0
    conversations: int = 0
    responses: int = 0
    by_borough: dict[str, int] = field(default_factory=dict)


def people_counts(
    campaign_id: int, organisation_id: int | None = None
) -> tuple[bool, dict[str, ThemeCounts]]:
    """(published?, slug → counts of the reviewed themes). Not published: (False, {})."""
    raw = themes.theme_people_counts(campaign_id, organisation_id=organisation_id)
    if not raw:
        return False, {}
    return True, {slug: ThemeCounts(**value) for slug, value in raw.items()}


def subtheme_choices(campaign_id: int) -> list[tuple[int, str, str]]:
    """(sub-theme id, theme slug, label) of the current analysis, for tagging pledges."""
    run = themes.current_run(campaign_id)
    if run is None:
        return []
    return [
        (row.id, row.theme.slug, row.display_label)
        for row in themes.live_sub_themes(run.id)
        if row.theme is not None
    ]


def pledge_subtheme_links(pledge: Pledge) -> tuple[list[int], list[tuple[int, str, str]]]:
    """The pledge's sub-theme links as ids of the current analysis, and the links with none.

    A link made before a merge or a new run points at the sub-theme that continues it; a link
    with no continuation comes back as (its old id, theme slug, label) so the form keeps it.
    """
    linked = [(row.subtheme_id, row.theme_slug) for row in pledge.themes if row.subtheme_id]
    run = themes.current_run(pledge.campaign_id)
    now = themes.current_sub_themes([sub_id for sub_id, _ in linked], run) if run else {}
    current, orphans = [], []
    for sub_id, slug in linked:
        if now.get(sub_id) is None:
            old = db.session.get(SubTheme, sub_id)
            label = old.display_label if old is not None else "a removed sub-theme"
            orphans.append((sub_id, slug, f"{label} (earlier analysis, no match now)"))
        elif now[sub_id] not in current:
            current.append(now[sub_id])
    return current, orphans


@dataclass(frozen=True)
class Filters:
    theme: str = ""
    borough: str = ""
    lead: int | None = None
    status: str = ""

    @property
    def active(self) -> bool:
        return bool(self.theme or self.borough or self.lead or self.status)


@dataclass(frozen=True)
class CampaignSummary:
    people: int
    conversations: int
    boroughs: int
    communities: int
    events: int
    pledges: int
    by_borough: list[tuple[Area, int]]


@dataclass
class ThemeSummary:
    slug: str
    name: str
    counts: ThemeCounts
    pledges: list[Pledge] = field(default_factory=list)
    published: bool = False  # its counts are public (a reviewer has marked the theme reviewed)

    @property
    def by_status(self) -> dict[str, int]:
        result = {key: 0 for key in STATUSES}
        for pledge in self.pledges:
            result[pledge.status] = result.get(pledge.status, 0) + 1
        return result

    @property
    def average_progress(self) -> int | None:
        if not self.pledges:
            return None
        return round(sum(progress.roll_up(p).percent for p in self.pledges) / len(self.pledges))


def _pledge_options():
    return (
        selectinload(Pledge.themes),
        selectinload(Pledge.signatories).selectinload(Signatory.organisation),
        selectinload(Pledge.actions),
        selectinload(Pledge.metrics).selectinload(Metric.readings),
        selectinload(Pledge.updates),
        selectinload(Pledge.lead_organisation),
        selectinload(Pledge.event),
        selectinload(Pledge.area),
    )


LIVE = Pledge.archived_at.is_(None)


def list_pledges(
    campaign: Campaign, filters: Filters | None = None, archived: bool = False
) -> list[Pledge]:
    """The campaign's pledges, filtered by theme slug, borough slug, lead organisation, status.

    Archived pledges are left out (`archived=True`: only they, for the staff page)."""
    filters = filters or Filters()
    query = (
        select(Pledge)
        .where(Pledge.campaign_id == campaign.id, ~LIVE if archived else LIVE)
        .options(*_pledge_options())
        .order_by(Pledge.id)
    )
    if filters.theme:
        query = query.where(
            Pledge.id.in_(
                select(PledgeTheme.pledge_id).where(PledgeTheme.theme_slug == filters.theme)
            )
        )
    if filters.borough:
        area_ids = select(Area.id).where(
            Area.campaign_id == campaign.id, Area.slug == filters.borough
        )
        # A pledge with no borough applies across the whole region, so it is in every borough.
        query = query.where(Pledge.area_id.is_(None) | Pledge.area_id.in_(area_ids))
    if filters.lead:
        query = query.where(Pledge.lead_organisation_id == filters.lead)
    if filters.status:
        query = query.where(Pledge.status == filters.status)
    return list(db.session.scalars(query))


def get_pledge(campaign_id: int | None, pledge_id: int, archived: bool = False) -> Pledge | None:
    """The pledge (None when archived, unless `archived`: staff pages see those too)."""
    query = select(Pledge).where(Pledge.id == pledge_id).options(*_pledge_options())
    if not archived:
        query = query.where(LIVE)
    if campaign_id is not None:
        query = query.where(Pledge.campaign_id == campaign_id)
    return db.session.scalar(query)


def list_events(campaign: Campaign) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.campaign_id == campaign.id)
            .options(
                selectinload(Event.attendance),
                selectinload(Event.ideas).selectinload(Idea.pledge),
            )
            .order_by(Event.held_on, Event.id)
        )
    )


def lead_organisations(campaign: Campaign) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.id.in_(
                    select(Pledge.lead_organisation_id).where(
                        Pledge.campaign_id == campaign.id, LIVE
                    )
                )
            )
            .order_by(Organisation.name)
        )
    )


def _submitted(campaign_id: int):
    return (Conversation.campaign_id == campaign_id) & (
        Conversation.status == ConversationStatus.SUBMITTED
    )


def people_by_borough(
    campaign: Campaign, organisation_id: int | None = None
) -> list[tuple[Area, int]]:
    """Every area of the campaign with the people heard there (0 when none)."""
    query = (
        select(Conversation.area_id, func.coalesce(func.sum(Conversation.people_count), 0))
        .where(_submitted(campaign.id))
        .group_by(Conversation.area_id)
    )
    if organisation_id is not None:
        query = query.where(Conversation.organisation_id == organisation_id)
    people = dict(db.session.execute(query).all())
    return [(area, int(people.get(area.id, 0))) for area in campaign.areas]


def campaign_summary(campaign: Campaign) -> CampaignSummary:
    by_borough = people_by_borough(campaign)
    conversations = db.session.scalar(
        select(func.count(Conversation.id)).where(_submitted(campaign.id))
    )
    communities = db.session.scalar(
        select(func.count(distinct(CommunityGroup.id)))
        .join(conversation_group, conversation_group.c.group_id == CommunityGroup.id)
        .join(Conversation, Conversation.id == conversation_group.c.conversation_id)
        .where(_submitted(campaign.id))
    )
    events = db.session.scalar(select(func.count(Event.id)).where(Event.campaign_id == campaign.id))
    pledges = db.session.scalar(
        select(func.count(Pledge.id)).where(Pledge.campaign_id == campaign.id, LIVE)
    )
    return CampaignSummary(
        people=sum(count for _, count in by_borough),
        conversations=int(conversations or 0),
        boroughs=sum(1 for area, count in by_borough if count and area.slug != "unspecified"),
        communities=int(communities or 0),
        events=int(events or 0),
        pledges=int(pledges or 0),
        by_borough=by_borough,
    )


def theme_summaries(
    campaign: Campaign, pledges: list[Pledge] | None = None, organisation_id: int | None = None
) -> tuple[bool, list[ThemeSummary]]:
    """(analysis published?, one summary per public theme, with the pledges answering it)."""
    names = theme_names(campaign.id)
    published, counts = people_counts(campaign.id, organisation_id=organisation_id)
    pledges = list_pledges(campaign) if pledges is None else pledges
    summaries = []
    for slug, name in names.items():
        summaries.append(
            ThemeSummary(
                slug=slug,
                name=name,
                counts=counts.get(slug, ThemeCounts()),
                pledges=[p for p in pledges if slug in p.theme_slugs],
                published=slug in counts,
            )
        )
    return published, summaries


def recent_updates(campaign: Campaign, limit: int = 50) -> list[ProgressUpdate]:
    return list(
        db.session.scalars(
            select(ProgressUpdate)
            .join(Pledge)
            .where(Pledge.campaign_id == campaign.id, LIVE)
            .options(
                selectinload(ProgressUpdate.pledge).selectinload(Pledge.updates),
                selectinload(ProgressUpdate.pledge).selectinload(Pledge.campaign),
            )
            .order_by(ProgressUpdate.posted_on.desc(), ProgressUpdate.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class PublicSubTheme:
    label: str
    people: int  # weighted once per conversation; suppressed by the template when small
    quote: str | None  # one approved, consented quote from this sub-theme's answers


def public_sub_themes(
    campaign: Campaign, theme_slug: str, quotes: list, run: themes.ThemeRun | None = None
) -> list[PublicSubTheme]:
    """The current analysis's (or `run`'s) sub-themes of a reviewed theme, largest first.

    `quotes` are the theme's public quotes (quotes.public_quotes); each sub-theme shows the
    newest one whose answer is in it. Nothing before a run or while the theme is unreviewed.
    """
    theme = themes.get_theme(campaign.id, theme_slug)
    run = run or themes.current_run(campaign.id)
    if theme is None or run is None or not theme.reviewed:
        return []
    subs = themes.live_sub_themes(run.id, theme.id)
    members: dict[int, set[int]] = {sub.id: set() for sub in subs}
    people: dict[int, int] = dict.fromkeys(members, 0)
    seen: set[tuple[int, int]] = set()
    for row in themes.effective(campaign.id, run=run):
        if row.theme_id != theme.id or row.sub_theme_id not in members:
            continue
        members[row.sub_theme_id].add(row.response_id)
        if (row.sub_theme_id, row.conversation_id) not in seen:
            seen.add((row.sub_theme_id, row.conversation_id))
            people[row.sub_theme_id] += row.people
    out = [
        PublicSubTheme(
            label=sub.display_label,
            people=people[sub.id],
            quote=next((q.text for q in quotes if q.response_id in members[sub.id]), None),
        )
        for sub in subs
        if members[sub.id]
    ]
    return sorted(out, key=lambda sub: (-sub.people, sub.label))


def organisation_conversation_totals(campaign: Campaign, organisation_id: int) -> tuple[int, int]:
    """(people, conversations) in the organisation's submitted conversations."""
    people, conversations = db.session.execute(
        select(
            func.coalesce(func.sum(Conversation.people_count), 0), func.count(Conversation.id)
        ).where(_submitted(campaign.id), Conversation.organisation_id == organisation_id)
    ).one()
    return int(people), int(conversations)


def facilitating_organisations(campaign: Campaign) -> list[tuple[Organisation, int, int]]:
    """(organisation, people, conversations) for organisations with submitted conversations."""
    rows = db.session.execute(
        select(Organisation, func.sum(Conversation.people_count), func.count(Conversation.id))
        .join(Conversation, Conversation.organisation_id == Organisation.id)
        .where(_submitted(campaign.id))
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    ).all()
    return [(org, int(people or 0), int(count)) for org, people, count in rows]
