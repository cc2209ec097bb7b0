"""Write the demo data: idempotent (campaigns by slug, organisations by name, users by email,
conversations by UUID), through the intake operations so redaction and audit apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from listening.accounts import operations as accounts
from listening.accounts.models import STAFF_ROLES, User
from listening.extensions import db
from listening.intake import operations, polis
from listening.intake.demo import organisations as orgs
from listening.intake.demo import reference as ref
from listening.intake.demo import round2024
from listening.intake.demo.generate import SEL_2024, plan_conversations
from listening.intake.demo.records import ensure_campaign, ensure_organisation
from listening.intake.models import Area, Campaign, Conversation, ConversationStatus
from listening.intake.safeguarding import operations as safeguarding
from listening.security import Role

DEMO_PASSWORD = "sel-anchor-demo-2023"
DEMO_USERS = (
    ("admin@example.org", "admin", None, "Demo Admin"),
    ("reviewer@example.org", "reviewer", None, "Demo Reviewer"),
    ("partner@example.org", "partner", orgs.PARTNER_ORGANISATION, "Demo Partner"),
    ("partner2@example.org", "partner", orgs.PARTNER2_ORGANISATION, "Demo Partner Two"),
    ("safeguarding@example.org", "safeguarding_lead", None, "Demo Safeguarding Lead"),
)
# the demo lead's number, shown to partners with the guidance: Ofcom's range for drama
DEMO_LEAD_PHONE = "020 7946 0000"


@dataclass
class DemoUser:
    email: str
    role: str
    organisation: str | None
    password: str | None  # None when the user already existed (its password is unknown)


@dataclass
class SeedResult:
    campaign: Campaign | None = None
    admin: User | None = None
    users: list[DemoUser] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extra_campaigns: list[tuple[Campaign, int]] = field(default_factory=list)
    rounds: list[Campaign] = field(default_factory=list)  # later rounds of the main campaign

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def seed_demo(seed: int = 2023, realdata: Path | None = None) -> SeedResult:
    """Seed everything, idempotently; flushes, the caller commits."""
    result = SeedResult()
    ensure_users(result, (*STAFF_ROLES, Role.SAFEGUARDING_LEAD))
    result.admin = accounts.find_user(DEMO_USERS[0][0])
    # Pol.is first, so the SEL campaign is the newest one (the default where none is named).
    seed_polis_campaign(result, realdata or polis.realdata_dir())
    seed_sel_campaign(result, seed)
    seed_sel_2024_round(result, seed)
    designate_demo_lead(result)
    return result


def designate_demo_lead(result: SeedResult) -> None:
    """The demo safeguarding lead leads every campaign that has no lead yet (audited)."""
    lead = accounts.find_user(DEMO_USERS[-1][0])
    if lead is None or lead.role != Role.SAFEGUARDING_LEAD:
        return
    for campaign in db.session.scalars(select(Campaign)):
        if not campaign.safeguarding_leads:
            safeguarding.set_leads(campaign, [lead.id], result.admin)


def ensure_users(result: SeedResult, roles) -> None:
    """The demo users with these roles (partners' organisations must exist first)."""
    for email, role, organisation, name in DEMO_USERS:
        if role not in roles:
            continue
        password = None
        if accounts.find_user(email) is None:
            user = accounts.create_user(
                email, role, DEMO_PASSWORD, organisation_name=organisation, name=name
            )
            if role == Role.SAFEGUARDING_LEAD:
                user.phone = DEMO_LEAD_PHONE
            password = DEMO_PASSWORD
            result.count("users")
        result.users.append(DemoUser(email, role, organisation, password))


def seed_polis_campaign(result: SeedResult, realdata: Path) -> None:
    """The Pol.is demo campaign, or a note when the shared real data is not there."""
    folder = realdata / "polis" / polis.LONDON_YOUTH_POLICING.folder
    if not (folder / "comments.csv").exists():
        result.notes.append(f"No Pol.is data at {folder}: the Pol.is demo campaign was skipped.")
        return
    existed = operations.get_campaign(polis.LONDON_YOUTH_POLICING.slug) is not None
    campaign, kept, created = polis.import_polis_campaign(folder, result.admin)
    result.count("campaigns", int(not existed))
    result.count("Pol.is conversations", created)
    result.extra_campaigns.append((campaign, kept))


def seed_sel_campaign(result: SeedResult, seed: int = 2023) -> None:
    """The SEL 2023 campaign, its organisations, its partner users and its conversations."""
    campaign, created = ensure_campaign(dict(ref.SEL_CAMPAIGN), ref.BOROUGHS, ref.GROUPS)
    result.campaign = campaign
    result.count("campaigns", int(created))
    areas = {a.slug: a for a in campaign.areas}
    for name, kind, borough, status, notes in orgs.all_organisations():
        _organisation, new = ensure_organisation(name, kind, areas[borough], status, notes)
        result.count("organisations", int(new))
    ensure_users(result, ("partner",))
    plans = plan_conversations(seed)
    if _has_other_conversations(campaign, plans):
        result.notes.append(
            f"{campaign.slug} already has conversations from elsewhere (another --seed, partners "
            "or imports): no demo conversations were added, so figures may differ."
        )
    else:
        save_planned(plans, campaign.slug, result.admin, result)


def seed_sel_2024_round(result: SeedResult, seed: int = 2023) -> None:
    """The second round, `sel-2024`, following sel-2023: same boroughs, groups and partners."""
    campaign, created = ensure_campaign(dict(round2024.CAMPAIGN), ref.BOROUGHS, ref.GROUPS)
    result.count("campaigns", int(created))
    if campaign.previous_round_id is None and result.campaign is not None:
        campaign.previous_round_id = result.campaign.id
    result.rounds.append(campaign)
    plans = plan_conversations(seed, SEL_2024)
    if _has_other_conversations(campaign, plans):
        result.notes.append(f"{campaign.slug} already has other conversations: none added.")
    else:
        save_planned(plans, campaign.slug, result.admin, result)


def save_planned(plans, campaign_slug: str, actor: User, result: SeedResult) -> None:
    """Save planned conversations through the intake operation (redaction, audit, UUIDs)."""
    for plan in plans:
        data = operations.ConversationInput(
            uuid=plan.uuid,
            campaign=campaign_slug,
            borough=plan.borough,
            organisation=plan.organisation,
            date=plan.held_on,
            format=plan.format,
            people_count=plan.people_count,
            groups=plan.groups,
            consent_to_quote=plan.consent_to_quote,
            responses=plan.responses,
            reference=plan.reference,
        )
        _conversation, created = operations.save_conversation(data, actor, source="import")
        result.count("conversations", int(created))


def _has_other_conversations(campaign: Campaign, plans) -> bool:
    """True when the campaign holds conversations that this seed's plan does not account for."""
    uuids = {plan.uuid for plan in plans}
    existing = db.session.scalars(
        select(Conversation.uuid).where(Conversation.campaign_id == campaign.id)
    ).all()
    return bool(existing) and not set(existing) <= uuids


def people_by_area(campaign: Campaign) -> list[tuple[str, int, int]]:
    """(area name, submitted conversations, people) for every area of `campaign`."""
    rows = db.session.execute(
        select(
            Area.name,
            func.count(Conversation.id),
            func.coalesce(func.sum(Conversation.people_count), 0),
        )
        .select_from(Area)
        .outerjoin(
            Conversation,
            (Conversation.area_id == Area.id)
            & (Conversation.status == ConversationStatus.SUBMITTED),
        )
        .where(Area.campaign_id == campaign.id)
        .group_by(Area.id, Area.name)
        .order_by(Area.name)
    ).all()
    return [(name, int(conversations), int(people)) for name, conversations, people in rows]


def has_any_campaign() -> bool:
    return db.session.scalar(select(Campaign.id).limit(1)) is not None


def summary_lines(result: SeedResult) -> list[str]:
    """What was seeded, for the terminal: campaigns, people by borough, users and notes."""
    made = ", ".join(f"{what} {n}" for what, n in result.created.items() if n)
    lines = [f"Created: {made}." if made else "Created nothing new (already seeded).", ""]
    lines.append(f"Campaign {result.campaign.slug}: {result.campaign.name}")
    lines.append(f"  {'Borough':<42} {'Conversations':>13} {'People':>7}")
    rows = people_by_area(result.campaign)
    for name, conversations, people in rows:
        lines.append(f"  {name:<42} {conversations:>13} {people:>7,}")
    total = (sum(r[1] for r in rows), sum(r[2] for r in rows))
    lines.append(f"  {'Total':<42} {total[0]:>13} {total[1]:>7,}")
    for campaign in result.rounds:
        people = sum(row[2] for row in people_by_area(campaign))
        lines += [
            "",
            f"Campaign {campaign.slug}: {campaign.name}",
            f"  the next round after {result.campaign.slug}: {people:,} people heard.",
        ]
    for campaign, kept in result.extra_campaigns:
        lines += [
            "",
            f"Campaign {campaign.slug}: {campaign.name}",
            f"  {kept} Pol.is comments, one online conversation each.",
            f"  Data from Pol.is, CC BY 4.0 attribution: {campaign.attribution}",
        ]
    lines += ["", "Demo users (sign in at /login):"]
    for user in result.users:
        password = user.password or "(already existed; password unchanged)"
        org = f", {user.organisation}" if user.organisation else ""
        lines.append(f"  {user.email:<24} {user.role:<9} {password}{org}")
    return lines + [f"Note: {note}" for note in result.notes]
