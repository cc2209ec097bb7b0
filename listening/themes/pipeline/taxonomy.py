"""The default SEL 2023 taxonomy and loading of `[{"slug", "name", "description"}]` JSON files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from .types import Theme

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Descriptions are lists of short phrases in the words facilitators hear; each phrase becomes a
# prototype the answers are compared with, so breadth matters more than polish.
DEFAULT_TAXONOMY: tuple[Theme, ...] = (
    Theme(
        "housing",
        "Housing",
        "Housing, homes and where people live. The landlord ignores the leak. Mould and damp in "
        "the flat. Overcrowded flat, the kids share one bedroom. Rent is too high. Temporary "
        "accommodation and hostels, moved out of the borough. Eviction notice, no-fault eviction. "
        "Years on the waiting list for council housing. Repairs never get done by the council or "
        "housing association. Homelessness, sofa surfing, sleeping rough. Private renting, "
        "deposits and letting agents. Cold home, broken heating, can't afford to heat the house. "
        "Unsafe building, cladding, lifts broken in the tower block.",
    ),
    Theme(
        "migration-race",
        "Migration and race",
        "Migration, immigration status and racism. Racism and discrimination because of the "
        "colour of my skin. Treated differently because I am Black or Asian. Asylum seekers "
        "waiting for a Home Office decision. No recourse to public funds. Visa and settled status "
        "worries, fear of deportation. Refugees and hostile environment. Not allowed to work "
        "while my asylum claim is processed. Language barrier, English is my second language, "
        "no interpreter at the GP. Islamophobia, hate crime and being stopped and searched by "
        "police. Culture and faith not respected, feeling like an outsider in this country.",
    ),
    Theme(
        "work-wages-cost-of-living",
        "Work, wages and cost of living",
        "Work, wages and the cost of living crisis. Wages are too low to live on. Zero-hours "
        "contract and insecure shifts. Working two jobs and still can't pay the bills. Food "
        "prices and energy bills keep going up. Using the food bank. Universal Credit and "
        "benefits cut or sanctioned. Debt and money worries. Can't find a job, unemployment. "
        "Not paid the London Living Wage. Travel and bus fares too expensive. Qualifications "
        "from abroad not recognised by employers. Poverty, can't afford the basics.",
    ),
    Theme(
        "mental-health-isolation",
        "Mental health and social isolation",
        "Mental health, loneliness and social isolation. I haven't spoken to anyone all week. "
        "Feeling lonely and isolated at home. Anxiety, depression and stress. Waiting months for "
        "counselling or talking therapy. No one to talk to. Older people living alone. Grief and "
        "bereavement. Nowhere to meet people, community centres closed. Struggling to cope, "
        "feeling low and hopeless. Can't get a GP appointment for mental health support. Carers "
        "burnt out and exhausted. Disabled and stuck indoors.",
    ),
    Theme(
        "children-young-people-parents",
        "Children, young people and parents",
        "Children, young people, families and parents. Nothing for teenagers to do round here. "
        "Youth clubs closed. Young people hanging around on the street, knife crime and gangs. "
        "Childcare is too expensive. Lone parent struggling to cope with the kids. School "
        "exclusions and special educational needs support, waiting for an EHCP. Bullying at "
        "school. Worried about my children's future. Kids spend all day on their phones and "
        "social media. Parents need support and parenting classes. Holiday clubs and free school "
        "meals. Students and apprenticeships for young people.",
    ),
)


def load_taxonomy(path: str | Path) -> tuple[Theme, ...]:
    """Read a taxonomy JSON file of `[{"slug", "name", "description"}, ...]`."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"Cannot read taxonomy file {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"Taxonomy file {path} is not valid JSON: {exc}") from exc
    return parse_taxonomy(raw)


def parse_taxonomy(raw: object) -> tuple[Theme, ...]:
    """Validate a decoded taxonomy list and return its themes, with clear messages on errors."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("Taxonomy must be a non-empty JSON list of {slug, name, description}.")
    themes = tuple(_parse_theme(i, item) for i, item in enumerate(raw))
    _check_unique(t.slug for t in themes)
    return themes


def _parse_theme(index: int, item: object) -> Theme:
    where = f"Taxonomy item {index + 1}"
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be an object with slug, name and description.")
    unknown = sorted(set(item) - {"slug", "name", "description"})
    if unknown:
        raise ValueError(f"{where} has unknown field(s): {', '.join(unknown)}.")
    values = {}
    for key in ("slug", "name", "description"):
        value = item.get(key, "" if key == "description" else None)
        if not isinstance(value, str):
            raise ValueError(f"{where}: {key!r} is required and must be a string.")
        values[key] = value.strip()
    if not _SLUG_RE.match(values["slug"]):
        raise ValueError(
            f"{where}: slug {values['slug']!r} must be lower-case letters, digits and hyphens."
        )
    if not values["name"]:
        raise ValueError(f"{where}: name must not be empty.")
    return Theme(**values)


def _check_unique(slugs: Iterable[str]) -> None:
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen:
            raise ValueError(f"Taxonomy slug {slug!r} appears more than once.")
        seen.add(slug)
