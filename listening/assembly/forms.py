"""Staff forms for events, pledges and their parts. Parsing and field-level checks only;
the rules that span fields (dates in order, targets and baselines) live in operations."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from listening.assembly.models import (
    ATTENDEE_KINDS,
    DIRECTIONS,
    EVENT_KINDS,
    QUOTE_CHECKLIST,
    STATUSES,
    UNITS,
)
from listening.formfields import MultiCheckboxField
from listening.ids import parse_whole_number


class DayField(DateField):
    """A date as YYYY-MM-DD with a message a person can act on."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = date.fromisoformat(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, like 2024-03-31") from None


class NumberField(StringField):
    """A decimal number kept as typed, so a bad value is shown back for correction."""

    def __init__(self, label=None, validators=None, required=True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.number: float | None = None

    def pre_validate(self, form):
        text = (self.data or "").strip().replace(",", "")
        if text.endswith("%"):
            text = text[:-1].strip()
        if not text:
            if self.required:
                raise ValidationError(f"Enter the {self.label.text.lower()}, as a number")
            self.number = None
            return
        try:
            if not text.isascii():  # float() reads "١٢" as twelve: digits are ASCII here
                raise ValueError(text)
            self.number = float(text)
        except ValueError:
            raise ValidationError(f"{self.label.text} must be a number, like 42 or 12.5") from None
        if self.number != self.number or self.number in (float("inf"), float("-inf")):
            raise ValidationError(f"{self.label.text} must be a number, like 42 or 12.5")


class WholeNumberField(IntegerField):
    """A whole number, with a message that says so when it is not one."""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        self.data = parse_whole_number(str(valuelist[0]))
        if self.data is None:
            raise ValueError(f"{self.label.text} must be a whole number, like 12")


def _int(label: str, low: int, high: int, required: bool = False):
    validators = [InputRequired(f"Enter the {label.lower()}")] if required else [Optional()]
    validators.append(
        NumberRange(low, high, f"{label} must be a whole number from {low} to {high:,}")
    )
    return WholeNumberField(label, validators=validators)


class EventForm(FlaskForm):
    kind = RadioField(
        "Kind of event",
        choices=list(EVENT_KINDS.items()),
        validators=[InputRequired("Select the kind of event")],
    )
    title = StringField(
        "Title",
        validators=[
            InputRequired("Enter the event’s title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    held_on = DayField(
        "Date",
        validators=[InputRequired("Enter the date of the event")],
        description="For example, 2023-11-15",
    )
    place = StringField("Place", validators=[Length(max=200)])
    themes = MultiCheckboxField("Themes discussed", choices=[])
    summary = TextAreaField("Summary", validators=[Length(max=5000)])
    att_community_members = _int("Community members", 0, 100_000)
    att_community_leaders = _int("Community leaders", 0, 100_000)
    att_decision_makers = _int("Decision-makers", 0, 100_000)
    att_facilitators = _int("Facilitators and staff", 0, 100_000)
    att_other = _int("Others", 0, 100_000)

    def attendance(self) -> dict[str, int]:
        return {
            kind: getattr(self, "att_" + kind.replace("-", "_")).data or 0
            for kind in ATTENDEE_KINDS
        }


class IdeaForm(FlaskForm):
    text = TextAreaField(
        "Idea or solution",
        validators=[InputRequired("Enter the idea or solution"), Length(max=2000)],
    )
    themes = MultiCheckboxField("Themes it answers", choices=[])


class PledgeForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            InputRequired("Enter the pledge’s title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    commitment = TextAreaField(
        "The commitment, in plain words",
        validators=[InputRequired("Enter the commitment in plain words"), Length(max=5000)],
    )
    themes = MultiCheckboxField("Themes it answers", choices=[], description="Select at least one")
    subthemes = MultiCheckboxField(
        "Sub-themes it answers (optional)",
        choices=[],
        coerce=int,
        description="From the current analysis; each must belong to a theme selected above",
    )
    lead_organisation = SelectField(
        "Lead organisation", choices=[], validators=[InputRequired("Select the lead organisation")]
    )
    event = SelectField("Where it was signed", choices=[])
    area = SelectField(
        "Borough", choices=[], description="Leave as the whole region if it applies everywhere"
    )
    signed_on = DayField(
        "Date signed",
        validators=[Optional()],
        description="Leave blank to use the date of the event",
    )
    due_on = DayField("Due date", validators=[Optional()], description="For example, 2025-03-31")
    status = RadioField(
        "Status",
        choices=list(STATUSES.items()),
        default="not-started",
        validators=[InputRequired("Select the pledge’s status")],
    )
    manual_progress = _int("Progress (%) when it has no actions or measures", 0, 100)


class SignatoryForm(FlaskForm):
    person = StringField(
        "Name of the person who signed",
        validators=[InputRequired("Enter the name of the person who signed"), Length(max=200)],
    )
    role = StringField("Their role", validators=[Length(max=200)])
    organisation = StringField(
        "Organisation",
        validators=[InputRequired("Enter the organisation"), Length(max=200)],
        description="Added to the list of organisations if it is new",
    )


class ActionForm(FlaskForm):
    title = StringField(
        "What will be done", validators=[InputRequired("Enter what will be done"), Length(max=300)]
    )
    owner = StringField("Who owns it", validators=[Length(max=200)])
    due_on = DayField("Due date", validators=[Optional()])
    weight = _int("Weight in the progress figure", 1, 100)
    done = BooleanField("Done")
    done_on = DayField("Date done", validators=[Optional()], description="Leave blank to use today")


class MetricForm(FlaskForm):
    name = StringField(
        "What is measured", validators=[InputRequired("Enter what is measured"), Length(max=300)]
    )
    unit = RadioField(
        "Unit",
        choices=list(UNITS.items()),
        default="percent",
        validators=[InputRequired("Select the unit")],
    )
    direction = RadioField(
        "Which way is better",
        choices=list(DIRECTIONS.items()),
        default="increase",
        validators=[InputRequired("Select which way is better")],
    )
    baseline = NumberField("Baseline")
    baseline_on = DayField("Baseline date", validators=[Optional()])
    target = NumberField("Target")
    target_on = DayField("Target date", validators=[Optional()])
    weight = _int("Weight in the progress figure", 1, 100)


class ReadingForm(FlaskForm):
    taken_on = DayField(
        "Date of the reading", validators=[InputRequired("Enter the date of the reading")]
    )
    value = NumberField("Value")
    note = StringField("Note", validators=[Length(max=500)])


class UpdateForm(FlaskForm):
    posted_on = DayField(
        "Date of the update", validators=[InputRequired("Enter the date of the update")]
    )
    status = RadioField(
        "Status at this date",
        choices=list(STATUSES.items()),
        validators=[InputRequired("Select the pledge’s status at this update")],
    )
    text = TextAreaField(
        "What has happened",
        validators=[
            InputRequired("Enter what has happened since the last update"),
            Length(max=5000),
        ],
    )
    author_name = StringField(
        "Reported by",
        validators=[Length(max=200)],
        description="For example, the lead organisation’s team",
    )


class QuoteForm(FlaskForm):
    response_id = HiddenField()
    text = TextAreaField(
        "Text to publish",
        validators=[InputRequired("Enter the text to publish")],
        description="Edit only inside [square brackets], for example […] for words left out",
    )
    theme = SelectField("Theme", choices=[])
    pledge = SelectField("Pledge", choices=[])


class ApproveQuoteForm(FlaskForm):
    """The checklist a reviewer ticks, every time, before a quote is published."""

    no_personal_details = BooleanField(
        QUOTE_CHECKLIST["no_personal_details"],
        validators=[DataRequired("Confirm there are no details that could identify someone")],
    )
    no_risk_of_harm = BooleanField(
        QUOTE_CHECKLIST["no_risk_of_harm"],
        validators=[DataRequired("Confirm nothing suggests someone is at risk of harm")],
    )

    def confirmed(self) -> set[str]:
        """The names of the items ticked."""
        return {name for name in QUOTE_CHECKLIST if getattr(self, name).data}


class ImportForm(FlaskForm):
    file = FileField("CSV or Excel file of progress updates")
