"""Demo events, pledges, progress to date and approved quotes for the SEL 2023 campaign.

Modelled on the SEL 2023 workshops and assembly and on London anchor-charter pledge shapes.
People named as signatories are fictional. Idempotent: rows are matched by title and only
missing ones are created.

The workshops, the assembly and the first year of updates (December 2023 to November 2024)
are the SEL facts. After that each pledge's timeline is laid out relative to the day the demo
is seeded (`TIMELINES`): due dates move to around that day and quarterly updates continue up
to it, so the tracker shows a realistic mix on any date — on track, at risk, overdue,
achieved and not updated for months. The same seed and seeding date give the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from listening.accounts.models import User
from listening.assembly import operations as ops
from listening.assembly import quotes
from listening.assembly.charts import format_value
from listening.assembly.models import Event, Pledge, Quote
from listening.extensions import db
from listening.organisations.models import Organisation
from listening.security import Role

ALL = (
    "housing",
    "migration-race",
    "work-wages-cost-of-living",
    "mental-health-isolation",
    "children-young-people-parents",
)
ICB = "NHS South East London Integrated Care Board"
GSTT = "Guy's and St Thomas' NHS Foundation Trust"
KINGS = "King's College Hospital NHS Foundation Trust"
LG = "Lewisham and Greenwich NHS Trust"
SLAM = "South London and Maudsley NHS Foundation Trust"
OXLEAS = "Oxleas NHS Foundation Trust"
SOUTHWARK = "Southwark Council"
LAMBETH = "Lambeth Council"
LEWISHAM = "Lewisham Council"
GREENWICH = "Royal Borough of Greenwich"
CITIZENS = "South London Citizens"
NHS_TYPES = {ICB, GSTT, KINGS, LG, SLAM, OXLEAS}
COUNCILS = {SOUTHWARK, LAMBETH, LEWISHAM, GREENWICH}

PEOPLE = {
    ICB: ("Dr Amara Okafor", "Chief Executive"),
    GSTT: ("Helen Marsh", "Chief People Officer"),
    KINGS: ("Daniel Mensah", "Chief Executive"),
    LG: ("Priya Raman", "Director of Strategy"),
    SLAM: ("Dr Tom Ellery", "Medical Director"),
    OXLEAS: ("Grace Adeyemi", "Director of Communities"),
    SOUTHWARK: ("Cllr Rosa Quinn", "Cabinet Member for Housing"),
    LAMBETH: ("Cllr Idris Bello", "Cabinet Member for Health and Social Care"),
    LEWISHAM: ("Cllr Sarah Whitlock", "Cabinet Member for Children and Young People"),
    GREENWICH: ("Cllr Kwame Asante", "Cabinet Member for Inclusive Economy"),
    CITIZENS: ("Joy Nwosu", "Community Organiser"),
}

EVENTS = [
    dict(
        kind="solutions-workshop",
        title="Solutions workshop with community leaders",
        held_on=date(2023, 9, 30),
        place="Community centre, Peckham",
        themes=ALL,
        attendance={"community-leaders": 38, "facilitators": 6},
        summary="Community leaders from all six boroughs tested the five themes against what "
        "their communities had said and proposed first solutions.",
        ideas=[
            (
                "Make the NHS pay everyone at least the London Living Wage",
                ["work-wages-cost-of-living"],
            ),
            ("Open NHS buildings to community groups in the evenings", ["mental-health-isolation"]),
            (
                "Fix damp and mould fast where children live",
                ["housing", "children-young-people-parents"],
            ),
        ],
    ),
    dict(
        kind="co-production-workshop",
        title="Co-production workshop: housing",
        held_on=date(2023, 10, 10),
        place="Town hall, Lambeth",
        themes=("housing",),
        attendance={"community-members": 22, "community-leaders": 14, "decision-makers": 9},
        ideas=[
            ("A fast track from GP to council for homes making people ill", ["housing"]),
            ("No one discharged from hospital to the street", ["housing"]),
        ],
    ),
    dict(
        kind="co-production-workshop",
        title="Co-production workshop: migration and race",
        held_on=date(2023, 10, 11),
        place="Community hall, Lewisham",
        themes=("migration-race",),
        attendance={"community-members": 26, "community-leaders": 12, "decision-makers": 8},
        ideas=[
            ("Advice on rights and NHS entitlements, in community languages", ["migration-race"]),
            ("Anti-racism training co-delivered by community members", ["migration-race"]),
        ],
    ),
    dict(
        kind="co-production-workshop",
        title="Co-production workshop: work, wages and cost of living",
        held_on=date(2023, 10, 12),
        place="Library, Woolwich",
        themes=("work-wages-cost-of-living",),
        attendance={"community-members": 19, "community-leaders": 11, "decision-makers": 10},
        ideas=[
            (
                "Guaranteed interviews for local people on NHS entry-level jobs",
                ["work-wages-cost-of-living"],
            ),
            ("Spend more with local small businesses and charities", ["work-wages-cost-of-living"]),
        ],
    ),
    dict(
        kind="co-production-workshop",
        title="Co-production workshop: mental health and social isolation",
        held_on=date(2023, 10, 18),
        place="Community centre, Southwark",
        themes=("mental-health-isolation",),
        attendance={"community-members": 24, "community-leaders": 10, "decision-makers": 7},
        ideas=[("Mental health support in places people already go", ["mental-health-isolation"])],
    ),
    dict(
        kind="co-production-workshop",
        title="Co-production workshop: children, young people and parents",
        held_on=date(2023, 10, 19),
        place="Youth club, Bromley",
        themes=("children-young-people-parents",),
        attendance={"community-members": 31, "community-leaders": 9, "decision-makers": 8},
        ideas=[
            ("Youth workers in A&E and in youth clubs", ["children-young-people-parents"]),
            (
                "Health visitors for families in temporary accommodation",
                ["children-young-people-parents", "housing"],
            ),
        ],
    ),
    dict(
        kind="assembly",
        title="South East London community health assembly",
        held_on=date(2023, 11, 15),
        place="Assembly hall, Southwark",
        themes=ALL,
        attendance={
            "community-members": 182,
            "community-leaders": 64,
            "decision-makers": 37,
            "facilitators": 15,
        },
        summary="Leaders across the NHS and local authorities signed pledges for each theme in "
        "front of the communities who had been listened to.",
        ideas=[],
    ),
]

UPDATE_DATES = (
    date(2023, 12, 14),
    date(2024, 3, 20),
    date(2024, 6, 19),
    date(2024, 9, 18),
    date(2024, 11, 20),
)

# title, themes, lead, co-signers, commitment, due, metric or None, actions, statuses, notes
PLEDGES = [
    dict(
        title="Every NHS trust a London Living Wage employer",
        themes=("work-wages-cost-of-living",),
        lead=ICB,
        signers=(GSTT, KINGS, LG, SLAM, OXLEAS),
        commitment="Every NHS trust in South East London will be accredited as a London Living "
        "Wage employer, so everyone who works for the NHS here, including contracted cleaners, "
        "porters and caterers, is paid at least the London Living Wage.",
        due=date(2025, 3, 31),
        metric=(
            "% of NHS trusts in South East London accredited London Living Wage employers",
            "percent",
            "increase",
            40,
            100,
            [40, 60, 60, 80, 80],
        ),
        actions=[
            ("Publish each trust's route to accreditation", ICB, date(2024, 3, 31), True),
            (
                "Bring contracted cleaning and catering staff onto the London Living Wage",
                OXLEAS,
                date(2024, 12, 31),
                False,
            ),
        ],
        statuses=("on-track", "on-track", "on-track", "at-risk", "on-track"),
    ),
    dict(
        title="Guaranteed interviews for local people",
        themes=("work-wages-cost-of-living", "migration-race"),
        lead=KINGS,
        signers=(GSTT, LG),
        commitment="At least 20% of entry-level vacancies will guarantee an interview to local "
        "people who complete a pre-employment programme, including people with English as a "
        "second language.",
        due=date(2024, 12, 31),
        metric=(
            "% of entry-level vacancies with guaranteed interviews for local candidates",
            "percent",
            "increase",
            5,
            20,
            [5, 9, 12, 14, 16],
        ),
        actions=[
            (
                "Launch the pre-employment programme with community partners",
                KINGS,
                date(2024, 4, 30),
                True,
            )
        ],
        statuses=("on-track", "on-track", "at-risk", "at-risk", "at-risk"),
    ),
    dict(
        title="Apprenticeship levy spent on local people",
        themes=("work-wages-cost-of-living", "children-young-people-parents"),
        lead=GSTT,
        signers=(KINGS,),
        commitment="Half of the apprenticeship levy we spend will fund apprentices who live in "
        "South East London, with places held for care leavers and young carers.",
        due=date(2025, 3, 31),
        metric=(
            "% of apprenticeship levy spent on apprentices living in South East London",
            "percent",
            "increase",
            35,
            50,
            [35, 38, 41, 44, 47],
        ),
        actions=[],
        statuses=("not-started", "on-track", "on-track", "on-track", "on-track"),
    ),
    dict(
        title="10% social value weighting in contracts",
        themes=("work-wages-cost-of-living",),
        lead=ICB,
        signers=(SOUTHWARK, LAMBETH),
        commitment="Every applicable contract we tender will give at least 10% of the marks to "
        "social value: local jobs, fair pay and support for community organisations.",
        due=date(2024, 9, 30),
        metric=(
            "% of applicable contracts tendered with at least 10% social value weighting",
            "percent",
            "increase",
            20,
            100,
            [20, 55, 80, 100, 100],
        ),
        actions=[
            ("Update the procurement policy and templates", ICB, date(2024, 1, 31), True),
            ("Train commissioning teams on social value", ICB, date(2024, 6, 30), True),
        ],
        statuses=("on-track", "on-track", "on-track", "achieved", "achieved"),
    ),
    dict(
        title="Spend with local small businesses and charities",
        themes=("work-wages-cost-of-living",),
        lead=LG,
        signers=(GREENWICH, LEWISHAM),
        commitment="We will spend at least 15% of our non-pay budget with small businesses and "
        "voluntary and community organisations based in South East London.",
        due=date(2025, 3, 31),
        metric=(
            "% of non-pay spend with local SMEs and VCSEs",
            "percent",
            "increase",
            8,
            15,
            [8, 8.5, 8.2, 8.9, 9.1],
        ),
        actions=[("Publish a local supplier directory", GREENWICH, date(2024, 6, 30), False)],
        statuses=("on-track", "at-risk", "off-track", "off-track", "off-track"),
    ),
    dict(
        title="Community use of NHS buildings",
        themes=("mental-health-isolation", "migration-race"),
        lead=GSTT,
        signers=(SLAM, CITIZENS),
        commitment="Community groups will be able to use rooms in NHS buildings free of charge in "
        "evenings and at weekends, booked through one simple form.",
        due=date(2024, 12, 31),
        metric=(
            "Hours a month NHS rooms are used free by community groups",
            "number",
            "increase",
            0,
            400,
            [0, 60, 150, 240, 310],
        ),
        actions=[
            ("Open an online booking form", GSTT, date(2024, 2, 29), True),
            ("Agree out-of-hours security and cleaning", GSTT, date(2024, 4, 30), True),
        ],
        statuses=("on-track", "on-track", "on-track", "on-track", "on-track"),
    ),
    dict(
        title="Advice on rights and entitlements, in community languages",
        themes=("migration-race",),
        lead=LAMBETH,
        signers=(KINGS, CITIZENS),
        commitment="Free advice on immigration, welfare and NHS entitlements, in the languages "
        "people speak, at hospital sites and community centres every week.",
        due=date(2024, 11, 30),
        metric=None,
        actions=[
            ("Commission a refugee and migrant advice partner", LAMBETH, date(2024, 2, 29), True),
            ("Weekly sessions at two hospital sites", KINGS, date(2024, 6, 30), True),
            (
                "Sessions in Arabic, Somali, Portuguese, Spanish and Tigrinya",
                LAMBETH,
                date(2024, 9, 30),
                True,
            ),
            ("Evaluate with the people who used it", CITIZENS, date(2024, 11, 30), False),
        ],
        statuses=("on-track", "on-track", "on-track", "on-track", "on-track"),
    ),
    dict(
        title="Damp and mould fixed fast where children live",
        themes=("housing", "children-young-people-parents"),
        lead=SOUTHWARK,
        signers=(LAMBETH, ICB),
        commitment="When a GP, health visitor or school nurse reports damp or mould in a home "
        "with children, the council will inspect within 5 days and fix it within 28.",
        due=date(2025, 3, 31),
        metric=(
            "% of damp and mould reports in homes with children fixed within 28 days",
            "percent",
            "increase",
            45,
            90,
            [45, 52, 58, 61, 63],
        ),
        actions=[
            (
                "Referral route from health professionals to housing",
                SOUTHWARK,
                date(2024, 3, 31),
                True,
            )
        ],
        statuses=("on-track", "on-track", "at-risk", "at-risk", "at-risk"),
    ),
    dict(
        title="No one discharged from hospital into homelessness",
        themes=("housing", "mental-health-isolation"),
        lead=LEWISHAM,
        signers=(LG, SLAM),
        commitment="Housing officers will work on hospital wards so that no patient is discharged "
        "to the street or to no fixed abode.",
        due=date(2025, 3, 31),
        metric=(
            "Patients discharged to no fixed abode each quarter",
            "number",
            "decrease",
            120,
            30,
            [120, 96, 71, 58, 44],
        ),
        actions=[("Housing officers based at two hospitals", LEWISHAM, date(2024, 4, 30), True)],
        statuses=("on-track", "on-track", "on-track", "on-track", "on-track"),
    ),
    dict(
        title="Mental health support in places people already go",
        themes=("mental-health-isolation",),
        lead=SLAM,
        signers=(OXLEAS, CITIZENS),
        commitment="Drop-in mental health support, with peer workers from the community, in "
        "faith centres, community centres and libraries across all six boroughs.",
        due=date(2025, 6, 30),
        metric=(
            "Community venues hosting drop-in mental health support",
            "number",
            "increase",
            4,
            30,
            [4, 7, 12, 15, 19],
        ),
        actions=[("Recruit and train 40 peer workers", SLAM, date(2024, 9, 30), True)],
        statuses=("on-track", "on-track", "on-track", "on-track", "on-track"),
    ),
    dict(
        title="Youth workers in A&E and youth clubs",
        themes=("children-young-people-parents", "mental-health-isolation"),
        lead=LG,
        signers=(LEWISHAM, GREENWICH),
        commitment="Youth workers will be in our emergency departments in the evenings and will "
        "follow young people up in the youth clubs they already use.",
        due=date(2025, 3, 31),
        metric=None,
        actions=[],
        manual=55,
        statuses=("not-started", "on-track", "on-track", "at-risk", "on-track"),
    ),
    dict(
        title="Health visitors for families in temporary accommodation",
        themes=("children-young-people-parents", "housing"),
        lead=OXLEAS,
        signers=(GREENWICH,),
        commitment="Every family placed in temporary accommodation will be registered with a "
        "health visitor and a GP within two weeks of moving in.",
        due=date(2025, 9, 30),
        metric=(
            "% of families in temporary accommodation registered with a health visitor",
            "percent",
            "increase",
            60,
            95,
            [],
        ),
        actions=[
            (
                "Share placement data between councils and the trust",
                GREENWICH,
                date(2025, 3, 31),
                False,
            )
        ],
        statuses=("not-started",),
    ),
]

SIGNED_ON = date(2023, 11, 15)
QUARTER = timedelta(days=91)


@dataclass(frozen=True)
class Timeline:
    """How a pledge's story continues after the SEL facts, relative to the seeding day."""

    status: str  # the status of the updates after November 2024 (the last one may differ)
    due_in: int | None  # days from the seeding day to the due date; None keeps the SEL date
    quiet_for: int | None  # days since the last update; None: no updates after November 2024
    final: float | None = None  # the metric's reading at the last update
    last_status: str | None = None  # the last update's status, when it differs


