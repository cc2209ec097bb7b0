from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from listening.accounts.models import ROLES
from listening.formfields import plain_errors


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password")), Length(max=200)]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            field.errors = plain_errors(field.errors)
        return valid


class LogoutForm(FlaskForm):
    pass


class UserForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address"),
            Email("Enter an email address in the correct format, like name@example.org"),
            Length(max=254),
        ],
    )
    name = StringField("Full name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=[(r, r.replace("_", " ").capitalize()) for r in ROLES])
    organisation = StringField(
        "Organisation",
        validators=[Optional(), Length(max=200)],
        description="Required for partners. A new organisation is created if it does not exist.",
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter a password"), Length(max=200)]
    )


class EditUserForm(FlaskForm):
    name = StringField("Full name", validators=[Optional(), Length(max=200)])
    phone = StringField(
        "Phone number (optional)",
        validators=[Optional(), Length(max=40, message="Enter a phone number, like 020 7946 0000")],
        description="A safeguarding lead's number is shown to partners when something they "
        "log may be a disclosure; a partner's is shown to the lead on a case.",
    )
    role = SelectField("Role", choices=[(r, r.replace("_", " ").capitalize()) for r in ROLES])
    organisation = StringField(
        "Organisation",
        validators=[Optional(), Length(max=200)],
        description="Required for partners. A new organisation is created if it does not exist.",
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: CSRF only."""


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[DataRequired("Enter a new password"), Length(max=200)]
    )
    confirm = PasswordField(
        "Confirm the new password",
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("password", "The two passwords do not match"),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )


class TokenForm(FlaskForm):
    name = StringField(
        "Name of the token",
        validators=[
            DataRequired("Give the token a name, like the phone it is for"),
            Length(max=100),
        ],
        description="Say where it will be used, like “Outreach phone 2”.",
    )
