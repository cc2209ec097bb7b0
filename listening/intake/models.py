"""Campaigns, areas, community groups, conversations, responses and erasure tombstones."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from listening.extensions import db
from listening.organisations.models import Organisation
from listening.timeutil import utcnow

FORMATS = {
    "one-to-one": "One-to-one",
    "small-group": "Small group",
    "event": "Event",
    "online": "Online",
    "other": "Other",
}


class ConversationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


STATUSES = tuple(ConversationStatus)


safeguarding_lead = Table(
    "intake_safeguarding_lead",
    db.metadata,
    Column("campaign_id", ForeignKey("intake_campaign.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("accounts_user.id", ondelete="CASCADE"), primary_key=True),
)


class Campaign(db.Model):
    __tablename__ = "intake_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    attribution: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # A pledge with no progress update for longer than this shows as "not updated" in public.
    update_interval_days: Mapped[int] = mapped_column(default=90, server_default="90")
    # The listening round this one follows (the same communities asked again), if any.
    previous_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_campaign.id", ondelete="SET NULL")
    )
    # shown to a partner whose answers look like a safeguarding disclosure ("" → the default)
    safeguarding_guidance: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    previous_round: Mapped[Campaign | None] = relationship(remote_side=[id])
    # the people a flag on this campaign goes to (users with the safeguarding lead role)
    safeguarding_leads = relationship("User", secondary=safeguarding_lead, order_by="User.email")

    areas: Mapped[list[Area]] = relationship(
        back_populates="campaign", order_by="Area.name", cascade="all, delete-orphan"
    )
    groups: Mapped[list[CommunityGroup]] = relationship(
        back_populates="campaign", order_by="CommunityGroup.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Campaign {self.slug}>"


class Area(db.Model):
    """A borough (or other area) of a campaign; slug "unspecified" for across the region."""

    __tablename__ = "intake_area"
    __table_args__ = (UniqueConstraint("campaign_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("intake_campaign.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    ons_code: Mapped[str | None] = mapped_column(String(9))
    population: Mapped[int | None]

    campaign: Mapped[Campaign] = relationship(back_populates="areas")


class CommunityGroup(db.Model):
    __tablename__ = "intake_community_group"
    __table_args__ = (UniqueConstraint("campaign_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("intake_campaign.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))

    campaign: Mapped[Campaign] = relationship(back_populates="groups")


conversation_group = Table(
    "intake_conversation_group",
    db.metadata,
    Column(
        "conversation_id",
        ForeignKey("intake_conversation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "group_id", ForeignKey("intake_community_group.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Conversation(db.Model):
    """One listening conversation; `uuid` is made by the client so retries never duplicate."""

    __tablename__ = "intake_conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("intake_campaign.id"), index=True)
    # A draft may leave these empty (NULL); a submitted conversation always has them.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("intake_area.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("intake_organisation.id"), index=True)
    logged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    held_on: Mapped[date | None]
    format: Mapped[str | None] = mapped_column(String(20))
    people_count: Mapped[int | None]
    consent_to_quote: Mapped[bool | None]  # NULL: a draft that has not asked yet
    status: Mapped[str] = mapped_column(String(20), default=ConversationStatus.DRAFT, index=True)
    source: Mapped[str] = mapped_column(String(20), default="web")
    reference: Mapped[str | None] = mapped_column(String(120))
    payload_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]

    campaign: Mapped[Campaign] = relationship()
    area: Mapped[Area | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
    logged_by = relationship("User")
    groups: Mapped[list[CommunityGroup]] = relationship(
        secondary=conversation_group, order_by="CommunityGroup.name"
    )
    responses: Mapped[list[Response]] = relationship(
        back_populates="conversation",
        order_by="Response.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_draft(self) -> bool:
        return self.status == ConversationStatus.DRAFT


class Response(db.Model):
    """One answer or quote; later stages only ever read `redacted_text`."""

    __tablename__ = "intake_response"
    __table_args__ = (UniqueConstraint("conversation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("intake_conversation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    text: Mapped[str | None] = mapped_column(Text)  # original; cleared after retention period
    redacted_text: Mapped[str] = mapped_column(Text)
    # the redactor that made `redacted_text` (NULL: before version 2); `privacy reredact`
    # brings older ones up to date
    redactor_version: Mapped[str | None] = mapped_column(String(8))
    # a likely safeguarding disclosure: never themed, quoted or published (see safeguarding/)
    safeguarding_flag: Mapped[bool] = mapped_column(default=False, server_default=false())
    safeguarding_kind: Mapped[str | None] = mapped_column(String(32))
    # the full detector that last screened the answer, flagged or not (NULL: never screened by
    # it); with `redactor_version` and `screened_at` this is the publication gate's record:
    # an answer is cleared only when both versions are current and it is not flagged
    # (intake.screening)
    safeguarding_version: Mapped[str | None] = mapped_column(String(24))
    screened_at: Mapped[datetime | None]
    # a lead released a false alarm: hashes of its sentences, which never flag again (a new or
    # changed sentence is checked afresh); see safeguarding.operations.release_case
    safeguarding_released: Mapped[str | None] = mapped_column(Text)
    # ISO 639-1 code of the answer's language (listening.language); NULL: too short or unsure
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="responses")

    @property
    def source_text(self) -> str:
        """The original while it is kept, else (after the retention purge) the redacted text:
        what redaction, language id and safeguarding read."""
        return self.text if self.text is not None else self.redacted_text


class InstallationSecret(db.Model):
    """A random key made once per installation (migration 0013, or the first import if the row
    is missing): import UUIDs are an HMAC under it, so nobody can work one out in advance.
    Kept in the database, not derived from SECRET_KEY, so it is the same for every worker and
    machine and survives a key rotation."""

    __tablename__ = "intake_installation_secret"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseStatus(StrEnum):
    NEW = "new"
    SEEN = "seen"
    ACTION_TAKEN = "action_taken"
    NO_ACTION_NEEDED = "no_action_needed"
    RELEASED = "released"  # not a disclosure: the answers are ordinary again


OPEN_CASE_STATUSES = (CaseStatus.NEW, CaseStatus.SEEN)


class SafeguardingCase(db.Model):
    """A conversation with flagged answers, for the safeguarding lead: new → seen → closed."""

    __tablename__ = "intake_safeguarding_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("intake_conversation.id", ondelete="CASCADE"), unique=True
    )
    campaign_id: Mapped[int] = mapped_column(ForeignKey("intake_campaign.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.NEW, index=True)
    kinds: Mapped[str] = mapped_column(String(200), default="")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]
    seen_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(Text, default="")

    conversation: Mapped[Conversation] = relationship()
    campaign: Mapped[Campaign] = relationship()
    seen_by = relationship("User", foreign_keys=[seen_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES


class Erasure(db.Model):
    """The tombstone of a conversation erased on request, so a replayed sync cannot bring it
    back. Only a hash of its UUID is kept: nothing about what was said."""

    __tablename__ = "privacy_erasure"

    uuid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ImportJob(db.Model):
    """A spreadsheet being imported by a job, a batch of conversations per transaction.

    `done` (conversations handled) is committed with each batch, so a job that is run again
    goes on from there; the file is kept until the import has finished.
    """

    __tablename__ = "intake_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("intake_campaign.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(String(255), default="")
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default=ImportStatus.QUEUED)
    rows: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)  # conversations in the file
    done: Mapped[int] = mapped_column(default=0)  # conversations handled so far
    created: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)  # [row, column, reason]
    skipped: Mapped[list] = mapped_column(JSON, default=list)  # [reference, organisation, rows]
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship()

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
