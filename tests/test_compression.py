"""gzip keeps a public page (HTML + the NHS.UK stylesheet and script) well under 200 KB."""

from __future__ import annotations

import gzip
import re

GZIP = {"Accept-Encoding": "gzip"}


def _get(client, path, headers=None):
    response = client.get(path, headers=headers or {})
    try:
        return response.status_code, dict(response.headers), response.get_data()
    finally:
        response.close()


def test_static_css_is_gzipped_identical_and_revalidates(client):
    status, headers, body = _get(client, "/assets/nhsuk-frontend.min.css", GZIP)
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    _, plain_headers, plain = _get(client, "/assets/nhsuk-frontend.min.css")
    assert "Content-Encoding" not in plain_headers
    assert gzip.decompress(body) == plain
    assert len(body) < len(plain) / 4
    status, _, _ = _get(
        client, "/assets/nhsuk-frontend.min.css", {**GZIP, "If-None-Match": headers["ETag"]}
    )
    assert status == 304


def test_stylesheet_fetches_no_third_party_fonts(client):
    _, _, css = _get(client, "/assets/nhsuk-frontend.min.css")
    assert b"@font-face" not in css
    assert not re.search(rb"url\((?!data:)[\"']?https?:", css)


def test_public_page_with_its_assets_is_under_200_kb_on_the_wire(client, make_campaign):
    make_campaign()
    status, headers, page = _get(client, "/pledges", GZIP)
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(page).decode()
    assets = re.findall(r'(?:href|src)="(/assets/[^"]+\.(?:css|js))"', html)
    assert "/assets/nhsuk-frontend.min.css" in assets
    total = len(page)
    for path in assets:
        status, _, body = _get(client, path, GZIP)
        assert status == 200
        total += len(body)
    assert total < 200 * 1024, total


def test_small_and_error_responses_are_left_alone(client):
    _, headers, _ = _get(client, "/healthz", GZIP)
    assert "Content-Encoding" not in headers
    status, headers, _ = _get(client, "/no-such-page", GZIP)
    assert status == 404 and "Content-Encoding" not in headers