TIMELINES = {
    "Every NHS trust a London Living Wage employer": Timeline("on-track", 150, 20, 80),
    "Guaranteed interviews for local people": Timeline("at-risk", 90, 30, 17),
    "Apprenticeship levy spent on local people": Timeline("on-track", 200, 25, 48),
    "10% social value weighting in contracts": Timeline("achieved", None, None),
    "Spend with local small businesses and charities": Timeline("off-track", -60, 35, 10.5),
    "Community use of NHS buildings": Timeline("on-track", 30, 12, 400, "achieved"),
    "Advice on rights and entitlements, in community languages": Timeline("on-track", 100, 200),
    "Damp and mould fixed fast where children live": Timeline("at-risk", -15, 40, 72),
    "No one discharged from hospital into homelessness": Timeline("on-track", 240, 15, 36),
    "Mental health support in places people already go": Timeline("on-track", 300, 45, 26),
    "Youth workers in A&E and youth clubs": Timeline("on-track", 180, 160),
    "Health visitors for families in temporary accommodation": Timeline("not-started", 400, 50),
}


def later_dates(timeline: Timeline, today: date, rng: random.Random) -> list[date]:
    """Quarterly update days after the SEL year, the last one `quiet_for` days before today."""
    if timeline.quiet_for is None:
        return []
    last = today - timedelta(days=timeline.quiet_for)
    days, day = [], UPDATE_DATES[-1] + QUARTER
    while day < last - timedelta(days=30):
        days.append(day + timedelta(days=rng.randint(-6, 6)))
        day += QUARTER
    return [*days, last] if last > UPDATE_DATES[-1] else days


