"""With the themes package's analysis in place, "you said" counts come through its interface
(listening.themes.queries.theme_people_counts) and small counts are still suppressed."""

from __future__ import annotations

from listening.extensions import db
from listening.themes.models import Assignment, Theme
from listening.themes.pipeline import DEFAULT_TAXONOMY

DEFAULT_THEMES = {t.slug: t.name for t in DEFAULT_TAXONOMY}


def assign(campaign, conversations_by_slug, reviewed=tuple(DEFAULT_THEMES)):
    themes = {}
    for position, (slug, name) in enumerate(DEFAULT_THEMES.items()):
        themes[slug] = Theme(
            campaign_id=campaign.id,
            slug=slug,
            name=name,
            position=position,
            reviewed=slug in reviewed,
        )
        db.session.add(themes[slug])
    db.session.flush()
    for slug, conversations in conversations_by_slug.items():
        for conversation in conversations:
            for response in conversation.responses:
                db.session.add(
                    Assignment(
                        response_id=response.id,
                        theme_id=themes[slug].id,
                        score=1.0,
                        source="reviewer",
                    )
                )
    db.session.commit()


def test_you_said_counts_by_borough_with_suppression(
    client, campaign, make_conversation, make_pledge
):
    big = make_conversation(texts=["Rent is too high."], people=40, borough="southwark")
    small = make_conversation(texts=["The mould is back."], people=3, borough="bexley")
    lonely = make_conversation(texts=["So lonely."], people=2, borough="lambeth")
    assign(campaign, {"housing": [big, small], "mental-health-isolation": [lonely]})
    make_pledge(themes=("housing",), title="Mould pledge")
    db.session.commit()

    page = client.get("/pledges/themes/housing").get_data(as_text=True)
    assert "Analysis not yet published" not in page
    assert "43 people raised this in fewer than 5 conversations" in page
    cell = '<td class="nhsuk-table__cell">{}</td><td class="nhsuk-table__cell app-num">{}'
    # 43 - 40 would give Bexley's 3 away: the smallest shown part is withheld too
    assert cell.format("Southwark", "withheld") in page
    assert cell.format("Bexley", "fewer than 5") in page
    assert ">40<" not in page
    assert ">3<" not in page

    data = client.get("/api/v1/themes").get_json()
    housing = next(t for t in data["themes"] if t["slug"] == "housing")
    assert data["analysis_published"] is True
    assert housing["people"] == 43
    hidden = {"people": None, "people_suppressed": True}
    assert housing["by_borough"] == {
        "bexley": hidden,
        "lambeth": hidden,
        "southwark": hidden,
        "unspecified": hidden,
    }
    assert (housing["conversations"], housing["conversations_suppressed"]) == (None, True)
    lonely_theme = next(t for t in data["themes"] if t["slug"] == "mental-health-isolation")
    assert (lonely_theme["people"], lonely_theme["people_suppressed"]) == (None, True)
    assert "fewer than 5 people in fewer than 5 conversations" in client.get("/pledges").get_data(
        as_text=True
    )


def test_counts_of_a_theme_not_yet_reviewed_stay_private(client, campaign, make_conversation):
    rent = make_conversation(texts=["Rent is too high."], people=40, borough="southwark")
    lonely = make_conversation(texts=["So lonely."], people=12, borough="lambeth")
    assign(campaign, {"housing": [rent], "mental-health-isolation": [lonely]}, reviewed=["housing"])

    assert "40 people raised this" in client.get("/pledges/themes/housing").get_data(as_text=True)
    page = client.get("/pledges/themes/mental-health-isolation").get_data(as_text=True)
    assert "Analysis not yet published" in page and "12 people" not in page
    data = client.get("/api/v1/themes").get_json()
    mental = next(t for t in data["themes"] if t["slug"] == "mental-health-isolation")
    assert mental["published"] is False and mental["people"] is None
    summary = client.get("/pledges").get_data(as_text=True)
    assert "once the engagement team has reviewed it" in summary


def test_pledges_can_be_tagged_with_sub_themes_of_the_current_analysis(
    client, login, make_user, campaign, make_org
):
    from sqlalchemy import select

    from listening.assembly.models import Pledge
    from listening.themes.models import SubTheme, ThemeRun
    from listening.timeutil import utcnow

    assign(campaign, {})
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    run = ThemeRun(campaign_id=campaign.id, status="succeeded", finished_at=utcnow())
    db.session.add(run)
    db.session.flush()
    mould = SubTheme(
        run_id=run.id, theme_id=themes["housing"].id, key="mould", label="Damp and mould"
    )
    wages = SubTheme(
        run_id=run.id, theme_id=themes["work-wages-cost-of-living"].id, key="pay", label="Low pay"
    )
    db.session.add_all([mould, wages])
    org = make_org()
    db.session.commit()
    login(make_user("reviewer", organisation=None))
    form = {
        "title": "Mould fixed fast",
        "commitment": "Inspect in 5 days, fix in 28.",
        "themes": ["housing"],
        "lead_organisation": str(org.id),
        "event": "",
        "area": "",
        "status": "not-started",
    }
    page = client.get("/staff/pledges/new").get_data(as_text=True)
    assert "Housing: Damp and mould" in page
    wrong = client.post("/staff/pledges/new", data={**form, "subthemes": [str(wages.id)]})
    assert wrong.status_code == 422
    assert "Each sub-theme must belong to one of the themes you selected" in wrong.get_data(
        as_text=True
    )
    assert (
        client.post("/staff/pledges/new", data={**form, "subthemes": [str(mould.id)]}).status_code
        == 303
    )
    pledge = db.session.scalar(select(Pledge).where(Pledge.title == "Mould fixed fast"))
    assert [(r.theme_slug, r.subtheme_id) for r in pledge.themes] == [("housing", mould.id)]
    data = client.get(f"/api/v1/pledges/{pledge.id}").get_json()
    assert data["subthemes"] == [{"theme": "housing", "subtheme_id": mould.id}]


