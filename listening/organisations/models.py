"""The shared noun Organisation: facilitators, signatories, pledge leads and partners' employers.

Every feature uses it, so it lives below them all (the table keeps its historic name).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from listening.extensions import db
from listening.timeutil import utcnow

OUTREACH_STATUSES = {
    "not-contacted": "Not contacted",
    "contacted": "Contacted",
    "supporting": "Supporting",
    "facilitating": "Facilitating",
}
ORGANISATION_TYPES = {
    "community-centre": "Community centre",
    "faith": "Faith group",
    "school": "School",
    "university": "University",
    "youth": "Youth club",
    "refugee-migrant": "Refugee and migrant network",
    "mental-health": "Mental health charity",
    "older-people": "Older people's charity",
    "patient-group": "Patient group",
    "nhs": "NHS organisation",
    "council": "Local authority",
    "other": "Other",
}


class Organisation(db.Model):
    __tablename__ = "intake_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(40), default="other")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("intake_area.id", ondelete="SET NULL"))
    outreach_status: Mapped[str] = mapped_column(String(20), default="not-contacted")
    contact_notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # intake owns areas; a string keeps this layer free of an import of intake
    area = relationship("Area")

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"
