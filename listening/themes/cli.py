"""`flask themes …` commands: run an analysis, assign stdin lines, run an RQ worker."""

from __future__ import annotations

import json
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from listening.cli_input import stdin_lines
from listening.themes.models import RunStatus

themes_cli = AppGroup("themes", help="Theme analysis.")
TAXONOMY_OPTION = click.option(
    "--taxonomy",
    "taxonomy_path",
    default=None,
    metavar="FILE.json",
    help='Themes as [{"slug", "name", "description"}, ...]; default: the SEL five.',
)


def _taxonomy(path: str | None):
    """The taxonomy file's themes, or the SEL five; exit 2 with the reason when it is wrong."""
    from listening.themes.pipeline import DEFAULT_TAXONOMY, load_taxonomy

    try:
        return load_taxonomy(path) if path else DEFAULT_TAXONOMY
    except ValueError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)


@themes_cli.command("assign", with_appcontext=False)
@TAXONOMY_OPTION
def assign_command(taxonomy_path):
    """One response per line on stdin → one JSON object per line on stdout (no database).

    Each line's language is detected; answers in another language are scored by the
    multilingual model (see listening/themes/pipeline/multilingual.py)."""
    from listening.language import detect_language
    from listening.themes.pipeline import assign_texts
    from listening.themes.pipeline.multilingual import MultilingualEmbedder

    taxonomy = _taxonomy(taxonomy_path)
    lines = stdin_lines()
    languages = [detect_language(line) for line in lines]
    multilingual = MultilingualEmbedder()
    for row in assign_texts(lines, taxonomy, languages=languages, multilingual=multilingual):
        click.echo(json.dumps(row, ensure_ascii=False))


@themes_cli.command("discover", with_appcontext=False)
@TAXONOMY_OPTION
def discover_command(taxonomy_path):
    """One answer per line on stdin → one JSON document of sub-themes on stdout (no database).

    Each line's language is detected; lines in another language are themed and placed in a
    sub-theme by the multilingual model, as in a run in the app."""
    from listening.language import detect_language
    from listening.themes.pipeline import discover_texts
    from listening.themes.pipeline.multilingual import MultilingualEmbedder

    taxonomy = _taxonomy(taxonomy_path)
    lines = stdin_lines()
    languages = [detect_language(line) for line in lines]
    out = discover_texts(lines, taxonomy, languages=languages, multilingual=MultilingualEmbedder())
    click.echo(json.dumps(out, ensure_ascii=False))


@themes_cli.command("run")
@click.option("--campaign", "campaign_slug", default=None, help="Campaign slug (default: latest).")
@click.option("--seed", type=int, default=None, help="Random seed (default: THEMES_SEED).")
@click.option(
    "--if-none", is_flag=True, help="Do nothing when the campaign already has a finished run."
)
@click.option(
    "--publish",
    is_flag=True,
    help="After a successful run, mark every theme reviewed, which publishes its counts "
    "(for demo data, or answers already reviewed elsewhere).",
)
def run_command(campaign_slug, seed, if_none, publish):
    """Run a theme analysis now, printing progress, then a JSON summary."""
    from listening.extensions import db
    from listening.intake.operations import default_campaign, get_campaign
    from listening.themes import operations, queries, runs

    campaign = get_campaign(campaign_slug) if campaign_slug else default_campaign()
    if campaign is None:
        raise click.BadParameter(f"No campaign {campaign_slug!r}.", param_hint="--campaign")
    if if_none and queries.current_run(campaign.id) is not None:
        click.echo(f"{campaign.slug} already has a theme analysis: not run again (--if-none).")
        return
    seed = current_app.config.get("THEMES_SEED", 42) if seed is None else seed
    try:
        run = operations.start_run(
            campaign,
            None,
            seed=seed,
            heartbeat_timeout=current_app.config["THEMES_HEARTBEAT_TIMEOUT"],
        )
    except operations.RunInProgress as error:
        raise click.ClickException(f"{error} (run {error.run.id})") from error
    db.session.commit()
    click.echo(f"Run {run.id} of {campaign.slug} (seed {seed})")
    started = time.monotonic()
    run = _run_with_echo(run.id, runs)
    summary = _summary(run, queries, time.monotonic() - started)
    click.echo(json.dumps(summary))
    if run.status != RunStatus.SUCCEEDED:
        sys.exit(1)
    if publish:
        for theme in queries.list_themes(campaign.id):
            operations.mark_theme_reviewed(theme, None)
        db.session.commit()
        click.echo("Every theme marked reviewed: counts are public.", err=True)


def _run_with_echo(run_id, runs):
    """Execute the run, echoing each new progress message to stderr."""
    from listening.extensions import db
    from listening.themes.models import ThemeRun

    shown: list[str] = []

    def echo(percent: int, message: str) -> None:
        if not shown or shown[-1] != message:
            shown.append(message)
            click.echo(f"  {percent:3d}%  {message}", err=True)

    runs.execute_run(run_id, on_progress=echo)
    return db.session.get(ThemeRun, run_id)


def _summary(run, queries, seconds: float) -> dict:
    counts = (
        queries.theme_people_counts(run.campaign_id, reviewed_only=False)
        if run.status == RunStatus.SUCCEEDED
        else {}
    )
    return {
        "run": run.id,
        "status": run.status,
        "seconds": round(seconds, 1),
        "responses": run.n_responses,
        "labels": run.n_labels,
        "skipped_responses": (run.parameters or {}).get("skipped_responses", 0),
        "cross_val_accuracy": run.cross_val_accuracy,
        "error": run.error or None,
        "themes": {
            slug: {"responses": c["responses"], "people": c["people"]} for slug, c in counts.items()
        },
    }


@themes_cli.command("worker")
def worker_command():
    """An RQ worker that loads the model once and keeps it: jobs run in-process, no fork."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("Set LISTENING_REDIS_URL to run a worker.")
    from redis import Redis
    from rq import Queue, SimpleWorker

    from listening.themes.tasks import fail_orphaned_runs, warm

    app = current_app._get_current_object()
    orphans = fail_orphaned_runs()
    if orphans:
        click.echo(f"{orphans} theme run(s) left by a stopped worker marked failed.", err=True)

    class AppWorker(SimpleWorker):
        def execute_job(self, job, queue):
            with app.app_context():  # a fresh context (and session) per job
                return super().execute_job(job, queue)

    warm()
    from listening.themes.sweep import sweep

    counts = sweep()  # what a stopped process left: unscreened, unembedded, unassigned answers
    click.echo(f"Sweep: {json.dumps(counts)}", err=True)
    connection = Redis.from_url(url)
    AppWorker([Queue("listening", connection=connection)], connection=connection).work()
