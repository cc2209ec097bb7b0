"""Erasure is complete: nothing the themes feature derived from an erased answer survives it
(embedding cache rows, sub-theme keywords, labels and representative examples)."""

from __future__ import annotations

import numpy as np
from sqlalchemy import JSON, String, Text, select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.privacy import operations
from listening.themes.models import Assignment, EmbeddingCache, SubTheme, Theme, ThemeRun
from listening.themes.pipeline.discover import make_label
from listening.themes.pipeline.embed import text_key
from tests.security.conftest import _conversation

TOKEN = "zorblax"
ERASED = "Zorblax mould in the flat"
LIVING = "Mould in the kitchen again"
SHARED = "Same words everywhere"


def _themes_rows(world):
    erased = _conversation(
        world.campaign,
        world.org_a,
        world.partner_a,
        "submitted",
        [ERASED, SHARED],
        [ERASED, SHARED],
    )
    living = _conversation(
        world.campaign,
        world.org_b,
        world.partner_b,
        "submitted",
        [LIVING, SHARED],
        [LIVING, SHARED],
    )
    run = ThemeRun(campaign_id=world.campaign.id, status="succeeded", model_id="m")
    theme = Theme(campaign_id=world.campaign.id, slug="housing", name="Housing")
    db.session.add_all([run, theme])
    db.session.flush()
    keywords = [TOKEN, "mould", f"{TOKEN} mould", "flat"]
    described = SubTheme(
        run_id=run.id,
        theme_id=theme.id,
        key="housing/0",
        label=make_label(keywords),
        reviewer_label="Damp homes",
        keywords=keywords,
        representative_ids=[erased.responses[0].id, living.responses[0].id],
    )
    db.session.add(described)
    db.session.flush()
    for response in (erased.responses[0], living.responses[0]):
        db.session.add(
            Assignment(
                response_id=response.id, theme_id=theme.id, run_id=run.id, sub_theme_id=described.id
            )
        )
    vector = np.ones(4, dtype=np.float32).tobytes()
    for text in (ERASED, LIVING, SHARED):
        db.session.add(EmbeddingCache(key=text_key(text), model_id="m", vector=vector))
    db.session.commit()
    return erased, living, described


def _text_values(table):
    columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
    for row in db.session.execute(select(*columns)).all():
        yield from (str(value) for value in row if value is not None)


def test_erasure_leaves_no_trace_of_the_text_in_any_themes_table(world):
    erased, living, described = _themes_rows(world)
    described_id, living_id = described.id, living.responses[0].id
    tables = [t for t in db.metadata.sorted_tables if t.name.startswith("themes_")]
    assert any(TOKEN in v.lower() for t in tables for v in _text_values(t))  # there to find

    counts = operations.erase(operations.collect(erased), world.admin)
    db.session.commit()

    for table in tables:
        assert not [v for v in _text_values(table) if TOKEN in v.lower()], table.name
    keys = set(db.session.scalars(select(EmbeddingCache.key)))
    assert text_key(ERASED) not in keys
    assert {text_key(LIVING), text_key(SHARED)} <= keys  # a living answer still uses these
    assert counts["themes_embedding_cache"] == 1
    sub_theme = db.session.get(SubTheme, described_id)
    assert sub_theme.keywords == ["mould"]
    assert sub_theme.label == "Mould"
    assert sub_theme.reviewer_label == "Damp homes"  # the reviewer's words are kept
    assert sub_theme.representative_ids == [living_id]
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "themes.forget_answers", AuditEvent.entity_id == str(described_id)
        )
    )
    assert event.after == {"keywords_dropped": 3, "examples_left": 1}


def test_a_sub_theme_untouched_by_the_erased_answers_is_left_alone(world):
    _erased, living, described = _themes_rows(world)
    described_id = described.id
    before = (described.label, list(described.keywords), list(described.representative_ids))
    operations.erase(operations.collect(world.submitted), world.admin)
    db.session.commit()
    sub_theme = db.session.get(SubTheme, described_id)
    assert (sub_theme.label, sub_theme.keywords, sub_theme.representative_ids) == before
    assert len(db.session.scalars(select(EmbeddingCache.key)).all()) == 3
    assert living.responses[0].id in sub_theme.representative_ids
