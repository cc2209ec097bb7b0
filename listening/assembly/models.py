"""Events, pledges (with signatories, actions, metrics, readings, updates) and published quotes.

Pledges point at themes by (campaign, theme slug) strings and optional sub-theme ids without a
foreign key, so this package does not depend on the themes package's tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from listening.extensions import db
from listening.i18n import N_
from listening.timeutil import utcnow

if TYPE_CHECKING:
    from listening.accounts.models import User
    from listening.intake.models import Area, Campaign, Response
    from listening.organisations.models import Organisation

EVENT_KINDS = {
    "solutions-workshop": N_("Solutions workshop"),
    "co-production-workshop": N_("Co-production workshop"),
    "assembly": N_("Community health assembly"),
    "other": N_("Other event"),
}
ATTENDEE_KINDS = {
    "community-members": N_("Community members"),
    "community-leaders": N_("Community leaders"),
    "decision-makers": N_("Decision-makers"),
    "facilitators": N_("Facilitators and staff"),
    "other": N_("Other"),
}
STATUSES = {
    "not-started": N_("Not started"),
    "on-track": N_("On track"),
    "at-risk": N_("At risk"),
    "off-track": N_("Off track"),
    "achieved": N_("Achieved"),
}
UNITS = {
    "percent": "Percentage (0 to 100)",
    "number": "Number",
    "gbp": "Pounds (£)",
}
DIRECTIONS = {
    "increase": "Higher is better (the target is above the baseline)",
    "decrease": "Lower is better (the target is below the baseline)",
}
# What a reviewer confirms, every time, before a quote is published (field → words).
QUOTE_CHECKLIST = {
    "no_personal_details": (
        "No names, contact details, addresses or other details that could identify someone"
    ),
    "no_risk_of_harm": "Nothing that suggests someone is at risk of harm",
}
QUOTE_STATUSES = {
    "proposed": "Waiting for approval",
    "approved": "Published",
    "withdrawn": "Withdrawn",
}


class Event(db.Model):
    """A workshop or the assembly: when, where, who came, which themes, what was raised."""

    __tablename__ = "assembly_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("intake_campaign.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40), default="other")
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    theme_slugs: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship()
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="event", order_by="Attendance.kind", cascade="all, delete-orphan"
    )
    ideas: Mapped[list[Idea]] = relationship(
        back_populates="event", order_by="Idea.position", cascade="all, delete-orphan"
    )

    @property
    def attendance_total(self) -> int:
        return sum(row.count for row in self.attendance)


class Attendance(db.Model):
    __tablename__ = "assembly_attendance"
    __table_args__ = (UniqueConstraint("event_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("assembly_event.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    count: Mapped[int]

    event: Mapped[Event] = relationship(back_populates="attendance")


class Idea(db.Model):
    """An idea or solution raised at an event, linked to the themes it answers."""

    __tablename__ = "assembly_idea"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("assembly_event.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    theme_slugs: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The pledge this idea became, if it became one.
    pledge_id: Mapped[int | None] = mapped_column(
        ForeignKey("assembly_pledge.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship(back_populates="ideas")
    pledge: Mapped[Pledge | None] = relationship()

    @property
    def public_pledge(self) -> Pledge | None:
        """The pledge it became, unless that pledge was archived (then it is shown nowhere)."""
        return self.pledge if self.pledge is not None and self.pledge.archived_at is None else None


class Pledge(db.Model):
    """A commitment signed by leaders; its progress rolls up from actions and metrics."""

    __tablename__ = "assembly_pledge"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("intake_campaign.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    commitment: Mapped[str] = mapped_column(Text)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("assembly_event.id", ondelete="SET NULL")
    )
    lead_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("intake_organisation.id"), index=True
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("intake_area.id", ondelete="SET NULL"))
    signed_on: Mapped[date | None]
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="not-started", index=True)
    manual_progress: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Archived: gone from every public page, the API, the CSVs and the feed; staff can restore.
    archived_at: Mapped[datetime | None]
    archived_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )

    campaign: Mapped[Campaign] = relationship()
    event: Mapped[Event | None] = relationship()
    archived_by: Mapped[User | None] = relationship()
    lead_organisation: Mapped[Organisation] = relationship()
    area: Mapped[Area | None] = relationship()
    themes: Mapped[list[PledgeTheme]] = relationship(
        back_populates="pledge", order_by="PledgeTheme.id", cascade="all, delete-orphan"
    )
    signatories: Mapped[list[Signatory]] = relationship(
        back_populates="pledge", order_by="Signatory.position", cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="pledge", order_by="Action.position", cascade="all, delete-orphan"
    )
    metrics: Mapped[list[Metric]] = relationship(
        back_populates="pledge", order_by="Metric.id", cascade="all, delete-orphan"
    )
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="pledge",
        order_by="(ProgressUpdate.posted_on.desc(), ProgressUpdate.id.desc())",
        cascade="all, delete-orphan",
    )

    @property
    def theme_slugs(self) -> list[str]:
        seen: list[str] = []
        for row in self.themes:
            if row.theme_slug not in seen:
                seen.append(row.theme_slug)
        return seen


class PledgeTheme(db.Model):
    """Which theme (and optionally which sub-theme, by id, no FK) a pledge answers."""

    __tablename__ = "assembly_pledge_theme"
    __table_args__ = (UniqueConstraint("pledge_id", "theme_slug", "subtheme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("assembly_pledge.id", ondelete="CASCADE"))
    theme_slug: Mapped[str] = mapped_column(String(80), index=True)
    subtheme_id: Mapped[int | None]

    pledge: Mapped[Pledge] = relationship(back_populates="themes")


class Signatory(db.Model):
    __tablename__ = "assembly_signatory"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("assembly_pledge.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("intake_organisation.id"))
    person: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    pledge: Mapped[Pledge] = relationship(back_populates="signatories")
    organisation: Mapped[Organisation] = relationship()


class Action(db.Model):
    __tablename__ = "assembly_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("assembly_pledge.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False)
    done_on: Mapped[date | None]
    weight: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    pledge: Mapped[Pledge] = relationship(back_populates="actions")


class Metric(db.Model):
    """A measure with a baseline and a target; `direction` says which way is better."""

    __tablename__ = "assembly_metric"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("assembly_pledge.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(20), default="percent")
    direction: Mapped[str] = mapped_column(String(10), default="increase")
    baseline: Mapped[float] = mapped_column(Float)
    baseline_on: Mapped[date | None]
    target: Mapped[float] = mapped_column(Float)
    target_on: Mapped[date | None]
    weight: Mapped[int] = mapped_column(default=1)

    pledge: Mapped[Pledge] = relationship(back_populates="metrics")
    readings: Mapped[list[Reading]] = relationship(
        back_populates="metric", order_by="Reading.taken_on", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> Reading | None:
        return self.readings[-1] if self.readings else None


class Reading(db.Model):
    __tablename__ = "assembly_reading"
    __table_args__ = (UniqueConstraint("metric_id", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("assembly_metric.id", ondelete="CASCADE"))
    taken_on: Mapped[date]
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")

    metric: Mapped[Metric] = relationship(back_populates="readings")


class ProgressUpdate(db.Model):
    """A dated, public note on a pledge with the status at that date."""

    __tablename__ = "assembly_progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("assembly_pledge.id", ondelete="CASCADE"), index=True
    )
    posted_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    pledge: Mapped[Pledge] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class Quote(db.Model):
    """A consented, redacted answer chosen for a theme or pledge; public only once approved."""

    __tablename__ = "assembly_quote"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("intake_campaign.id", ondelete="CASCADE"), index=True
    )
    response_id: Mapped[int] = mapped_column(
        ForeignKey("intake_response.id", ondelete="CASCADE"), index=True
    )
    theme_slug: Mapped[str | None] = mapped_column(String(80), index=True)
    pledge_id: Mapped[int | None] = mapped_column(
        ForeignKey("assembly_pledge.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    # set when the system took an approved quote down ("flagged", "edited"): the approving
    # reviewer is told, and the staff quotes page says why; NULL for a reviewer's withdrawal
    withdrawn_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[Response] = relationship()
    pledge: Mapped[Pledge | None] = relationship()


class PageGeneration(db.Model):
    """One row: bumped in the transaction of every change to public data.

    Every worker reads it once per cached request and keys its page cache by it, so a committed
    change is seen by the very next request on every worker (each keeps its own cache).
    """

    __tablename__ = "assembly_page_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime | None]  # when public data last changed (Last-Modified)
