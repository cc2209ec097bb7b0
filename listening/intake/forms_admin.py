"""Staff forms: spreadsheet upload, safeguarding cases and guidance."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from listening.formfields import MultiCheckboxField

ALLOWED_EXTENSIONS = ("csv", "xlsx")


class ImportForm(FlaskForm):
    campaign = SelectField("Campaign", validators=[InputRequired("Select the campaign")])
    file = FileField(
        "Spreadsheet",
        validators=[
            FileRequired("Choose a CSV or Excel (.xlsx) file to import"),
            FileAllowed(ALLOWED_EXTENSIONS, "The file must be a CSV or an Excel workbook (.xlsx)"),
        ],
    )


class CloseCaseForm(FlaskForm):
    """The safeguarding lead records what was done about a case."""

    outcome = RadioField(
        "What happened",
        choices=[
            ("action_taken", "Action taken"),
            (
                "no_action_needed",
                "No action needed: a disclosure already dealt with (the answers stay private)",
            ),
            (
                "released",
                "Not a disclosure: a false alarm (the answers become ordinary answers again)",
            ),
        ],
        validators=[InputRequired("Select what happened")],
    )
    note = TextAreaField(
        "What was done, or why no action is needed",
        validators=[
            DataRequired("Enter what was done, or why no action is needed"),
            Length(max=5000, message="Keep the note under 5,000 characters"),
        ],
    )


class GuidanceForm(FlaskForm):
    """Admin: the safeguarding guidance partners see when a flag fires."""

    guidance = TextAreaField(
        "This campaign's own guidance for partners (optional)",
        validators=[Length(max=5000, message="Keep the guidance under 5,000 characters")],
    )


class LeadsForm(FlaskForm):
    """Admin: who a campaign's safeguarding flags go to (choices: the active leads)."""

    leads = MultiCheckboxField("Safeguarding leads for this campaign", coerce=int, choices=[])
