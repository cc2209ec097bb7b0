"""The open data's Frictionless Data Package: one Table Schema per CSV download.

The CSV headers are taken from these schemas (`header()`), so a download and its description
cannot drift apart; a test validates the package and the CSVs with `frictionless`.
Conventions: an empty cell is a missing value (a suppressed or unpublished count, or a date
not set); booleans are written "yes" and "no"; dates are ISO 8601 (YYYY-MM-DD).
"""

from __future__ import annotations

from listening.assembly.models import DIRECTIONS, STATUSES, UNITS

PROFILE = "tabular-data-package"


def _f(name: str, type_: str, description: str, **constraints) -> dict:
    field = {"name": name, "type": type_, "description": description}
    if type_ == "boolean":
        field.update(trueValues=["yes"], falseValues=["no"])
    if constraints:
        field["constraints"] = constraints
    return field


def _count(name: str, what: str) -> list[dict]:
    return [
        _f(name, "integer", f"{what}; empty when suppressed or not published", minimum=0),
        _f(f"{name}_suppressed", "boolean", f"yes when {what} is a small count not shown"),
    ]


STATUS = {"enum": list(STATUSES)}

TABLES: dict[str, tuple[str, list[dict]]] = {
    "pledges": (
        "Pledges signed at the assembly, with status, progress and dates",
        [
            _f("id", "integer", "Pledge number", required=True, unique=True, minimum=1),
            _f("title", "string", "Short title", required=True),
            _f("commitment", "string", "What was promised", required=True),
            _f("themes", "string", "Theme slugs the pledge answers, separated by ';'"),
            _f("status", "string", "Status at the latest update", required=True, **STATUS),
            _f("progress", "integer", "Percent complete", required=True, minimum=0, maximum=100),
            _f("progress_basis", "string", "What progress is worked out from"),
            _f("lead_organisation", "string", "Organisation leading the pledge", required=True),
            _f("borough", "string", "Borough slug; empty for the whole region"),
            _f("signed_on", "date", "Date signed"),
            _f("due_on", "date", "Date due"),
            _f("last_updated", "date", "Date of the latest progress update", required=True),
            _f("days_since_update", "integer", "Days since the latest update", minimum=0),
            _f("next_update_due", "date", "Next update expected by; empty once achieved"),
            _f("overdue", "boolean", "Past its due date and not achieved", required=True),
            _f("stale", "boolean", "No update for longer than the campaign's interval"),
            _f("signatories", "string", "Person, role, organisation; signatories split by ';'"),
        ],
    ),
    "updates": (
        "Dated progress updates on each pledge",
        [
            _f("pledge_id", "integer", "Pledge number", required=True),
            _f("pledge_title", "string", "Pledge title", required=True),
            _f("date", "date", "Date the update reports on", required=True),
            _f("status", "string", "Status at this update", required=True, **STATUS),
            _f("text", "string", "What has happened", required=True),
            _f("reported_by", "string", "Who reported it"),
        ],
    ),
    "readings": (
        "Measures behind each pledge and their readings over time",
        [
            _f("pledge_id", "integer", "Pledge number", required=True),
            _f("metric", "string", "What is measured", required=True),
            _f("unit", "string", "Unit", required=True, enum=list(UNITS)),
            _f("direction", "string", "Which way is better", required=True, enum=list(DIRECTIONS)),
            _f("baseline", "number", "Value when the pledge was signed", required=True),
            _f("target", "number", "Value promised", required=True),
            _f("target_on", "date", "Date the target is due"),
            _f("date", "date", "Date of the reading", required=True),
            _f("value", "number", "The reading", required=True),
        ],
    ),
    "themes": (
        "People and conversations behind each theme, and its pledges",
        [
            _f("slug", "string", "Theme slug", required=True, unique=True),
            _f("name", "string", "Theme name", required=True),
            _f("published", "boolean", "yes once the engagement team has reviewed the theme"),
            *_count("people", "people who raised the theme"),
            *_count("conversations", "conversations in which it was raised"),
            _f("pledges", "integer", "Pledges answering the theme", required=True, minimum=0),
            _f("average_progress", "integer", "Mean percent complete", minimum=0, maximum=100),
        ],
    ),
}

FOREIGN_KEYS = {
    "updates": "pledge_id",
    "readings": "pledge_id",
}


def header(name: str) -> tuple[str, ...]:
    return tuple(field["name"] for field in TABLES[name][1])


def _resource(name: str, path: str) -> dict:
    title, fields = TABLES[name]
    schema: dict = {"fields": fields, "missingValues": [""]}
    if name == "pledges":
        schema["primaryKey"] = ["id"]
    if name in FOREIGN_KEYS:
        key = FOREIGN_KEYS[name]
        schema["foreignKeys"] = [
            {"fields": [key], "reference": {"resource": "pledges", "fields": ["id"]}}
        ]
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "schema": schema,
    }


def package(campaign, licence: dict, path_for, homepage: str) -> dict:
    """The descriptor; `path_for(name)` gives each CSV's path (relative or absolute)."""
    return {
        "profile": PROFILE,
        "name": f"{campaign.slug}-pledge-tracker",
        "title": f"{campaign.name}: pledge tracker open data",
        "description": "What people said, the pledges leaders signed and progress on them. "
        "Counts of fewer people than the publication threshold are left empty and flagged.",
        "homepage": homepage,
        "licenses": [{"path": licence["url"], "title": licence["name"]}],
        "resources": [_resource(name, path_for(name)) for name in TABLES],
    }
