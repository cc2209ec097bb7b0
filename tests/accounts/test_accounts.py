import pytest
from sqlalchemy import select

from listening.accounts import operations
from listening.accounts.models import User
from listening.audit import AuditEvent
from listening.extensions import db
from tests.conftest import PASSWORD


def test_create_user_creates_organisation_and_audits(make_user):
    user = make_user("partner", organisation="Deptford Youth Club")
    assert user.organisation.name == "Deptford Youth Club"
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "accounts_user")
    ).all()
    assert any(e.action == "accounts.create" and e.entity_id == str(user.id) for e in events)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 12"),
        ("elevenchars", "at least 12"),
        ("password1234", "known to criminals"),  # in zxcvbn's list of breached passwords
        ("aaaaaaaaaaaa", "known to criminals"),
        ("qwertyuiop123", "known to criminals"),
        ("x" * 201, "200 characters"),
        ("my-listening-password", "name of this service"),
        ("abcabcabcabc1", "too easy"),
    ],
)
def test_password_policy(password, message):
    with pytest.raises(operations.AccountError) as error:
        operations.create_user("a@example.org", "reviewer", password)
    assert error.value.field == "password"
    assert message in error.value.message


def test_password_must_not_contain_the_email():
    with pytest.raises(operations.AccountError, match="email address"):
        operations.create_user("sam.jones@example.org", "reviewer", "sam.jones-quiet-harbour")


def test_partner_needs_organisation():
    with pytest.raises(operations.AccountError) as error:
        operations.create_user("p@example.org", "partner", PASSWORD)
    assert error.value.field == "organisation"


def test_duplicate_email_rejected(make_user):
    make_user("reviewer", email="dup@example.org")
    with pytest.raises(operations.AccountError, match="already exists"):
        operations.create_user("DUP@example.org", "reviewer", PASSWORD)


def test_login_and_logout(client, make_user):
    user = make_user("partner")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/intake/conversations/new")
    page = client.get("/logout")
    assert page.status_code == 200
    response = client.post("/logout")
    assert response.status_code == 303
    assert client.get("/intake/conversations").status_code == 302


def test_login_wrong_password_shows_error_beside_field(client, make_user):
    user = make_user("reviewer")
    response = client.post("/login", data={"email": user.email, "password": "wrong password!"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email address or password is not right" in body
    assert "nhsuk-error-summary" in body
    assert f'value="{user.email}"' in body  # what they typed is kept


def test_login_rate_limited_after_five_failures(client, make_user):
    user = make_user("reviewer")
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "not the password"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert "_user_id" not in (client.session_transaction().__enter__())


def test_login_next_only_follows_local_paths(client, make_user):
    user = make_user("reviewer")
    response = client.post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD}
    )
    assert "evil" not in response.headers["Location"]


def test_token_authenticates_api_user(make_user):
    user = make_user("partner")
    token = operations.issue_token(user)
    assert operations.user_for_token(token) == user
    assert operations.user_for_token(token + "x") is None


def test_admin_pages_are_admin_only(client, make_user, login):
    login(make_user("reviewer"))
    assert client.get("/admin/users").status_code == 403
    client.post("/logout")
    login(make_user("admin", organisation=None))
    assert client.get("/admin/users").status_code == 200


def test_admin_creates_user_with_errors_beside_fields(client, make_user, login):
    login(make_user("admin", organisation=None))
    response = client.post(
        "/admin/users/new",
        data={
            "email": "new@example.org",
            "role": "partner",
            "password": "short",
            "organisation": "",
        },
    )
    body = response.get_data(as_text=True)
    assert "at least 12 characters" in body
    assert 'value="new@example.org"' in body
    response = client.post(
        "/admin/users/new",
        data={
            "email": "new@example.org",
            "role": "partner",
            "password": PASSWORD,
            "organisation": "Woolwich Mosque",
        },
    )
    assert response.status_code == 303
    assert db.session.scalar(select(User).where(User.email == "new@example.org")).organisation


def test_cli_users_create_and_token(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "cli@example.org",
            "--role",
            "partner",
            "--organisation",
            "Brixton Mind",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created partner cli@example.org" in result.output
    result = runner.invoke(args=["users", "token", "cli@example.org"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert operations.user_for_token(token).email == "cli@example.org"


def test_cli_users_create_rejects_bad_password(runner):
    result = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "reviewer", "--password", "short"]
    )
    assert result.exit_code != 0
    assert "at least 12" in result.output
