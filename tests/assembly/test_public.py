"""The public tracker: open without login, staff pages closed, small counts suppressed."""

from __future__ import annotations

from datetime import date

import pytest

from listening.assembly import cache
from listening.assembly import operations as ops
from listening.extensions import db
from listening.publicity import public_count, public_count_text

PUBLIC = [
    "/pledges",
    "/pledges/themes/housing",
    "/pledges/events",
    "/open-data",
    "/pledges/updates.atom",
    "/api/v1/pledges",
    "/api/v1/themes",
    "/open-data/pledges.csv",
    "/open-data/updates.csv",
    "/open-data/readings.csv",
    "/open-data/themes.csv",
]
STAFF = [
    "/staff/pledges",
    "/staff/pledges/new",
    "/staff/events",
    "/staff/events/new",
    "/staff/quotes",
    "/staff/pledges/import",
]


@pytest.fixture
def pledge(make_pledge, reviewer):
    pledge = make_pledge(actor=reviewer)
    ops.post_update(
        pledge, ops.UpdateInput(date(2024, 1, 10), "on-track", "Two trusts accredited."), reviewer
    )
    db.session.commit()
    return pledge


def test_public_pages_need_no_login(client, pledge):
    for url in [*PUBLIC, f"/pledges/{pledge.id}", "/"]:
        response = client.get(url)
        assert response.status_code in (200, 302), url
    assert client.get("/").headers["Location"].endswith("/pledges")


