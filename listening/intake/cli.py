"""`flask intake …` commands."""

from flask.cli import AppGroup

intake_cli = AppGroup("intake", help="Import conversations.")
