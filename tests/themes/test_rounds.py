"""Listening rounds compared over time: the statistics, the API contract, the pages, the
reviewer's sub-theme match and the demo's second round."""

from __future__ import annotations

import uuid
from datetime import date

import numpy as np
import pytest
from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake import operations as intake_ops
from listening.intake.models import Conversation, Response
from listening.organisations.models import Organisation
from listening.themes import rounds
from listening.themes.models import (
    Assignment,
    RoundMatch,
    RunStatus,
    SubTheme,
    Theme,
    ThemeRun,
)
from listening.themes.pipeline import DEFAULT_TAXONOMY
from listening.timeutil import utcnow
from tests.conftest import screen_answers

# -- the statistics ------------------------------------------------------------------------------


def _round(people, members, keys=("a",)):
    return rounds.Round(
        np.asarray(people, dtype=float),
        np.asarray(members, dtype=bool).reshape(-1, len(keys)),
        list(keys),
    )


def test_a_clear_rise_is_called_grew_with_an_interval_above_zero():
    before = _round([2] * 200, [i < 40 for i in range(200)])  # 20 %
    now = _round([2] * 200, [i < 100 for i in range(200)])  # 50 %
    (change,) = rounds.compare(now, before, {"a": "A"})
    assert change.before.share == pytest.approx(0.2)
    assert change.now.share == pytest.approx(0.5)
    assert change.trend == "grew"
    assert 0 < change.low < 0.3 < change.high < 0.45
    assert change.now.low < 0.5 < change.now.high


def test_the_same_share_is_about_the_same_and_a_fall_is_shrank():
    same_before = _round([3] * 100, [i % 4 == 0 for i in range(100)])
    same_now = _round([3] * 120, [i % 4 == 1 for i in range(120)])
    (same,) = rounds.compare(same_now, same_before, {"a": "A"})
    assert same.trend == "about the same"
    assert same.low < 0 < same.high
    fall_now = _round([3] * 120, [i % 10 == 0 for i in range(120)])
    (fall,) = rounds.compare(fall_now, same_before, {"a": "A"})
    assert fall.trend == "shrank"
    assert fall.high < 0


def test_new_and_faded_themes():
    labels = {"a": "A", "b": "B"}
    before = _round([1, 1, 1, 1], [[1, 0], [1, 0], [0, 0], [0, 0]], ("a", "b"))
    now = _round([1, 1, 1, 1], [[0, 1], [0, 1], [0, 0], [0, 0]], ("a", "b"))
    changes = {c.key: c.trend for c in rounds.compare(now, before, labels)}
    assert changes == {"a": "faded", "b": "new"}


def test_bootstrap_is_seeded_and_weights_by_people():
    now = _round([10, 1, 1, 1], [1, 0, 0, 0])
    first = rounds.compare(now, None, {"a": "A"})[0]
    again = rounds.compare(now, None, {"a": "A"})[0]
    assert first.now.share == pytest.approx(10 / 13)
    assert (first.now.low, first.now.high) == (again.now.low, again.now.high)
    assert first.trend == "no earlier round"


def test_sub_themes_match_the_most_similar_earlier_one_above_the_threshold():
    unit = np.eye(3)
    now = {10: unit[0], 11: (unit[1] + unit[2]) / np.sqrt(2), 12: unit[2]}
    before = {1: unit[0], 2: unit[2]}
    matches = rounds.best_matches(now, before, threshold=0.8)
    assert matches[10] == (1, pytest.approx(1.0))
    assert matches[11][0] is None  # 0.71 to both: below the threshold, so new
    assert matches[12][0] == 2


# -- two rounds in the database --------------------------------------------------------------------


THEMES = {t.slug: t.name for t in DEFAULT_TAXONOMY}


def _themes(campaign, reviewed=True):
    rows = {}
    for position, (slug, name) in enumerate(THEMES.items()):
        rows[slug] = Theme(
            campaign_id=campaign.id, slug=slug, name=name, position=position, reviewed=reviewed
        )
        db.session.add(rows[slug])
    db.session.flush()
    return rows