def test_staff_pages_are_closed_to_anonymous_and_partners(client, login, make_user, pledge):
    for url in [*STAFF, f"/staff/pledges/{pledge.id}"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    login(make_user("partner"))
    for url in [*STAFF, f"/staff/pledges/{pledge.id}"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/staff/pledges/{pledge.id}/delete").status_code == 403


def test_small_counts_are_suppressed_everywhere(client, campaign, make_conversation):
    make_conversation(people=3, borough="bexley")
    make_conversation(people=40, borough="southwark")
    db.session.commit()
    page = client.get("/pledges").get_data(as_text=True)
    assert "fewer than 5" in page  # Bexley's 3 people and Lambeth's 0
    assert ">3<" not in page
    data = client.get("/api/v1/themes").get_json()
    by_borough = data["campaign"]["by_borough"]
    assert by_borough["bexley"] == {"people": None, "people_suppressed": True}
    # 43 - 40 would give Bexley's 3 away: the smallest shown part is withheld too
    assert by_borough["southwark"] == {"people": None, "people_suppressed": True}
    assert data["campaign"]["people"] == 43 and data["campaign"]["people_suppressed"] is False
    assert "fewer than" not in client.get("/api/v1/themes").get_data(as_text=True)
    themes_csv = client.get("/open-data/themes.csv").get_data(as_text=True)
    assert "fewer than" not in themes_csv and "not published" not in themes_csv


def test_public_count_helper_and_filter():
    assert public_count(4) == "fewer than 5"
    assert public_count(0) == "fewer than 5"
    assert public_count(None) == "fewer than 5"
    assert public_count(5) == 5
    assert public_count_text(2482) == "2,482"
    assert public_count(9, minimum=10) == "fewer than 10"


def test_analysis_not_yet_published_without_theme_counts(client, pledge):
    page = client.get("/pledges/themes/work-wages-cost-of-living").get_data(as_text=True)
    assert "Analysis not yet published" in page
    assert pledge.title in page


def test_filters_by_theme_borough_lead_and_status(client, campaign, make_pledge, make_org):
    council = make_org("Southwark Council", "council")
    bexley = next(a for a in campaign.areas if a.slug == "bexley")
    make_pledge(title="Living Wage pledge")
    make_pledge(
        title="Mould pledge",
        themes=("housing",),
        lead_organisation_id=council.id,
        area_id=bexley.id,
        status="at-risk",
    )
    db.session.commit()

    def titles(query):
        page = client.get("/pledges?" + query).get_data(as_text=True)
        return [t for t in ("Living Wage pledge", "Mould pledge") if t in page]

    assert titles("") == ["Living Wage pledge", "Mould pledge"]
    assert titles("theme=housing") == ["Mould pledge"]
    assert titles("borough=lambeth") == ["Living Wage pledge"]  # region-wide shows everywhere
    assert titles("borough=bexley") == ["Living Wage pledge", "Mould pledge"]
    assert titles(f"lead={council.id}") == ["Mould pledge"]
    assert titles("status=at-risk") == ["Mould pledge"]
    assert titles("status=nonsense&theme=nope&lead=abc") == ["Living Wage pledge", "Mould pledge"]


def test_pledge_page_shows_commitment_signatories_metric_chart_and_timeline(
    client, pledge, reviewer
):
    ops.add_signatory(
        pledge, ops.SignatoryInput("King's College Hospital", "Dana Reyes", "CEO"), reviewer
    )
    metric = ops.save_metric(
        pledge,
        ops.MetricInput(
            name="% of NHS trusts accredited",
            unit="percent",
            direction="increase",
            baseline=40,
            target=100,
            baseline_on=date(2023, 11, 15),
        ),
        reviewer,
    )
    ops.record_reading(metric, date(2024, 3, 1), 60, reviewer)
    db.session.commit()
    page = client.get(f"/pledges/{pledge.id}").get_data(as_text=True)
    for expected in (
        "Pay everyone at least the London Living Wage.",
        "Dana Reyes, CEO",
        'role="img"',
        '<title id="chart-1-title">% of NHS trusts accredited</title>',
        '<desc id="chart-1-desc">Baseline 40%',
        "1 March 2024",
        "Two trusts accredited",
        "33% complete",
        "How “33% complete” is worked out",
        "It is worked out from this pledge’s measures: each measure counts for how far",
        'Page last updated <time datetime="2024-01-10">10 January 2024</time>',
        'Next update due by <time datetime="2024-04-09">9 April 2024</time>',
        # due 31 March 2025 with the last update in January 2024: late and quiet
        '<strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>',
        "updates are expected at least every 90 days",
    ):
        assert expected in page, expected


def test_unknown_pledge_theme_and_campaign_are_404(client, pledge):
    assert client.get("/pledges/999999").status_code == 404
    assert client.get("/pledges/themes/gardening").status_code == 404
    assert client.get("/pledges?campaign=nope").status_code == 404
    assert client.get("/api/v1/pledges?campaign=nope").get_json()["error"] == "Not Found"


def test_attribution_is_shown_when_set(client, campaign, pledge):
    campaign.attribution = "Data from the SEL anchor listening campaign, 2023."
    db.session.commit()
    assert "Data from the SEL anchor" in client.get("/pledges").get_data(as_text=True)


def test_public_pages_are_cached_and_invalidated_on_change(app, client, pledge, reviewer):
    app.config["ASSEMBLY_CACHE_SECONDS"] = 60
    try:
        first = client.get(f"/pledges/{pledge.id}")
        assert first.headers["X-Cache"] == "miss"
        second = client.get(f"/pledges/{pledge.id}")
        assert second.headers["X-Cache"] == "hit"
        # the cached body carries this response's CSP nonce, not the first one's
        nonce = second.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        assert f'nonce="{nonce}"' in second.get_data(as_text=True)
        assert len(cache.page_cache()) >= 1
        ops.post_update(
            pledge, ops.UpdateInput(date(2024, 2, 1), "at-risk", "Slower now."), reviewer
        )
        db.session.commit()
        third = client.get(f"/pledges/{pledge.id}")
        assert third.headers["X-Cache"] == "miss"
        assert "Slower now." in third.get_data(as_text=True)
    finally:
        del app.config["ASSEMBLY_CACHE_SECONDS"]


def test_signed_in_people_are_not_served_cached_pages(app, client, login, make_user, pledge):
    app.config["ASSEMBLY_CACHE_SECONDS"] = 60
    try:
        client.get("/pledges")
        user = login(make_user("reviewer", organisation=None))
        response = client.get("/pledges")
        assert "X-Cache" not in response.headers
        assert user.email in response.get_data(as_text=True)
    finally:
        del app.config["ASSEMBLY_CACHE_SECONDS"]
