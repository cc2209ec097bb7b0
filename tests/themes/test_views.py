"""Review workspace views: permissions, redirects, messages, pages that show the analysis."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from listening.extensions import db
from listening.themes import operations, queries, runs
from listening.themes.models import Assignment, SubTheme, Theme, ThemeRun


@pytest.fixture
def analysed(themes_campaign):
    """The test campaign after one successful run."""
    run = operations.start_run(themes_campaign, None)
    db.session.commit()
    runs.execute_run(run.id)
    return themes_campaign


def _theme(campaign, slug) -> Theme:
    return queries.get_theme(campaign.id, slug)


@pytest.mark.parametrize("path", ["/themes/", "/themes/review", "/themes/search?q=rent"])
def test_anonymous_goes_to_login(client, themes_campaign, path):
    response = client.get(path + ("&" if "?" in path else "?") + "campaign=themes-test")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_partner_is_forbidden_everywhere(client, login, make_user, themes_campaign):
    operations.ensure_themes(themes_campaign)
    housing = _theme(themes_campaign, "housing")
    response_id = themes_campaign.areas[0].id  # any id: the role check comes first
    login(make_user("partner"))
    for path in (
        "/themes/?campaign=themes-test",
        f"/themes/{housing.id}",
        "/themes/review?campaign=themes-test",
        f"/themes/{housing.id}/edit",
    ):
        assert client.get(path).status_code == 403, path
    for path in (
        "/themes/runs",
        f"/themes/responses/{response_id}/move",
        f"/themes/{housing.id}/reviewed",
    ):
        assert client.post(path, data={"campaign": "themes-test"}).status_code == 403, path
    assert db.session.scalar(select(ThemeRun.id)) is None


def test_overview_before_any_run(client, login, make_user, themes_campaign):
    login(make_user("reviewer"))
    page = client.get("/themes/?campaign=themes-test")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "No analysis has finished yet" in text and "Run theme analysis" in text
    assert "<script>" not in text and 'style="' not in text


def test_run_button_creates_a_run_and_redirects_303(
    client, login, make_user, themes_campaign, monkeypatch
):
    queued = []
    monkeypatch.setattr("listening.themes.tasks.enqueue_run", queued.append)
    login(make_user("reviewer"))
    response = client.post("/themes/runs", data={"campaign": "themes-test"})
    assert response.status_code == 303
    run = db.session.scalar(select(ThemeRun))
    assert response.headers["Location"].endswith(f"/themes/runs/{run.id}")
    assert queued == [run.id] and run.status == "queued"
    page = client.get(f"/themes/runs/{run.id}")
    text = page.get_data(as_text=True)
    assert "Theme analysis started." in text and "/assets/js/themes-run.js" in text
    status = client.get(f"/themes/runs/{run.id}/status.json").get_json()
    assert status == {
        "id": run.id,
        "status": "queued",
        "progress": 0,
        "finished": False,
        "message": "Waiting to start",
        "error": None,
    }
    again = client.post("/themes/runs", data={"campaign": "themes-test"})
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/runs/{run.id}")
    assert "already running" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_run_button_with_csrf_on(app, client, login, make_user, themes_campaign, monkeypatch):
    monkeypatch.setattr("listening.themes.tasks.enqueue_run", lambda run_id: None)
    login(make_user("admin"))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # after signing in
    assert client.post("/themes/runs", data={"campaign": "themes-test"}).status_code == 400
    page = client.get("/themes/?campaign=themes-test").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/themes/runs", data={"campaign": "themes-test", "csrf_token": token})
    assert response.status_code == 303


@pytest.mark.slow
def test_run_page_of_a_finished_run_has_no_polling(client, login, make_user, analysed):
    login(make_user("reviewer"))
    run = queries.current_run(analysed.id)
    text = client.get(f"/themes/runs/{run.id}").get_data(as_text=True)
    assert "succeeded" in text and "themes-run.js" not in text and "bertopic" in text


@pytest.mark.slow
def test_overview_shows_people_heat_tables_and_map(client, login, make_user, analysed):
    login(make_user("reviewer"))
    text = client.get("/themes/?campaign=themes-test").get_data(as_text=True)
    assert "People by theme and borough" in text and "People by theme and community" in text
    assert "app-heat--4" in text and "<svg" in text and "<circle" in text
    counts = queries.theme_people_counts(analysed.id, reviewed_only=False)
    housing = counts["housing"]
    assert f'<td class="app-num">{housing["people"]}</td>' in text


@pytest.mark.slow
def test_theme_page_and_moving_a_response(client, login, make_user, analysed):
    login(make_user("reviewer"))
    housing = _theme(analysed, "housing")
    page = client.get(f"/themes/{housing.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sub-themes" in text and "Keywords" in text
    assert "app-quote" in text
    row = db.session.scalar(select(Assignment).where(Assignment.theme_id == housing.id))
    other = _theme(analysed, "migration-race")
    next_url = f"/themes/{housing.id}#response-{row.response_id}"
    response = client.post(
        f"/themes/responses/{row.response_id}/move", data={"theme": str(other.id), "next": next_url}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(next_url)
    assert "Answer moved to Migration and race." in client.get(next_url).get_data(as_text=True)
    assert queries.reviewer_row(row.response_id).theme_id == other.id
    evil = client.post(
        f"/themes/responses/{row.response_id}/move",
        data={"theme": "none", "next": "https://evil.example/"},
    )
    assert evil.headers["Location"].startswith("/themes/")
    assert queries.reviewer_row(row.response_id).theme_id is None
    bad = client.post(f"/themes/responses/{row.response_id}/move", data={"theme": "99999"})
    assert bad.status_code == 303
    assert "Not a valid choice" in client.get(bad.headers["Location"]).get_data(as_text=True)


@pytest.mark.slow
def test_sub_theme_forms(client, login, make_user, analysed):
    login(make_user("admin"))
    sub = max(
        (s for s in db.session.scalars(select(SubTheme)) if s.theme_id),
        key=lambda s: len(queries.sub_theme_members(s)),
    )
    response = client.post(f"/themes/sub-themes/{sub.id}/rename", data={"label": "Repairs"})
    assert response.status_code == 303
    assert "Sub-theme renamed to “Repairs”." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    empty = client.post(f"/themes/sub-themes/{sub.id}/rename", data={"label": ""})
    assert "Enter a name for the sub-theme." in client.get(empty.headers["Location"]).get_data(
        as_text=True
    )
    members = queries.sub_theme_members(sub)
    split = client.post(
        f"/themes/sub-themes/{sub.id}/split",
        data={"responses": [str(members[0])], "label": "Just one", "confirm": "yes"},
    )
    assert split.status_code == 303
    new = db.session.scalar(select(SubTheme).where(SubTheme.reviewer_label == "Just one"))
    assert queries.sub_theme_members(new) == [members[0]]
    merge = client.post(
        f"/themes/sub-themes/{new.id}/merge", data={"target": str(sub.id), "confirm": "yes"}
    )
    assert merge.status_code == 303 and new.merged_into_id == sub.id
    target = next(t for t in queries.list_themes(analysed.id) if t.id != sub.theme_id)
    move = client.post(
        f"/themes/sub-themes/{sub.id}/move", data={"theme": str(target.id), "confirm": "yes"}
    )
    assert move.status_code == 303 and move.headers["Location"].endswith(f"/themes/{target.id}")
    assert sub.theme_id == target.id


@pytest.mark.slow
def test_needs_review_confirm_and_search(client, login, make_user, analysed):
    login(make_user("reviewer"))
    page = client.get("/themes/review?campaign=themes-test")
    assert page.status_code == 200 and "Needs a human" in page.get_data(as_text=True)
    rows, total = queries.needs_review(analysed.id)  # the model answers not auto-accepted
    model = [r for r in queries.effective(analysed.id) if r.source == "model"]
    assert 0 < total == sum(not r.auto_accepted for r in model) <= 24
    response = client.post(f"/themes/responses/{rows[0].response_id}/confirm", data={})
    assert response.status_code == 303
    assert "Theme confirmed." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert queries.needs_review(analysed.id)[1] == total - 1
    found = client.get("/themes/search?campaign=themes-test&q=RENT").get_data(as_text=True)
    assert "Our rent went up" in found and "1 answer with every word" in found
    none = client.get("/themes/search?campaign=themes-test&q=%25").get_data(as_text=True)
    assert "0 answers with every word" in none


def test_edit_theme_and_mark_reviewed(client, login, make_user, themes_campaign):
    login(make_user("reviewer"))
    operations.ensure_themes(themes_campaign)
    housing = _theme(themes_campaign, "housing")
    form = client.get(f"/themes/{housing.id}/edit")
    assert form.status_code == 200 and "Edit theme" in form.get_data(as_text=True)
    bad = client.post(f"/themes/{housing.id}/edit", data={"name": "", "description": "x"})
    assert bad.status_code == 422 and "Enter a name for the theme." in bad.get_data(as_text=True)
    good = client.post(
        f"/themes/{housing.id}/edit", data={"name": "Homes", "description": "Where people live"}
    )
    assert good.status_code == 303
    assert "Theme “Homes” saved." in client.get(good.headers["Location"]).get_data(as_text=True)
    reviewed = client.post(f"/themes/{housing.id}/reviewed", data={"reviewed": "1"})
    assert reviewed.status_code == 303 and housing.reviewed
    client.post(f"/themes/{housing.id}/reviewed", data={"reviewed": "0"})
    assert not housing.reviewed


def test_unknown_ids_are_404(client, login, make_user, themes_campaign):
    login(make_user("reviewer"))
    assert client.get("/themes/999999").status_code == 404
    assert client.get("/themes/runs/999999").status_code == 404
    assert client.post("/themes/sub-themes/999999/rename", data={"label": "x"}).status_code == 404
    assert client.get("/themes/?campaign=nope").status_code == 404


@pytest.mark.slow
def test_reviewers_see_each_answers_language(client, login, make_user, analysed):
    from sqlalchemy import select

    from listening.extensions import db
    from listening.intake.models import Response

    login(make_user("reviewer"))
    answer = db.session.scalar(
        select(Response).where(Response.redacted_text.like("%rent went up%"))
    )
    answer.language = "pt"  # as intake would store it for an answer in Portuguese
    db.session.commit()
    found = client.get("/themes/search?campaign=themes-test&q=rent").get_data(as_text=True)
    assert 'lang="pt" dir="auto">' in found and ">Portuguese</strong>" in found
    answer.language = "en"
    db.session.commit()
    found = client.get("/themes/search?campaign=themes-test&q=rent").get_data(as_text=True)
    assert ">Portuguese</strong>" not in found and ">English</strong>" not in found