def _conversation(campaign, texts, people, borough="southwark"):
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == "Rounds Test Centre")
    ) or Organisation(name="Rounds Test Centre")
    conversation = Conversation(
        uuid=str(uuid.uuid4()),
        campaign=campaign,
        area=next(a for a in campaign.areas if a.slug == borough),
        organisation=organisation,
        held_on=campaign.starts_on,
        format="small-group",
        people_count=people,
        status="submitted",
    )
    for position, text in enumerate(texts):
        conversation.responses.append(Response(position=position, text=text, redacted_text=text))
    db.session.add(conversation)
    db.session.flush()
    return screen_answers(conversation)


def _label(conversation, theme, sub_theme=None, run=None):
    for response in conversation.responses:
        db.session.add(
            Assignment(
                response_id=response.id,
                theme_id=theme.id,
                score=1.0,
                source="model" if run else "reviewer",
                run_id=run.id if run else None,
                sub_theme_id=sub_theme.id if sub_theme else None,
            )
        )
    db.session.flush()


@pytest.fixture
def two_rounds(make_campaign):
    """2023: housing 30 of 50 people, work 20; 2024: housing 20 of 60, work 40, plus 3 people
    on migration (a count small enough to be suppressed)."""
    first = make_campaign("round-2023")
    second = make_campaign("round-2024")
    second.starts_on = date(2024, 5, 1)
    intake_ops.set_previous_round(second, first, actor=None)
    t1, t2 = _themes(first), _themes(second)
    for _ in range(3):
        _label(_conversation(first, ["Damp flat"], 10), t1["housing"])
    for _ in range(2):
        _label(_conversation(first, ["Wages too low"], 10), t1["work-wages-cost-of-living"])
    for _ in range(2):
        _label(_conversation(second, ["Damp flat"], 10), t2["housing"])
    for _ in range(4):
        _label(_conversation(second, ["Wages too low"], 10), t2["work-wages-cost-of-living"])
    _label(_conversation(second, ["Visa worries"], 3, "lambeth"), t2["migration-race"])
    db.session.commit()
    return first, second


def test_the_api_carries_the_previous_round_per_theme(client, two_rounds):
    first, second = two_rounds
    data = client.get("/api/v1/themes?campaign=round-2024").get_json()
    by_slug = {t["slug"]: t for t in data["themes"]}
    assert by_slug["housing"]["previous_round"] == {
        "campaign": "round-2023",
        "people": 30,
        "share": 0.6,
        "people_suppressed": False,
    }
    assert by_slug["work-wages-cost-of-living"]["previous_round"]["share"] == 0.4
    # nobody raised migration in 2023: 0 is a small number, so null and suppressed
    assert by_slug["migration-race"]["previous_round"] == {
        "campaign": "round-2023",
        "people": None,
        "share": None,
        "people_suppressed": True,
    }
    earlier = client.get("/api/v1/themes?campaign=round-2023").get_json()
    assert all(t["previous_round"] is None for t in earlier["themes"])


def test_the_public_theme_page_says_how_many_raised_it_in_each_round(client, two_rounds):
    page = client.get("/pledges/themes/housing?campaign=round-2024").get_data(as_text=True)
    assert "Raised by 30 people in 2023 and 20 people in 2024" in page
    assert "50 people were heard in 2023, 63 in 2024" in page
    assert "Raised by" not in client.get("/pledges/themes/housing?campaign=round-2023").get_data(
        as_text=True
    )


def test_themes_grew_shrank_and_small_breakdowns_are_suppressed(two_rounds):
    _first, second = two_rounds
    changes = {c.key: c for c in rounds.compare_themes(second)}
    assert changes["housing"].before.share == pytest.approx(0.6)
    assert changes["housing"].now.share == pytest.approx(20 / 63)
    assert changes["migration-race"].trend == "new"
    boroughs = {b.slug: b for b in rounds.breakdowns(second, "borough")}
    assert boroughs["southwark"].people_now == 60 and not boroughs["southwark"].suppressed
    assert boroughs["lambeth"].suppressed  # 3 people in 2024, none in 2023


def test_staff_see_the_comparison_and_others_do_not(two_rounds, make_user, signed_in):
    url = "/themes/rounds?campaign=round-2024"
    assert signed_in().get(url).status_code in (302, 303)
    assert signed_in(make_user("partner")).get(url).status_code == 403
    client = signed_in(make_user("reviewer", organisation=None))
    page = client.get(url).get_data(as_text=True)
    assert "Compared with the last round" in page
    assert "60%" in page and "New" in page
    boroughs = client.get(url + "&view=boroughs").get_data(as_text=True)
    assert "Fewer than 5 people were heard here" in boroughs
    assert client.get(url + "&view=nonsense").status_code == 400
    alone = client.get("/themes/rounds?campaign=round-2023").get_data(as_text=True)
    assert "does not follow an earlier listening round" in alone