def test_marking_a_theme_reviewed_refreshes_the_cached_tracker(
    app, client, campaign, make_conversation, reviewer
):
    from listening.themes import operations as themes

    lonely = make_conversation(texts=["So lonely."], people=12, borough="lambeth")
    assign(campaign, {"mental-health-isolation": [lonely]}, reviewed=[])
    app.config["ASSEMBLY_CACHE_SECONDS"] = 60
    try:
        page = "/pledges/themes/mental-health-isolation"
        assert "Analysis not yet published" in client.get(page).get_data(as_text=True)
        assert client.get(page).headers["X-Cache"] == "hit"
        theme = db.session.scalar(
            db.select(Theme).filter_by(campaign_id=campaign.id, slug="mental-health-isolation")
        )
        themes.mark_theme_reviewed(theme, reviewer)
        db.session.commit()
        fresh = client.get(page)
        assert fresh.headers["X-Cache"] == "miss"
        assert "12 people raised this" in fresh.get_data(as_text=True)
    finally:
        del app.config["ASSEMBLY_CACHE_SECONDS"]


def test_a_pledges_sub_theme_links_follow_merges_and_new_runs_and_are_never_dropped(
    client, login, make_user, campaign, make_org, make_conversation, make_pledge
):
    """Linked in one analysis, the pledge's edit form shows the sub-theme that continues each
    link after a merge and after a new run; a link with no continuation stays ticked."""
    from datetime import timedelta

    from sqlalchemy import select

    from listening.assembly.models import Pledge
    from listening.themes.models import SubTheme, ThemeRun
    from listening.timeutil import utcnow

    assign(campaign, {})
    housing = db.session.scalar(select(Theme).where(Theme.slug == "housing"))
    answers = [
        make_conversation(texts=[f"Answer {n} about the flat."]).responses[0] for n in range(6)
    ]

    def run_with(subs: dict[str, list[int]], finished_at) -> dict[str, SubTheme]:
        run = ThemeRun(campaign_id=campaign.id, status="succeeded", finished_at=finished_at)
        db.session.add(run)
        db.session.flush()
        made = {}
        for key, members in subs.items():
            made[key] = SubTheme(run_id=run.id, theme_id=housing.id, key=key, label=key.title())
            db.session.add(made[key])
            db.session.flush()
            for n in members:
                db.session.add(
                    Assignment(
                        response_id=answers[n].id,
                        theme_id=housing.id,
                        run_id=run.id,
                        sub_theme_id=made[key].id,
                        score=0.9,
                    )
                )
        db.session.flush()
        return made

    first = run_with({"mould": [0, 1], "damp": [2], "repairs": [3, 4], "lifts": [5]}, utcnow())
    pledge = make_pledge(
        title="Mould fixed fast",
        themes=("housing",),
        subtheme_ids={"housing": (first["damp"].id, first["lifts"].id)},
    )
    # "damp" is merged into "mould" in the first analysis
    db.session.execute(
        Assignment.__table__.update()
        .where(Assignment.sub_theme_id == first["damp"].id)
        .values(sub_theme_id=first["mould"].id)
    )
    first["damp"].merged_into_id = first["mould"].id
    db.session.commit()
    login(make_user("reviewer", organisation=None))
    edit = f"/staff/pledges/{pledge.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert _ticked(page, first["mould"].id) and _ticked(page, first["lifts"].id)

    # a new analysis: "mould" continues as "wet walls" (same answers); nothing continues "lifts"
    later = utcnow() + timedelta(minutes=1)
    second = run_with({"wet walls": [0, 1, 2], "repairs": [3, 4, 5]}, later)
    db.session.commit()
    page = client.get(edit).get_data(as_text=True)
    assert _ticked(page, second["wet walls"].id)
    assert not _ticked(page, second["repairs"].id)
    assert "Lifts (earlier analysis, no match now)" in page and _ticked(page, first["lifts"].id)

    form = {
        "title": "Mould fixed fast",
        "commitment": "Inspect in 5 days, fix in 28.",
        "themes": ["housing"],
        "subthemes": [str(second["wet walls"].id), str(first["lifts"].id)],
        "lead_organisation": str(pledge.lead_organisation_id),
        "event": "",
        "area": "",
        "status": "not-started",
    }
    assert client.post(edit, data=form).status_code == 303
    db.session.expire_all()
    saved = db.session.get(Pledge, pledge.id)
    assert sorted(r.subtheme_id for r in saved.themes) == sorted(
        [second["wet walls"].id, first["lifts"].id]
    )


def _ticked(page: str, sub_id: int) -> bool:
    import re

    for tag in re.findall(r"<input[^>]*>", page):
        if 'name="subthemes"' in tag and f'value="{sub_id}"' in tag:
            return "checked" in tag
    return False
