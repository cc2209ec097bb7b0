"""Fast tests without the embedding model: taxonomy files, text handling, purity."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from listening.themes.pipeline import lemmas, load_taxonomy, parse_taxonomy
from listening.themes.pipeline.assign import theme_phrases
from listening.themes.pipeline.embed import text_key
from listening.themes.pipeline.preprocess import chunk_text

PIPELINE = Path(__file__).resolve().parents[2] / "listening" / "themes" / "pipeline"
ROOT = PIPELINE.parents[2]


def test_lemmas_are_lowercase_content_words():
    assert lemmas("The landlords are ignoring the leaks!") == ["landlord", "ignore", "leak"]
    assert lemmas("") == [] and lemmas("😀😀") == []


def test_long_text_is_chunked_within_the_model_window():
    chunks = chunk_text("The flat is cold. " * 2000, max_chars=1000, max_chunks=8)
    assert len(chunks) == 8 and all(len(c) <= 1000 for c in chunks)
    assert chunk_text("short") == ["short"]


def test_theme_phrases_split_description():
    phrases = theme_phrases(
        parse_taxonomy(
            [{"slug": "a", "name": "Homes", "description": "Rent too high. Mould, damp and leaks."}]
        )[0]
    )
    assert phrases[:3] == ["Homes", "Rent too high", "Mould, damp and leaks"]
    assert {"Mould", "damp", "leaks"} <= set(phrases)


def test_text_key_is_stable():
    assert text_key("abc") == text_key("abc") != text_key("abd")


def test_load_taxonomy_reads_the_contract_format(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps([{"slug": "parks", "name": "Parks", "description": "Green."}]))
    [theme] = load_taxonomy(path)
    assert (theme.slug, theme.name, theme.description) == ("parks", "Parks", "Green.")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ("{}", "non-empty JSON list"),
        ("[]", "non-empty JSON list"),
        ('["x"]', "item 1 must be an object"),
        ('[{"name": "A"}]', "'slug' is required"),
        ('[{"slug": "Bad Slug", "name": "A"}]', "lower-case letters"),
        ('[{"slug": "a", "name": ""}]', "name must not be empty"),
        ('[{"slug": "a", "name": "A", "colour": "red"}]', "unknown field"),
        ('[{"slug": "a", "name": "A"}, {"slug": "a", "name": "B"}]', "more than once"),
        ('[{"slug": "a", "name": "A", "description": 3}]', "'description' is required"),
    ],
)
def test_load_taxonomy_errors_are_clear(tmp_path, content, message):
    path = tmp_path / "t.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load_taxonomy(path)


def test_missing_taxonomy_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="Cannot read taxonomy file"):
        load_taxonomy(tmp_path / "nope.json")


def test_pipeline_source_imports_nothing_from_the_app():
    banned = ("flask", "flask_", "sqlalchemy", "werkzeug", "wtforms", "listening")
    for path in PIPELINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            assert not [n for n in names if n.split(".")[0].startswith(banned)], path


PURITY_SCRIPT = """
import importlib, pkgutil, sys, types
from pathlib import Path
root = Path(sys.argv[1])
# Stand-ins for the parent packages, so only the pipeline's own imports are measured.
for name in ("listening", "listening.themes"):
    path = root.joinpath(*name.split("."))
    module = types.ModuleType(name); module.__path__ = [str(path)]; sys.modules[name] = module
import listening.themes.pipeline as pipeline
for info in pkgutil.iter_modules(pipeline.__path__):
    importlib.import_module(f"listening.themes.pipeline.{info.name}")
loaded = [m for m in sys.modules if m.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy",
          "werkzeug", "wtforms", "torch", "bertopic")
          or (m.startswith("listening.") and not m.startswith("listening.themes.pipeline")
              and m != "listening.themes")]
print(",".join(sorted(loaded)))
"""


def test_pipeline_import_loads_no_app_and_no_heavy_libraries():
    out = subprocess.run(
        [sys.executable, "-c", PURITY_SCRIPT, str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == ""
