"""`safe_next`: the one check of a `next` address before redirecting to it."""

from __future__ import annotations

import pytest

from listening.security import safe_next


@pytest.mark.parametrize(
    ("target", "within", "expected"),
    [
        ("/intake/conversations", "/", "/intake/conversations"),
        ("/themes/?campaign=sel-2023", "/themes", "/themes/?campaign=sel-2023"),
        ("/pledges", "/themes", None),
        ("//evil.example/", "/", None),
        ("/\t/evil.example", "/", None),  # browsers drop the tab: //evil.example
        ("/\n/evil.example", "/", None),
        ("javascript:alert(1)", "/", None),
        ("evil.example", "/", None),
        ("https://evil.example/", "/", None),
        ("/\\evil.example", "/", None),
        ("", "/", None),
        (None, "/", None),
    ],
)
def test_safe_next(target, within, expected):
    assert safe_next(target, within) == expected
