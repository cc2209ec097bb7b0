"""Staff forms: spreadsheet upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

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
