"""`flask themes assign` (the stdin → JSON lines contract) and `flask themes run`."""

from __future__ import annotations

import json

import pytest

from listening import create_app
from listening.themes import queries

pytestmark = pytest.mark.slow

KEYS = {"text", "theme", "score", "themes", "language"}
SLUGS = {
    "housing",
    "migration-race",
    "work-wages-cost-of-living",
    "mental-health-isolation",
    "children-young-people-parents",
}


@pytest.fixture(scope="module")
def offline_runner():
    """An app whose database URL points nowhere: `themes assign` must not need it."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nowhere",
        }
    )
    return app.test_cli_runner(mix_stderr=False) if _mixes() else app.test_cli_runner()


def _mixes() -> bool:
    import inspect

    from click.testing import CliRunner

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


def test_assign_one_json_object_per_line_in_order(offline_runner, embedder):
    lines = [
        "The landlord ignores the leak and the mould is back.",
        "",
        "I skip meals so the kids can eat",
        "🙂",
        "Waited nine months for counselling",
    ]
    result = offline_runner.invoke(args=["themes", "assign"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == lines
    assert all(set(r) == KEYS for r in rows)
    assert rows[0]["theme"] == "housing"
    assert rows[1]["theme"] is None and rows[3]["theme"] is None
    assert rows[4]["theme"] == "mental-health-isolation"
    assert [r["language"] for r in rows] == ["en", None, "en", None, "en"]
    for row in rows:
        assert {t["slug"] for t in row["themes"]} == SLUGS
        scores = [t["score"] for t in row["themes"]]
        assert scores == sorted(scores, reverse=True)
        assert isinstance(row["score"], float)


def test_assign_takes_answers_in_other_languages_on_the_same_contract(offline_runner, embedder):
    lines = {
        "Gurigayaga waxaa qol kasta ku jira caaryaan, dawladda hoose weli ma iman.": "so",
        "Desde que murió mi marido estoy sola en casa y no hablo con nadie.": "es",
        "Dairemizin her odasında küf var ve belediye sızıntıyı tamir etmedi.": "tr",
        "The landlord ignores the leak and the mould is back.": "en",
    }
    result = offline_runner.invoke(args=["themes", "assign"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == list(lines)
    assert [r["language"] for r in rows] == list(lines.values())
    assert all(set(r) == KEYS for r in rows)
    assert [r["theme"] for r in rows] == [
        "housing",
        "mental-health-isolation",
        "housing",
        "housing",
    ]


def test_assign_with_a_taxonomy_file(offline_runner, tmp_path, embedder):
    path = tmp_path / "taxonomy.json"
    path.write_text(
        json.dumps(
            [
                {"slug": "transport", "name": "Transport", "description": "Buses, trains, fares."},
                {"slug": "food", "name": "Food", "description": "Food bank, meals, hunger."},
            ]
        )
    )
    result = offline_runner.invoke(
        args=["themes", "assign", "--taxonomy", str(path)],
        input="The 63 bus never comes on time\nno line end",
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2 and rows[0]["theme"] == "transport"
    assert {t["slug"] for t in rows[0]["themes"]} == {"transport", "food"}


@pytest.mark.parametrize("content", ["not json", "[]", '[{"slug": "Bad Slug", "name": "x"}]'])
def test_bad_taxonomy_exits_2_with_a_message(offline_runner, tmp_path, content):
    path = tmp_path / "taxonomy.json"
    path.write_text(content)
    result = offline_runner.invoke(args=["themes", "assign", "--taxonomy", str(path)], input="x\n")
    assert result.exit_code == 2
    assert "Error:" in result.stderr and "axonomy" in result.stderr
    assert result.stdout == ""


def test_missing_taxonomy_file_exits_2(offline_runner, tmp_path):
    result = offline_runner.invoke(
        args=["themes", "assign", "--taxonomy", str(tmp_path / "missing.json")], input="x\n"
    )
    assert result.exit_code == 2 and "Cannot read taxonomy file" in result.stderr


def test_run_command_runs_and_prints_a_summary(runner, themes_campaign):
    result = runner.invoke(args=["themes", "run", "--campaign", "themes-test", "--seed", "3"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["status"] == "succeeded" and summary["responses"] == 24
    assert sum(t["responses"] for t in summary["themes"].values()) <= 24
    assert "Embedding answers" in result.stderr
    assert queries.current_run(themes_campaign.id).seed == 3
    assert queries.theme_people_counts(themes_campaign.id) == {}  # nothing reviewed: not public
    again = runner.invoke(args=["themes", "run", "--campaign", "themes-test", "--if-none"])
    assert again.exit_code == 0 and "not run again" in again.output
    assert queries.current_run(themes_campaign.id).seed == 3


def test_run_command_publish_marks_every_theme_reviewed(runner, themes_campaign):
    result = runner.invoke(
        args=["themes", "run", "--campaign", "themes-test", "--seed", "3", "--publish"]
    )
    assert result.exit_code == 0, result.output
    public = queries.theme_people_counts(themes_campaign.id)
    assert set(public) == {t.slug for t in queries.list_themes(themes_campaign.id)}
    assert sum(v["responses"] for v in public.values()) > 0


def test_run_command_unknown_campaign(runner):
    result = runner.invoke(args=["themes", "run", "--campaign", "nope"])
    assert result.exit_code == 2 and "No campaign" in result.output
