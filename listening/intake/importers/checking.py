"""Checking an import's rows: group them into conversations, make sure rows of one
conversation agree, then validate each conversation with the conversation form itself."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from werkzeug.datastructures import MultiDict

from listening.intake import formdata, importids
from listening.intake.forms import ConversationForm
from listening.intake.importers.reading import SheetRow, echo
from listening.intake.models import FORMATS, Campaign
from listening.organisations import operations as organisations

# Rows of one conversation must agree on these (a blank cell means "same as the other rows").
SHARED_COLUMNS = ("date", "borough", "format", "people_count", "consent_to_quote")
FIELD_COLUMNS = {
    "uuid": "conversation_ref",
    "campaign": "conversation_ref",
    "responses": "response",
}
MAX_REFERENCE = 120


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class Group:
    """The rows of one conversation, and where each shared value came from."""

    reference: str
    organisation: str
    rows: list[SheetRow] = field(default_factory=list)
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # column → (value, row)
    written: dict[str, str] = field(default_factory=dict)  # column → the value as written
    groups: dict[str, int] = field(default_factory=dict)  # group → first row naming it
    responses: list[tuple[str, int]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class Checker:
    """Normalises cell values for one campaign and validates conversations with the form."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.organisations = organisations.list_organisations()
        self.areas = {k.lower(): a.slug for a in campaign.areas for k in (a.slug, a.name)}
        self.group_slugs = {k.lower(): g.slug for g in campaign.groups for k in (g.slug, g.name)}
        self.formats = {k.lower(): slug for slug, label in FORMATS.items() for k in (slug, label)}
        self.shape = self._form(MultiDict())  # the choices json_to_formdata maps names onto
        self.secret = importids.installation_secret()

    def import_uuid(self, group: Group) -> str:
        """The conversation's UUID: from its organisation's id once the name is known (as the
        form matches it), so a renamed organisation keeps its UUIDs."""
        name = group.organisation.strip().lower()
        found = next((o for o in self.organisations if o.name.lower() == name), None)
        key = found.id if found is not None else " ".join(name.split())
        return importids.import_uuid(self.secret, self.campaign.slug, key, group.reference)

    def normalise(self, column: str, value: str) -> str:
        if not value:
            return ""
        if column == "date":
            return _iso_date(value)
        if column == "borough":
            return self.areas.get(value.lower(), value)
        if column == "format":
            key = re.sub(r"[\s_]+", "-", value.lower())
            return self.formats.get(value.lower()) or self.formats.get(key, value)
        if column == "consent_to_quote":
            answer = value.lower()
            return {"y": "yes", "true": "yes", "1": "yes", "n": "no", "false": "no", "0": "no"}.get(
                answer, answer
            )
        if column == "people_count":
            return value.replace(",", "")
        return value

    def form_for(self, group: Group, conversation_uuid: str) -> ConversationForm:
        values = {column: value for column, (value, _row) in group.values.items()}
        payload = values | {
            "campaign": self.campaign.slug,
            "organisation": group.organisation,
            "groups": [self.group_slugs.get(g.lower(), g) for g in group.groups],
            "responses": [text for text, _row in group.responses],
        }
        form = self._form(formdata.json_to_formdata(payload, conversation_uuid, self.shape))
        form.validate()
        return form

    def _form(self, data: MultiDict) -> ConversationForm:
        form = ConversationForm(formdata=data, meta={"csrf": False})
        form.set_choices(self.campaign.areas, self.campaign.groups, self.organisations)
        return form

    def explain(self, column: str, message: str, value: str) -> str:
        """The form's message, or a clearer one for a value it does not recognise."""
        if not value or not message.startswith(("Not a valid", "Invalid Choice")):
            return message
        if column == "organisation":
            return self.unknown_organisation(value)
        name, value = self.campaign.name, echo(value)
        if column == "borough":
            return f"“{value}” is not a borough of {name}: use one of " + ", ".join(
                a.name for a in self.campaign.areas
            )
        if column == "format":
            return f"“{value}” is not a format: use one of " + ", ".join(FORMATS)
        if column == "consent_to_quote":
            return f"“{value}” is not yes or no"
        if column == "date":
            return f"“{value}” is not a date: write it as YYYY-MM-DD, like 2023-07-01"
        if column == "people_count":
            return f"“{value}” is not a whole number of people, like 6"
        return message

    def unknown_organisation(self, value: str) -> str:
        names = [o.name for o in self.organisations]
        close = difflib.get_close_matches(value, names, n=1, cutoff=0.75)
        hint = f" Did you mean “{close[0]}”?" if close else ""
        return (
            f"Organisation “{echo(value)}” is not on the list of organisations.{hint} "
            "An administrator can add it under Organisations."
        )


