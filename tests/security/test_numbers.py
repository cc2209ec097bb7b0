"""Every integer a client sends goes through one parser (ASCII digits only): "²" and "١٢" are
refused with a message naming the parameter, never a 500 and never read as a number."""

from __future__ import annotations

import uuid

import pytest

from listening.extensions import db
from listening.ids import parse_id, parse_int, parse_whole_number
from listening.intake.operations import get_conversation

NOT_ASCII = ["²", "١٢", "١", "٣", "12²", "１２", "۴", "1e3", " 2", "0x10", "+3"]


@pytest.mark.parametrize("text", NOT_ASCII)
def test_the_parser_reads_ascii_digits_only(text):
    assert parse_int(text) is None or text.strip() != text  # " 2" is stripped, then read
    assert parse_id(text.strip()) is None or text.strip().isascii()
    assert parse_whole_number(text) is None or text.strip().isascii()


def test_the_parser_reads_plain_numbers_and_bounds():
    assert parse_int("12") == 12 and parse_int("-4") == -4 and parse_int(7) == 7
    assert parse_int(True) is None and parse_int(2.5) is None and parse_int("9" * 13) is None
    assert parse_int("0", minimum=1) is None and parse_int("201", maximum=200) is None
    assert parse_id("2147483647") == 2147483647 and parse_id("2147483648") is None


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("page=²", "page"),
        ("per_page=²", "per_page"),
        ("per_page=١٢", "per_page"),
        ("page=١", "page"),
    ],
)
def test_api_paging_with_other_digits_is_a_400_naming_the_parameter(client, world, query, name):
    response = client.get(f"/api/v1/pledges?campaign={world.campaign.slug}&{query}")
    assert response.status_code == 400
    assert response.get_json()["message"].startswith(f"{name} must be a whole number")


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("reviewer", "/intake/conversations"),
        ("admin", "/intake/organisations"),
        ("reviewer", "/themes/review"),
    ],
)
@pytest.mark.parametrize("value", ["²", "١٢", "abc", "0", "-2"])
def test_html_lists_with_a_bad_page_say_so(clients, world, role, path, value):
    query = {"page": value, "campaign": world.campaign.slug}
    response = clients[role].get(path, query_string=query)
    assert response.status_code == 400
    assert "page must be a whole number of 1 or more" in response.get_data(as_text=True)


def test_a_page_past_the_end_is_still_the_last_page(clients, world):
    assert clients["reviewer"].get("/intake/conversations?page=99").status_code == 200


def test_ids_in_urls_are_ascii_digits(clients, world):
    pledge = world.assembly.pledge.id
    assert clients["anonymous"].get(f"/pledges/{pledge}").status_code == 200
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in str(pledge))
    assert clients["anonymous"].get(f"/pledges/{arabic}").status_code == 404
    assert clients["anonymous"].get(f"/api/v1/pledges/{arabic}").status_code == 404


def _form(world, people):
    return {
        "uuid": str(uuid.uuid4()),
        "campaign": world.campaign.slug,
        "borough": "southwark",
        "organisation": world.org_a.name,
        "date": "2023-07-01",
        "format": "small-group",
        "people_count": people,
        "consent_to_quote": "yes",
        "responses-0": "The rent keeps going up",
    }


@pytest.mark.parametrize("people", ["١٢", "²", "１２"])
def test_the_form_refuses_a_count_in_other_digits(clients, world, people):
    fields = _form(world, people)
    response = clients["partner_a"].post("/intake/conversations/new", data=fields)
    assert response.status_code == 422
    assert "Enter how many people took part, as a number like 3" in response.get_data(as_text=True)
    assert get_conversation(fields["uuid"]) is None


def test_the_api_refuses_a_count_in_other_digits(client, world):
    from listening.accounts import operations as accounts

    token = accounts.issue_token(world.partner_a)
    db.session.commit()
    body = {
        "campaign": world.campaign.slug,
        "borough": "southwark",
        "organisation": world.org_a.name,
        "date": "2023-07-01",
        "format": "small-group",
        "people_count": "١٢",
        "groups": [],
        "consent_to_quote": True,
        "responses": ["The rent keeps going up"],
    }
    reference = str(uuid.uuid4())
    response = client.put(
        f"/api/v1/conversations/{reference}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422 and "people_count" in response.get_json()["errors"]
    assert get_conversation(reference) is None


def test_a_reading_in_other_digits_is_refused_beside_the_field(clients, world):
    metric = world.assembly.metric
    response = clients["admin"].post(
        f"/staff/metrics/{metric.id}/readings/new",
        data={"taken_on": "2024-02-01", "value": "١٢"},
    )
    assert response.status_code == 422
    assert "Value must be a number, like 42 or 12.5" in response.get_data(as_text=True)
