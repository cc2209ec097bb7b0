"""Open data others can build on: licence, datapackage.json, CORS, validators, strict filters,
null-plus-flag counts, paging, feed autodiscovery and its stylesheet."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import frictionless
import pytest

from listening.assembly import operations as ops
from listening.extensions import db

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
TABLES = ("pledges", "updates", "readings", "themes")


@pytest.fixture
def pledges(make_pledge, make_org, reviewer, make_conversation):
    make_conversation(people=3, borough="bexley")
    make_conversation(people=40, borough="southwark")
    made = []
    for n in range(5):
        pledge = make_pledge(actor=reviewer, title=f"Pledge {n}", themes=("housing",))
        made.append(pledge)
    metric = ops.save_metric(
        made[0],
        ops.MetricInput("% of homes fixed", "percent", "increase", 40, 90),
        reviewer,
    )
    ops.record_reading(metric, date(2024, 3, 1), 55, reviewer)
    ops.post_update(made[0], ops.UpdateInput(date(2024, 3, 2), "at-risk", "=SUM(A1)"), reviewer)
    db.session.commit()
    return made


def test_datapackage_describes_every_csv_and_frictionless_finds_it_valid(
    client, pledges, tmp_path: Path
):
    response = client.get("/open-data/datapackage.json")
    assert response.status_code == 200
    descriptor = response.get_json()
    assert descriptor["licenses"] == [{"path": OGL, "title": "Open Government Licence v3.0"}]
    assert [r["name"] for r in descriptor["resources"]] == list(TABLES)
    for resource in descriptor["resources"]:
        assert resource["path"] == f"{resource['name']}.csv"  # next to datapackage.json
        header = client.get(f"/open-data/{resource['path']}").get_data(as_text=True)
        first_line = header.lstrip("\ufeff").split("\r\n", 1)[0]
        assert first_line.split(",") == [f["name"] for f in resource["schema"]["fields"]]
        (tmp_path / resource["path"]).write_bytes(client.get(f"/open-data/{resource['path']}").data)
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == len(TABLES)


def test_frictionless_catches_a_csv_that_breaks_its_schema(client, pledges, tmp_path: Path):
    """The check above can fail: a text in the integer `progress` column is reported."""
    descriptor = client.get("/open-data/datapackage.json").get_json()
    for name in TABLES:
        (tmp_path / f"{name}.csv").write_bytes(client.get(f"/open-data/{name}.csv").data)
    broken = (tmp_path / "pledges.csv").read_text(encoding="utf-8-sig").replace(",0,", ",lots,", 1)
    (tmp_path / "pledges.csv").write_text(broken, encoding="utf-8-sig")
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert "type-error" in {row[0] for row in report.flatten(["type"])}


def test_licence_is_stated_in_api_feed_page_and_is_configurable(app, client, pledges):
    listing = client.get("/api/v1/pledges").get_json()
    assert listing["licence"] == {"name": "Open Government Licence v3.0", "url": OGL}
    assert client.get(f"/api/v1/pledges/{pledges[0].id}").get_json()["licence"]["url"] == OGL
    assert client.get("/api/v1/themes").get_json()["licence"]["url"] == OGL
    page = client.get("/open-data").get_data(as_text=True)
    assert f'<a href="{OGL}" rel="license">Open Government Licence v3.0</a>' in page
    assert "datapackage.json" in page and "<code>people_suppressed</code>" in page
    feed = ET.fromstring(client.get("/pledges/updates.atom").data)
    link = feed.find("{http://www.w3.org/2005/Atom}link[@rel='license']")
    assert link.get("href") == OGL
    app.config.update(OPEN_DATA_LICENCE="CC BY 4.0", OPEN_DATA_LICENCE_URL="https://cc.example/")
    try:
        assert client.get("/api/v1/themes").get_json()["licence"] == {
            "name": "CC BY 4.0",
            "url": "https://cc.example/",
        }
    finally:
        app.config.update(OPEN_DATA_LICENCE="Open Government Licence v3.0")
        app.config.update(OPEN_DATA_LICENCE_URL=OGL)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/pledges",
        "/api/v1/themes",
        "/open-data/pledges.csv",
        "/open-data/themes.csv",
        "/open-data/datapackage.json",
        "/pledges/updates.atom",
    ],
)
def test_public_data_has_cors_validators_and_answers_304(client, pledges, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "public" in first.headers["Cache-Control"]
    assert first.headers["Last-Modified"] and first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.data == first.data


def test_the_etag_changes_when_the_data_does(client, pledges, reviewer):
    etag = client.get("/api/v1/pledges").headers["ETag"]
    ops.post_update(pledges[1], ops.UpdateInput(date(2024, 4, 1), "on-track", "Moving."), reviewer)
    db.session.commit()
    changed = client.get("/api/v1/pledges", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_no_cors_on_staff_intake_or_html_pages(client, pledges, login, make_user):
    assert "Access-Control-Allow-Origin" not in client.get("/pledges").headers
    assert "Access-Control-Allow-Origin" not in client.get("/open-data").headers
    put = client.put("/api/v1/conversations/00000000-0000-4000-8000-000000000000", json={})
    assert "Access-Control-Allow-Origin" not in put.headers
    login(make_user("reviewer", organisation=None))
    for url in ("/staff/pledges", "/intake/conversations"):
        assert "Access-Control-Allow-Origin" not in client.get(url).headers, url


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("theme=gardening", "Unknown theme 'gardening': use one of housing,"),
        ("borough=narnia", "Unknown borough 'narnia'"),
        ("status=done", "Unknown status 'done': use one of not-started,"),
        ("lead=abc", "Unknown lead 'abc'"),
        ("lead=999999", "Unknown lead '999999'"),
        ("page=0", "page must be a whole number of 1 or more"),
        ("page=x", "page must be a whole number"),
        ("per_page=1000", "per_page must be a whole number from 1 to 200"),
        ("page=9", "page must be from 1 to 1"),
    ],
)
def test_unknown_filter_or_paging_values_get_400_with_a_message(client, pledges, query, message):
    response = client.get(f"/api/v1/pledges?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "Bad Request" and message in body["message"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_known_filters_still_work_and_pages_keep_ignoring_unknown_ones(client, pledges):
    lead = pledges[0].lead_organisation_id
    data = client.get(f"/api/v1/pledges?theme=housing&status=at-risk&lead={lead}").get_json()
    assert [p["title"] for p in data["pledges"]] == ["Pledge 0"]
    assert client.get("/pledges?theme=gardening").status_code == 200


def test_pledges_are_paged_with_links_and_a_total(client, pledges):
    first = client.get("/api/v1/pledges?per_page=2").get_json()
    assert (first["total"], first["count"], first["page"], first["pages"]) == (5, 2, 1, 3)
    assert first["prev"] is None
    assert first["next"] == "http://127.0.0.1:8000/api/v1/pledges?page=2&per_page=2"
    seen = [p["title"] for p in first["pledges"]]
    url = first["next"]
    while url:
        page = client.get(url.removeprefix("http://127.0.0.1:8000")).get_json()
        seen += [p["title"] for p in page["pledges"]]
        url = page["next"]
    assert seen == [f"Pledge {n}" for n in range(5)]
    last = client.get("/api/v1/pledges?per_page=2&page=3")
    assert last.get_json()["prev"].endswith("page=2&per_page=2")
    assert 'rel="prev"' in last.headers["Link"] and 'rel="next"' not in last.headers["Link"]
    filtered = client.get("/api/v1/pledges?theme=housing&per_page=4").get_json()
    assert "theme=housing" in filtered["next"]


def test_counts_in_json_and_csv_are_numbers_or_null_with_a_flag(client, pledges):
    campaign = client.get("/api/v1/themes").get_json()["campaign"]
    assert (campaign["people"], campaign["people_suppressed"]) == (43, False)
    assert campaign["by_borough"]["bexley"] == {"people": None, "people_suppressed": True}
    text = client.get("/open-data/themes.csv").get_data(as_text=True)
    assert "fewer than" not in text and "withheld" not in text
    housing = next(line for line in text.splitlines() if line.startswith("housing,"))
    # analysis not published: empty counts, not suppressed
    assert housing.startswith("housing,Housing,no,,no,,no,5,")


def test_public_pages_advertise_the_feed_which_comes_with_a_stylesheet(client, pledges):
    feed_link = (
        '<link rel="alternate" type="application/atom+xml" title="Pledge progress updates" '
        'href="/pledges/updates.atom">'
    )
    for url in ("/pledges", f"/pledges/{pledges[0].id}", "/pledges/themes/housing", "/open-data"):
        assert feed_link in client.get(url).get_data(as_text=True), url
    assert "application/atom+xml" not in client.get("/login").get_data(as_text=True)
    body = client.get("/pledges/updates.atom").data
    assert b'<?xml-stylesheet type="text/xsl" href="/assets/feed.xsl"?>' in body.split(b"\n")[1]
    xsl = client.get("/assets/feed.xsl")
    data = xsl.data
    xsl.close()
    assert xsl.status_code == 200
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/1999/XSL/Transform}stylesheet"
    assert b'<html lang="en">' in data and b"<main" in data


def test_browsers_get_the_feed_as_xml_so_its_stylesheet_applies(client, pledges):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    as_page = client.get("/pledges/updates.atom", headers={"Accept": browser})
    assert as_page.mimetype == "application/xml" and "Accept" in as_page.headers["Vary"]
    reader = client.get("/pledges/updates.atom", headers={"Accept": "application/atom+xml"})
    assert reader.mimetype == "application/atom+xml"
    assert client.get("/pledges/updates.atom").mimetype == "application/atom+xml"
    assert as_page.data == reader.data


def test_another_campaigns_datapackage_points_at_its_own_csvs(client, pledges):
    descriptor = client.get("/open-data/datapackage.json?campaign=sel-2023").get_json()
    paths = [r["path"] for r in descriptor["resources"]]
    assert paths == [
        f"http://127.0.0.1:8000/open-data/{name}.csv?campaign=sel-2023" for name in TABLES
    ]
    assert descriptor["homepage"] == "http://127.0.0.1:8000/open-data?campaign=sel-2023"
    assert client.get("/open-data/datapackage.json?campaign=nope").status_code == 404


def test_cors_preflight_is_answered_for_open_data_only(client, pledges):
    ask = {"Origin": "https://reuser.example", "Access-Control-Request-Method": "GET"}
    ask["Access-Control-Request-Headers"] = "if-none-match"
    for url in ("/api/v1/pledges", "/open-data/pledges.csv", "/pledges/updates.atom"):
        response = client.options(url, headers=ask)
        assert response.headers["Access-Control-Allow-Origin"] == "*", url
        assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
        assert response.headers["Access-Control-Allow-Methods"] == "GET"
    for url in ("/api/v1/conversations/00000000-0000-4000-8000-000000000000", "/pledges"):
        assert "Access-Control-Allow-Origin" not in client.options(url, headers=ask).headers
