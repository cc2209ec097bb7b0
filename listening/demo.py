"""`flask demo seed`: the SEL 2023 reference campaign and a Pol.is campaign."""

from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")
