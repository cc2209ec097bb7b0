"""Property-based fuzzing: bad input to the intake API, the conversation form, the login form
and every other form never yields a 500, and whatever is accepted is a valid row."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listening.accounts import operations as accounts
from listening.extensions import db
from listening.intake.models import FORMATS
from listening.intake.operations import get_conversation
from tests.security import walk

FUZZ = settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        '=HYPERLINK("http://x")',
        "🙂" * 50,
        "\u202e",
        "x" * 20_001,
        "None",
        "null",
        "-1",
        "1e309",
        "0x10",
        "2023-02-30",
    ]
)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture
def unlimited(app):
    """No rate limits (API and form posts): these tests look for 500s, not for 429s."""
    keys = ("API_RATE_LIMIT", "API_RATE_LIMIT_PER_ADDRESS", "FORM_RATE_LIMIT")
    saved = {key: app.config[key] for key in keys}
    app.config.update(dict.fromkeys(keys, "0"))
    yield
    app.config.update(saved)


@pytest.fixture
def token(world, unlimited):
    value = accounts.issue_token(world.partner_a)
    db.session.commit()
    return value


def well_shaped(world):
    """A valid payload with up to three fields replaced by noise; answers are always fuzzed."""
    campaign = world.campaign
    valid = {
        "campaign": [campaign.slug, campaign.name, campaign.slug.upper()],
        "borough": [a.slug for a in campaign.areas] + [a.name for a in campaign.areas],
        "organisation": [world.org_a.name, world.org_a.name.lower()],
        "date": ["2023-07-01", date.today().isoformat()],
        "format": list(FORMATS) + [name for name in FORMATS.values()],
        "people_count": [1, 6, 10_000, "7"],
        "groups": [[g.slug for g in campaign.groups], [], [campaign.groups[0].name]],
        "consent_to_quote": [True, False, "yes", "no"],
    }
    noise = {
        "organisation": st.sampled_from([world.org_b.name]) | HOSTILE,
        "date": st.sampled_from([(date.today() + timedelta(days=2)).isoformat(), "1999-12-31"])
        | HOSTILE
        | json_scalars,
        "people_count": st.sampled_from([0, -3, 10_001, 2.5, True]) | HOSTILE | json_scalars,
        "groups": st.lists(HOSTILE | st.text(max_size=20), max_size=3) | json_values,
    }

    @st.composite
    def build(draw):
        body = {key: draw(st.sampled_from(options)) for key, options in valid.items()}
        body["responses"] = draw(st.lists(HOSTILE | st.text(max_size=200), max_size=4))
        for key in draw(st.lists(st.sampled_from(sorted(valid)), max_size=3, unique=True)):
            body[key] = draw(noise.get(key, HOSTILE | st.text(max_size=30) | json_values))
        return body

    return build()


def assert_valid_row(world, reference: str) -> None:
    """An accepted conversation obeys every rule the form enforces (a draft may leave fields
    empty: whatever it has obeys them too)."""
    db.session.expire_all()
    conversation = get_conversation(reference)
    assert conversation is not None
    draft = conversation.status == "draft"
    c = conversation
    assert c.campaign_id == world.campaign.id
    assert c.organisation_id == world.org_a.id  # a partner logs only for their own
    assert (draft and c.area is None) or c.area.campaign_id == world.campaign.id
    assert (draft and c.format is None) or c.format in FORMATS
    assert (draft and c.people_count is None) or 1 <= c.people_count <= 10_000
    assert (draft and c.held_on is None) or (
        date(2000, 1, 1) <= c.held_on <= date.today() + timedelta(days=1)
    )
    assert (draft and c.consent_to_quote is None) or c.consent_to_quote in (True, False)
    assert all(g.campaign_id == world.campaign.id for g in conversation.groups)
    assert draft or conversation.responses
    for response in conversation.responses:
        assert response.text and response.text.strip() and len(response.text) <= 20_000
        assert response.redacted_text is not None


def _put(client, token, reference, body):
    return client.put(
        f"/api/v1/conversations/{reference}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )


def test_api_any_json_never_500(client, world, token):
    @FUZZ
    @given(body=json_values, reference=st.sampled_from(["", "x"]) | st.uuids().map(str))
    def check(body, reference):
        response = _put(client, token, reference or str(uuid.uuid4()), body)
        assert response.status_code < 500, response.get_data(as_text=True)[:300]
        assert response.is_json
        if response.status_code < 300:
            assert_valid_row(world, response.json["uuid"])

    check()


def test_api_well_shaped_payloads_never_500_and_accepted_rows_are_valid(client, world, token):
    accepted = []

    @FUZZ
    @given(body=well_shaped(world))
    def check(body):
        response = _put(client, token, str(uuid.uuid4()), body)
        assert response.status_code < 500, (body, response.get_data(as_text=True)[:300])
        if response.status_code < 300:
            accepted.append(response.json["uuid"])
            assert_valid_row(world, response.json["uuid"])
        else:
            assert response.json["error"]

    check()
    assert accepted, "no fuzzed payload was accepted: the strategy is too noisy to test much"
    valid = {
        "campaign": world.campaign.slug,
        "borough": "southwark",
        "format": "other",
        "organisation": world.org_a.name,
        "date": "2023-07-01",
        "people_count": 2,
        "groups": [],
        "consent_to_quote": False,
        "responses": ["Rent is too high"],
    }
    response = _put(client, token, str(uuid.uuid4()), valid)  # the property is not vacuous
    assert response.status_code == 201
    assert_valid_row(world, response.json["uuid"])


def _form_fields(world):
    """Mostly-valid form posts: up to three fields replaced by noise, answers always fuzzed."""
    campaign = world.campaign
    valid = {
        "campaign": [campaign.slug],
        "borough": [a.slug for a in campaign.areas],
        "organisation": [world.org_a.name],
        "date": ["2023-07-01"],
        "format": list(FORMATS),
        "people_count": ["3", "10000"],
        "consent_to_quote": ["yes", "no"],
        "groups": [[g.slug for g in campaign.groups], []],
        "save_draft": [[], ["1"]],
        "add_answer": [[]] * 5 + [["1"]],
    }

    @st.composite
    def build(draw):
        fields = {key: draw(st.sampled_from(options)) for key, options in valid.items()}
        fields["uuid"] = str(draw(st.uuids()))
        for index in draw(st.lists(st.sampled_from([0, 1, 29, 30, 31]), max_size=3)):
            fields[f"responses-{index}"] = draw(HOSTILE | st.text(max_size=200))
        for key in draw(
            st.lists(st.sampled_from(sorted(valid) + ["uuid"]), max_size=3, unique=True)
        ):
            fields[key] = draw(
                st.sampled_from([world.org_b.name, "2023-13-01", "0"])
                | HOSTILE
                | st.text(max_size=30)
            )
        return fields

    return build()


def test_conversation_form_never_500(world, clients, unlimited):
    client = clients["partner_a"]

    @FUZZ
    @given(fields=_form_fields(world))
    def check(fields):
        response = client.post("/intake/conversations/new", data=fields)
        assert response.status_code < 500, (fields, response.get_data(as_text=True)[:300])
        if response.status_code == 303:
            # The server keeps the form's UUID when it is one, else makes its own: read it back
            # from the redirect (…/conversations?sent=<uuid>).
            sent = parse_qs(urlsplit(response.location).query)["sent"][0]
            accepted.append(sent)
            assert_valid_row(world, sent)

    accepted = []
    check()
    assert accepted, "no fuzzed form was accepted: the strategy is too noisy to test much"


def test_login_form_never_500(client, world):
    @FUZZ
    @given(
        email=HOSTILE | st.text(max_size=300) | st.emails().map(str),
        password=HOSTILE | st.text(max_size=300),
        next_url=st.none() | HOSTILE | st.sampled_from(["//evil.example", "/\\evil", "/ok"]),
    )
    def check(email, password, next_url):
        query = {"next": next_url} if next_url is not None else {}
        response = client.post(
            "/login", data={"email": email, "password": password}, query_string=query
        )
        assert response.status_code < 500
        assert response.status_code == 200  # never signed in by nonsense

    check()


def test_every_post_form_as_staff_never_500(app, world, clients):
    """Random fields (named like the real ones and not) to every write route, as a reviewer
    and as an admin."""
    targets = [
        (t, m)
        for t in walk.targets(app, world)
        for m in walk.methods(t.rule)
        if m != "GET"
        and not t.path.startswith("/api/")
        and "logout" not in t.rule.endpoint
        and "missing" not in t.tags
    ]
    assert targets
    names = st.sampled_from(
        [
            "title",
            "text",
            "name",
            "status",
            "date",
            "confirm",
            "email",
            "password",
            "role",
            "value",
            "taken_on",
            "target",
            "baseline",
            "file",
            "theme",
            "pledge_id",
            "response_id",
            "count",
            "kind",
            "held_on",
            "due_on",
            "organisation",
            "weight",
            "position",
        ]
    )

    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        index=st.integers(0, len(targets) - 1),
        role=st.sampled_from(["reviewer", "admin"]),
        fields=st.dictionaries(
            names | st.text(max_size=10), HOSTILE | st.text(max_size=40), max_size=8
        ),
    )
    def check(index, role, fields):
        target, method = targets[index]
        response = clients[role].open(target.path, method=method, data=fields)
        assert response.status_code < 500, (method, target.path, fields)

    check()


def test_nul_characters_are_dropped_before_any_view_sees_them(app):
    """PostgreSQL refuses NUL in text: it is removed from query strings, forms and JSON."""
    from flask import request

    seen = {}
    with app.test_request_context(
        "/any?q=a%00b", method="POST", data={"answer\x00": ["the leak\x00", "x"]}
    ):
        seen["args"], seen["form"] = request.args.to_dict(), request.form.to_dict(flat=False)
    with app.test_request_context("/any", method="PUT", json={"responses": ["mould\x00"]}):
        seen["json"] = request.get_json()
    assert seen == {
        "args": {"q": "ab"},
        "form": {"answer": ["the leak", "x"]},
        "json": {"responses": ["mould"]},
    }


CONVERSATION_HEADER = (
    "conversation_ref,date,borough,organisation,format,people_count,groups,consent_to_quote,"
    "response"
)
UPDATE_HEADER = "pledge_id,date,status,text,metric_1"
cells = HOSTILE | st.text(max_size=30) | st.integers(-5, 10**12).map(str)


@st.composite
def spreadsheet_bytes(draw, header: str):
    """A CSV in (or near) an import's template, or any bytes at all, in some encoding."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=2_000))
    width = len(header.split(","))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 2), max_size=6))
    head = draw(st.sampled_from([header, header.upper(), header + ",extra", "", "a,b,c"]))
    text = "\n".join([head, *(",".join(row) for row in rows)])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


