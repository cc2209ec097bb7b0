"""Forms of the review workspace: parsing and validation only."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from listening.formfields import MultiCheckboxField
from listening.ids import parse_id
from listening.security import safe_next

NO_THEME = "none"


class _ReturnTo(FlaskForm):
    """`next` sends people back to the page they acted on (only within /themes)."""

    next = HiddenField()

    def safe_next(self, default: str) -> str:
        return safe_next(self.next.data, within="/themes") or default


class RunForm(FlaskForm):
    campaign = HiddenField(validators=[DataRequired()])


class CancelRunForm(FlaskForm):
    confirm = BooleanField(
        "Yes, stop this run (nothing it has computed is kept)",
        validators=[DataRequired("Tick the box to confirm you want to cancel the run.")],
    )


class MoveResponseForm(_ReturnTo):
    theme = SelectField("Move to theme", validators=[DataRequired("Choose a theme.")])

    def theme_id(self) -> int | None:
        return None if self.theme.data == NO_THEME else int(self.theme.data)


class ConfirmForm(_ReturnTo):
    pass


class DecideForm(_ReturnTo):
    """One card of the queue: confirm the model's theme or move, for one or all same answers."""

    action = HiddenField(default="confirm")
    theme = SelectField("Or move to theme", validators=[DataRequired("Choose a theme.")])
    apply_all = BooleanField()
    same = MultiCheckboxField(validators=[Optional()], validate_choice=False)

    def confirms(self) -> bool:
        return self.action.data != "move"

    def theme_id(self) -> int | None:
        return None if self.theme.data == NO_THEME else int(self.theme.data)

    def same_ids(self) -> list[int]:
        ids = (parse_id(value) for value in self.same.data or [])
        return [i for i in ids if i is not None]


class MoveSubThemeForm(_ReturnTo):
    theme = SelectField("Move the whole sub-theme to", validators=[DataRequired("Choose a theme.")])


class RenameSubThemeForm(_ReturnTo):
    label = StringField(
        "New name",
        validators=[
            DataRequired("Enter a name for the sub-theme."),
            Length(max=200, message="Use 200 characters or fewer."),
        ],
    )


class MergeSubThemesForm(_ReturnTo):
    target = SelectField("Merge into", validators=[DataRequired("Choose a sub-theme.")])


class SplitSubThemeForm(_ReturnTo):
    responses = MultiCheckboxField(
        "Answers to split off (none chosen: split in two automatically)",
        validators=[Optional()],
        validate_choice=False,
    )
    label = StringField(
        "Name of the new sub-theme (optional)",
        validators=[Optional(), Length(max=200, message="Use 200 characters or fewer.")],
    )

    def response_ids(self) -> list[int]:
        ids = (parse_id(value) for value in self.responses.data or [])
        return [i for i in ids if i is not None]


class EditThemeForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Enter a name for the theme."),
            Length(max=200, message="Use 200 characters or fewer."),
        ],
    )
    description = TextAreaField(
        "Description",
        validators=[Length(max=5000, message="Use 5,000 characters or fewer.")],
    )


class ReviewedForm(_ReturnTo):
    reviewed = HiddenField(default="1")

    def is_reviewed(self) -> bool:
        return self.reviewed.data != "0"


class RoundMatchForm(FlaskForm):
    """A reviewer's correction of which earlier sub-theme this one continues."""

    previous = SelectField(
        "Continues which sub-theme of the earlier round?",
        validators=[DataRequired("Choose a sub-theme, or “new in this round”.")],
    )
