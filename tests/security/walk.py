"""Walk every rule in app.url_map with URL values taken from the `world` fixture.

Shared by the route × role walk, the escaping test and the CSV test, so routes other
features add are covered without anyone listing them.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter, IntegerConverter, PathConverter

from listening.extensions import db

SKIP_METHODS = {"HEAD", "OPTIONS"}
JUNK_QUERY = {
    "campaign": "no-such-campaign",
    "theme": "<b>x</b>",
    "borough": "nowhere",
    "status": "??",
    "page": "-1",
    "q": "' OR 1=1 --",
    "ref": "%00",
    "sort": "drop",
    "lead": "0",
    "format": "x",
}


@dataclass(frozen=True)
class Target:
    """One URL to request: which rule, the concrete path, and whose data it names."""

    rule: Rule
    path: str
    owner: str | None  # "A" or "B" when the URL names that organisation's data
    tags: frozenset[str]  # "draft", "submitted", "missing" …


def _first_id(name: str) -> int | None:
    """The smallest id in the table a `<int:thing_id>` argument most likely names."""
    stem = name.removesuffix("_id")
    for table in db.metadata.sorted_tables:
        if (table.name.endswith(f"_{stem}") or table.name == stem) and "id" in table.c:
            return db.session.scalar(select(func.min(table.c.id)))
    return None


def values_for(rule: Rule, name: str, world) -> list[tuple[object, str | None, str | None]]:
    """(value, owning organisation, tag) samples for one URL argument."""
    converter = rule._converters.get(name)
    if isinstance(converter, AnyConverter):
        return [(item, None, None) for item in sorted(converter.items)]
    if isinstance(converter, PathConverter):
        return [
            ("css/app.css", None, None),
            ("../../listening/config.py", None, "missing"),
            ("nope.js", None, "missing"),
        ]
    if isinstance(converter, IntegerConverter):
        if name == "user_id":  # someone none of the walking clients is signed in as:
            # deactivating or resetting them must not end a walker's session mid-walk
            return [(world.bystander.id, None, None), (999_999, None, "missing")]
        if name == "organisation_id":
            return [
                (world.org_a.id, "A", None),
                (world.org_b.id, "B", None),
                (999_999, None, "missing"),
            ]
        found = _first_id(name)
        return ([(found, None, None)] if found is not None else []) + [(999_999, None, "missing")]
    if name == "uuid" or name.endswith("_uuid"):
        return [
            (world.draft.uuid, "A", "draft"),
            (world.submitted.uuid, "A", "submitted"),
            (str(uuid.uuid4()), None, "missing"),
            ("not-a-uuid", None, "missing"),
        ]
    if name in ("slug", "theme_slug", "theme"):
        return [("housing", None, None), ("no-such-theme", None, "missing")]
    if name in ("campaign", "campaign_slug"):
        return [(world.campaign.slug, None, None), ("no-such-campaign", None, "missing")]
    if name in ("ref", "reference"):
        return [
            (world.submitted.uuid, "A", "submitted"),
            (world.draft.reference, "A", "draft"),
            ("nope", None, "missing"),
        ]
    return [("1", None, None), ("nonexistent", None, "missing")]


def targets(app, world) -> Iterator[Target]:
    """Every rule with every combination of sample values (logout last: it ends sessions)."""
    rules = sorted(app.url_map.iter_rules(), key=lambda r: ("logout" in r.endpoint, r.rule))
    for rule in rules:
        names = sorted(rule.arguments)
        choices = [values_for(rule, name, world) for name in names]
        for combo in itertools.product(*choices):
            values = {name: sample[0] for name, sample in zip(names, combo, strict=True)}
            owners = {owner for _value, owner, _tag in combo if owner}
            tags = frozenset(tag for _value, _owner, tag in combo if tag)
            _domain, path = rule.build(values, append_unknown=False)
            yield Target(rule, path, owners.pop() if len(owners) == 1 else None, tags)


def methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - SKIP_METHODS, key=lambda m: m != "GET")


def request(client, method: str, path: str, query: dict | None = None):
    """GET (optionally with a junk query string), or any write with an empty body."""
    if method == "GET":
        response = client.get(path, query_string=query)
    else:
        response = client.open(path, method=method, data={})
    response.get_data()  # read it all, then close (static files hold a file open)
    response.close()
    return response
