"""The footer pages: their default text, and an admin's own text when they have saved one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from sqlalchemy import select

from listening import audit
from listening.accounts.models import User
from listening.extensions import db
from listening.pages.models import Page

TITLES = {
    "accessibility": "Accessibility statement",
    "privacy": "Privacy notice",
    "contact": "Contact us",
    "cookies": "Cookies",
}


@dataclass(frozen=True)
class PageText:
    slug: str
    title: str
    body: str
    updated_at: datetime | None  # None: the default text, never edited


def get_page(slug: str) -> PageText:
    """What the page says now: the saved text, else the default."""
    row = db.session.scalar(select(Page).where(Page.slug == slug))
    if row is not None:
        return PageText(slug, row.title, row.body, row.updated_at)
    return PageText(slug, TITLES[slug], default_body(slug), None)


def default_body(slug: str) -> str:
    return render_template(f"pages/defaults/{slug}.txt").strip() + "\n"


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
