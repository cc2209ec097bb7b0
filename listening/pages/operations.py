"""The footer pages: their default text, and an admin's own text when they have saved one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from sqlalchemy import select

from listening import audit
from listening.accounts.models import User
from listening.extensions import db
from listening.i18n import N_
from listening.pages.models import Page

TITLES = {
    "accessibility": N_("Accessibility statement"),
    "privacy": N_("Privacy notice"),
    "contact": N_("Contact us"),
    "cookies": N_("Cookies"),
}


@dataclass(frozen=True)
class PageText:
    slug: str
    title: str
    body: str
    updated_at: datetime | None  # None: the default text, never edited
    lang: str = "en"  # the language the text is written in


def get_page(slug: str, locale: str = "en") -> PageText:
    """What the page says now: the saved text (in the language it was typed in, English),
    else the default text, in `locale` when it has been translated."""
    row = db.session.scalar(select(Page).where(Page.slug == slug))
    if row is not None:
        return PageText(slug, row.title, row.body, row.updated_at)
    lang = locale if locale != "en" and _has_default(slug, locale) else "en"
    return PageText(slug, TITLES[slug], default_body(slug, lang), None, lang)


def _default_name(slug: str, locale: str) -> str:
    return f"pages/defaults/{slug}.txt" if locale == "en" else f"pages/defaults/{locale}/{slug}.txt"


def _has_default(slug: str, locale: str) -> bool:
    return _default_name(slug, locale) in current_app.jinja_env.list_templates()


def default_body(slug: str, locale: str = "en") -> str:
    return render_template(_default_name(slug, locale)).strip() + "\n"


def save_page(slug: str, title: str, body: str, actor: User | None) -> Page:
    """Replace the page's text (audited, before and after)."""
    if slug not in TITLES:
        raise ValueError(f"no page {slug!r}")
    row = db.session.scalar(select(Page).where(Page.slug == slug))
    before = {"title": row.title, "body": row.body} if row is not None else None
    if row is None:
        row = Page(slug=slug)
        db.session.add(row)
    row.title, row.body = title.strip(), body.strip() + "\n"
    row.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    audit.record(
        row,
        "pages.update" if before else "pages.create",
        actor,
        before,
        {"title": row.title, "body": row.body},
    )
    return row
