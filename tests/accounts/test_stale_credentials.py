"""Stale credentials: one live password-reset link per user and none for a deactivated one;
the "signed in here before" cookie follows the user's session version and lasts 90 days;
a cap on follow confirmations sent on behalf of one client; a safeguarding lead logs nothing."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from listening.accounts import operations
from listening.extensions import db
from listening.intake.operations import get_conversation
from tests.conftest import PASSWORD

NEW_PASSWORD = "plum kettle orbit lantern"
ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}


def _sign_in(client, user, password=PASSWORD, **kwargs):
    return client.post("/login", data={"email": user.email, "password": password}, **kwargs)


def _reset_link(admin_client, user) -> str:
    page = admin_client.post(f"/admin/users/{user.id}/reset").get_data(as_text=True)
    return page.split("/reset/")[1].split("<")[0]


def test_a_new_reset_link_cancels_the_one_before(app, client, make_user):
    admin, user = make_user("admin", None), make_user("reviewer", None)
    _sign_in(client, admin)
    first, second = _reset_link(client, user), _reset_link(client, user)
    visitor = app.test_client()
    assert visitor.get(f"/reset/{first}").status_code == 404
    assert visitor.get(f"/reset/{second}").status_code == 200


def test_using_a_reset_link_ends_every_other(app, make_user):
    admin, user = make_user("admin", None), make_user("reviewer", None)
    first = operations.start_password_reset(user, admin)
    db.session.commit()
    reset = operations.reset_for_token(first)
    operations.complete_password_reset(reset, NEW_PASSWORD)
    db.session.commit()
    assert operations.reset_for_token(first) is None
    assert app.test_client().get(f"/reset/{first}").status_code == 404


def test_no_reset_link_for_a_deactivated_user(app, client, make_user):
    admin, user = make_user("admin", None), make_user("reviewer", None)
    earlier = operations.start_password_reset(user, admin)
    operations.set_active(user, False, admin)
    db.session.commit()
    assert app.test_client().get(f"/reset/{earlier}").status_code == 404  # issued before
    with pytest.raises(operations.AccountError):
        operations.start_password_reset(user, admin)
    _sign_in(client, admin)
    response = client.post(f"/admin/users/{user.id}/reset")
    assert response.status_code == 400
    assert "deactivated" in response.get_data(as_text=True) and "/reset/" not in (
        response.get_data(as_text=True)
    )


def _lock_out(app, user) -> None:
    attacker = app.test_client()
    for n in range(6):
        _sign_in(attacker, user, f"wrong guess {n}", environ_base=ATTACKER)
    assert "Too many failed attempts" in _sign_in(attacker, user).get_data(as_text=True)


def test_the_device_cookie_lasts_90_days(client, make_user):
    user = make_user("reviewer", None)
    response = _sign_in(client, user)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "listening_device=" in c)
    assert "Max-Age=7776000" in cookie  # 90 days


def test_a_password_change_clears_other_devices_cookies(app, make_user):
    user = make_user("reviewer", None)
    old_phone, laptop = app.test_client(), app.test_client()
    assert _sign_in(old_phone, user).status_code == 303
    assert _sign_in(laptop, user).status_code == 303
    changed = laptop.post(
        "/account",
        data={
            "pw-current_password": PASSWORD,
            "pw-password": NEW_PASSWORD,
            "pw-confirm": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 303, changed.get_data(as_text=True)[:500]
    laptop.post("/logout")
    _lock_out(app, user)
    # the device that changed the password still gets in; the one that had the old one is
    # limited like any other
    assert _sign_in(laptop, user, NEW_PASSWORD).status_code == 303
    refused = _sign_in(old_phone, user, NEW_PASSWORD)
    assert "Too many failed attempts" in refused.get_data(as_text=True)


def test_signing_out_everywhere_clears_the_other_devices_but_not_this_one(app, make_user):
    user = make_user("partner")
    phone, tablet = app.test_client(), app.test_client()
    assert _sign_in(phone, user).status_code == 303
    assert _sign_in(tablet, user).status_code == 303
    phone.post("/logout")  # ends every session of the user
    _lock_out(app, user)
    assert _sign_in(phone, user).status_code == 303  # a real user is never locked out
    assert "Too many failed attempts" in _sign_in(tablet, user).get_data(as_text=True)


def test_a_device_cookie_from_before_the_change_cannot_be_replayed(app, make_user):
    user = make_user("reviewer", None)
    device = app.test_client()
    assert _sign_in(device, user).status_code == 303
    copied = device.get_cookie("listening_device").value
    operations.set_password(user, NEW_PASSWORD, user)
    db.session.commit()
    _lock_out(app, user)
    thief = app.test_client()
    thief.set_cookie("listening_device", copied)
    assert "Too many failed attempts" in _sign_in(thief, user, NEW_PASSWORD).get_data(as_text=True)


def test_a_safeguarding_lead_logs_no_conversations(
    app, make_campaign, make_user, conversation_payload
):
    make_campaign()
    make_user("partner", organisation="Peckham Community Centre")
    lead = make_user("safeguarding_lead", "Peckham Community Centre")
    token = operations.issue_token(lead)
    db.session.commit()
    reference = str(uuid.uuid4())
    response = app.test_client().put(
        f"/api/v1/conversations/{reference}",
        json=conversation_payload(),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (403, 422)
    assert get_conversation(reference) is None
    browser = app.test_client()
    assert _sign_in(browser, lead).status_code == 303
    assert browser.get("/intake/conversations/new").status_code == 403
    fields = {
        "uuid": reference,
        "campaign": "sel-2023",
        "borough": "southwark",
        "organisation": "Peckham Community Centre",
        "date": "2023-07-01",
        "format": "small-group",
        "people_count": "3",
        "consent_to_quote": "yes",
        "responses-0": "The rent keeps going up",
    }
    assert browser.post("/intake/conversations/new", data=fields).status_code == 403
    assert get_conversation(reference) is None
    from listening.intake import operations as intake
    from listening.intake.operations import ConversationInput

    data = ConversationInput(
        uuid=reference,
        campaign="sel-2023",
        borough="southwark",
        organisation="Peckham Community Centre",
        date=date(2023, 7, 1),
        format="small-group",
        people_count=3,
        groups=(),
        consent_to_quote=True,
        responses=("The rent keeps going up",),
    )
    with pytest.raises(intake.IntakeError) as refused:
        intake.save_conversation(data, lead)
    assert refused.value.status == 403
    assert intake.organisations_for(lead) == []
