"""Read queries for the coverage dashboard: who has been heard, where, and through whom.

Only submitted conversations count. Plain SQLAlchemy expressions, so the same SQL runs on
SQLite and PostgreSQL. Staff pages show exact figures (small-number suppression is for
public pages only).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import and_, exists, extract, func, or_, select

from listening.extensions import db
from listening.intake.models import (
    Area,
    Campaign,
    CommunityGroup,
    Conversation,
    ConversationStatus,
    Response,
    conversation_group,
)
from listening.language import language_name
from listening.organisations.models import OUTREACH_STATUSES, Organisation

PER = 10_000  # reach is shown per 10,000 residents
UNDER_REACHED_SHARE = 0.5  # a borough below half the campaign-wide rate is under-reached


@dataclass(frozen=True)
class Reach:
    """Conversations and people for one borough, group, organisation or month."""

    key: str
    name: str
    conversations: int
    people: int
    population: int | None = None
    per_10k: float | None = None
    under_reached: bool = False
    status: str = ""


@dataclass(frozen=True)
class OutreachRow:
    id: int
    name: str
    type: str
    borough: str
    status: str
    contact_notes: str
    conversations: int
    people: int


def _people():
    return func.coalesce(func.sum(Conversation.people_count), 0)


def _submitted_in(campaign: Campaign):
    return and_(
        Conversation.campaign_id == campaign.id, Conversation.status == ConversationStatus.SUBMITTED
    )


def totals(campaign: Campaign) -> Reach:
    conversations, people = db.session.execute(
        select(func.count(Conversation.id), _people()).where(_submitted_in(campaign))
    ).one()
    return Reach("total", "Total", conversations, people)


def by_borough(campaign: Campaign) -> list[Reach]:
    """Every area of the campaign ("not specified" first), with people per 10,000 residents.

    A borough reaching fewer than half as many people per 10,000 residents as the campaign's
    boroughs together is flagged as under-reached.
    """
    counts = {
        area_id: (n, people)
        for area_id, n, people in db.session.execute(
            select(Conversation.area_id, func.count(Conversation.id), _people())
            .where(_submitted_in(campaign))
            .group_by(Conversation.area_id)
        )
    }
    rows = []
    for area in sorted(campaign.areas, key=lambda a: (a.slug != "unspecified", a.name)):
        n, people = counts.get(area.id, (0, 0))
        per_10k = round(people / area.population * PER, 1) if area.population else None
        rows.append(Reach(area.slug, area.name, n, people, area.population, per_10k))
    rate = reach_rate(rows)
    if rate is None:
        return rows
    return [
        replace(r, under_reached=r.per_10k is not None and r.per_10k < rate * UNDER_REACHED_SHARE)
        for r in rows
    ]


def reach_rate(rows: list[Reach]) -> float | None:
    """People per 10,000 residents across the rows whose population is known."""
    known = [r for r in rows if r.population]
    population = sum(r.population for r in known)
    return round(sum(r.people for r in known) / population * PER, 1) if population else None


def by_group(campaign: Campaign) -> list[Reach]:
    """Each community group (a conversation can name several), then "none recorded"."""
    joined = and_(
        Conversation.id == conversation_group.c.conversation_id,
        Conversation.status == ConversationStatus.SUBMITTED,
    )
    rows = db.session.execute(
        select(CommunityGroup.slug, CommunityGroup.name, func.count(Conversation.id), _people())
        .select_from(CommunityGroup)
        .outerjoin(conversation_group, conversation_group.c.group_id == CommunityGroup.id)
        .outerjoin(Conversation, joined)
        .where(CommunityGroup.campaign_id == campaign.id)
        .group_by(CommunityGroup.id, CommunityGroup.slug, CommunityGroup.name)
    ).all()
    result = sorted(
        (Reach(slug, name, n, people) for slug, name, n, people in rows),
        key=lambda r: (-r.people, r.name),
    )
    has_group = exists().where(conversation_group.c.conversation_id == Conversation.id)
    n, people = db.session.execute(
        select(func.count(Conversation.id), _people()).where(_submitted_in(campaign), ~has_group)
    ).one()
    return result + [Reach("", "No community group recorded", n, people)]


@dataclass(frozen=True)
class LanguageCount:
    """Answers (and the conversations they came from) in one language; key "" = unknown."""

    key: str
    name: str
    answers: int
    conversations: int


def by_language(campaign: Campaign) -> list[LanguageCount]:
    """Submitted answers by detected language, most first; "Unknown" (too short/unsure) last."""
    rows = db.session.execute(
        select(
            Response.language,
            func.count(Response.id),
            func.count(func.distinct(Response.conversation_id)),
        )
        .join(Conversation, Conversation.id == Response.conversation_id)
        .where(_submitted_in(campaign))
        .group_by(Response.language)
    ).all()
    counts = [LanguageCount(code or "", language_name(code), n, c) for code, n, c in rows]
    return sorted(counts, key=lambda r: (r.key == "", -r.answers, r.name))


def by_organisation(campaign: Campaign) -> list[Reach]:
    """Organisations that facilitated submitted conversations, most people first."""
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.outreach_status,
            func.count(Conversation.id),
            _people(),
        )
        .join(Conversation, Conversation.organisation_id == Organisation.id)
        .where(_submitted_in(campaign))
        .group_by(Organisation.id, Organisation.name, Organisation.outreach_status)
    ).all()
    return sorted(
        (Reach(str(i), name, n, people, status=status) for i, name, status, n, people in rows),
        key=lambda r: (-r.people, r.name),
    )


def by_month(campaign: Campaign) -> list[Reach]:
    """Conversations and people per calendar month of the conversation, with empty months."""
    year = extract("year", Conversation.held_on)
    month = extract("month", Conversation.held_on)
    found = {
        (int(y), int(m)): (n, people)
        for y, m, n, people in db.session.execute(
            select(year, month, func.count(Conversation.id), _people())
            .where(_submitted_in(campaign))
            .group_by(year, month)
        )
    }
    if not found:
        return []
    (y, m), last = min(found), max(found)
    rows = []
    while (y, m) <= last:
        n, people = found.get((y, m), (0, 0))
        rows.append(Reach(f"{y:04d}-{m:02d}", date(y, m, 1).strftime("%b %Y"), n, people))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return rows


def outreach(campaign: Campaign) -> tuple[dict[str, int], list[OutreachRow]]:
    """Organisations of this campaign (its boroughs, no borough, or conversations in it)."""
    counts = (
        select(
            Conversation.organisation_id.label("organisation_id"),
            func.count(Conversation.id).label("n"),
            _people().label("people"),
        )
        .where(_submitted_in(campaign))
        .group_by(Conversation.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organisation, Area.name, counts.c.n, counts.c.people)
        .outerjoin(Area, Area.id == Organisation.area_id)
        .outerjoin(counts, counts.c.organisation_id == Organisation.id)
        .where(
            or_(
                Organisation.area_id.is_(None),
                Area.campaign_id == campaign.id,
                counts.c.n.is_not(None),
            )
        )
    ).all()
    listing = [
        OutreachRow(
            o.id,
            o.name,
            o.type,
            borough or "",
            o.outreach_status,
            o.contact_notes or "",
            n or 0,
            people or 0,
        )
        for o, borough, n, people in rows
    ]
    order = list(OUTREACH_STATUSES)  # not contacted first: that is where outreach is needed
    listing.sort(key=lambda r: (order.index(r.status) if r.status in order else 99, r.name))
    by_status = {status: 0 for status in OUTREACH_STATUSES}
    for row in listing:
        by_status[row.status] = by_status.get(row.status, 0) + 1
    return by_status, listing
