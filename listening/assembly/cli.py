"""`flask assembly …` commands."""

from flask.cli import AppGroup

assembly_cli = AppGroup("assembly", help="Events, pledges and progress updates.")
