"""CLI groups: users, demo, intake, themes. Each feature's commands live in its package."""

from __future__ import annotations

import functools
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from listening import jobs
from listening.extensions import db

users_cli = AppGroup("users", help="Create users and API tokens.")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["partner", "reviewer", "admin", "safeguarding_lead"]),
    required=True,
)
@click.option("--organisation", default=None, help="Created if it does not exist.")
@click.option("--name", default="")
@click.option("--password", default=None, help="Prompted for when not given.")
def create_user_command(email, role, organisation, name, password):
    """Create a user (and its organisation if new)."""
    from listening.accounts import operations

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = operations.create_user(
            email, role, password, organisation_name=organisation, name=name
        )
    except operations.AccountError as error:
        raise click.BadParameter(error.message, param_hint=f"--{error.field}") from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="Command line", show_default=True, help="Where it will be used.")
@click.option(
    "--days",
    default=90,
    show_default=True,
    type=click.IntRange(0, 3650),
    help="Days until it expires (0: never).",
)
def token_command(email, name, days):
    """Print a new API token for the user (for the sync API only)."""
    from listening.accounts import operations

    user = operations.find_user(email)
    if user is None:
        raise click.BadParameter(f"No user with email {email}", param_hint="EMAIL")
    token = operations.issue_token(user, name=name, days=days)
    db.session.commit()
    click.echo(token)


def register(app: Flask) -> None:
    from listening.assembly.cli import assembly_cli
    from listening.demo import demo_cli
    from listening.follow.cli import follow_cli
    from listening.intake.cli import intake_cli
    from listening.privacy.cli import privacy_cli
    from listening.report.cli import report_cli
    from listening.themes.cli import themes_cli

    groups = (
        users_cli,
        demo_cli,
        intake_cli,
        themes_cli,
        privacy_cli,
        assembly_cli,
        follow_cli,
        report_cli,
    )
    for group in groups:
        for command in group.commands.values():
            _finish_jobs_after(command)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(intake_cli)
    app.cli.add_command(themes_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(assembly_cli)
    app.cli.add_command(follow_cli)
    app.cli.add_command(report_cli)


def _finish_jobs_after(command: click.Command) -> None:
    """Make `command` wait for the in-process jobs it started before it returns."""
    if getattr(command.callback, "finishes_jobs", False):
        return  # registered by an earlier app (the tests build several)
    callback = command.callback

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        finally:
            wait_for_jobs()

    run.finishes_jobs = True
    command.callback = run


def wait_for_jobs() -> None:
    """Wait, with a progress bar on stderr, for the in-process jobs still queued or running
    (a safeguarding check and theme assignment after an import, follow emails …): a command
    never exits under them. Stdout is left alone: its last line stays the command's own."""
    waiting = jobs.pending()
    if not waiting:
        return
    # End the command's own transaction (it committed what it meant to keep): on SQLite an
    # open one holds the write lock the jobs are waiting for.
    db.session.rollback()
    with click.progressbar(
        length=waiting, label="Finishing background jobs", file=sys.stderr
    ) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, done)
            bar.update(done - bar.pos)

        jobs.drain(progress)
