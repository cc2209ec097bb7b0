"""`flask report …`: the campaign report from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from listening.extensions import db

report_cli = AppGroup("report", help="The campaign's \u201cwhat we heard\u201d report.")


@report_cli.command("pdf")
@click.option("--campaign", "campaign_slug", required=True, help="Slug of the campaign.")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="PDF file."
)
def pdf_command(campaign_slug: str, out: Path) -> None:
    """Write the report as a PDF: the current theme run, every reviewed theme and every quote
    that may be published. Records the report (audited, as the system); exit 1 when the
    campaign does not exist or the file cannot be written."""
    from listening.intake.operations import get_campaign
    from listening.report import documents, operations

    campaign = get_campaign(campaign_slug)
    if campaign is None:
        raise click.ClickException(f"Campaign \u201c{campaign_slug}\u201d does not exist.")
    report = operations.create_full_report(campaign, actor=None)
    data = documents.pdf_bytes(report)
    try:
        out.write_bytes(data)
    except OSError as error:
        db.session.rollback()
        raise click.ClickException(f"Cannot write {out}: {error.strerror}") from error
    db.session.commit()
    click.echo(
        f"Report {report.id} of {campaign.slug} ({len(data):,} bytes, theme run "
        f"{report.theme_run_id or 'none'}, {len(report.theme_ids)} themes, "
        f"{len(report.quote_ids)} quotes) written to {out}"
    )
