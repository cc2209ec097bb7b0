"""`flask intake …` commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

intake_cli = AppGroup(
    "intake", help="Import conversations; check answers for safeguarding disclosures."
)


@intake_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--campaign", "campaign_slug", required=True, help="Slug of the campaign.")
def import_command(file: str, campaign_slug: str) -> None:
    """Import a CSV or XLSX file in the import template.

    Row errors go to stderr as "row N, COLUMN: reason"; the last line on stdout is the JSON
    summary {"created": N, "duplicates": N, "errors": N} (errors = rows with an error).
    Exit status 0 when the file was read (even if some rows had errors), 1 when it could not
    be read at all or the campaign does not exist. Acts as the system (no user), audited.
    Committed a batch of conversations at a time, with a progress bar on stderr; the
    safeguarding check and theme assignment of what was imported finish before it exits.
    """
    from listening.extensions import db
    from listening.intake import importers, operations

    campaign = operations.get_campaign(campaign_slug)
    if campaign is None:
        raise click.ClickException(f"Campaign “{campaign_slug}” does not exist.")
    try:
        job = importers.start_import(Path(file).read_bytes(), Path(file).name, campaign, None)
    except OSError as error:
        raise click.ClickException(f"{file}: {error.strerror or error}") from error
    except importers.ImportFileError as error:
        raise click.ClickException(f"{file}: {error.message}") from error
    db.session.commit()
    with click.progressbar(length=1, label="Importing", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        report = importers.report_for(importers.run_import(job.id, progress))
    for error in report.errors:
        click.echo(f"row {error.row}, {error.column or '-'}: {error.reason}", err=True)
    for skipped in report.skipped:
        rows = ", ".join(str(r) for r in skipped.rows)
        click.echo(
            f"not imported: “{skipped.reference}” of {skipped.organisation} (rows {rows})", err=True
        )
    click.echo(json.dumps(report.summary()))


@intake_cli.command("follow-round")
@click.option("--campaign", "campaign_slug", required=True, help="The later round.")
@click.option("--previous", "previous_slug", default="", help="The round it follows ('' for none).")
def follow_round_command(campaign_slug: str, previous_slug: str) -> None:
    """Declare that a campaign is the next listening round after another (compared over time)."""
    from listening.extensions import db
    from listening.intake import operations

    campaign = operations.get_campaign(campaign_slug)
    previous = operations.get_campaign(previous_slug) if previous_slug else None
    if campaign is None or (previous_slug and previous is None):
        missing = campaign_slug if campaign is None else previous_slug
        raise click.ClickException(f"Campaign “{missing}” does not exist.")
    try:
        operations.set_previous_round(campaign, previous, actor=None)
    except operations.RoundError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{campaign.slug} follows {previous.slug if previous else 'no earlier round'}.")


@intake_cli.command("safeguarding-check")
@click.option("--rules-only", is_flag=True, help="Skip the model stages (no model).")
def safeguarding_check_command(rules_only: bool) -> None:
    """One answer per line on stdin → {"text", "flag", "kind"} per line (offline, no database).

    The same detector as intake: the rules, the classifier and the similarity to described
    situations; an answer not in English is flagged `unread_language` (a person reads it).
    """
    from listening.cli_input import stdin_lines
    from listening.intake.safeguarding import detector, tasks

    lines = stdin_lines()
    found = detector.Detector() if rules_only else tasks.full_detector()
    for text, finding in zip(lines, found.check(lines), strict=True):
        row = {"text": text, "flag": finding.flag, "kind": finding.kind}
        click.echo(json.dumps(row, ensure_ascii=False))


@intake_cli.command("detect-languages")
@click.option("--batch", default=500, show_default=True, help="Answers per commit.")
def detect_languages_command(batch: int) -> None:
    """Record the language of answers that have none (stored before it was detected).

    Committed per batch (resumable); JSON counts last: {"looked_at": N, "detected": N}.
    """
    from listening.extensions import db
    from listening.intake import operations

    last, looked_at, detected = 0, 0, 0
    while True:
        last, looked, found = operations.detect_missing_languages(last, max(batch, 1))
        db.session.commit()
        if not looked:
            break
        looked_at, detected = looked_at + looked, detected + found
    click.echo(json.dumps({"looked_at": looked_at, "detected": detected}))


@intake_cli.command("rescreen")
@click.option("--campaign", "campaign_slug", default=None, help="Only this campaign's answers.")
@click.option(
    "--all", "everything", is_flag=True, help="Every answer, not only those screened before."
)
def rescreen_command(campaign_slug: str | None, everything: bool) -> None:
    """Screen again, with the current redactor and safeguarding detector, every answer of a
    submitted conversation that they have not screened (with --all: every answer).

    Batches are committed and audited one by one, so a pass that is stopped resumes where it
    stopped when run again. A progress bar goes to stderr; the last line on stdout is
    {"screened": N, "flagged": N, "redacted": N, "cleared": N} (flagged: newly flagged;
    redacted: answers whose redacted text changed). Run it after an upgrade that changes
    either version: until then, the answers they have not screened are not published.
    """
    import sys

    from listening.extensions import db
    from listening.intake import operations, screening

    campaign = operations.get_campaign(campaign_slug) if campaign_slug else None
    if campaign_slug and campaign is None:
        raise click.ClickException(f"Campaign “{campaign_slug}” does not exist.")
    campaign_id = campaign.id if campaign else None
    started = screening.start_full_pass(campaign_id, None) if everything else None
    todo = screening.count_outdated(campaign_id, started)
    db.session.commit()
    with click.progressbar(
        length=todo, label="Screening answers", file=sys.stderr, show_pos=True
    ) as bar:
        report = screening.screen_outdated(
            campaign_id, None, started, on_batch=lambda n, _total: bar.update(n)
        )
    if started is not None:
        screening.finish_full_pass(campaign_id, started, None)
    click.echo(json.dumps(report.as_dict()))
