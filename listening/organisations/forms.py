"""The organisation details form: parsing and validation only."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from listening.organisations.models import ORGANISATION_TYPES, OUTREACH_STATUSES

MAX_NOTES = 5_000


class OrganisationForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            InputRequired("Enter the organisation's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    type = SelectField(
        "Type",
        choices=list(ORGANISATION_TYPES.items()),
        validators=[InputRequired("Select the type of organisation")],
    )
    area = SelectField("Borough", choices=[], validate_choice=True)
    outreach_status = RadioField(
        "Outreach status",
        choices=list(OUTREACH_STATUSES.items()),
        validators=[InputRequired("Select the outreach status")],
    )
    contact_notes = TextAreaField(
        "Contact notes",
        validators=[
            Length(max=MAX_NOTES, message=f"Notes must be {MAX_NOTES:,} characters or fewer")
        ],
    )

    def set_areas(self, areas) -> None:
        """Boroughs of every campaign, named with their campaign when there are several."""
        several = len({a.campaign_id for a in areas}) > 1
        self.area.choices = [("", "Not tied to one borough")] + [
            (str(a.id), f"{a.name} ({a.campaign.name})" if several else a.name) for a in areas
        ]

    def validate_name(self, field) -> None:
        field.data = " ".join((field.data or "").split())
