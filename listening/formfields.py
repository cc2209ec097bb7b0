"""Form fields every feature shares (imports no feature)."""

from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (the NHS.UK pattern for "select all that apply")."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def plain_errors(errors):
    """Messages as `str` (nested lists kept: a FieldList's errors are per entry): validators
    given `lazy_gettext` messages store lazy strings, which templates and JSON cannot use."""
    return [plain_errors(e) if isinstance(e, list | tuple) else str(e) for e in errors]
