"""The sync API under a burst of identical PUTs (a phone retrying on a flaky network while a
second tab flushes too), against the live threaded server: one conversation, no 500s."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.browser


def _token(live_server, account) -> str:
    from listening.accounts import operations
    from listening.accounts.models import User
    from listening.extensions import db

    def issue():
        token = operations.issue_token(db.session.get(User, account.id))
        db.session.commit()
        return token

    return live_server.query(issue)


def _put(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _body(organisation: str, people: int = 5) -> dict:
    return {
        "campaign": "sel-2023",
        "borough": "Lewisham",
        "organisation": organisation,
        "date": "2023-09-20",
        "format": "one-to-one",
        "people_count": people,
        "groups": ["young-people"],
        "consent_to_quote": False,
        "responses": ["Eight of us share two rooms."],
    }


def test_a_burst_of_the_same_put_saves_one_conversation(live_server):
    partner = live_server.make_partner()
    token = _token(live_server, partner)
    url = f"{live_server.url}/api/v1/conversations/{uuid.uuid4()}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: _put(url, token, _body(partner.organisation)), range(8)))
    assert sorted(statuses) == [200] * 7 + [201], statuses
    assert len(live_server.conversations(partner.organisation)) == 1


def test_a_burst_of_different_bodies_under_one_uuid_keeps_the_first(live_server):
    partner = live_server.make_partner()
    token = _token(live_server, partner)
    url = f"{live_server.url}/api/v1/conversations/{uuid.uuid4()}"
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(
                lambda n: _put(url, token, _body(partner.organisation, people=n + 1)), range(6)
            )
        )
    assert sorted(statuses) == [201] + [409] * 5, statuses
    assert len(live_server.conversations(partner.organisation)) == 1
