"""Moving, merging and splitting a sub-theme ask first on a page that says what changes;
a POST without `confirm=yes` (an old one-tap form) changes nothing. A hand-built run: no model."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.themes import operations, queries
from listening.themes.models import Assignment, SubTheme, ThemeRun
from listening.timeutil import utcnow

YES = {"confirm": "yes"}


@pytest.fixture
def world(make_campaign, make_conversation):
    campaign = make_campaign("confirm-test")
    themes = {t.slug: t for t in operations.ensure_themes(campaign)}
    housing, work = themes["housing"], themes["work-wages-cost-of-living"]
    run = ThemeRun(campaign_id=campaign.id, status="succeeded", finished_at=utcnow())
    db.session.add(run)
    db.session.flush()
    damp = SubTheme(
        run_id=run.id, theme_id=housing.id, key="a", label="mould, damp", keywords=["mould", "damp"]
    )
    rent = SubTheme(
        run_id=run.id,
        theme_id=housing.id,
        key="b",
        label="rent",
        reviewer_label="Rising rent",
        keywords=["rent", "landlord"],
    )
    db.session.add_all([damp, rent])
    db.session.flush()
    texts = {
        damp: ["Mould in the bedroom.", "Damp walls again.", "The damp makes us ill."],
        rent: ["Rent went up.", "The landlord wants more rent."],
    }
    for sub, answers in texts.items():
        for response in make_conversation(campaign, answers).responses:
            db.session.add(
                Assignment(
                    response_id=response.id,
                    theme_id=housing.id,
                    score=0.9,
                    source="model",
                    run_id=run.id,
                    sub_theme_id=sub.id,
                )
            )
    db.session.commit()
    return campaign, housing, work, damp, rent


@pytest.fixture
def staff(client, login, make_user):
    return login(make_user("reviewer", organisation=None))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _audits(action: str) -> int:
    return len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_the_theme_page_forms_lead_to_the_confirmation(client, staff, world):
    _campaign, housing, _work, damp, _rent = world
    page = _text(client.get(f"/themes/{housing.id}"))
    for verb in ("move", "merge", "split"):
        assert f'<form method="get" action="/themes/sub-themes/{damp.id}/{verb}"' in page


def test_merge_says_what_is_lost_and_waits_for_yes(client, staff, world):
    _campaign, housing, _work, damp, rent = world
    url = f"/themes/sub-themes/{rent.id}/merge"
    asking = client.get(url, query_string={"target": damp.id, "next": f"/themes/{housing.id}"})
    assert asking.status_code == 200
    page = _text(asking)
    assert "Merge “Rising rent” into “mould, damp”?" in page
    assert "“Rising rent”’s 2 answers move to “mould, damp”, which will have 5 answers." in page
    assert "the name a reviewer gave it (“Rising rent”)" in page
    assert f'name="target" value="{damp.id}"' in page and 'name="confirm" value="yes"' in page
    assert f'href="/themes/{housing.id}">No, go back' in page

    one_tap = client.post(url, data={"target": str(damp.id)})  # the old one-tap form
    assert one_tap.status_code == 200 and "Yes, merge these sub-themes" in _text(one_tap)
    assert rent.merged_into_id is None and _audits("themes.merge_sub_themes") == 0

    done = client.post(url, data={"target": str(damp.id), **YES})
    assert done.status_code == 303
    assert rent.merged_into_id == damp.id and _audits("themes.merge_sub_themes") == 1
    assert len(queries.sub_theme_members(damp)) == 5


def test_move_counts_the_answers_and_the_reviewer_choices_it_replaces(client, staff, world):
    campaign, housing, work, damp, _rent = world
    first = queries.sub_theme_members(damp)[0]
    operations.move_response(queries.responses_by_id([first])[first], housing, staff, damp)
    db.session.commit()
    url = f"/themes/sub-themes/{damp.id}/move"
    page = _text(client.get(url, query_string={"theme": work.id}))
    assert "Its 3 answers move from “Housing” to “Work, wages and cost of living”" in page
    assert "1 answer was placed by a reviewer before: those choices are replaced" in page
    assert "This cannot be undone" in page
    assert client.post(url, data={"theme": str(work.id)}).status_code == 200
    assert damp.theme_id == housing.id
    done = client.post(url, data={"theme": str(work.id), **YES})
    assert done.status_code == 303 and damp.theme_id == work.id
    assert _audits("themes.move_sub_theme") == 1


def test_split_says_what_moves_and_refuses_all_or_nothing(client, staff, world):
    _campaign, housing, _work, damp, _rent = world
    members = queries.sub_theme_members(damp)
    url = f"/themes/sub-themes/{damp.id}/split"
    page = _text(client.get(url, query_string={"responses": [members[0]], "label": "Walls"}))
    assert "1 answer you ticked move to a new sub-theme “Walls”; 2 stay in “mould, damp”." in page
    assert f'name="responses" value="{members[0]}"' in page and 'name="label" value="Walls"' in page
    auto = _text(client.get(url))
    assert "About half of its 3 answers, picked by what they say, move to a new sub-theme." in auto

    before = db.session.scalars(select(SubTheme.id)).all()
    assert client.post(url, data={"responses": [str(members[0])]}).status_code == 200
    assert db.session.scalars(select(SubTheme.id)).all() == before

    every = client.get(url, query_string={"responses": members, "next": f"/themes/{housing.id}"})
    assert every.status_code == 303 and every.headers["Location"].endswith(f"/themes/{housing.id}")
    assert "Choose some, but not all" in _text(client.get(every.headers["Location"]))


def test_a_bad_choice_goes_back_with_the_message(client, staff, world):
    _campaign, housing, _work, damp, _rent = world
    response = client.get(f"/themes/sub-themes/{damp.id}/merge", query_string={"target": "99999"})
    assert response.status_code == 303
    assert "Not a valid choice" in _text(client.get(response.headers["Location"]))


def test_partners_cannot_reach_the_confirmations(client, login, make_user, world):
    damp = world[3]
    login(make_user("partner"))
    for verb in ("move", "merge", "split"):
        assert client.get(f"/themes/sub-themes/{damp.id}/{verb}").status_code == 403
