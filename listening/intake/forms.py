"""The conversation form: one set of rules for the web form, the sync API and imports."""

from __future__ import annotations

import uuid as uuid_module
from datetime import date, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from listening.formfields import MultiCheckboxField, plain_errors
from listening.i18n import day_text
from listening.ids import parse_int
from listening.intake.models import FORMATS

MAX_ANSWERS = 30
# FORMATS' names, translatable on the partner form (the slugs stay the contract)
FORMAT_LABELS = {
    "one-to-one": _l("One-to-one"),
    "small-group": _l("Small group"),
    "event": _l("Event"),
    "online": _l("Online"),
    "other": _l("Other"),
}
MAX_ANSWER_LENGTH = 20_000
MAX_PEOPLE = 10_000


class WholeNumberField(IntegerField):
    """A whole number in ASCII digits (the one parser, `ids.parse_int`), whose "not a number"
    error is one plain message, not two."""

    def __init__(self, label=None, validators=None, parse_error="Enter a whole number", **kw):
        super().__init__(label, validators, **kw)
        self.parse_error = parse_error

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = parse_int(valuelist[0])  # ASCII digits only: "١٢" is not twelve
        if self.data is None:
            raise ValueError(self.parse_error)

    def pre_validate(self, form):
        if self.process_errors and self.raw_data and str(self.raw_data[0]).strip():
            raise StopValidation()  # the range check means nothing for "abc"


def _valid_uuid(_form, field) -> None:
    try:
        uuid_module.UUID(str(field.data))
    except (ValueError, TypeError, AttributeError) as error:
        raise ValidationError(_l("Reference must be a UUID")) from error


def _not_in_future(_form, field) -> None:
    if field.data and field.data > date.today() + timedelta(days=1):
        raise ValidationError(_l("Date of the conversation must be today or in the past"))
    if field.data and field.data < date(2000, 1, 1):
        raise ValidationError(_l("Date of the conversation must be after 1 January 2000"))


def period_warning(campaign, day: date | None) -> str | None:
    """A warning (not an error) when `day` is outside the campaign's start and end dates."""
    if day is None or campaign is None:
        return None
    if campaign.starts_on and day < campaign.starts_on:
        return gettext(
            "%(date)s is before this campaign started (%(start)s).",
            date=day_text(day),
            start=day_text(campaign.starts_on),
        )
    if campaign.ends_on and day > campaign.ends_on:
        return gettext(
            "%(date)s is after this campaign ended (%(end)s).",
            date=day_text(day),
            end=day_text(campaign.ends_on),
        )
    return None


# What a draft may leave empty; whatever it does fill in is checked as usual.
DRAFT_MAY_LEAVE_EMPTY = ("borough", "date", "format", "people_count", "consent_to_quote")


class ConversationForm(FlaskForm):
    """Field names match the sync API's JSON keys, so both share this validation."""

    draft = False

    uuid = HiddenField(validators=[DataRequired(_l("Reference is missing")), _valid_uuid])
    campaign = HiddenField(validators=[DataRequired(_l("Choose a campaign"))])
    # the date the person was warned about (outside the campaign's dates): sent again, it stands
    date_checked = HiddenField()
    borough = RadioField(
        _l("Borough"),
        validate_choice=True,
        validators=[InputRequired(_l("Select the borough where the conversation took place"))],
    )
    organisation = SelectField(
        _l("Facilitating organisation"),
        validators=[InputRequired(_l("Select the organisation that facilitated the conversation"))],
    )
    date = DateField(
        _l("Date of the conversation"),
        format="%Y-%m-%d",
        validators=[InputRequired(_l("Enter the date of the conversation")), _not_in_future],
    )
    format = RadioField(
        _l("Format"),
        choices=[(key, FORMAT_LABELS[key]) for key in FORMATS],
        validators=[InputRequired(_l("Select the format of the conversation"))],
    )
    people_count = WholeNumberField(
        _l("How many people took part"),
        parse_error=_l("Enter how many people took part, as a number like 3"),
        validators=[
            InputRequired(_l("Enter how many people took part, as a number like 3")),
            NumberRange(
                1,
                MAX_PEOPLE,
                _l("Number of people must be between 1 and %(most)s", most=f"{MAX_PEOPLE:,}"),
            ),
        ],
    )
    groups = MultiCheckboxField(_l("Communities they belong to"), choices=[])
    responses = FieldList(
        TextAreaField(
            _l("What they said"),
            validators=[
                Length(
                    max=MAX_ANSWER_LENGTH,
                    message=_l(
                        "Answer must be %(most)s characters or fewer",
                        most=f"{MAX_ANSWER_LENGTH:,}",
                    ),
                )
            ],
        ),
        min_entries=1,
        max_entries=MAX_ANSWERS,
    )
    consent_to_quote = RadioField(
        _l("Did they agree to be quoted anonymously?"),
        choices=[("yes", _l("Yes")), ("no", _l("No"))],
        validators=[InputRequired(_l("Select whether they agreed to be quoted anonymously"))],
    )

    def set_choices(self, areas, groups, organisations) -> None:
        ordered = sorted(areas, key=lambda a: (a.slug == "unspecified", a.name))
        self.borough.choices = [(a.slug, a.name) for a in ordered]
        self.groups.choices = [(g.slug, g.name) for g in groups]
        self.organisation.choices = [("", _l("Select an organisation"))] + [
            (o.name, o.name) for o in organisations
        ]

    def answers(self) -> list[str]:
        return [(entry.data or "").strip() for entry in self.responses.entries]

    def validate(self, extra_validators=None) -> bool:
        """Validate, then turn translated (lazy) messages into plain text for templates and JSON."""
        valid = super().validate(extra_validators)
        for field in self:
            field.errors = plain_errors(field.errors)
        return valid

    def validate_draft(self) -> bool:
        """Validate what is there: a draft may leave out what a submission needs."""
        self.draft = True
        for name in DRAFT_MAY_LEAVE_EMPTY:
            field = self[name]
            field.validators = [Optional()] + [
                v for v in field.validators if not isinstance(v, InputRequired | DataRequired)
            ]
        return self.validate()

    def validate_responses(self, field) -> None:
        if not self.draft and not any(self.answers()):
            raise ValidationError(_l("Enter at least one thing people said"))
