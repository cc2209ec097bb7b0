"""The coverage dashboard: figures by borough, group, organisation and month; CSV; permissions."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date

import pytest

from listening.csvutil import csv_response, safe_cell, to_csv
from listening.extensions import db
from listening.intake import queries
from listening.intake.models import Area, Conversation
from listening.organisations.models import Organisation


def _add(campaign, organisation, borough, people, held_on, groups=(), status="submitted"):
    area = next(a for a in campaign.areas if a.slug == borough)
    conversation = Conversation(
        uuid=str(uuid.uuid4()),
        campaign=campaign,
        area=area,
        organisation=organisation,
        held_on=held_on,
        format="small-group",
        people_count=people,
        status=status,
        groups=[g for g in campaign.groups if g.slug in groups],
    )
    db.session.add(conversation)
    return conversation


@pytest.fixture
def world(make_campaign, make_user):
    """SEL-like figures: Southwark 10+4, Lambeth 3 (and a draft of 50 that must not count),
    Bexley none, 2 across the region; another campaign's conversation must not count either."""
    campaign = make_campaign(boroughs=("Southwark", "Lambeth", "Bexley"))
    other = make_campaign(slug="other-2024", boroughs=("Southwark",))
    populations = {"southwark": 300_000, "lambeth": 300_000, "bexley": 250_000}
    for area in campaign.areas:
        area.population = populations.get(area.slug)
    peckham = Organisation(
        name="Peckham Community Centre",
        type="community-centre",
        outreach_status="facilitating",
        area=next(a for a in campaign.areas if a.slug == "southwark"),
    )
    mind = Organisation(name="Lambeth Mind", type="mental-health", outreach_status="supporting")
    quiet = Organisation(
        name="Bexley Youth Club",
        type="youth",
        outreach_status="not-contacted",
        contact_notes="Try the Tuesday session",
        area=next(a for a in campaign.areas if a.slug == "bexley"),
    )
    elsewhere = Organisation(
        name="Elsewhere Trust", outreach_status="contacted", area=other.areas[0]
    )
    db.session.add_all([peckham, mind, quiet, elsewhere])
    _add(campaign, peckham, "southwark", 10, date(2023, 6, 10), ["young-people"])
    _add(
        campaign,
        peckham,
        "southwark",
        4,
        date(2023, 8, 2),
        ["young-people", "carers-and-lone-parents"],
    )
    _add(campaign, mind, "lambeth", 3, date(2023, 8, 20))
    _add(campaign, mind, "lambeth", 50, date(2023, 9, 1), status="draft")
    _add(campaign, mind, "unspecified", 2, date(2023, 6, 30), ["migrants-and-refugees"])
    _add(other, elsewhere, "southwark", 99, date(2024, 1, 5))
    reviewer = make_user("reviewer", None)
    partner = make_user("partner", "Peckham Community Centre")
    db.session.commit()
    return campaign, reviewer, partner


def test_figures_by_borough_add_up_and_flag_the_under_reached(world):
    campaign = world[0]
    rows = {r.key: r for r in queries.by_borough(campaign)}
    assert [r.key for r in queries.by_borough(campaign)] == [
        "unspecified",
        "bexley",
        "lambeth",
        "southwark",
    ]
    assert {k: (r.conversations, r.people) for k, r in rows.items()} == {
        "unspecified": (1, 2),
        "bexley": (0, 0),
        "lambeth": (1, 3),
        "southwark": (2, 14),
    }
    total = queries.totals(campaign)
    assert (total.conversations, total.people) == (4, 19)
    assert sum(r.people for r in rows.values()) == total.people
    assert (rows["southwark"].per_10k, rows["lambeth"].per_10k, rows["bexley"].per_10k) == (
        0.5,
        0.1,
        0.0,
    )
    assert rows["unspecified"].per_10k is None
    # campaign-wide: 17 people / 850,000 residents = 0.2 per 10,000; half of it is 0.1
    assert queries.reach_rate(list(rows.values())) == 0.2
    assert {k for k, r in rows.items() if r.under_reached} == {"bexley"}


def test_figures_by_group_month_and_organisation(world):
    campaign = world[0]
    groups = {r.name: (r.conversations, r.people) for r in queries.by_group(campaign)}
    assert groups == {
        "Young people": (2, 14),
        "Migrants and refugees": (1, 2),
        "Carers and lone parents": (1, 4),
        "No community group recorded": (1, 3),
    }
    months = [(r.key, r.conversations, r.people) for r in queries.by_month(campaign)]
    assert months == [("2023-06", 2, 12), ("2023-07", 0, 0), ("2023-08", 2, 7)]
    assert sum(m[2] for m in months) == queries.totals(campaign).people
    facilitators = [
        (r.name, r.conversations, r.people, r.status) for r in queries.by_organisation(campaign)
    ]
    assert facilitators == [
        ("Peckham Community Centre", 2, 14, "facilitating"),
        ("Lambeth Mind", 2, 5, "supporting"),
    ]


def test_outreach_lists_this_campaigns_organisations_by_status(world):
    campaign = world[0]
    statuses, rows = queries.outreach(campaign)
    names = [r.name for r in rows]
    assert "Elsewhere Trust" not in names  # another campaign's borough
    assert names[0] == "Bexley Youth Club"  # not contacted comes first: that is the to-do list
    assert statuses["not-contacted"] >= 1 and statuses["facilitating"] == 1
    assert statuses["contacted"] == 0
    quiet = rows[0]
    assert (quiet.borough, quiet.contact_notes, quiet.people) == (
        "Bexley",
        "Try the Tuesday session",
        0,
    )