def _run_with_sub_theme(campaign, theme, label):
    run = ThemeRun(campaign_id=campaign.id, status=RunStatus.SUCCEEDED, finished_at=utcnow())
    db.session.add(run)
    db.session.flush()
    sub = SubTheme(run_id=run.id, theme_id=theme.id, key=label, label=label)
    db.session.add(sub)
    db.session.flush()
    return run, sub


def test_a_reviewer_corrects_a_sub_theme_match(client, make_campaign, make_user, login):
    first, second = make_campaign("sub-2023"), make_campaign("sub-2024")
    intake_ops.set_previous_round(second, first, actor=None)
    t1, t2 = _themes(first), _themes(second)
    run1, mould = _run_with_sub_theme(first, t1["housing"], "Damp and mould")
    run2, damp = _run_with_sub_theme(second, t2["housing"], "Damp in flats")
    _label(_conversation(first, ["Mould in the bedroom"], 8), t1["housing"], mould, run1)
    _label(_conversation(second, ["Damp walls"], 9), t2["housing"], damp, run2)
    db.session.commit()

    changes, faded, pairs = rounds.compare_sub_themes(second)
    assert pairs == {damp.id: None} and changes[0].trend == "new"
    assert [s.id for s in faded] == [mould.id]

    reviewer = login(make_user("reviewer", organisation=None))
    url = f"/themes/rounds/sub-themes/{damp.id}"
    assert "Damp and mould" in client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"previous": "999999"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)
    response = client.post(url, data={"previous": str(mould.id)})
    assert response.status_code == 303
    row = db.session.scalar(select(RoundMatch).where(RoundMatch.sub_theme_id == damp.id))
    assert (row.previous_sub_theme_id, row.source, row.reviewer_id) == (
        mould.id,
        "reviewer",
        reviewer.id,
    )
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "themes.match_round"))
        is not None
    )
    changes, faded, _pairs = rounds.compare_sub_themes(second)
    assert changes[0].before.people == 8 and faded == []
    page = client.get("/themes/rounds?campaign=sub-2024&view=sub-themes").get_data(as_text=True)
    assert "Damp and mould" in page


def test_a_round_cannot_follow_itself_or_a_later_round(make_campaign, runner):
    first, second = make_campaign("loop-2023"), make_campaign("loop-2024")
    intake_ops.set_previous_round(second, first, actor=None)
    with pytest.raises(intake_ops.RoundError):
        intake_ops.set_previous_round(first, second, actor=None)
    with pytest.raises(intake_ops.RoundError):
        intake_ops.set_previous_round(first, first, actor=None)
    db.session.commit()
    result = runner.invoke(
        args=["intake", "follow-round", "--campaign", "loop-2023", "--previous", "loop-2024"]
    )
    assert result.exit_code == 1 and "loop" in result.output
    result = runner.invoke(
        args=["intake", "follow-round", "--campaign", "nope", "--previous", "loop-2023"]
    )
    assert result.exit_code == 1 and "nope" in result.output


# -- the demo's second round ------------------------------------------------------------------


def test_the_demo_plans_a_different_second_round():
    from listening.intake.demo import round2024
    from listening.intake.demo.generate import SEL_2024, plan_conversations

    first = plan_conversations(2023)
    second = plan_conversations(2023, SEL_2024)
    assert sum(p.people_count for p in second) == round2024.people_total()
    by_borough = {}
    for plan in second:
        by_borough[plan.borough] = by_borough.get(plan.borough, 0) + plan.people_count
    assert by_borough == round2024.PEOPLE_BY_BOROUGH
    assert not {p.uuid for p in first} & {p.uuid for p in second}
    assert not {p.reference for p in first} & {p.reference for p in second}
    assert all(date(2024, 5, 1) <= p.held_on <= round2024.LISTENING_ENDS for p in second)
    new_texts = {t for texts in round2024.NEW_ANSWERS.values() for t in texts}
    said = [t for p in second for t in p.responses]
    assert sum(t in new_texts for t in said) > len(said) / 10
    assert not new_texts & {t for p in first for t in p.responses}
