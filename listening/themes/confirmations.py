"""What moving, merging or splitting a sub-theme changes, in words, for the confirmation page
(listening/confirm.py). Read-only: counts come from the current assignments."""

from __future__ import annotations

from collections.abc import Sequence

from listening.confirm import Confirmation, plural
from listening.extensions import db
from listening.themes import queries
from listening.themes.models import SubTheme, Theme, ThemeRun
from listening.themes.operations import ThemeError

MAX_KEYWORDS = 12  # operations.merge_sub_themes keeps this many


def _members(sub: SubTheme) -> list[queries.Effective]:
    run = db.session.get(ThemeRun, sub.run_id)
    return [row for row in queries.effective(run.campaign_id) if row.sub_theme_id == sub.id]


def _where(sub: SubTheme) -> str:
    return f"“{sub.theme.name}”" if sub.theme is not None else "the emerging sub-themes"


def _named(sub: SubTheme) -> str:
    if sub.reviewer_label:
        return f"the name a reviewer gave it (“{sub.reviewer_label}”)"
    return f"its name (“{sub.label}”)"


def move(sub: SubTheme, theme: Theme) -> Confirmation:
    members = _members(sub)
    placed = sum(1 for row in members if row.source == "reviewer")
    losses = [
        f"Its {plural(len(members), 'answer')} move from {_where(sub)} to “{theme.name}” and "
        f"count towards “{theme.name}” from now on.",
    ]
    if placed:
        losses.append(
            f"{plural(placed, 'answer was', 'answers were')} placed by a reviewer before: "
            "those choices are replaced by this move."
        )
    return Confirmation(
        heading=f"Move “{sub.display_label}” to “{theme.name}”?",
        caption="Sub-theme",
        losses=losses,
        kept=["Its name, keywords and example answers stay as they are."],
        button="Yes, move this sub-theme",
        undoable=not placed,
    )


def merge(source: SubTheme, target: SubTheme) -> Confirmation:
    moving, staying = len(_members(source)), len(_members(target))
    extra = [k for k in source.keywords or [] if k not in (target.keywords or [])]
    room = max(0, MAX_KEYWORDS - len(target.keywords or []))
    losses = [
        f"“{source.display_label}”’s {plural(moving, 'answer')} move to "
        f"“{target.display_label}”, which will have {plural(moving + staying, 'answer')}.",
        f"“{source.display_label}” is gone from the list, with {_named(source)} and its "
        "example answers.",
    ]
    if len(extra) > room:
        losses.append(
            f"{plural(len(extra) - room, 'keyword')} of “{source.display_label}” "
            f"{'is' if len(extra) - room == 1 else 'are'} dropped "
            f"(a sub-theme keeps {MAX_KEYWORDS})."
        )
    losses.append(
        "Splitting them again later picks answers by what they say, not by where they came from."
    )
    return Confirmation(
        heading=f"Merge “{source.display_label}” into “{target.display_label}”?",
        caption=f"Sub-themes of {_where(source)}",
        losses=losses,
        kept=[f"“{target.display_label}” keeps its name."],
        button="Yes, merge these sub-themes",
    )


def split(sub: SubTheme, response_ids: Sequence[int], label: str) -> Confirmation:
    members = [row.response_id for row in _members(sub)]
    chosen = [rid for rid in members if rid in set(response_ids)]
    if response_ids and (not chosen or len(chosen) == len(members)):
        raise ThemeError("Choose some, but not all, of the sub-theme's answers to split off.")
    new = f"a new sub-theme “{label.strip()}”" if label.strip() else "a new sub-theme"
    if chosen:
        moving = (
            f"{plural(len(chosen), 'answer')} you ticked move to {new}; "
            f"{len(members) - len(chosen):,} stay in “{sub.display_label}”."
        )
    else:
        moving = (
            f"About half of its {plural(len(members), 'answer')}, picked by what they say, "
            f"move to {new}."
        )
    return Confirmation(
        heading=f"Split “{sub.display_label}”?",
        caption=f"Sub-theme of {_where(sub)}",
        losses=[
            moving,
            f"The keywords, model’s label and example answers of “{sub.display_label}” are "
            "worked out again from the answers that stay.",
            "Merging them again later keeps only one name.",
        ],
        kept=[
            f"The name a reviewer gave it (“{sub.reviewer_label}”) stays with the answers "
            "that do not move."
        ]
        if sub.reviewer_label
        else [],
        button="Yes, split this sub-theme",
    )