def _series(start: float, final: float | None, steps: int) -> list[float]:
    """Readings moving evenly from the last SEL reading to `final`, one per later update."""
    if final is None or steps == 0:
        return [start] * steps
    return [round(start + (final - start) * (i + 1) / steps, 1) for i in range(steps)]


# Ideas raised at the workshops → the pledge each became (the other ideas became none yet).
IDEA_PLEDGES = {
    "Make the NHS pay everyone at least the London Living Wage": (
        "Every NHS trust a London Living Wage employer"
    ),
    "Open NHS buildings to community groups in the evenings": "Community use of NHS buildings",
    "Fix damp and mould fast where children live": "Damp and mould fixed fast where children live",
    "No one discharged from hospital to the street": (
        "No one discharged from hospital into homelessness"
    ),
    "Advice on rights and NHS entitlements, in community languages": (
        "Advice on rights and entitlements, in community languages"
    ),
    "Guaranteed interviews for local people on NHS entry-level jobs": (
        "Guaranteed interviews for local people"
    ),
    "Spend more with local small businesses and charities": (
        "Spend with local small businesses and charities"
    ),
    "Mental health support in places people already go": (
        "Mental health support in places people already go"
    ),
    "Youth workers in A&E and in youth clubs": "Youth workers in A&E and youth clubs",
    "Health visitors for families in temporary accommodation": (
        "Health visitors for families in temporary accommodation"
    ),
}

