"""Errors and checks shared by the assembly operations."""

from __future__ import annotations

import math
from datetime import date, timedelta

from listening.accounts.models import User
from listening.intake.models import Campaign
from listening.organisations import operations as organisations
from listening.themes.queries import public_theme_names as theme_names

EARLIEST = date(2000, 1, 1)


class AssemblyError(ValueError):
    """A problem a person can fix; `field` names the form field (or JSON/CSV column)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def snapshot(row) -> dict:
    """Column values of a row, for the audit log."""
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _require(value, field_name: str, message: str):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise AssemblyError(field_name, message)
    return value.strip() if isinstance(value, str) else value


def _choice(value: str, choices: dict, field_name: str, message: str) -> str:
    if value not in choices:
        raise AssemblyError(field_name, message)
    return value


def _date_in_range(value: date | None, field_name: str, label: str, today: date) -> None:
    if value is None:
        return
    if value < EARLIEST:
        raise AssemblyError(field_name, f"{label} must be after 1 January 2000")
    if value > today + timedelta(days=366 * 20):
        raise AssemblyError(field_name, f"{label} must be within the next 20 years")


def _not_future(value: date, field_name: str, label: str, today: date) -> None:
    if value > today + timedelta(days=1):
        raise AssemblyError(field_name, f"{label} must be today or in the past")


def _valid_themes(campaign: Campaign, slugs) -> list[str]:
    slugs = [slug for slug in dict.fromkeys(slugs or ()) if slug]
    if not slugs:
        raise AssemblyError("themes", "Select at least one theme that the pledge answers")
    known = theme_names(campaign.id)
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise AssemblyError("themes", f"“{unknown[0]}” is not a theme of {campaign.name}")
    return slugs


def find_or_create_organisation(name: str, actor: User | None, type_: str = "other"):
    """Organisations are matched by name (case-insensitive) and created when new."""
    try:
        return organisations.find_or_create_organisation(name, actor, type_)
    except organisations.OrganisationError as error:
        raise AssemblyError("organisation", error.message) from error


def check_value(unit: str, value, field_name: str, label: str) -> float:
    """A number valid for the unit: percentages 0–100, counts and pounds not negative."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AssemblyError(field_name, f"{label} must be a number, like 42 or 12.5")
    value = float(value)
    if not math.isfinite(value):
        raise AssemblyError(field_name, f"{label} must be a number, like 42 or 12.5")
    if unit == "percent" and not 0 <= value <= 100:
        raise AssemblyError(field_name, f"{label} is a percentage, so it must be between 0 and 100")
    if unit in ("number", "gbp") and value < 0:
        raise AssemblyError(field_name, f"{label} cannot be negative")
    if abs(value) > 1e12:
        raise AssemblyError(field_name, f"{label} is too large")
    return value
