"""`flask themes …` commands."""

from flask.cli import AppGroup

themes_cli = AppGroup("themes", help="Theme analysis.")
