"""An Atom 1.0 feed (RFC 4287) of pledge progress updates, built with ElementTree."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from xml.etree import ElementTree as ET

from listening.assembly import progress

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _stamp(value) -> str:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(12, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat().replace("+00:00", "Z")


def updates_feed(
    campaign,
    updates,
    self_url: str,
    site_url: str,
    pledge_url,
    licence: dict | None = None,
    today: date | None = None,
) -> bytes:
    """`updates` newest first; `pledge_url(pledge_id)` gives an absolute URL.

    An entry's `updated` is the date the update reports on (its own date), not when it was
    typed in. Each entry carries the pledge's state today as categories: `overdue` (past its
    due date, not achieved) and `stale` (no update for longer than the campaign's interval).
    """
    today = today or date.today()
    feed = ET.Element(f"{{{ATOM}}}feed")
    _el(feed, "id", f"tag:listening,2023:{campaign.slug}:updates")
    _el(feed, "title", f"{campaign.name}: pledge progress updates")
    newest = max((u.posted_on for u in updates), default=campaign.created_at)
    _el(feed, "updated", _stamp(newest))
    _el(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _el(feed, "link", rel="alternate", href=site_url, type="text/html")
    if licence:
        _el(feed, "link", rel="license", href=licence["url"], title=licence["name"])
        _el(feed, "rights", f"Published under the {licence['name']}: {licence['url']}")
    author = _el(feed, "author")
    _el(author, "name", campaign.attribution or campaign.name)
    for update in updates:
        entry = _el(feed, "entry")
        _el(entry, "id", f"tag:listening,2023:{campaign.slug}:update:{update.id}")
        _el(entry, "title", f"{update.pledge.title}: {update.status.replace('-', ' ')}")
        _el(entry, "updated", _stamp(update.posted_on))
        _el(entry, "link", rel="alternate", href=pledge_url(update.pledge_id), type="text/html")
        _el(entry, "category", term=update.status, label=update.status.replace("-", " "))
        timely = progress.timeliness(update.pledge, today)
        notes = []
        if timely.overdue:
            _el(entry, "category", term="overdue", label="Overdue")
            notes.append(f"Overdue: this pledge was due on {update.pledge.due_on:%-d %B %Y}.")
        if timely.stale:
            _el(entry, "category", term="stale", label="Not updated")
            notes.append(f"No progress update for {timely.days_since_update} days.")
        if notes:
            _el(entry, "summary", " ".join(notes), type="text")
        _el(entry, "content", update.text, type="text")
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<?xml-stylesheet type="text/xsl" href="/assets/feed.xsl"?>\n'
        + ET.tostring(feed, encoding="unicode").encode()
    )