def _iso_date(value: str) -> str:
    """YYYY-MM-DD as it is; DD/MM/YYYY (how UK spreadsheets save dates) turned into it."""
    text = value.strip().split(" ")[0].split("T")[0]
    match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if match:
        day, month, year = (int(x) for x in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return value
    return text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else value


def group_rows(rows: list[SheetRow], checker: Checker) -> tuple[list[Group], list[RowError]]:
    """Rows → conversations (by organisation and reference), with disagreements as errors."""
    groups: dict[tuple[str, str], Group] = {}
    loose: list[RowError] = []
    for row in rows:
        values = row.values
        reference, organisation = values["conversation_ref"], values["organisation"]
        if not reference:
            loose.append(
                RowError(
                    row.number,
                    "conversation_ref",
                    "Enter a conversation "
                    "reference: rows with the same reference form one conversation",
                )
            )
            continue
        key = (" ".join(organisation.lower().split()), reference)
        group = groups.setdefault(key, Group(reference, organisation))
        _add_row(group, row, checker)
    return list(groups.values()), loose


def _add_row(group: Group, row: SheetRow, checker: Checker) -> None:
    group.rows.append(row)
    values = row.values
    if "_stray" in values:
        group.errors.append(
            RowError(
                row.number,
                "",
                "This row has a value in a column with no "
                "heading: put text with commas in quotes, or remove it",
            )
        )
    if len(group.reference) > MAX_REFERENCE:
        group.errors.append(
            RowError(
                row.number,
                "conversation_ref",
                f"Reference must be {MAX_REFERENCE} characters or fewer",
            )
        )
    for column in SHARED_COLUMNS:
        value = checker.normalise(column, values[column])
        if not value:
            continue
        if column not in group.values:
            group.values[column] = (value, row.number)
            group.written[column] = values[column]
        elif group.values[column][0].lower() != value.lower():
            first_row = group.values[column][1]
            group.errors.append(
                RowError(
                    row.number,
                    column,
                    (
                        f"Rows of conversation “{echo(group.reference)}” disagree: "
                        f"row {first_row} says "
                        f"“{echo(group.written[column])}”, this row says “{echo(values[column])}”. "
                        f"One conversation has one {column}"
                    ),
                )
            )
    for name in filter(None, (g.strip() for g in values["groups"].split(";"))):
        group.groups.setdefault(name, row.number)
    if values["response"]:
        group.responses.append((values["response"], row.number))


def form_errors(form: ConversationForm, group: Group, checker: Checker) -> list[RowError]:
    first = group.rows[0].number
    found = []
    for name, messages in form.errors.items():
        column = FIELD_COLUMNS.get(name, name)
        if name == "groups":
            found += _group_errors(group, checker)
            continue
        value, row = group.values.get(column, ("", first))
        if name == "organisation":
            value = group.organisation
        for index, message in enumerate(messages):
            if isinstance(message, list) and message:  # one answer's errors (a FieldList entry)
                where = group.responses[index][1] if index < len(group.responses) else first
                found.append(RowError(where, column, message[0]))
        own = [m for m in messages if isinstance(m, str)]
        if own:  # like the form, one message per field: the first
            found.append(RowError(row, column, checker.explain(column, own[0], value)))
    return found


def _group_errors(group: Group, checker: Checker) -> list[RowError]:
    return [
        RowError(
            row,
            "groups",
            f"“{echo(name)}” is not a community group of {checker.campaign.name}: "
            "use names or slugs separated by “;”",
        )
        for name, row in group.groups.items()
        if name.lower() not in checker.group_slugs
    ] or [RowError(group.rows[0].number, "groups", "Check the community groups")]
