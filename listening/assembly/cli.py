"""`flask assembly …` commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from listening.extensions import db

assembly_cli = AppGroup("assembly", help="Events, pledges and progress updates.")


@assembly_cli.command("import-updates")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", default=None, help="Only accept pledges of this campaign (slug).")
@click.option("--as", "email", default=None, help="Record the updates as this user (email).")
def import_updates_command(file: Path, campaign: str | None, email: str | None):
    """Import progress updates and readings from a CSV or XLSX FILE; prints a row-by-row report."""
    from listening.accounts import operations as accounts
    from listening.assembly import importer
    from listening.assembly.operations import AssemblyError
    from listening.intake import operations as intake

    campaign_id = None
    if campaign:
        found = intake.get_campaign(campaign)
        if found is None:
            raise click.BadParameter(f"No campaign “{campaign}”", param_hint="--campaign")
        campaign_id = found.id
    actor = accounts.find_user(email) if email else None
    if email and actor is None:
        raise click.BadParameter(f"No user with email {email}", param_hint="--as")
    try:
        report = importer.import_updates(file.read_bytes(), file.name, actor, campaign_id)
    except AssemblyError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    for row, column, reason in report.problems:
        click.echo(f"row {row}, column {column or '-'}: {reason}", err=True)
    click.echo(json.dumps(report.summary))
    if report.problems:
        sys.exit(1)
