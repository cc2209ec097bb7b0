"""Accounts that can be closed: sessions end server-side, tokens are scoped, named and expire,
admins deactivate and reset, and sign-in limits never lock the real user out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from listening.accounts import operations
from listening.accounts.models import ApiToken, User
from listening.audit import AuditEvent
from listening.extensions import db
from listening.timeutil import utcnow
from tests.conftest import PASSWORD

NEW_PASSWORD = "plum kettle orbit lantern"


def fresh(app):
    return app.test_client()  # the suite's FreshUserClient (root conftest)


@pytest.fixture
def second_client(app):
    return fresh(app)


def _sign_in(client, user, password=PASSWORD, **kwargs):
    return client.post("/login", data={"email": user.email, "password": password}, **kwargs)


def test_signing_out_ends_the_session_on_the_server(app, client, make_user):
    user = make_user("reviewer", None)
    assert _sign_in(client, user).status_code == 303
    copied = client.get_cookie("session").value
    assert client.get("/account").status_code == 200
    client.post("/logout")
    thief = fresh(app)
    thief.set_cookie("session", copied)
    assert thief.get("/account").status_code == 302  # the copied cookie no longer signs in
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == str(user.id))
    )
    assert "accounts.logout" in list(events)


def test_deactivating_ends_sessions_and_tokens_at_once(client, second_client, make_user):
    admin, partner = make_user("admin", None), make_user("partner")
    token = operations.issue_token(partner, name="Phone")
    db.session.commit()
    _sign_in(second_client, partner)
    assert second_client.get("/intake/conversations").status_code == 200
    _sign_in(client, admin)
    response = client.post(f"/admin/users/{partner.id}/deactivate")
    assert response.status_code == 303
    assert second_client.get("/intake/conversations").status_code == 302
    assert operations.user_for_token(token) is None
    assert _sign_in(second_client, partner).status_code == 200  # cannot sign in again
    client.post(f"/admin/users/{partner.id}/reactivate")
    assert _sign_in(second_client, partner).status_code == 303


def test_an_admin_cannot_deactivate_themselves(client, make_user):
    admin = make_user("admin", None)
    _sign_in(client, admin)
    assert client.post(f"/admin/users/{admin.id}/deactivate").status_code == 400
    assert db.session.get(User, admin.id).active


def test_admin_changes_role_and_organisation_audited(client, make_user):
    admin, partner = make_user("admin", None), make_user("partner")
    _sign_in(client, admin)
    response = client.post(
        f"/admin/users/{partner.id}", data={"role": "partner", "organisation": "Bexley Youth Club"}
    )
    assert response.status_code == 303
    assert db.session.get(User, partner.id).organisation.name == "Bexley Youth Club"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "accounts.update")
    ).one()
    assert event.before["organisation"] == "Peckham Community Centre"
    assert event.after["organisation"] == "Bexley Youth Club"
    created = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "accounts.create_organisation")
    ).all()
    assert created and created[-1].actor_id == admin.id


def test_admin_pages_are_closed_to_other_roles(client, make_user):
    partner = make_user("partner")
    _sign_in(client, make_user("reviewer", None))
    assert client.get(f"/admin/users/{partner.id}").status_code == 403
    assert client.post(f"/admin/users/{partner.id}/deactivate").status_code == 403
    assert client.post(f"/admin/users/{partner.id}/reset").status_code == 403


def test_password_reset_link_works_once_within_the_hour(client, second_client, make_user):
    admin, user = make_user("admin", None), make_user("reviewer", None)
    _sign_in(second_client, user)
    _sign_in(client, admin)
    page = client.post(f"/admin/users/{user.id}/reset").get_data(as_text=True)
    link = page.split("/reset/")[1].split("<")[0]
    assert second_client.get("/account").status_code == 302  # their sessions ended
    newcomer = fresh(client.application)
    assert newcomer.get(f"/reset/{link}").status_code == 200
    weak = newcomer.post(f"/reset/{link}", data={"password": "short", "confirm": "short"})
    assert "at least 12" in weak.get_data(as_text=True)
    done = newcomer.post(f"/reset/{link}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert newcomer.get(f"/reset/{link}").status_code == 404  # used
    assert _sign_in(newcomer, user, NEW_PASSWORD).status_code == 303


def test_an_expired_reset_link_is_refused(client, make_user):
    admin, user = make_user("admin", None), make_user("reviewer", None)
    token = operations.start_password_reset(user, admin)
    db.session.commit()
    from listening.accounts.models import PasswordReset

    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get(f"/reset/{token}").status_code == 404
    assert client.get("/reset/made-up").status_code == 404


def test_users_change_their_own_password_and_other_sessions_end(client, second_client, make_user):
    user = make_user("reviewer", None)
    _sign_in(client, user)
    _sign_in(second_client, user)
    wrong = client.post(
        "/account",
        data={
            "pw-current_password": "nope",
            "pw-password": NEW_PASSWORD,
            "pw-confirm": NEW_PASSWORD,
        },
    )
    assert "current password is not right" in wrong.get_data(as_text=True)
    done = client.post(
        "/account",
        data={
            "pw-current_password": PASSWORD,
            "pw-password": NEW_PASSWORD,
            "pw-confirm": NEW_PASSWORD,
        },
    )
    assert done.status_code == 303
    assert client.get("/account").status_code == 200  # this session goes on
    assert second_client.get("/account").status_code == 302  # the other one has ended


def test_tokens_are_named_listed_revocable_and_expire(client, make_user):
    user = make_user("partner")
    _sign_in(client, user)
    page = client.post("/account", data={"token-name": "Outreach phone 2"}).get_data(as_text=True)
    assert "Outreach phone 2" in page and "not shown again" in page
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert timedelta(days=89) < row.expires_at - utcnow() <= timedelta(days=90)
    token = operations.issue_token(user, name="Script")
    db.session.commit()
    assert operations.user_for_token(token).id == user.id
    assert db.session.scalars(select(ApiToken.last_used_at).where(ApiToken.name == "Script")).one()
    script = db.session.scalars(select(ApiToken).where(ApiToken.name == "Script")).one()
    assert client.post(f"/account/tokens/{script.id}/revoke").status_code == 303
    assert operations.user_for_token(token) is None
    expiring = operations.issue_token(user, name="Old")
    db.session.execute(
        update(ApiToken).where(ApiToken.name == "Old").values(expires_at=utcnow() - timedelta(1))
    )
    assert operations.user_for_token(expiring) is None


def test_someone_elses_token_cannot_be_revoked_by_a_partner(client, make_user):
    owner, other = make_user("partner"), make_user("partner")
    operations.issue_token(owner, name="Owner's")
    db.session.commit()
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == owner.id)).one()
    _sign_in(client, other)
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 403


def test_a_token_opens_the_sync_api_only(app, make_user):
    admin = make_user("admin", None)
    token = operations.issue_token(admin, name="Admin script")
    db.session.commit()
    bare = fresh(app)
    headers = {"Authorization": f"Bearer {token}"}
    for url in ("/admin/users", "/account", "/intake/conversations", "/staff/pledges"):
        assert bare.get(url, headers=headers).status_code == 302, url  # to the sign-in page
    assert (
        bare.put("/api/v1/conversations/not-a-uuid", json={}, headers=headers).status_code == 422
    )  # the API itself accepts it


def test_a_session_with_a_fake_authorization_header_gets_no_further(csrf_app, make_user):
    """A request that brings a token is judged by the token alone: with a made-up one, the
    session behind it does not count, so the header cannot stand in for the CSRF token."""
    user = make_user("partner")
    client = fresh(csrf_app)
    page = client.get("/login").get_data(as_text=True)
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf})
    response = client.put(
        "/api/v1/conversations/7d0a4d6e-6a55-4b0c-9a3e-3f0d8f4f1c11",
        json={},
        headers={"Authorization": "Bearer made-up"},
    )
    assert response.status_code == 401
    without_csrf = client.put("/api/v1/conversations/7d0a4d6e-6a55-4b0c-9a3e-3f0d8f4f1c11", json={})
    assert without_csrf.status_code == 400 and "CSRF" in without_csrf.get_json()["error"]


def test_unknown_emails_cost_a_password_check(monkeypatch, make_user):
    calls = []
    real = operations.check_password_hash
    monkeypatch.setattr(
        operations, "check_password_hash", lambda h, p: calls.append(h) or real(h, p)
    )
    with pytest.raises(operations.AccountError):
        operations.authenticate("nobody@example.org", "whatever", "192.0.2.9")
    assert calls == [operations._DUMMY_HASH]


def test_a_known_device_signs_in_while_the_email_is_under_attack(app, client, make_user):
    user = make_user("reviewer", None)
    assert _sign_in(client, user).status_code == 303  # this device has signed in before
    client.post("/logout")
    attacker = fresh(app)
    for n in range(6):
        _sign_in(attacker, user, f"wrong guess {n}", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert "Too many failed attempts" in _sign_in(attacker, user).get_data(as_text=True)
    assert _sign_in(client, user).status_code == 303  # the real user's device still works
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"accounts.login_failed", "accounts.login_refused", "accounts.login"} <= actions


def test_one_address_cannot_lock_out_everyone_behind_it(app, make_user):
    victim = make_user("partner")
    device = fresh(app)
    assert _sign_in(device, victim).status_code == 303
    device.post("/logout")
    shared = {"REMOTE_ADDR": "198.51.100.20"}
    noisy = fresh(app)
    for n in range(25):
        _sign_in(noisy, victim, f"bad {n}", environ_base=shared)
    assert _sign_in(device, victim, environ_base=shared).status_code == 303
