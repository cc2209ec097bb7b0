"""The theme page's story: reviewed sub-themes under "You said" (label, people, one consented
quote each), and the ideas raised at workshops linked to the pledges they became."""

from __future__ import annotations

from datetime import date

import pytest

from listening.assembly import operations as ops
from listening.assembly import quotes
from listening.extensions import db
from listening.themes.models import Assignment, SubTheme, Theme, ThemeRun
from listening.timeutil import utcnow


@pytest.fixture
def analysed(campaign, make_conversation, reviewer):
    """A finished run: housing (reviewed) has two sub-themes; a quote is approved in one."""
    damp = make_conversation(texts=["The mould in the bedroom makes my son cough."], people=12)
    rent = make_conversation(texts=["Rent went up again this year."], people=30)
    tiny = make_conversation(texts=["The rent is too much."], people=3, borough="bexley")
    housing = Theme(campaign_id=campaign.id, slug="housing", name="Housing", reviewed=True)
    lonely = Theme(campaign_id=campaign.id, slug="mental-health-isolation", name="Lonely")
    db.session.add_all([housing, lonely])
    run = ThemeRun(campaign_id=campaign.id, status="succeeded", finished_at=utcnow())
    db.session.add(run)
    db.session.flush()
    subs = {
        "damp": SubTheme(run_id=run.id, theme_id=housing.id, key="a", label="mould, damp"),
        "rent": SubTheme(
            run_id=run.id, theme_id=housing.id, key="b", label="rent", reviewer_label="Rising rent"
        ),
        "merged": SubTheme(run_id=run.id, theme_id=housing.id, key="c", label="gone"),
        "small": SubTheme(run_id=run.id, theme_id=housing.id, key="d", label="rent arrears"),
    }
    db.session.add_all(subs.values())
    db.session.flush()
    subs["merged"].merged_into_id = subs["rent"].id
    for conversation, sub in ((damp, "damp"), (rent, "rent"), (tiny, "small")):
        for response in conversation.responses:
            db.session.add(
                Assignment(
                    response_id=response.id,
                    theme_id=housing.id,
                    score=0.9,
                    source="model",
                    run_id=run.id,
                    sub_theme_id=subs[sub].id,
                )
            )
    quote = quotes.propose_quote(
        damp.responses[0], damp.responses[0].redacted_text, reviewer, theme_slug="housing"
    )
    quotes.approve_quote(quote, reviewer, quotes.CHECKLIST)
    db.session.commit()
    return subs


def test_theme_page_shows_reviewed_sub_themes_with_people_and_a_quote(client, analysed):
    page = client.get("/pledges/themes/housing").get_data(as_text=True)
    assert "What people talked about" in page
    rising = page.index("Rising rent")  # the reviewer's label, and the larger one first
    mould = page.index("mould, damp")
    assert rising < mould
    assert "30 people" in page[rising:mould]  # weighted by the conversation's people
    assert "fewer than 5 people" in page[page.index("rent arrears") :]
    assert "“The mould in the bedroom makes my son cough.”" in page[mould:]
    assert ">gone<" not in page  # merged away


def test_unreviewed_themes_show_no_sub_themes(client, analysed):
    page = client.get("/pledges/themes/mental-health-isolation").get_data(as_text=True)
    assert "What people talked about" not in page


def test_sub_themes_come_largest_first_with_a_quote_only_from_their_own_answers(campaign, analysed):
    from listening.assembly import queries

    rows = queries.public_sub_themes(campaign, "housing", [])
    assert [(s.label, s.people, s.quote) for s in rows] == [
        ("Rising rent", 30, None),
        ("mould, damp", 12, None),
        ("rent arrears", 3, None),
    ]
    shown = queries.public_sub_themes(
        campaign, "housing", quotes.public_quotes(campaign.id, theme_slug="housing")
    )
    assert [s.quote for s in shown] == [None, "The mould in the bedroom makes my son cough.", None]


def test_ideas_link_to_the_pledges_they_became_and_keep_the_link(
    client, campaign, make_pledge, reviewer
):
    pledge = make_pledge(actor=reviewer, title="Damp fixed fast", themes=("housing",))
    event = ops.save_event(
        campaign,
        ops.EventInput(
            kind="co-production-workshop",
            title="Housing workshop",
            held_on=date(2023, 10, 10),
            theme_slugs=("housing",),
            ideas=(("Fix damp fast", ("housing",)), ("Build more homes", ("housing",))),
        ),
        reviewer,
    )
    ops.link_idea(event.ideas[0], pledge.id, reviewer)
    db.session.commit()
    link = f'Became the pledge <a href="/pledges/{pledge.id}">Damp fixed fast</a>'
    for url in ("/pledges/themes/housing", "/pledges/events"):
        page = client.get(url).get_data(as_text=True)
        assert page.count("Became the pledge") == 1 and link in page, url
    # re-saving the event's ideas keeps the link of an idea whose text is unchanged
    ops.save_event(
        campaign,
        ops.EventInput(
            kind="co-production-workshop",
            title="Housing workshop",
            held_on=date(2023, 10, 10),
            theme_slugs=("housing",),
            ideas=(("Fix damp fast", ("housing",)), ("Rent caps", ("housing",))),
        ),
        reviewer,
        event=event,
    )
    db.session.commit()
    assert link in client.get("/pledges/events").get_data(as_text=True)


def test_staff_link_an_idea_to_its_pledge_audited_and_checked(
    client, login, make_user, campaign, make_campaign, make_pledge, reviewer
):
    from sqlalchemy import select

    from listening.audit import AuditEvent

    pledge = make_pledge(actor=reviewer, title="Damp fixed fast", themes=("housing",))
    event = ops.save_event(
        campaign,
        ops.EventInput("other", "Workshop", date(2023, 10, 10), ideas=(("Fix damp", ()),)),
        reviewer,
    )
    db.session.commit()
    idea = event.ideas[0]
    url = f"/staff/ideas/{idea.id}/pledge"
    assert client.post(url, data={"pledge_id": pledge.id}).status_code == 302  # to sign in
    login(make_user("reviewer", organisation=None))
    page = client.get(f"/staff/events/{event.id}").get_data(as_text=True)
    assert f'<label class="nhsuk-label" for="idea-{idea.id}-pledge">Became the pledge' in page
    response = client.post(url, data={"pledge_id": pledge.id})
    assert response.status_code == 303
    db.session.refresh(idea)
    assert idea.pledge_id == pledge.id
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "assembly_idea")
    ).all()
    assert "assembly.update" in actions
    for bad in ("abc", "999999"):
        refused = client.post(url, data={"pledge_id": bad})
        assert refused.status_code == 422
        assert "Choose one of this campaign’s pledges" in refused.get_data(as_text=True)
    other = make_campaign(slug="other-campaign")
    elsewhere = ops.save_pledge(
        other,
        ops.PledgeInput("Elsewhere", "Something", ("housing",), pledge.lead_organisation_id),
        reviewer,
    )
    db.session.commit()
    assert client.post(url, data={"pledge_id": elsewhere.id}).status_code == 422
    assert client.post(url, data={"pledge_id": ""}).status_code == 303
    db.session.refresh(idea)
    assert idea.pledge_id is None
