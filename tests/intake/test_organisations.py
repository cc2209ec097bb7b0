"""Organisations admin: admins list, add and edit organisations; every change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.organisations.models import Organisation


@pytest.fixture
def world(make_campaign, make_user):
    campaign = make_campaign()
    admin = make_user("admin", None)
    reviewer = make_user("reviewer", None)
    partner = make_user("partner", "Peckham Community Centre")
    peckham = partner.organisation
    peckham.area = next(a for a in campaign.areas if a.slug == "southwark")
    db.session.commit()
    return campaign, admin, reviewer, partner, peckham


def _form(campaign, **overrides):
    bexley = next(a for a in campaign.areas if a.slug == "bexley")
    data = {
        "name": "Bexley Mind",
        "type": "mental-health",
        "area": str(bexley.id),
        "outreach_status": "contacted",
        "contact_notes": "Spoke to the manager on 3 July",
    }
    return data | overrides


def _audit(entity_id) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.entity == "intake_organisation", AuditEvent.entity_id == str(entity_id)
            )
            .order_by(AuditEvent.id)
        )
    )


def test_only_admins_may_manage_organisations(world, signed_in):
    campaign, _admin, reviewer, partner, peckham = world
    paths = [
        "/intake/organisations",
        "/intake/organisations/new",
        f"/intake/organisations/{peckham.id}/edit",
    ]
    for path in paths:
        anonymous = signed_in().get(path)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
        for user in (reviewer, partner):
            assert signed_in(user).get(path).status_code == 403
    refused = signed_in(reviewer).post(
        f"/intake/organisations/{peckham.id}/edit", data=_form(campaign, name="Taken over")
    )
    assert refused.status_code == 403
    assert db.session.get(Organisation, peckham.id).name == "Peckham Community Centre"


def test_admin_sees_the_list_with_type_borough_and_status(world, signed_in):
    _campaign, admin, _reviewer, _partner, peckham = world
    client = signed_in(admin)
    body = client.get("/intake/organisations").get_data(as_text=True)
    row = body.split("Peckham Community Centre")[1].split("</tr>")[0]
    assert "Southwark" in row and "Not contacted" in row and "Other" in row
    filtered = client.get("/intake/organisations?status=facilitating").get_data(as_text=True)
    assert "Peckham Community Centre" not in filtered
    assert "No organisations with this status" in filtered
    assert client.get("/intake/organisations?status=%3Cb%3E").status_code == 200


def test_admin_adds_an_organisation_and_it_is_audited(world, signed_in):
    campaign, admin, _reviewer, _partner, _peckham = world
    response = signed_in(admin).post("/intake/organisations/new", data=_form(campaign))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/intake/organisations")
    created = db.session.scalar(select(Organisation).where(Organisation.name == "Bexley Mind"))
    assert (created.type, created.area.slug, created.outreach_status) == (
        "mental-health",
        "bexley",
        "contacted",
    )
    [event] = _audit(created.id)
    assert (event.action, event.actor_id, event.before) == ("organisations.create", admin.id, None)
    assert event.after["outreach_status"] == "contacted"


def test_admin_edits_outreach_status_and_the_change_is_audited(world, signed_in):
    campaign, admin, _reviewer, _partner, peckham = world
    client = signed_in(admin)
    page = client.get(f"/intake/organisations/{peckham.id}/edit").get_data(as_text=True)
    assert 'value="Peckham Community Centre"' in page
    response = client.post(
        f"/intake/organisations/{peckham.id}/edit",
        data=_form(
            campaign,
            name="Peckham Community Centre",
            type="community-centre",
            area="",
            outreach_status="facilitating",
        ),
    )
    assert response.status_code == 303
    edited = db.session.get(Organisation, peckham.id)
    assert (edited.outreach_status, edited.area, edited.type) == (
        "facilitating",
        None,
        "community-centre",
    )
    event = _audit(peckham.id)[-1]
    assert (event.action, event.actor_id) == ("organisations.update", admin.id)
    assert (event.before["outreach_status"], event.after["outreach_status"]) == (
        "not-contacted",
        "facilitating",
    )
    assert (event.before["area"], event.after["area"]) == ("southwark", None)
    # saving again without changes writes no audit row
    client.post(
        f"/intake/organisations/{peckham.id}/edit",
        data=_form(
            campaign,
            name="Peckham Community Centre",
            type="community-centre",
            area="",
            outreach_status="facilitating",
        ),
    )
    assert _audit(peckham.id)[-1].id == event.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the organisation&#39;s name"),
        ({"name": "  peckham   COMMUNITY centre "}, "There is already an organisation called"),
        ({"name": "x" * 201}, "Name must be 200 characters or fewer"),
        ({"outreach_status": "pending"}, "Not a valid choice"),
        ({"area": "999999"}, "Not a valid choice"),
        ({"type": "cult"}, "Not a valid choice"),
        ({"contact_notes": "n" * 5_001}, "Notes must be 5,000 characters or fewer"),
    ],
)
def test_errors_appear_beside_the_field_and_keep_what_was_typed(
    world, signed_in, overrides, message
):
    campaign, admin, _reviewer, _partner, _peckham = world
    before = db.session.query(Organisation).count()
    data = _form(campaign, **overrides)
    response = signed_in(admin).post("/intake/organisations/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body and "nhsuk-error-message" in body
    assert "Spoke to the manager on 3 July" in body or "n" * 100 in body
    assert db.session.query(Organisation).count() == before


def test_unknown_organisation_is_404(world, signed_in):
    _campaign, admin, *_rest = world
    assert signed_in(admin).get("/intake/organisations/999999/edit").status_code == 404


def test_the_list_is_paged_and_filtered_by_name(world, signed_in):
    _campaign, admin, *_ = world
    for i in range(59):
        db.session.add(Organisation(name=f"Group {i:02d} {'Mind' if i % 3 == 0 else 'Club'}"))
    db.session.add(Organisation(name="100% Youth_Club"))
    db.session.commit()
    client = signed_in(admin)
    first = client.get("/intake/organisations").get_data(as_text=True)
    assert "61 organisations" in first and "(page 1 of 3)" in first
    assert first.count('class="nhsuk-table__row"') == 1 + 25  # the header row and 25 rows
    assert "100% Youth_Club" in first and "Group 23 Club" in first and "Group 24 Mind" not in first
    third = client.get("/intake/organisations?page=3").get_data(as_text=True)
    assert "Showing 51 to 61 (page 3 of 3)" in third and "Peckham Community Centre" in third
    assert client.get("/intake/organisations?page=99").status_code == 200  # the last page
    for bad in ("0", "-3", "x", "9" * 40, "١"):
        assert client.get(f"/intake/organisations?page={bad}").status_code == 400, bad
    minds = client.get("/intake/organisations?name=+mind+").get_data(as_text=True)
    assert "20 organisations" in minds and "Group 03 Mind" in minds and "Group 01 Club" not in minds
    assert 'value="mind"' in minds  # what was typed stays in the box
    literal = client.get("/intake/organisations?name=%25").get_data(as_text=True)
    assert "1 organisation –" in literal and "100% Youth_Club" in literal  # % is not a wildcard
    both = client.get("/intake/organisations?name=mind&status=facilitating").get_data(as_text=True)
    assert "have a name containing “mind”" in both
    page2 = client.get("/intake/organisations?name=Group&page=2").get_data(as_text=True)
    assert 'href="/intake/organisations?name=Group&amp;page=3"' in page2
    assert 'href="/intake/organisations?name=Group&amp;status=contacted"' in page2
