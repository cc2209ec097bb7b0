"""An archived pledge: its follow form is gone like its public page (404), its followers hear
nothing while it is archived, and hear again once it is restored (their follow is kept)."""

from __future__ import annotations

from listening.assembly import operations as ops
from listening.extensions import db
from listening.follow import operations
from tests.mailserver import body_of


def test_followers_of_an_archived_pledge_hear_nothing_until_it_is_restored(
    client, inbox, make_pledge, post_update, staff
):
    pledge = make_pledge(title="Community use of NHS buildings")
    subscription = operations.start_following("neighbour@example.org", pledge=pledge)
    operations.confirm(subscription)
    theme_follow = operations.start_following(
        "theme@example.org", campaign=pledge.campaign, theme_slug="housing"
    )
    operations.confirm(theme_follow)
    db.session.commit()
    assert client.get(f"/follow/pledges/{pledge.id}").status_code == 200

    ops.archive_pledge(pledge, staff)
    db.session.commit()
    assert client.get(f"/follow/pledges/{pledge.id}").status_code == 404
    assert (
        client.post(f"/follow/pledges/{pledge.id}", data={"email": "new@example.org"}).status_code
        == 404
    )
    assert client.get(f"/pledges/{pledge.id}").status_code == 404
    post_update(pledge, "Halls open on Tuesday evenings.")
    assert inbox.to("neighbour@example.org") == [] and inbox.to("theme@example.org") == []

    ops.restore_pledge(pledge, staff)
    db.session.commit()
    post_update(pledge, "Halls open on Thursday evenings too.")
    [notice] = inbox.to("neighbour@example.org")
    assert "Thursday" in body_of(notice) and "Tuesday" not in body_of(notice)
    assert len(inbox.to("theme@example.org")) == 1