NOTES = {
    "not-started": "Work has not started yet: partners are agreeing who will do what.",
    "on-track": "Progress this quarter is in line with the plan.",
    "at-risk": "Progress has slowed; the lead organisation is agreeing extra steps with partners.",
    "off-track": "We are behind the plan and have asked the assembly's partners to help.",
    "achieved": "The commitment has been met and will be kept up.",
}

QUOTE_KEYWORDS = {
    "housing": ("landlord", "mould", "damp", "rent", "housing", "evict"),
    "migration-race": ("visa", "immigration", "asylum", "refugee", "racis", "english"),
    "work-wages-cost-of-living": ("wage", "job", "bills", "cost of living", "food bank", "shift"),
    "mental-health-isolation": (
        "lonely",
        "isolat",
        "mental health",
        "anxious",
        "anxiety",
        "depress",
    ),
    "children-young-people-parents": ("school", "childcare", "children", "kids", "young people"),
}


def seed_assembly(campaign, today: date | None = None, seed: int = 2023) -> None:
    """Create the demo workshops, assembly, pledges, progress and quotes for `campaign`.

    Timelines run up to `today` (default: the day it runs); `seed` jitters the update days.
    """
    today = today or date.today()
    actor = _demo_reviewer()
    events = {spec["title"]: _event(campaign, spec, actor) for spec in EVENTS}
    assembly = events["South East London community health assembly"]
    for spec in PLEDGES:
        rng = random.Random(f"{seed}:{today.isoformat()}:{spec['title']}")
        _pledge(campaign, spec, assembly, actor, today, rng)
    _link_ideas(campaign, events.values(), actor)
    _quotes(campaign, actor)
    db.session.flush()


