"""User text is escaped on every page that renders it, staff and public."""

from __future__ import annotations

from tests.security import walk
from tests.security.conftest import ROLES, XSS_IMG, XSS_SCRIPT

ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")


def test_hostile_answers_are_escaped_everywhere(app, world, clients):
    raw, escaped_on, json_without_nosniff = [], {role: set() for role in ROLES}, []
    for target in walk.targets(app, world):
        if "GET" not in target.rule.methods or "missing" in target.tags:
            continue
        for role in ROLES:
            response = walk.request(clients[role], "GET", target.path)
            body = response.get_data(as_text=True)
            if response.mimetype == "application/json":
                # JSON may carry the text as data; browsers must never sniff it into HTML
                sniffable = response.headers.get("X-Content-Type-Options") != "nosniff"
                if "alert(1)" in body and sniffable:
                    json_without_nosniff.append(target.path)
                continue
            if XSS_SCRIPT in body or XSS_IMG in body or "<img src=x" in body:
                raw.append(f"{target.path} as {role} ({response.mimetype})")
            if any(form in body for form in ESCAPED):
                escaped_on[role].add(target.rule.rule)
    assert not raw, "unescaped user text:\n" + "\n".join(raw)
    assert not json_without_nosniff
    # the walk really reached pages that show the answers, staff and public
    assert "/intake/conversations/<uuid>" in escaped_on["reviewer"]
    assert "/intake/conversations/<uuid>" in escaped_on["partner_a"]
    assert escaped_on["anonymous"], "no public page shows the approved quote"
