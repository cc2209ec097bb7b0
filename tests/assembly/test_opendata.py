"""Open data: JSON shapes, CSV (formula-safe) and the Atom feed."""

from __future__ import annotations

import csv
import io
from datetime import date
from xml.etree import ElementTree as ET

import pytest

from listening.assembly import operations as ops
from listening.extensions import db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def pledge(make_pledge, reviewer):
    pledge = make_pledge(actor=reviewer, title='=HYPERLINK("http://evil")')
    ops.add_signatory(
        pledge,
        ops.SignatoryInput("Lambeth Council", "Cllr Idris Bello", "Cabinet Member"),
        reviewer,
    )
    ops.save_action(
        pledge,
        ops.ActionInput("Publish routes", owner="ICB", done=True, done_on=date(2024, 1, 5)),
        reviewer,
    )
    metric = ops.save_metric(
        pledge,
        ops.MetricInput(
            name="% of trusts accredited",
            unit="percent",
            direction="increase",
            baseline=40,
            target=100,
            baseline_on=date(2023, 11, 15),
            target_on=date(2025, 3, 31),
        ),
        reviewer,
    )
    ops.record_reading(metric, date(2024, 3, 1), 70, reviewer)
    ops.post_update(
        pledge, ops.UpdateInput(date(2024, 3, 2), "on-track", "Half way & <more>."), reviewer
    )
    db.session.commit()
    return pledge


def test_pledges_json_shape(client, pledge):
    data = client.get("/api/v1/pledges").get_json()
    assert data["campaign"] == "sel-2023" and data["count"] == 1
    item = data["pledges"][0]
    assert set(item) >= {
        "id",
        "title",
        "commitment",
        "themes",
        "status",
        "progress",
        "updates",
        "signatories",
        "metrics",
        "actions",
        "lead_organisation",
        "url",
    }
    assert item["themes"] == ["work-wages-cost-of-living"]
    assert item["status"] == "on-track"
    assert item["progress"] == 75  # (1 action done + metric half way) / 2
    assert item["signatories"] == [
        {"person": "Cllr Idris Bello", "role": "Cabinet Member", "organisation": "Lambeth Council"}
    ]
    assert item["metrics"][0]["readings"] == [{"date": "2024-03-01", "value": 70.0}]
    assert item["updates"] == [
        {
            "date": "2024-03-02",
            "status": "on-track",
            "text": "Half way & <more>.",
            "reported_by": pledge.lead_organisation.name,
        }
    ]
    assert item["url"].endswith(f"/pledges/{pledge.id}")
    assert client.get("/api/v1/pledges?theme=housing").get_json()["count"] == 0
    single = client.get(f"/api/v1/pledges/{pledge.id}").get_json()
    assert single["id"] == pledge.id
    assert client.get("/api/v1/pledges/424242").status_code == 404


def test_themes_json_lists_the_five_themes_with_pledges(client, pledge):
    data = client.get("/api/v1/themes").get_json()
    assert [t["slug"] for t in data["themes"]] == [
        "housing",
        "migration-race",
        "work-wages-cost-of-living",
        "mental-health-isolation",
        "children-young-people-parents",
    ]
    work = data["themes"][2]
    assert work["pledges"] == [pledge.id] and work["pledges_by_status"]["on-track"] == 1
    assert data["analysis_published"] is False and work["people"] is None


def test_csv_downloads_are_formula_safe(client, pledge):
    response = client.get("/open-data/pledges.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["id", "title", "commitment", "themes", "status"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    updates = list(
        csv.DictReader(
            io.StringIO(
                client.get("/open-data/updates.csv").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    assert updates[0]["text"] == "Half way & <more>."
    readings = list(
        csv.DictReader(
            io.StringIO(
                client.get("/open-data/readings.csv").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    assert readings[0]["value"] == "70.0"
    assert client.get("/open-data/secrets.csv").status_code == 404


def test_atom_feed_is_valid_atom(client, pledge):
    response = client.get("/pledges/updates.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None and root.find(f"{ATOM}{tag}").text
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    assert root.find(f"{ATOM}author/{ATOM}name").text
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    for tag in ("id", "title", "updated", "content"):
        assert entry.find(f"{ATOM}{tag}").text, tag
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/pledges/{pledge.id}")
    assert entry.find(f"{ATOM}content").text == "Half way & <more>."
    assert entry.find(f"{ATOM}updated").text.endswith("Z")


@pytest.fixture
def public_address(app):
    """A canonical public address unlike the test client's Host (localhost)."""
    app.config["PUBLIC_URL"] = "https://tracker.example.org/"
    app.config["ASSEMBLY_CACHE_SECONDS"] = 60
    yield "https://tracker.example.org"
    app.config["PUBLIC_URL"] = "http://127.0.0.1:8000"
    del app.config["ASSEMBLY_CACHE_SECONDS"]


def test_absolute_links_come_from_the_public_url_not_the_host(client, pledge, public_address):
    api = client.get("/api/v1/pledges").get_json()
    assert api["pledges"][0]["url"] == f"{public_address}/pledges/{pledge.id}"
    one = client.get(f"/api/v1/pledges/{pledge.id}").get_json()
    assert one["url"] == f"{public_address}/pledges/{pledge.id}"
    root = ET.fromstring(client.get("/pledges/updates.atom").data)
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == (
        f"{public_address}/pledges/updates.atom"
    )
    entry_link = root.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert entry_link == f"{public_address}/pledges/{pledge.id}"


def test_a_forwarded_host_cannot_poison_cached_links(app, client, pledge, public_address):
    headers = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
    first = client.get("/api/v1/pledges", headers=headers)
    assert "evil.example" not in first.get_data(as_text=True)
    again = client.get("/api/v1/pledges")
    assert again.headers["X-Cache"] == "hit"
    assert "evil.example" not in again.get_data(as_text=True)


@pytest.mark.parametrize("host", ["evil.example", "tracker.example.org.evil.example"])
def test_unknown_host_headers_are_refused(client, pledge, host):
    assert client.get("/pledges", headers={"Host": host}).status_code == 400
    assert client.get("/api/v1/pledges", headers={"Host": host}).status_code == 400


def test_the_public_host_loopback_and_extra_hosts_are_accepted():
    from listening.urls import trusted_hosts

    hosts = trusted_hosts("https://tracker.example.org:8443/sub", ["internal.lb"])
    assert hosts == ["tracker.example.org", "localhost", "127.0.0.1", "::1", "internal.lb"]