def _link_ideas(campaign, events, actor) -> None:
    pledges = dict(
        db.session.execute(
            select(Pledge.title, Pledge.id).where(Pledge.campaign_id == campaign.id)
        ).all()
    )
    for event in events:
        for idea in event.ideas:
            title = IDEA_PLEDGES.get(idea.text)
            if idea.pledge_id is None and title in pledges:
                ops.link_idea(idea, pledges[title], actor)


def _demo_reviewer() -> User | None:
    return db.session.scalar(
        select(User)
        .where(User.role == Role.REVIEWER, User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    )


def _event(campaign, spec: dict, actor) -> Event:
    found = db.session.scalar(
        select(Event).where(Event.campaign_id == campaign.id, Event.title == spec["title"])
    )
    if found is not None:
        return found
    data = ops.EventInput(
        kind=spec["kind"],
        title=spec["title"],
        held_on=spec["held_on"],
        place=spec["place"],
        summary=spec.get("summary", ""),
        theme_slugs=tuple(spec["themes"]),
        attendance=spec["attendance"],
        ideas=tuple((t, tuple(s)) for t, s in spec["ideas"]),
    )
    return ops.save_event(campaign, data, actor)


def _organisation(name: str, actor) -> Organisation:
    kind = "nhs" if name in NHS_TYPES else "council" if name in COUNCILS else "other"
    return ops.find_or_create_organisation(name, actor, type_=kind)


def _pledge(campaign, spec: dict, assembly: Event, actor, today: date, rng) -> None:
    exists = db.session.scalar(
        select(Pledge.id).where(Pledge.campaign_id == campaign.id, Pledge.title == spec["title"])
    )
    if exists is not None:
        return
    timeline = TIMELINES[spec["title"]]
    due = spec["due"] if timeline.due_in is None else today + timedelta(days=timeline.due_in)
    history = [day for day in UPDATE_DATES if day < today][: len(spec["statuses"])]
    later = later_dates(timeline, today, rng)
    lead = _organisation(spec["lead"], actor)
    pledge = ops.save_pledge(
        campaign,
        ops.PledgeInput(
            title=spec["title"],
            commitment=spec["commitment"],
            theme_slugs=spec["themes"],
            lead_organisation_id=lead.id,
            event_id=assembly.id,
            signed_on=SIGNED_ON,
            due_on=due,
            manual_progress=spec.get("manual", 0),
        ),
        actor,
    )
    for name in (spec["lead"], *spec["signers"]):
        person, role = PEOPLE[name]
        ops.add_signatory(pledge, ops.SignatoryInput(name, person, role), actor)
    _actions(pledge, spec, due, today, actor)
    readings = _readings(pledge, spec, timeline, due, history, later, actor)
    statuses = list(spec["statuses"][: len(history)]) + [timeline.status] * len(later)
    if later and timeline.last_status:
        statuses[-1] = timeline.last_status
    for day, status in zip([*history, *later], statuses, strict=True):
        text = NOTES[status]
        if day in readings:
            text = f"{spec['metric'][0]}: {format_value(readings[day], spec['metric'][1])}. {text}"
        ops.post_update(pledge, ops.UpdateInput(day, status, text, spec["lead"]), actor)


def _actions(pledge, spec: dict, due: date, today: date, actor) -> None:
    """Undone actions fall due with the pledge; done ones were done by their due date."""
    for title, owner, action_due, done in spec["actions"]:
        action_due = action_due if done or action_due >= today else due
        ops.save_action(
            pledge,
            ops.ActionInput(
                title=title,
                owner=owner,
                due_on=action_due,
                done=done,
                done_on=min(action_due, UPDATE_DATES[-1], today) if done else None,
            ),
            actor,
        )


def _readings(pledge, spec, timeline, due, history, later, actor) -> dict[date, float]:
    """The metric and one reading per update that has a value; {update day: value}."""
    if not spec["metric"]:
        return {}
    name, unit, direction, baseline, target, values = spec["metric"]
    metric = ops.save_metric(
        pledge,
        ops.MetricInput(
            name=name,
            unit=unit,
            direction=direction,
            baseline=baseline,
            target=target,
            baseline_on=SIGNED_ON,
            target_on=due,
        ),
        actor,
    )
    known = dict(zip(history, values, strict=False))
    if values and len(known) == len(values):
        known.update(zip(later, _series(values[-1], timeline.final, len(later)), strict=True))
    for day, value in known.items():
        ops.record_reading(metric, day, value, actor)
    return known


def _quotes(campaign, actor, per_theme: int = 3) -> None:
    """Approve a few short consenting answers per theme, chosen by keyword (demo only)."""
    used = set(
        db.session.scalars(select(Quote.response_id).where(Quote.campaign_id == campaign.id))
    )
    used_texts = set(db.session.scalars(select(Quote.text).where(Quote.campaign_id == campaign.id)))
    for slug, words in QUOTE_KEYWORDS.items():
        have = db.session.scalar(
            select(Quote.id)
            .where(Quote.campaign_id == campaign.id, Quote.theme_slug == slug)
            .limit(1)
        )
        if have is not None:
            continue
        chosen = 0
        for word in words:
            for response in quotes.eligible_responses(campaign.id, word, limit=20):
                if chosen >= per_theme:
                    break
                text = response.redacted_text
                if response.id in used or text in used_texts or "[" in text or len(text) > 300:
                    continue
                try:
                    quote = quotes.propose_quote(
                        response, response.redacted_text, actor, theme_slug=slug
                    )
                    quotes.approve_quote(quote, actor, quotes.CHECKLIST)
                except ops.AssemblyError:
                    continue
                used.add(response.id)
                used_texts.add(text)
                chosen += 1
