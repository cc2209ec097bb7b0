"""Login and API rate limits, and the upload size limit."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from listening import ratelimit
from listening.accounts import operations as accounts
from listening.accounts.models import LoginAttempt
from listening.extensions import db
from listening.timeutil import utcnow
from tests.conftest import PASSWORD
from tests.security import walk
from tests.security.conftest import forget_request_user

REFUSED = "Too many failed attempts"


def _login(client, email, password):
    forget_request_user()
    return client.post("/login", data={"email": email, "password": password})


def test_sixth_attempt_refused_even_with_the_right_password_until_the_window_passes(
    client, make_user
):
    user = make_user("partner")
    for _ in range(5):
        response = _login(client, user.email, "not the password")
        assert "Email address or password is not right" in response.get_data(as_text=True)
    sixth = _login(client, user.email, PASSWORD)
    assert sixth.status_code == 200 and REFUSED in sixth.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    # 15 minutes later the failures are outside the window and the right password works
    old = utcnow() - timedelta(minutes=16)
    db.session.execute(update(LoginAttempt).where(LoginAttempt.email == user.email).values(at=old))
    db.session.commit()
    assert _login(client, user.email, PASSWORD).status_code == 303


def test_limit_by_address_protects_other_accounts(make_user):
    users = [make_user("reviewer") for _ in range(4)]
    for user in users:  # 4 × 5 = 20 failures from one address, none over the per-email limit
        for _ in range(5):
            with pytest.raises(accounts.AccountError, match="not right"):
                accounts.authenticate(user.email, "wrong password!", "198.51.100.7")
    fresh = make_user("reviewer")
    with pytest.raises(accounts.AccountError, match=REFUSED):
        accounts.authenticate(fresh.email, PASSWORD, "198.51.100.7")
    assert accounts.authenticate(fresh.email, PASSWORD, "198.51.100.8") == fresh


@pytest.fixture
def api_limit(app):
    app.config.update(API_RATE_LIMIT="3/minute", API_RATE_LIMIT_PER_ADDRESS="5/minute")
    yield
    app.config.update(API_RATE_LIMIT="120/minute", API_RATE_LIMIT_PER_ADDRESS="600/minute")


def _put(client, token, payload, address="192.0.2.1"):
    return client.put(
        f"/api/v1/conversations/{uuid.uuid4()}",
        json=payload,
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_api_writes_limited_per_token_with_retry_after(client, world, api_limit):
    token = accounts.issue_token(world.partner_a)
    db.session.commit()
    statuses = [_put(client, token, {}).status_code for _ in range(3)]
    assert statuses == [422, 422, 422]  # counted even when the body is wrong
    refused = _put(client, token, {})
    assert refused.status_code == 429
    assert refused.is_json and "Too many requests" in refused.json["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    other = accounts.issue_token(world.partner_b)
    db.session.commit()
    assert _put(client, other, {}).status_code == 422  # another token has its own budget


def test_api_writes_limited_per_address(client, world, api_limit):
    tokens = [accounts.issue_token(world.partner_a) for _ in range(3)]
    db.session.commit()
    statuses = [_put(client, tokens[i % 3], {}).status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]
    assert _put(client, tokens[0], {}, address="192.0.2.2").status_code == 422


def test_reads_and_pages_are_not_api_limited(client, world, api_limit):
    for _ in range(8):
        assert client.get("/api/v1/pledges").status_code == 200


def test_fixed_window_counter(app, world):
    limit = ratelimit.Limit(count=2, seconds=60)
    with app.test_request_context():
        assert ratelimit.hit("test:bucket", limit, now=120.0) is None
        assert ratelimit.hit("test:bucket", limit, now=130.0) is None
        assert ratelimit.hit("test:bucket", limit, now=150.5) == 30  # wait for 180
        assert ratelimit.hit("test:bucket", limit, now=181.0) is None  # a new window


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120/minute", ratelimit.Limit(120, 60)),
        ("10/second", ratelimit.Limit(10, 1)),
        ("2000/hours", ratelimit.Limit(2000, 3600)),
        (120, ratelimit.Limit(120, 60)),
        ("0", None),
        ("off", None),
        (None, None),
    ],
)
def test_parse_limit(text, expected):
    assert ratelimit.parse_limit(text) == expected


def test_parse_limit_rejects_nonsense():
    with pytest.raises(ValueError, match="120/minute"):
        ratelimit.parse_limit("lots/fortnight")


ELEVEN_MIB = b"x" * (11 * 1024 * 1024)


def test_oversized_form_post_gets_413_page(world, clients):
    forget_request_user()
    response = clients["partner_a"].post(
        "/intake/conversations/new",
        data=ELEVEN_MIB,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response.mimetype == "text/html"


def test_oversized_upload_on_every_post_route_is_refused_not_500(app, world, clients):
    failures = []
    for target in walk.targets(app, world):
        for method in set(walk.methods(target.rule)) - {"GET"}:
            forget_request_user()
            response = clients["admin"].open(
                target.path,
                method=method,
                data=ELEVEN_MIB,
                content_type="multipart/form-data; boundary=x",
            )
            if response.status_code != 413:
                failures.append(f"{method} {target.path} → {response.status_code}")
    assert not failures


def test_oversized_api_body_gets_413_json(client, world):
    token = accounts.issue_token(world.partner_a)
    db.session.commit()
    response = client.put(
        f"/api/v1/conversations/{uuid.uuid4()}",
        data=ELEVEN_MIB,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    assert response.is_json


def test_unknown_bearer_tokens_write_no_counter_rows(client, world, api_limit):
    before = db.session.scalar(select(func.count()).select_from(ratelimit.RateCounter))
    for n in range(4):
        assert _put(client, f"made-up-token-{n}", {}).status_code == 401
    rows = db.session.scalars(select(ratelimit.RateCounter.bucket)).all()
    assert len(rows) - before == 1  # the address only, however many tokens are tried
    assert not any(bucket.startswith("api:token:") for bucket in rows)


def test_form_posts_are_limited_per_address(app, client, world):
    app.config["FORM_RATE_LIMIT"] = "3/minute"
    try:
        statuses = [
            client.post("/login", data={"email": "x@example.org", "password": "wrong"}).status_code
            for _ in range(4)
        ]
    finally:
        app.config["FORM_RATE_LIMIT"] = "120/minute"
    assert statuses == [200, 200, 200, 429]
