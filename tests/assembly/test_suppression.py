"""Small-number suppression holds under subtraction (secondary suppression)."""

from __future__ import annotations

import itertools

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from listening.publicity import WITHHELD, public_parts, withheld_parts

MIN = 5


def feasible_values(published: dict, total: int) -> dict:
    """Every value each hidden part could take, given the published parts and total."""
    hidden = [k for k, v in published.items() if not isinstance(v, int)]
    shown_sum = sum(v for v in published.values() if isinstance(v, int))
    ranges = [range(0, MIN) if published[k] != WITHHELD else range(MIN, total + 1) for k in hidden]
    seen = {k: set() for k in hidden}
    for combo in itertools.product(*ranges):
        if sum(combo) + shown_sum == total:
            for key, value in zip(hidden, combo, strict=True):
                seen[key].add(value)
    return seen


def test_one_small_part_withholds_the_next_smallest():
    parts = {"bexley": 3, "bromley": 81, "lambeth": 825, "southwark": 1034}
    assert withheld_parts(parts, MIN) == {"bexley", "bromley"}
    assert public_parts(parts, MIN) == {
        "bexley": "fewer than 5",
        "bromley": WITHHELD,
        "lambeth": 825,
        "southwark": 1034,
    }


def test_no_small_parts_or_only_zeros_withhold_nothing_more():
    assert withheld_parts({"a": 10, "b": 20}, MIN) == set()
    assert withheld_parts({"a": 0, "b": 20, "c": 30}, MIN) == {"a"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=5))
def test_no_suppressed_count_can_be_recovered_from_the_total(counts):
    # Holds whenever one part reaches the minimum; when every part is small, there is nothing
    # to withhold and the total alone can give them away ({4, 4} of 8): see withheld_parts.
    assume(max(counts) >= MIN)
    parts = {f"p{i}": n for i, n in enumerate(counts)}
    published = public_parts(parts, MIN)
    feasible = feasible_values(published, sum(counts))
    for key, values in feasible.items():
        assert parts[key] in values
        if parts[key]:  # a small non-zero count must not be pinned down exactly
            assert len(values) > 1, (parts, published)


def test_public_pages_and_api_apply_secondary_suppression(client, campaign, make_conversation):
    make_conversation(borough="bexley", people=3)
    make_conversation(borough="lambeth", people=40)
    make_conversation(borough="southwark", people=60)
    by_borough = client.get("/api/v1/themes").get_json()["campaign"]["by_borough"]
    # JSON: a suppressed or withheld count is null with a flag, never a string
    assert by_borough["bexley"] == {"people": None, "people_suppressed": True}
    assert by_borough["lambeth"] == {"people": None, "people_suppressed": True}
    assert by_borough["southwark"] == {"people": 60, "people_suppressed": False}
    page = client.get("/pledges").get_data(as_text=True)
    assert WITHHELD in page and ">40<" not in page
