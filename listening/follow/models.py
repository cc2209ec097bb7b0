"""A visitor's request for emails about a pledge, or about every pledge linked to a theme.

The email address is personal data: it is never shown on a public page, in the API, in open
data or in an export, and it is not written to the audit log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from listening.extensions import db
from listening.timeutil import utcnow


class Subscription(db.Model):
    """One email address following one pledge, or one theme of one campaign."""

    __tablename__ = "follow_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    pledge_id: Mapped[int | None] = mapped_column(
        ForeignKey("assembly_pledge.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_campaign.id", ondelete="CASCADE"), index=True
    )
    theme_slug: Mapped[str | None] = mapped_column(String(80))
    # a random value in every link: a link stops working when its follow is deleted, even if
    # the id is used again
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # the language of the page the follow was asked from: its emails are written in it
    locale: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    @property
    def target(self) -> dict:
        """What is followed, without the email address (for the audit log)."""
        if self.pledge_id is not None:
            return {"pledge_id": self.pledge_id}
        return {"campaign_id": self.campaign_id, "theme_slug": self.theme_slug}
