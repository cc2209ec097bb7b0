import click
from flask import current_app
from flask.cli import AppGroup

from listening.extensions import db

follow_cli = AppGroup("follow", help="Email follows of pledges and themes.")


@follow_cli.command("purge-unconfirmed")
def purge_unconfirmed_command():
    """Delete follows (and their email addresses) not confirmed within FOLLOW_CONFIRM_DAYS."""
    from listening.follow import operations

    days = int(current_app.config["FOLLOW_CONFIRM_DAYS"])
    count = operations.purge_unconfirmed(days)
    db.session.commit()
    click.echo(f"Deleted {count} follows not confirmed within {days} days")
