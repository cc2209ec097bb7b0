"""Themes, analysis runs, sub-themes, assignments of responses to themes, embedding cache."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from listening.extensions import db
from listening.timeutil import utcnow


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class AssignmentSource(StrEnum):
    MODEL = "model"
    REVIEWER = "reviewer"


class Theme(db.Model):
    """A theme of a campaign's taxonomy; staff edit its name and description."""

    __tablename__ = "themes_theme"
    __table_args__ = (UniqueConstraint("campaign_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("intake_campaign.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    reviewed: Mapped[bool] = mapped_column(default=False)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign = relationship("Campaign")
    reviewed_by = relationship("User")

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


class ThemeRun(db.Model):
    """One seeded, versioned analysis of a campaign's responses; the latest success is current."""

    __tablename__ = "themes_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("intake_campaign.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.QUEUED, index=True)
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(200), default="Waiting to start")
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seed: Mapped[int] = mapped_column(default=42)
    model_id: Mapped[str] = mapped_column(String(120), default="")
    versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    n_responses: Mapped[int] = mapped_column(default=0)
    n_labels: Mapped[int] = mapped_column(default=0)
    cross_val_accuracy: Mapped[float | None]
    # The fitted assigner: arrays as safetensors bytes, the rest as JSON (never pickle).
    assigner_tensors: Mapped[bytes | None] = mapped_column(LargeBinary)
    assigner_meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Written by the job at each progress checkpoint: a run whose heartbeat stops has lost its
    # worker (see operations.fail_orphaned_runs).
    heartbeat_at: Mapped[datetime | None]

    campaign = relationship("Campaign")
    created_by = relationship("User")

    @property
    def is_finished(self) -> bool:
        return self.status not in ACTIVE_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class SubTheme(db.Model):
    """A cluster of responses within a theme (theme None: emerging, outside every theme)."""

    __tablename__ = "themes_sub_theme"
    __table_args__ = (UniqueConstraint("run_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("themes_run.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes_theme.id", ondelete="SET NULL"), index=True
    )
    key: Mapped[str] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(String(200))
    reviewer_label: Mapped[str | None] = mapped_column(String(200))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    representative_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    is_emerging: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes_sub_theme.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[ThemeRun] = relationship()
    theme: Mapped[Theme | None] = relationship()
    merged_into: Mapped[SubTheme | None] = relationship(remote_side=[id])

    @property
    def display_label(self) -> str:
        return self.reviewer_label or self.label


class Assignment(db.Model):
    """A response's theme: from the model (per run) or from a reviewer (always wins, survives)."""

    __tablename__ = "themes_assignment"
    __table_args__ = (
        Index("ix_themes_assignment_response_source", "response_id", "source"),
        Index("ix_themes_assignment_run_theme", "run_id", "theme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("intake_response.id", ondelete="CASCADE"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes_theme.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(default=0.0)
    scores: Mapped[dict[str, float] | None] = mapped_column(JSON)  # every theme's score
    # Model rows: calibrated P(theme is right) (NULL: a run before calibration), and whether
    # it reached the auto-accept threshold; the rest of the model's answers need a human.
    confidence: Mapped[float | None]
    auto_accepted: Mapped[bool] = mapped_column(default=False, server_default=false())
    source: Mapped[str] = mapped_column(String(20), default=AssignmentSource.MODEL)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("themes_run.id", ondelete="CASCADE"))
    sub_theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes_sub_theme.id", ondelete="SET NULL"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    map_x: Mapped[float | None]
    map_y: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    response = relationship("Response")
    theme: Mapped[Theme | None] = relationship()
    run: Mapped[ThemeRun | None] = relationship()
    sub_theme: Mapped[SubTheme | None] = relationship()
    reviewer = relationship("User")


class EmbeddingCache(db.Model):
    """One text's embedding by one model: float32 bytes, keyed by the text's SHA-256."""

    __tablename__ = "themes_embedding_cache"
    __table_args__ = (UniqueConstraint("key", "model_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    model_id: Mapped[str] = mapped_column(String(120))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoundMatch(db.Model):
    """Which sub-theme of the previous listening round a sub-theme continues, if any.

    Made by centroid similarity when a run finishes (source "model"); a reviewer can correct it
    (source "reviewer"), and a reviewer's match is kept until they change it.
    """

    __tablename__ = "themes_round_match"

    id: Mapped[int] = mapped_column(primary_key=True)
    sub_theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes_sub_theme.id", ondelete="CASCADE"), unique=True
    )
    previous_sub_theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes_sub_theme.id", ondelete="SET NULL")
    )
    similarity: Mapped[float | None]
    source: Mapped[str] = mapped_column(String(20), default=AssignmentSource.MODEL)
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
