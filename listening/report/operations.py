"""Choosing what goes in a report, and storing the choice (audited).

What a reviewer may choose: the themes a reviewer has marked reviewed, and the quotes that are
public now (approved, consented, submitted, still the answer's redacted words) of those themes
that also pass the redaction guard today: a quote in which the current redactor still finds
personal details never goes in a report, even one a reviewer approved by ticking "checked",
because a PDF cannot be withdrawn once sent. The same rules apply again when a stored report
is shown, so a quote withdrawn or erased since is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from listening import audit
from listening.accounts.models import User
from listening.assembly import quotes as assembly_quotes
from listening.assembly.models import Quote
from listening.extensions import db
from listening.intake.models import Campaign
from listening.report.models import Report
from listening.themes import queries as themes
from listening.themes.models import Theme, ThemeRun

MAX_QUOTES = 10_000  # every approved quote of a campaign (public_quotes needs a limit)


class ReportError(ValueError):
    """A choice a reviewer can fix; `field` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Choices:
    """What a report of the campaign can include now."""

    run: ThemeRun | None
    themes: list[Theme]
    quotes: list[Quote]  # in theme order, newest approval first within a theme


def passes_guard(quote: Quote) -> bool:
    """The current redactor finds nothing personal in the quote's published text."""
    return not assembly_quotes.personal_details(quote.text, quote.response.language)


def available(campaign: Campaign, run: ThemeRun | None = None) -> Choices:
    """Reviewed themes and the quotes of them that may be published in a report."""
    run = run or themes.current_run(campaign.id)
    reviewed = [t for t in themes.list_themes(campaign.id) if t.reviewed] if run else []
    order = {theme.slug: position for position, theme in enumerate(reviewed)}
    public = assembly_quotes.public_quotes(campaign.id, limit=MAX_QUOTES)
    chosen = [q for q in public if q.theme_slug in order and passes_guard(q)]
    chosen.sort(key=lambda q: order[q.theme_slug])  # stable: newest first within a theme
    return Choices(run, reviewed, chosen)


def create_report(
    campaign: Campaign, theme_ids: Iterable[int], quote_ids: Iterable[int], actor: User | None
) -> Report:
    """Store a report of the chosen themes and quotes, made from the current theme run."""
    choices = available(campaign)
    theme_ids, quote_ids = list(dict.fromkeys(theme_ids)), list(dict.fromkeys(quote_ids))
    themes_by_id = {t.id: t for t in choices.themes}
    quotes_by_id = {q.id: q for q in choices.quotes}
    if any(i not in themes_by_id for i in theme_ids):
        raise ReportError("themes", "Choose only themes that a reviewer has marked reviewed")
    if any(i not in quotes_by_id for i in quote_ids):
        raise ReportError("quotes", "Choose only published quotes of the themes listed")
    slugs = {themes_by_id[i].slug for i in theme_ids}
    if any(quotes_by_id[i].theme_slug not in slugs for i in quote_ids):
        raise ReportError(
            "quotes", "A chosen quote belongs to a theme you left out: include the theme too"
        )
    report = Report(
        campaign_id=campaign.id,
        theme_run_id=choices.run.id if choices.run else None,
        theme_ids=theme_ids,
        quote_ids=quote_ids,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(report, "report.create", actor, None, _snapshot(report))
    return report


def create_full_report(campaign: Campaign, actor: User | None) -> Report:
    """The command line's report: every reviewed theme and every quote that may go in."""
    choices = available(campaign)
    return create_report(
        campaign, [t.id for t in choices.themes], [q.id for q in choices.quotes], actor
    )


def get_report(report_id: int) -> Report | None:
    return db.session.get(Report, report_id)


def list_reports(campaign: Campaign, limit: int = 20) -> list[Report]:
    return list(
        db.session.scalars(
            select(Report)
            .where(Report.campaign_id == campaign.id)
            .order_by(Report.id.desc())
            .limit(limit)
        )
    )


def _snapshot(report: Report) -> dict:
    return {column.key: getattr(report, column.key) for column in report.__table__.columns}
