"""The only place this package asks the themes package for anything.

Interface we rely on, looked up at call time so either package can ship first:

* ``listening.themes.queries.theme_people_counts(campaign_id, organisation_id=None)`` →
  ``{slug: {"people": int, "conversations": int, "responses": int,
  "by_borough": {area_slug: people}}}`` for published (reviewed) assignments only.
  ``organisation_id`` limits it to conversations facilitated by that organisation.
* ``listening.themes.queries.theme_names(campaign_id)`` → ``{slug: public name}`` (optional).

Without them we show the five SEL themes with "Analysis not yet published".
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field

DEFAULT_THEMES = {
    "housing": "Housing",
    "migration-race": "Migration and race",
    "work-wages-cost-of-living": "Work, wages and cost of living",
    "mental-health-isolation": "Mental health and social isolation",
    "children-young-people-parents": "Children, young people and parents",
}


@dataclass(frozen=True)
class ThemeCounts:
    people: int = 0
    conversations: int = 0
    responses: int = 0
    by_borough: dict[str, int] = field(default_factory=dict)


def _queries():
    try:
        return importlib.import_module("listening.themes.queries")
    except ImportError:
        return None


def theme_names(campaign_id: int) -> dict[str, str]:
    """Slug → public name: the campaign's taxonomy when published, else the SEL defaults."""
    module = _queries()
    names: dict[str, str] = {}
    if module is not None and hasattr(module, "theme_names"):
        names = dict(module.theme_names(campaign_id) or {})
    return names or dict(DEFAULT_THEMES)


def people_counts(
    campaign_id: int, organisation_id: int | None = None
) -> tuple[bool, dict[str, ThemeCounts]]:
    """(published?, slug → counts). Not published: (False, {})."""
    module = _queries()
    if module is None or not hasattr(module, "theme_people_counts"):
        return False, {}
    function = module.theme_people_counts
    if organisation_id is not None:
        if "organisation_id" not in inspect.signature(function).parameters:
            return False, {}
        raw = function(campaign_id, organisation_id=organisation_id)
    else:
        raw = function(campaign_id)
    if not raw:
        return False, {}
    return True, {slug: _counts(value) for slug, value in raw.items()}


def _counts(value: dict) -> ThemeCounts:
    return ThemeCounts(
        people=int(value.get("people") or 0),
        conversations=int(value.get("conversations") or 0),
        responses=int(value.get("responses") or 0),
        by_borough={str(k): int(v or 0) for k, v in (value.get("by_borough") or {}).items()},
    )


def subtheme_choices(campaign_id: int) -> list[tuple[int, str, str]]:
    """(sub-theme id, theme slug, label) of the current analysis, for tagging pledges.

    Uses ``theme_subthemes(campaign_id)`` when the themes package offers it, else its
    ``current_run`` and ``live_sub_themes``; empty when neither is there or nothing has run.
    """
    module = _queries()
    if module is None:
        return []
    if hasattr(module, "theme_subthemes"):
        return [(int(i), str(s), str(label)) for i, s, label in module.theme_subthemes(campaign_id)]
    if not (hasattr(module, "current_run") and hasattr(module, "live_sub_themes")):
        return []
    run = module.current_run(campaign_id)
    if run is None:
        return []
    try:
        return [
            (row.id, row.theme.slug, row.display_label)
            for row in module.live_sub_themes(run.id)
            if row.theme is not None
        ]
    except AttributeError:  # the themes package changed shape: tag by theme only
        return []