def test_dashboard_permissions(world, signed_in):
    _campaign, reviewer, partner = world
    for path in ("/intake/coverage", "/intake/coverage.csv"):
        anonymous = signed_in().get(path)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
        assert signed_in(partner).get(path).status_code == 403
        assert signed_in(reviewer).get(path).status_code == 200


def test_dashboard_shows_exact_figures_with_accessible_charts(world, signed_in):
    _campaign, reviewer, _partner = world
    client = signed_in(reviewer)
    body = client.get("/intake/coverage").get_data(as_text=True)
    assert "19 people in 4 submitted conversations" in body
    borough_table = body.split("Figures by borough")[1].split("</table>")[0]
    cells = re.findall(r'cell--numeric"[^>]*>(?:<strong>)?([\d.,–]+)', borough_table)
    assert cells[:2] == ["1", "2"]  # small counts are shown: suppression is for public pages
    assert "Under-reached" in borough_table.split("Lambeth")[0].split("Bexley")[1]
    svg = r"<svg role=\"img\"[^>]*>\s*<title id=\"[^\"]+\">([^<]+)</title>"
    titles = re.findall(svg, body)
    assert len(titles) == 1 and titles[0].startswith("People reached by borough: ")
    assert "Southwark 14" in titles[0]
    # the other sections are pages of their own, linked from a contents list on each
    for section, chart in (("groups", "community group"), ("months", "month")):
        assert re.search(f'href="/intake/coverage/{section}(\\?campaign=sel-2023)?"', body)
        page = client.get(f"/intake/coverage/{section}").get_data(as_text=True)
        assert re.findall(svg, page)[0].startswith(f"People reached by {chart}: ")
        assert 'aria-current="page"' in page
    outreach = client.get("/intake/coverage/outreach").get_data(as_text=True)
    assert "Bexley Youth Club" in outreach and "Try the Tuesday session" in outreach
    assert "Lambeth Mind" in client.get("/intake/coverage/organisations").get_data(as_text=True)
    assert client.get("/intake/coverage/secrets").status_code == 404
    for page in (body, outreach):
        assert "style=" not in page.split("<main")[1]  # CSP: no inline styles


def test_campaign_selector(world, signed_in):
    _campaign, reviewer, _partner = world
    client = signed_in(reviewer)
    other = client.get("/intake/coverage?campaign=other-2024").get_data(as_text=True)
    assert "99 people in 1 submitted conversation" in other
    assert 'value="other-2024" selected>' in other and "Show campaign" in other
    assert client.get("/intake/coverage?campaign=no-such-campaign").status_code == 404


def _csv(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_csv_exports(world, signed_in):
    _campaign, reviewer, _partner = world
    client = signed_in(reviewer)
    boroughs = _csv(client.get("/intake/coverage.csv?campaign=sel-2023&table=boroughs"))
    assert boroughs[0][:3] == ["Borough", "Conversations", "People"]
    assert boroughs[-1][:3] == ["Total", "4", "19"]
    assert sum(int(r[2]) for r in boroughs[1:-1]) == 19
    assert ["Bexley", "0", "0", "250000", "0.0", "yes"] in boroughs
    months = _csv(client.get("/intake/coverage.csv?table=months"))
    assert months[1:] == [["2023-06", "2", "12"], ["2023-07", "0", "0"], ["2023-08", "2", "7"]]
    groups = _csv(client.get("/intake/coverage.csv?table=groups"))
    assert ["Young people", "2", "14"] in groups
    assert client.get("/intake/coverage.csv?table=secrets").status_code == 404
    disposition = client.get("/intake/coverage.csv").headers["Content-Disposition"]
    assert disposition == 'attachment; filename="coverage-sel-2023-boroughs.csv"'


def test_csv_export_neutralises_formulas(world, signed_in):
    _campaign, reviewer, _partner = world
    organisation = db.session.query(Organisation).filter_by(name="Lambeth Mind").one()
    organisation.name = '=HYPERLINK("http://evil.example","click")'
    organisation.contact_notes = "@SUM(A1)"
    db.session.commit()
    rows = _csv(signed_in(reviewer).get("/intake/coverage.csv?table=organisations"))
    mind = next(r for r in rows if "HYPERLINK" in r[0])
    assert mind[0].startswith("'=HYPERLINK") and mind[-1] == "'@SUM(A1)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
        (None, ""),
        (-3, "-3"),
        (2.5, "2.5"),
        (True, "yes"),
        (date(2023, 7, 1), "2023-07-01"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_response_headers(app):
    with app.test_request_context():
        response = csv_response('weird "name"\r\n.csv', ["a"], [["=x"]])
    assert response.headers["Content-Disposition"] == 'attachment; filename="weirdname.csv"'
    assert response.get_data(as_text=True) == "\ufeffa\r\n'=x\r\n"
    assert to_csv(["h"], [[1], ["-1"]]) == "h\r\n1\r\n'-1\r\n"


def test_area_population_can_be_unknown(world):
    campaign = world[0]
    for area in db.session.query(Area).filter_by(campaign_id=campaign.id):
        area.population = None
    db.session.commit()
    rows = queries.by_borough(campaign)
    assert all(r.per_10k is None and not r.under_reached for r in rows)
    assert queries.reach_rate(rows) is None
