"""Sub-theme labels and examples, the `themes discover` contract, prototype modes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from listening.themes.pipeline import Theme, ThemeAssigner, discover_texts
from listening.themes.pipeline.discover import (
    choose_labels,
    describe,
    generic_words,
    label_candidates,
)
from listening.themes.pipeline.preprocess import stop_words
from tests.themes.conftest import SEL_CORPUS

GENERIC = set(stop_words())


def test_label_candidates_are_phrases_of_two_to_six_words():
    options = label_candidates(
        ["bike lanes", "bus stops", "road", "problem"], ["bike", "lanes", "safety"], GENERIC
    )
    assert options[0] == "Bike lanes and bus stops"
    assert all(2 <= len(o.split()) <= 6 for o in options)
    assert not any(o.lower() in {"problem", "road"} for o in options)


def test_a_label_leads_with_a_phrase_that_is_also_a_keyword_and_ends_on_no_keyword_fragment():
    # seen on the demo: "Housing office and start" ("start" only inside "start repairs")
    options = label_candidates(
        ["housing office", "start", "housing officers", "repairs"],
        ["repairs forever", "start repairs", "housing officers", "repairs"],
        GENERIC,
    )
    assert options[0] == "Housing officers and repairs"
    assert not any(o.endswith(" and start") for o in options)


def test_keywords_belong_to_their_own_cluster_when_clusters_are_the_same_size(embedder):
    bikes = [f"Paint a protected bike lane on street {n}" for n in range(6)]
    books = [f"More library books for the branch library number {n}" for n in range(6)]
    texts = books + bikes  # the clusters are numbered bikes 0, books 1: the other way round
    labels = np.asarray([1] * 6 + [0] * 6)
    x = embedder.encode(texts)
    keywords, phrases = describe(texts, x, labels, embedder)
    assert any("bike" in k for k in keywords[0]) and not any("library" in k for k in keywords[0])
    assert any("library" in k for k in keywords[1]) and not any("bike" in k for k in keywords[1])


def test_label_candidates_skip_stop_and_generic_words():
    options = label_candidates(["the problem", "big issues"], ["people", "things"], GENERIC)
    assert options == []


def test_generic_words_are_the_corpus_wide_ones():
    texts = ["the city needs parks"] * 10 + ["bins on my street"] * 2
    generic = generic_words(texts)
    assert {"city", "parks", "the"} <= generic and "bins" not in generic


def test_chosen_labels_are_distinct():
    labels = choose_labels(
        [["Rent and repairs"], ["Rent and repairs", "Mould and damp"], []],
        [["rent"], ["mould"], ["rent"]],
    )
    assert len({label.lower() for label in labels}) == 3
    assert labels[:2] == ["Rent and repairs", "Mould and damp"]


@pytest.mark.slow
def test_sel_run_labels_and_examples(sel_run, sel_documents):
    texts = {d.id: d.text for d in sel_documents}
    labels = [s.label.lower() for s in sel_run.discovery.subthemes]
    assert len(set(labels)) == len(labels)
    for sub in sel_run.discovery.subthemes:
        assert 1 <= len(sub.label.split()) <= 6
        assert not set(sub.label.lower().split()) <= GENERIC
        shown = [texts[i] for i in sub.representative_ids]
        assert len(set(shown)) == len(shown) and set(sub.representative_ids) <= set(sub.doc_ids)


@pytest.mark.slow
def test_examples_never_repeat_an_answer(embedder):
    from listening.themes.pipeline import Document, run_pipeline

    texts = ["The rent is too high"] * 6 + ["Damp and mould in the flat"] * 3 + ["Repairs late"]
    result = run_pipeline([Document(str(i), t) for i, t in enumerate(texts)], embedder=embedder)
    for sub in result.discovery.subthemes:
        shown = [texts[int(i)] for i in sub.representative_ids]
        assert len(shown) == len(set(shown))


@pytest.mark.slow
def test_prototype_modes(embedder):
    themes = [Theme("homes", "Homes", "Rent. Mould and damp."), Theme("jobs", "Jobs", "Wages.")]
    sizes = {
        mode: len(ThemeAssigner(themes, embedder=embedder, prototypes=mode).fit().phrase_theme_)
        for mode in ("name", "description", "phrases")
    }
    assert sizes["name"] == sizes["description"] == 2 < sizes["phrases"]
    with pytest.raises(ValueError, match="Unknown prototype mode"):
        ThemeAssigner(themes, embedder=embedder, prototypes="poems").fit()


@pytest.mark.slow
def test_discover_texts_contract(embedder):
    lines = [text for text, _ in SEL_CORPUS] + ["", "🙂"]
    out = discover_texts(lines, embedder=embedder)
    assert set(out) == {"subthemes", "documents"}
    assert [d["line"] for d in out["documents"]] == list(range(len(lines)))
    assert out["documents"][-2]["subtheme"] is None and out["documents"][-1]["theme"] is None
    ids = [s["id"] for s in out["subthemes"]]
    assert ids == list(range(len(ids)))
    members = {}
    for row in out["documents"]:
        if row["subtheme"] is not None:
            members.setdefault(row["subtheme"], set()).add(row["line"])
    for sub in out["subthemes"]:
        assert set(sub) == {"id", "theme", "label", "keywords", "size", "examples"}
        assert sub["size"] == len(members[sub["id"]]) and set(sub["examples"]) <= members[sub["id"]]
        assert all(out["documents"][line]["theme"] == sub["theme"] for line in members[sub["id"]])
    housing = [s for s in out["subthemes"] if s["theme"] == "housing"]
    assert housing and sum(s["size"] for s in housing) >= 6


@pytest.mark.slow
def test_flask_themes_discover_cli(tmp_path):
    from listening import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nowhere",  # must not be needed
        }
    )
    taxonomy = tmp_path / "t.json"
    taxonomy.write_text(
        json.dumps(
            [
                {"slug": "homes", "name": "Homes", "description": "Rent, repairs, mould."},
                {"slug": "money", "name": "Money", "description": "Wages, bills, debt."},
            ]
        )
    )
    stdin = "\n".join(text for text, _ in SEL_CORPUS[:24]) + "\n"
    result = app.test_cli_runner().invoke(
        args=["themes", "discover", "--taxonomy", str(taxonomy)], input=stdin
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert len(out["documents"]) == 24
    assert {s["theme"] for s in out["subthemes"]} <= {"homes", "money", None}
    housing = [d["theme"] for d in out["documents"][:8]]  # the corpus's housing answers
    assert housing.count("homes") >= 5 and "money" not in housing


def test_discover_cli_bad_taxonomy_is_a_clear_error(tmp_path):
    from listening import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    bad = tmp_path / "t.json"
    bad.write_text("[]")
    result = app.test_cli_runner().invoke(args=["themes", "discover", "--taxonomy", str(bad)])
    assert result.exit_code == 2 and "non-empty JSON list" in result.output


@pytest.mark.slow
def test_discover_cli_routes_lines_in_other_languages_like_a_run_in_the_app():
    """Lines in another language are themed by the multilingual model and join a sub-theme of
    their theme; the English lines are numbered and themed as before."""
    import csv
    from pathlib import Path

    from listening import create_app

    demo = Path(__file__).resolve().parents[2] / "listening/intake/demo/other_languages.csv"
    with demo.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["theme"] == "housing"][:6]
    english = [text for text, _ in SEL_CORPUS]
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    stdin = "\n".join(english + [r["text"] for r in rows]) + "\n"
    result = app.test_cli_runner().invoke(args=["themes", "discover"], input=stdin)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    theme_of = {s["id"]: s["theme"] for s in out["subthemes"]}
    other = out["documents"][len(english) :]
    assert [d["line"] for d in other] == list(range(len(english), len(english) + len(rows)))
    assert sum(d["theme"] == "housing" for d in other) >= 4, other
    for row in other:
        if row["theme"] is not None:
            assert row["subtheme"] is not None and theme_of[row["subtheme"]] == row["theme"]
    housing = [
        d["theme"]
        for d, (_, slug) in zip(out["documents"], SEL_CORPUS, strict=False)
        if slug == "housing"
    ]
    assert housing.count("housing") >= len(housing) - 1
