"""A user's name and optional phone number: an admin edits them (audited, before and after);
what is not a phone number is refused next to the field; a `tel:` link is built from it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from listening.accounts import operations
from listening.accounts.models import User
from listening.audit import AuditEvent
from listening.extensions import db
from tests.conftest import PASSWORD


def _admin_client(client, make_user):
    admin = make_user("admin", None)
    db.session.commit()
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 303
    return admin


def test_an_admin_sets_a_leads_name_and_phone_audited(client, make_user):
    admin = _admin_client(client, make_user)
    lead = make_user("safeguarding_lead", None)
    db.session.commit()
    page = client.get(f"/admin/users/{lead.id}").get_data(as_text=True)
    assert 'name="phone"' in page and 'type="tel"' in page
    response = client.post(
        f"/admin/users/{lead.id}",
        data={"role": "safeguarding_lead", "name": " Sam  Okafor ", "phone": " 020 7946 0000 "},
    )
    assert response.status_code == 303
    saved = db.session.get(User, lead.id)
    assert (saved.name, saved.phone) == ("Sam Okafor", "020 7946 0000")
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "accounts.update"))
    assert event.actor_id == admin.id
    assert (event.before["phone"], event.after["phone"]) == ("", "020 7946 0000")
    assert (event.before["name"], event.after["name"]) == ("", "Sam Okafor")
    page = client.get(f"/admin/users/{lead.id}").get_data(as_text=True)
    assert 'value="020 7946 0000"' in page and 'value="Sam Okafor"' in page


@pytest.mark.parametrize("bad", ["call me", "12", "+44 20 7946 0000 ext. 12", "0" * 41, "44+20"])
def test_what_is_not_a_phone_number_is_refused_next_to_the_field(client, make_user, bad):
    _admin_client(client, make_user)
    lead = make_user("safeguarding_lead", None)
    lead.phone = "020 7946 0000"
    db.session.commit()
    response = client.post(
        f"/admin/users/{lead.id}", data={"role": "safeguarding_lead", "phone": bad}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter a phone number, like 020 7946 0000" in html
    assert 'id="phone-error"' in html or "nhsuk-error-message" in html
    db.session.expire_all()
    assert db.session.get(User, lead.id).phone == "020 7946 0000"


def test_the_tel_link_keeps_digits_and_a_leading_plus():
    assert operations.normalise_phone("") == ""
    assert operations.normalise_phone("+44 (0)20 7946-0000") == "+44 (0)20 7946-0000"
    assert operations.tel_href("020 7946 0000") == "tel:02079460000"
    assert operations.tel_href("+44 (0)20 7946-0000") == "tel:+442079460000"  # no trunk 0
    assert operations.tel_href("(020) 7946 0000") == "tel:02079460000"
