"""A stored "what we heard" report: the reviewer's choices and the theme run it was made from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from listening.extensions import db
from listening.timeutil import utcnow


class Report(db.Model):
    """Which reviewed themes and approved quotes go in, from which theme run; figures stay live."""

    __tablename__ = "report_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("intake_campaign.id", ondelete="CASCADE"), index=True
    )
    # None: made before any theme analysis had finished (no themes in it)
    theme_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes_run.id", ondelete="SET NULL")
    )
    theme_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    quote_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign = relationship("Campaign")
    theme_run = relationship("ThemeRun")
    created_by = relationship("User")
