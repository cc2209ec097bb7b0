"""Form fields every feature shares (imports no feature)."""

from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (the NHS.UK pattern for "select all that apply")."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
