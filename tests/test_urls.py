"""Addresses and ids a client sends: `next` after sign-in, ids in query strings."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "target", ["/%09/evil.example", "/%0a/evil.example", "/%0d%0aSet-Cookie:x"]
)
def test_login_never_redirects_off_site_or_500s(client, make_user, target):
    user = make_user("reviewer", None)
    response = client.post(
        f"/login?next={target}",
        data={"email": user.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "evil.example" not in location and "Set-Cookie" not in location


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("²", None),
        ("١٢", None),
        ("0", None),
        ("-3", None),
        ("2147483647", 2147483647),
        ("2147483648", None),
        ("9" * 40, None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id(value, expected):
    from listening.ids import parse_id

    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "url",
    [
        "/pledges?lead=%C2%B2",
        "/pledges?lead=99999999999999999999",
        "/staff/quotes/new?response_id=%C2%B2",
        "/staff/quotes/new?response_id=99999999999999999999",
    ],
)
def test_unicode_digits_and_huge_ids_are_not_500(client, login, make_user, url):
    login(make_user("reviewer", None))
    assert client.get(url).status_code in (200, 404)
