from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class PageForm(FlaskForm):
    title = StringField(
        "Page title",
        validators=[
            DataRequired("Enter the page title"),
            Length(max=120, message="Page title must be 120 characters or fewer"),
        ],
    )
    body = TextAreaField(
        "Page text",
        validators=[
            DataRequired("Enter the page text"),
            Length(max=20000, message="Page text must be 20,000 characters or fewer"),
        ],
    )
