"""Every route × every role: who may see what, and no 500s, from one policy table.

A rule that matches no entry fails the walk ("add X to the policy table"), so a new route
cannot ship without someone deciding who may use it.
"""

from __future__ import annotations

import subprocess

from tests.security import walk
from tests.security.conftest import DRAFT_SECRET, ROLES, XSS_IMG, XSS_SCRIPT

PUBLIC = "public"  # anyone; never 401/403
SIGNED_IN = "signed-in"  # any role; object-scoped to the partner's own organisation
OWN_ORGANISATION = "own-organisation"  # a partner of that organisation, or staff
STAFF = "staff"  # reviewer and admin
ADMIN = "admin"
API_SIGNED_IN = "api-signed-in"  # bearer token or session; anonymous gets 401 JSON

# Exact paths, or prefixes ending in "*"; the longest matching entry wins.
POLICY = {
    "/": PUBLIC,
    "/healthz": PUBLIC,
    "/sw.js": PUBLIC,
    "/login": PUBLIC,
    "/logout": PUBLIC,
    "/reset/*": PUBLIC,  # a one-time password link: the token is the permission
    "/account*": SIGNED_IN,  # your own password and tokens (revoking another's token: 403)
    "/assets/*": PUBLIC,
    "/pledges*": PUBLIC,
    "/open-data*": PUBLIC,
    "/follow/*": PUBLIC,  # the signed link, not a role, guards confirm and unsubscribe
    "/accessibility": PUBLIC,
    "/privacy": PUBLIC,
    "/contact": PUBLIC,
    "/cookies": PUBLIC,
    "/api/v1/pledges*": PUBLIC,
    "/api/v1/themes*": PUBLIC,
    "/api/v1/conversations/*": API_SIGNED_IN,
    "/intake/conversations*": SIGNED_IN,
    "/intake/coverage*": STAFF,
    "/intake/imports*": STAFF,
    "/intake/organisations*": ADMIN,
    "/themes/*": STAFF,
    "/staff/*": STAFF,
    "/partners": STAFF,  # the list of facilitating organisations
    "/partners/*": OWN_ORGANISATION,
    "/admin/*": ADMIN,
    # admins, and each campaign's own leads: tests/intake/test_safeguarding_leads.py
    "/safeguarding/*": ADMIN,
}
OTHER_PARTNER = {"A": "partner_b", "B": "partner_a"}
# Object-level refusals on top of the table: (endpoint, tag of the object) → roles refused.
REFUSALS = {
    ("intake.edit_conversation", "submitted"): {"partner_a", "reviewer"},  # admins only
}


def policy_for(rule: str) -> str | None:
    if rule in POLICY:
        return POLICY[rule]
    prefixes = [p for p in POLICY if p.endswith("*") and rule.startswith(p[:-1])]
    return POLICY[max(prefixes, key=len)] if prefixes else None


