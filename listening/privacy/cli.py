"""`flask privacy find|export|erase REF`, `flask privacy purge-originals [--days N]` and
`flask privacy redact` (stdin → JSON lines, offline) and `flask privacy reredact`."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from listening.cli_input import stdin_lines
from listening.extensions import db

privacy_cli = AppGroup("privacy", help="Find, export and erase what is held about a conversation.")


def _holding(reference: str):
    from listening.privacy import operations

    try:
        return operations.collect(operations.get_conversation(reference))
    except operations.PrivacyError as error:
        raise click.ClickException(str(error)) from error


@privacy_cli.command("find")
@click.argument("reference")
def find_command(reference):
    """List what is held about the conversation(s) with this UUID or import reference."""
    from listening.privacy import operations

    found = operations.find_conversations(reference)
    if not found:
        raise click.ClickException(f"No conversation has the reference “{reference}”")
    for conversation in found:
        holding = operations.collect(conversation)
        click.echo(
            f"{conversation.uuid}  {conversation.status}  {conversation.organisation.name}  "
            f"{conversation.held_on or 'no date'}  responses={len(conversation.responses)}"
        )
        for name, rows in sorted(holding.related.items()):
            click.echo(f"  {name}: {len(rows)}")
        for name, rows in sorted(holding.pointers.items()):
            click.echo(f"  {name} (links, cleared on erase): {len(rows)}")
        click.echo(f"  audit events: {len(holding.audit_events)}")


@privacy_cli.command("export")
@click.argument("reference")
def export_command(reference):
    """Print everything held about one conversation as JSON."""
    from listening.privacy import operations

    holding = _holding(reference)
    data = operations.export(holding)
    operations.record_export(holding, None)
    db.session.commit()
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@privacy_cli.command("erase")
@click.argument("reference")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(reference, yes):
    """Erase one conversation and everything that hangs off it (audited)."""
    from listening.privacy import operations

    holding = _holding(reference)
    uuid = holding.conversation.uuid
    if not yes:
        click.confirm(f"Erase conversation {uuid}? This cannot be undone", abort=True)
    counts = operations.erase(holding, None)
    db.session.commit()
    click.echo(json.dumps({"erased": uuid, "deleted": counts}))


@privacy_cli.command("purge-originals")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Retention period (default: ORIGINAL_TEXT_RETENTION_DAYS).",
)
def purge_originals_command(days):
    """Clear the unredacted text of answers submitted longer ago than the retention period."""
    from listening.privacy import operations

    days = current_app.config["ORIGINAL_TEXT_RETENTION_DAYS"] if days is None else days
    count = operations.purge_originals(int(days), None)
    db.session.commit()
    click.echo(f"Cleared the original text of {count} answers submitted more than {days} days ago")


@privacy_cli.command("redact", with_appcontext=False)
@click.option(
    "--show-language", is_flag=True, help='Add "language" (the detected ISO code) to each line.'
)
def redact_command(show_language):
    """One answer per line on stdin → {"text", "redacted", "spans"} per line (no database).

    Span offsets count characters (code points) of "text"; kinds are the tag names. The
    language is detected per line and chooses the redactor's layers (unsure: the English
    ones); `--show-language` prints it too.
    """
    from listening.intake.redaction import find_pii, redact
    from listening.language import detect_language

    lines = stdin_lines()
    for text in lines:
        language = detect_language(text)
        found = find_pii(text, language=language)
        spans = [{"start": s.start, "end": s.end, "kind": s.kind} for s in found]
        row = {"text": text, "redacted": redact(text, language=language), "spans": spans}
        if show_language:
            row["language"] = language
        click.echo(json.dumps(row, ensure_ascii=False))


@privacy_cli.command("reredact")
@click.option("--campaign", "campaign_slug", default=None, help="Only this campaign's answers.")
@click.option("--batch", default=200, show_default=True, type=click.IntRange(1, 5000))
def reredact_command(campaign_slug, batch):
    """Re-apply the current redactor to stored answers made with an older one.

    Each batch is committed, so an interrupted run resumes where it stopped. Approved quotes of
    answers that change are withdrawn for re-approval; theme keywords, labels and cached
    embeddings of the old wording are dropped. Prints a JSON summary last.
    """
    from listening.intake import operations as intake
    from listening.privacy import operations

    campaign = None
    if campaign_slug:
        campaign = intake.get_campaign(campaign_slug)
        if campaign is None:
            raise click.ClickException(f"No campaign has the slug “{campaign_slug}”")
    query = operations.outdated_answers(campaign.id if campaign else None)
    ids = list(db.session.scalars(query))
    total = operations.ReredactReport()
    with click.progressbar(length=len(ids), label="Redacting again", file=sys.stderr) as bar:
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            total.add(operations.reredact_batch(chunk, None))
            db.session.commit()
            bar.update(len(chunk))
    click.echo(json.dumps(total.__dict__))