def test_both_imports_never_500(world, clients, unlimited):
    """Any file to the conversation import and to the progress-update import, as staff."""
    client = clients["admin"]

    @FUZZ
    @given(
        conversations=spreadsheet_bytes(CONVERSATION_HEADER),
        updates=spreadsheet_bytes(UPDATE_HEADER),
        name=st.sampled_from(["a.csv", "b.xlsx", "c.txt", "", "../../x.csv", "é" * 300 + ".csv"]),
    )
    def check(conversations, updates, name):
        response = client.post(
            "/intake/imports/new",
            data={"campaign": world.campaign.slug, "file": (io.BytesIO(conversations), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code < 500, response.get_data(as_text=True)[:300]
        seen.add(("conversations", response.status_code))
        if response.status_code == 303:  # the import's page: progress, then the report
            assert client.get(response.location).status_code == 200
        response = client.post(
            "/staff/pledges/import",
            data={"file": (io.BytesIO(updates), name)},
            query_string={"campaign": world.campaign.slug},
            content_type="multipart/form-data",
        )
        assert response.status_code < 500, response.get_data(as_text=True)[:300]
        seen.add(("updates", response.status_code))

    seen = set()
    check()
    # the files reached both importers: some were read (303 to the import's page; 200, a
    # report, for updates), some refused (422)
    assert {("conversations", 303), ("conversations", 422), ("updates", 422)} <= seen, seen


QUERY_NAMES = (
    "campaign",
    "theme",
    "borough",
    "lead",
    "status",
    "page",
    "per_page",
    "q",
    "sort",
    "view",
    "table",
    "show",
    "name",
    "sent",
    "ref",
    "next",
    "lang",
    "organisation",
    "format",
    "from",
    "to",
)
OTHER_DIGITS = st.sampled_from(["²", "١٢", "١", "۴۲", "１２", "٣٠٠", "12²", "⁵", "Ⅻ", "𝟙"])


def _get_paths(app, world, api_and_public: bool) -> list[str]:
    """Every GET route (its sample URLs), public and API ones or the staff ones."""
    paths = set()
    for target in walk.targets(app, world):
        if "GET" not in target.rule.methods or "missing" in target.tags:
            continue
        if target.path.startswith("/assets") or "logout" in target.rule.endpoint:
            continue
        public = target.path.startswith(("/api/", "/pledges", "/open-data", "/follow", "/"))
        staff = target.rule.endpoint.split(".")[0] in {"themes", "privacy", "safeguarding"} or (
            target.path.startswith(("/intake", "/staff", "/admin", "/account", "/themes"))
        )
        if (public and not staff) == api_and_public:
            paths.add(target.path)
    return sorted(paths)


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_query_string_never_500(app, world, clients, who):
    """Any query string (numbers in other scripts too) to every GET page and API route: the
    public ones and the API for anyone, every staff page for an admin."""
    client = clients[who]
    paths = _get_paths(app, world, api_and_public=who == "anonymous")
    assert len(paths) > 10, paths

    @FUZZ
    @given(
        path=st.sampled_from(paths),
        query=st.dictionaries(
            st.sampled_from(QUERY_NAMES) | st.text(max_size=8),
            HOSTILE | cells | OTHER_DIGITS,
            max_size=4,
        ),
    )
    def check(path, query):
        response = walk.request(client, "GET", path, query)  # read and closed (static files)
        assert response.status_code < 500, (path, query)
        seen.add(response.status_code)
        if path.startswith("/api/") and response.status_code >= 400:
            assert response.is_json and response.get_json().get("error")

    seen = set()
    check()
    assert 200 in seen, seen


@pytest.mark.parametrize("name", ["page", "per_page"])
@pytest.mark.parametrize("value", ["²", "١٢", "１２"])
def test_paging_in_other_digits_on_every_paged_route_is_a_400(app, world, clients, name, value):
    """Every route that reads ?page= or ?per_page= refuses digits other than 0-9, naming it."""
    paged = {
        ("anonymous", "/api/v1/pledges"),
        ("admin", "/intake/conversations"),
        ("admin", "/intake/organisations"),
        ("admin", "/themes/review"),
    }
    for who, path in paged:
        response = clients[who].get(path, query_string={name: value})
        if name == "per_page" and not path.startswith("/api/"):
            assert response.status_code == 200, (path, name)  # pages have no per_page
            continue
        assert response.status_code == 400, (path, name, value)
        assert f"{name} must be a whole number" in response.get_data(as_text=True)