def _is_login_redirect(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (302, 303) and "/login" in location


def problems_for(policy: str, role: str, target, method: str, response) -> list[str]:
    """What is wrong with this response under `policy`, as readable lines."""
    status = response.status_code
    where = f"{method} {target.path} as {role} ({policy}) → {status}"
    found = []
    if status >= 500:
        found.append(f"{where}: server error")
    if policy == PUBLIC:
        if status in (401, 403):
            found.append(f"{where}: public pages are open to everyone")
        return found
    if role == "anonymous":
        if not (_is_login_redirect(response) or status == 401):
            found.append(f"{where}: anonymous must be sent to /login (or get 401)")
        return found
    allowed = {
        SIGNED_IN: ROLES[1:],
        API_SIGNED_IN: ROLES[1:],
        STAFF: ("reviewer", "admin"),
        ADMIN: ("admin",),
        OWN_ORGANISATION: ("partner_a", "partner_b", "reviewer", "admin"),
    }[policy]
    if role not in allowed and status != 403:
        found.append(f"{where}: {role} must get 403")
    if role in allowed and status == 401:
        found.append(f"{where}: {role} is signed in")
    if role in allowed and status == 403 and not _may_refuse(target, role):
        found.append(f"{where}: {role} must not be refused")
    if _other_partners(target, role) and method == "GET" and status not in (403, 404):
        found.append(f"{where}: a partner must not see another organisation's data")
    if _other_partners(target, role) and method != "GET" and 200 <= status < 400:
        found.append(f"{where}: a partner must not change another organisation's data")
    return found


def _may_refuse(target, role: str) -> bool:
    if _other_partners(target, role):
        return True
    if "missing" in target.tags and role.startswith("partner"):
        return True  # 403 or 404 for something that does not exist: both reveal nothing
    return any(role in REFUSALS.get((target.rule.endpoint, tag), ()) for tag in target.tags)


def _other_partners(target, role: str) -> bool:
    return target.owner is not None and OTHER_PARTNER.get(target.owner) == role


def _text_of(response) -> str:
    """The response's text; a PDF's as poppler's pdftotext reads it."""
    if response.mimetype != "application/pdf":
        return response.get_data(as_text=True)
    done = subprocess.run(
        ["pdftotext", "-", "-"], input=response.get_data(), capture_output=True, check=True
    )
    return done.stdout.decode()


def leaks_for(role: str, response) -> list[str]:
    """Text that must never reach this role, in any response (PDFs included)."""
    body = _text_of(response)
    found = []
    if role in ("anonymous", "partner_b") and DRAFT_SECRET in body:
        found.append("org A's draft answer")
    if role not in ("reviewer", "admin") and "07700 900123" in body:
        found.append("an unredacted phone number (original text is staff only)")
    if response.mimetype != "application/json" and (XSS_SCRIPT in body or XSS_IMG in body):
        found.append("unescaped user text")
    return found


def test_every_route_is_in_the_policy_table(app):
    missing = sorted({r.rule for r in app.url_map.iter_rules() if policy_for(r.rule) is None})
    assert not missing, "\n".join(
        f"add {rule} to the policy table in tests/security/test_route_walk.py" for rule in missing
    )


def test_route_role_walk(app, world, clients):
    problems, requests = [], 0
    for target in walk.targets(app, world):
        policy = policy_for(target.rule.rule)
        if policy is None:
            problems.append(f"add {target.rule.rule} to the policy table")
            continue
        for method in walk.methods(target.rule):
            queries = [None, walk.JUNK_QUERY] if method == "GET" else [None]
            for role in ROLES:
                for query in queries:
                    response = walk.request(clients[role], method, target.path, query)
                    requests += 1
                    problems += problems_for(policy, role, target, method, response)
                    problems += [
                        f"{method} {target.path} as {role}: leaks {leak}"
                        for leak in leaks_for(role, response)
                    ]
    assert requests > 100
    assert not problems, f"{len(problems)} problems in {requests} requests:\n" + "\n".join(
        sorted(set(problems))
    )


def test_partner_b_never_reads_org_a_drafts(world, clients):
    for path in (
        f"/intake/conversations/{world.draft.uuid}",
        f"/intake/conversations/{world.draft.uuid}/edit",
    ):
        response = walk.request(clients["partner_b"], "GET", path)
        assert response.status_code in (403, 404)
        assert DRAFT_SECRET not in response.get_data(as_text=True)
    listing = walk.request(clients["partner_b"], "GET", "/intake/conversations").get_data(
        as_text=True
    )
    assert world.draft.uuid not in listing and DRAFT_SECRET not in listing
    own = walk.request(clients["partner_a"], "GET", f"/intake/conversations/{world.draft.uuid}")
    assert own.status_code == 200 and DRAFT_SECRET in own.get_data(as_text=True)


def test_unknown_route_would_fail_the_walk():
    assert policy_for("/brand-new-feature/<int:id>") is None
    assert policy_for("/staff/anything/else") == STAFF
    assert policy_for("/admin/privacy/conversations/<uuid>") == ADMIN


def test_every_form_post_needs_a_csrf_token(app, world, clients, csrf_app):
    """With CSRF on, a write without a token changes nothing; only the token API is exempt."""
    accepted = []
    for target in walk.targets(app, world):
        if target.path.startswith("/api/"):
            continue
        for method in set(walk.methods(target.rule)) - {"GET"}:
            for role in ("anonymous", "admin"):
                response = walk.request(clients[role], method, target.path)
                if response.status_code < 400 and not _is_login_redirect(response):
                    accepted.append(f"{method} {target.path} as {role} → {response.status_code}")
    assert not accepted, "writes accepted without a CSRF token:\n" + "\n".join(accepted)
