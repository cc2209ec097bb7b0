"""The reviewer's choice of what goes in a report."""

from __future__ import annotations

from flask_wtf import FlaskForm

from listening.formfields import MultiCheckboxField


class NewReportForm(FlaskForm):
    themes = MultiCheckboxField("Themes to include", coerce=int, choices=[])
    quotes = MultiCheckboxField("Quotes to include", coerce=int, choices=[])
