"""The `themes assign` contract through the pipeline's own module entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def run_cli(stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "listening.themes.pipeline.assign_cli", *args],
        input=stdin.encode("utf-8"),
        capture_output=True,
        cwd=ROOT,
        timeout=300,
    )


def test_lines_in_json_lines_out_in_order():
    lines = [
        "the landlord ignores the leak",
        "",
        "😀😀😀",
        "nothing for teenagers to do round here",
    ]
    done = run_cli("\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr.decode()
    rows = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [r["text"] for r in rows] == lines
    assert [r["theme"] for r in rows] == ["housing", None, None, "children-young-people-parents"]
    assert all(len(r["themes"]) == 5 and set(r["themes"][0]) == {"slug", "score"} for r in rows)


def test_custom_taxonomy_file(tmp_path):
    path = tmp_path / "tax.json"
    path.write_text(
        json.dumps(
            [
                {"slug": "parks", "name": "Parks", "description": "Playgrounds."},
                {"slug": "roads", "name": "Roads", "description": "Potholes."},
            ]
        )
    )
    done = run_cli("the swings are broken\n", "--taxonomy", str(path))
    assert done.returncode == 0, done.stderr.decode()
    [row] = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert row["theme"] == "parks" and [t["slug"] for t in row["themes"]] == ["parks", "roads"]


def test_bad_taxonomy_file_is_a_clear_error(tmp_path):
    path = tmp_path / "tax.json"
    path.write_text("[{}]")
    done = run_cli("x\n", "--taxonomy", str(path))
    assert done.returncode == 2
    assert b"'slug' is required" in done.stderr
