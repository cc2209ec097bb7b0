from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length


class FollowForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )
