"""A stored report as a whole HTML document and as a PDF (the same template for both)."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template

from listening.report import content
from listening.report.models import Report


def html_document(report: Report, today: date | None = None) -> str:
    """The standalone document WeasyPrint lays out (no site header, its own stylesheet)."""
    return render_template("report/document.html", content=content.build(report, today))


def pdf_bytes(report: Report, today: date | None = None) -> bytes:
    from listening.report import pdf  # WeasyPrint loads Pango: only when a PDF is made

    return pdf.render(html_document(report, today), current_app.static_folder)


def filename(report: Report) -> str:
    return f"what-we-heard-{report.campaign.slug}-{report.id}.pdf"
