"""`flask demo seed`: the SEL 2023 reference campaign and a Pol.is campaign."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from listening.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when any campaign already exists.")
@click.option("--seed", "seed", default=2023, show_default=True, help="Random seed.")
def seed_command(if_empty: bool, seed: int) -> None:
    """Create the demo campaigns, organisations, users and conversations (idempotent)."""
    from listening.assembly.demo import seed_assembly
    from listening.intake import screening
    from listening.intake.demo.seed import has_any_campaign, seed_demo, summary_lines
    from listening.intake.polis import realdata_dir

    if if_empty and has_any_campaign():
        click.echo("A campaign already exists: demo data not seeded (--if-empty).")
        return
    started = time.perf_counter()
    result = seed_demo(seed, realdata_dir(current_app.config.get("REALDATA_DIR")))
    db.session.commit()
    # the publication gate: only answers the current redactor and detector screened can be
    # themed or quoted, so the demo's are screened before its quotes are chosen
    screened = screening.screen_outdated()
    click.echo(f"Screened {screened.screened} answers ({screened.flagged} flagged).", err=True)
    seed_assembly(result.campaign, seed=seed)
    db.session.commit()
    for line in summary_lines(result):
        click.echo(line)
    click.echo(f"Seeded in {time.perf_counter() - started:.1f} s.")
