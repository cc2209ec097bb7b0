""" "What to do first": three steps per role after the first sign-in, dismissed once for good
("Got it"), and shown again from the account page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from tests.conftest import PASSWORD

STEPS = {
    "partner": ["/intake/conversations/new", "/intake/conversations", "/partners/"],
    "reviewer": ["/themes/review", "/staff/quotes", "/staff/pledges"],
    "admin": ["/admin/users", "/intake/organisations", "/admin/pages"],
    "safeguarding_lead": ["/safeguarding/", "/pledges", "/account"],
}
LANDING = {
    "partner": "/intake/conversations/new",
    "reviewer": "/intake/coverage",
    "safeguarding_lead": "/safeguarding/",
}


def tour_links(html: str) -> list[str]:
    """The hrefs inside the "What to do first" panel, in order ([] when there is none)."""
    if 'id="tour-heading"' not in html:
        return []
    panel = html.split('id="tour-heading"', 1)[1].split("</section>", 1)[0]
    return [part.split('"', 1)[0] for part in panel.split('<a href="')[1:]]


@pytest.fixture
def campaign(make_campaign):
    campaign = make_campaign()
    db.session.commit()
    return campaign


@pytest.mark.parametrize("role", ["partner", "reviewer", "admin", "safeguarding_lead"])
def test_first_sign_in_shows_the_steps_for_the_role(campaign, make_user, signed_in, role):
    user = make_user(role, "Peckham Community Centre" if role == "partner" else None)
    db.session.commit()
    client = signed_in(user)
    landing = LANDING.get(role, LANDING["reviewer"])
    html = client.get(landing).get_data(as_text=True)
    assert "What to do first" in html and "Got it" in html
    links = tour_links(html)
    assert len(links) == 3
    for link, expected in zip(links, STEPS[role], strict=True):
        assert link.startswith(expected), (link, expected)
    if role == "partner":
        assert links[2] == f"/partners/{user.organisation_id}"
    others = {path for r, paths in STEPS.items() if r != role for path in paths}
    assert not others & set(links)
    # only on the landing page: other pages are left alone
    assert tour_links(client.get("/account").get_data(as_text=True)) == []


def test_got_it_is_kept_and_the_next_sign_in_shows_no_tour(campaign, make_user, signed_in):
    partner = make_user("partner")
    db.session.commit()
    client = signed_in(partner)
    assert tour_links(client.get("/intake/conversations/new").get_data(as_text=True))
    response = client.post("/account/first-steps/done", data={"next": "/intake/conversations/new"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/intake/conversations/new"
    db.session.refresh(partner)
    assert partner.tour_done_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "accounts.finish_tour"))
    assert event is not None and event.entity_id == str(partner.id)
    html = client.get("/intake/conversations/new").get_data(as_text=True)
    assert tour_links(html) == [] and "You can see these steps again" in html

    client.post("/logout")
    again = signed_in(partner)
    assert tour_links(again.get("/intake/conversations/new").get_data(as_text=True)) == []
    # a second "Got it" (another tab) changes nothing
    done_at = partner.tour_done_at
    again.post("/account/first-steps/done")
    db.session.refresh(partner)
    assert partner.tour_done_at == done_at


def test_the_steps_can_be_opened_again_from_the_account_page(campaign, make_user, signed_in):
    reviewer = make_user("reviewer", None)
    db.session.commit()
    client = signed_in(reviewer)
    client.post("/account/first-steps/done")
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/account/first-steps"' in account
    html = client.get("/account/first-steps").get_data(as_text=True)
    assert tour_links(html) == ["/themes/review", "/staff/quotes", "/staff/pledges"]
    assert "Got it" not in html  # already dismissed: nothing to dismiss


def test_the_steps_need_a_sign_in(client):
    for response in (client.get("/account/first-steps"), client.post("/account/first-steps/done")):
        assert response.status_code in (302, 303)
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["partner", "reviewer", "admin", "safeguarding_lead"])
def test_signing_in_lands_on_a_page_the_role_may_open(client, campaign, make_user, role):
    make_user(role, "Peckham Community Centre" if role == "partner" else None, email="me@x.org")
    db.session.commit()
    response = client.post("/login", data={"email": "me@x.org", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == LANDING.get(role, LANDING["reviewer"])
    assert client.get(response.headers["Location"]).status_code == 200
