"""`campaign_arg`: the one reader of "which campaign" from a request, table-driven."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from listening.intake.campaigns import campaign_arg

CASES = [
    # (method, query string, form, lenient, expected slug or 404)
    ("GET", "", None, False, "sel-2023"),
    ("GET", "campaign=sel-2024", None, False, "sel-2024"),
    ("GET", "campaign=nope", None, False, 404),
    ("GET", "campaign=Not%20A%20Slug", None, False, 404),
    ("GET", "campaign=nope", None, True, "sel-2023"),
    ("GET", "campaign=Not%20A%20Slug", None, True, "sel-2023"),
    ("POST", "", {"campaign": "sel-2024"}, True, "sel-2024"),
    ("POST", "", {"campaign": "sel-2024"}, False, "sel-2023"),
    ("POST", "campaign=sel-2024", {"campaign": ""}, True, "sel-2024"),
]


@pytest.mark.parametrize(("method", "query", "form", "lenient", "expected"), CASES)
def test_campaign_arg(app, make_campaign, method, query, form, lenient, expected):
    make_campaign("sel-2023")
    make_campaign("sel-2024")
    with app.test_request_context(f"/?{query}", method=method, data=form):
        if expected == 404:
            with pytest.raises(NotFound):
                campaign_arg(lenient=lenient)
        else:
            assert campaign_arg(lenient=lenient).slug == expected


def test_without_any_campaign_it_is_a_404_or_none(app):
    with app.test_request_context("/"):
        with pytest.raises(NotFound, match="There is no campaign yet"):
            campaign_arg()
        assert campaign_arg(required=False) is None
