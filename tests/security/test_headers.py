"""Security headers, cache control on signed-in pages, and session cookie flags."""

from __future__ import annotations

import re

from listening import create_app
from tests.security import walk
from tests.security.conftest import sign_in


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


def test_csp_and_headers_on_public_and_error_pages(client):
    for path in ("/login", "/healthz", "/no-such-page"):
        response = client.get(path)
        csp = _csp(response)
        assert "'unsafe-inline'" not in csp["script-src"]
        assert "'unsafe-eval'" not in csp["script-src"]
        assert re.search(r"'nonce-[\w-]{16,}'", csp["script-src"])
        assert csp["frame-ancestors"] == "frame-ancestors 'none'"
        assert csp["object-src"] == "object-src 'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in response.headers  # plain http


def test_nonce_changes_per_request_and_matches_the_scripts(client):
    first, second = client.get("/login"), client.get("/login")
    nonce = re.search(r"'nonce-([\w-]+)'", first.headers["Content-Security-Policy"]).group(1)
    assert nonce not in second.headers["Content-Security-Policy"]
    for tag in re.findall(r"<script\b[^>]*>", first.get_data(as_text=True)):
        assert " src=" in tag or f'nonce="{nonce}"' in tag, f"inline script without nonce: {tag}"


def test_no_inline_event_handlers_or_style_attributes_on_pages(app, world, clients):
    """CSP forbids them (no 'unsafe-inline'), so a page that has them is broken in browsers."""
    offenders = set()
    for target in walk.targets(app, world):
        if "GET" not in target.rule.methods or "missing" in target.tags:
            continue
        for role in ("anonymous", "admin"):
            response = walk.request(clients[role], "GET", target.path)
            if response.mimetype != "text/html":
                continue
            body = response.get_data(as_text=True)
            if re.search(r"<[a-z][^>]*\s(on[a-z]+|style)\s*=", body):
                offenders.add(target.path)
    assert not offenders


def test_hsts_only_over_https(app):
    secure = app.test_client().get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers


def test_signed_in_pages_are_not_stored(world, clients):
    for role, path in (("admin", "/admin/users"), ("partner_a", "/intake/conversations")):
        response = walk.request(clients[role], "GET", path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
    public = walk.request(clients["anonymous"], "GET", "/assets/css/app.css")
    assert public.headers.get("Cache-Control") != "no-store"


def test_session_cookie_is_httponly_and_samesite_lax(app, world):
    client = app.test_client()
    sign_in(client, world.reviewer)
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # LISTENING_SESSION_COOKIE_SECURE is off by default


def test_session_cookie_secure_when_configured(app, world):
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        client = app.test_client()
        sign_in(client, world.reviewer)
        cookie = client.get_cookie("session")
        assert cookie is not None and cookie.secure and cookie.http_only
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


def test_behind_tls_trusts_the_proxy_and_secures_cookies(app, monkeypatch):
    monkeypatch.setenv("LISTENING_BEHIND_TLS", "true")
    proxied = create_app(
        {"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x", "TESTING": True}
    )
    assert proxied.config["SESSION_COOKIE_SECURE"] is True
    assert proxied.config["REMEMBER_COOKIE_SECURE"] is True
    response = proxied.test_client().get(
        "/assets/css/app.css",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
    )
    response.close()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    monkeypatch.delenv("LISTENING_BEHIND_TLS")
    plain = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x"})
    response = plain.test_client().get(
        "/assets/css/app.css", headers={"X-Forwarded-Proto": "https"}
    )
    response.close()
    assert "Strict-Transport-Security" not in response.headers  # untrusted header ignored
