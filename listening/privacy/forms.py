from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length


class FindForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    ref = StringField(
        "Conversation reference",
        validators=[DataRequired("Enter a conversation reference"), Length(max=120)],
        description="The UUID shown on the conversation, or the reference from an import file.",
    )


class EraseForm(FlaskForm):
    confirm = BooleanField(
        "I confirm this conversation must be erased. This cannot be undone.",
        validators=[DataRequired("Confirm that you want to erase this conversation")],
    )
