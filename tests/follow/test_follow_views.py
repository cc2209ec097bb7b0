"""The follow form and links: errors beside the field, refused links, no address in public."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from listening.extensions import db
from listening.follow import operations, tokens
from listening.follow.models import Subscription

SECRET_READER = "secret-reader@example.com"


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Subscription))


def test_an_invalid_address_is_explained_beside_the_field_and_kept(client, inbox, make_pledge):
    pledge = make_pledge()
    response = client.post(f"/follow/pledges/{pledge.id}", data={"email": "reader@@example"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html  # the error summary
    assert 'id="email--error-message"' in html or "nhsuk-error-message" in html
    assert "Enter an email address in the correct format, like name@example.com" in html
    assert 'value="reader@@example"' in html
    assert "<title>Error: " in html
    assert _count() == 0 and inbox.messages == []


def test_an_empty_address_asks_for_one(client, make_campaign):
    make_campaign()
    response = client.post("/follow/themes/housing", data={"email": "   "})
    assert "Enter your email address" in response.get_data(as_text=True)
    assert _count() == 0


def test_unknown_pledges_themes_and_campaigns_are_404(client, make_campaign):
    make_campaign()
    assert client.get("/follow/pledges/999999").status_code == 404
    assert client.post("/follow/pledges/999999", data={"email": "a@example.org"}).status_code == 404
    assert client.get("/follow/themes/no-such-theme").status_code == 404
    assert client.get("/follow/themes/housing?campaign=nope").status_code == 404
    assert client.get("/follow/themes/housing?campaign=%00bad").status_code == 404
    assert client.get("/follow/themes/housing").status_code == 200


def test_following_twice_sends_a_second_confirmation_but_keeps_one_follow(
    client, inbox, make_pledge
):
    pledge = make_pledge()
    for _ in range(2):
        client.post(f"/follow/pledges/{pledge.id}", data={"email": "twice@example.org"})
    assert _count() == 1
    assert len(inbox.to("twice@example.org")) == 2


def test_forged_tampered_and_expired_links_are_refused_cleanly(app, client, make_pledge):
    pledge = make_pledge()
    subscription = operations.start_following("reader@example.org", pledge=pledge)
    db.session.commit()
    key = app.config["SECRET_KEY"]
    forged = URLSafeTimedSerializer("not-our-key", salt=tokens.CONFIRM).dumps(
        [subscription.id, subscription.secret]
    )
    wrong_secret = URLSafeTimedSerializer(key, salt=tokens.CONFIRM).dumps(
        [subscription.id, "guessed"]
    )
    wrong_shape = URLSafeTimedSerializer(key, salt=tokens.CONFIRM).dumps({"id": 1})

    class EightDaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 8 * 24 * 60 * 60

    expired = URLSafeTimedSerializer(key, salt=tokens.CONFIRM, signer=EightDaysAgo).dumps(
        [subscription.id, subscription.secret]
    )
    with app.test_request_context():
        unsubscribe_link = tokens.unsubscribe_token(subscription)
    for token in (forged, wrong_secret, wrong_shape, expired, "junk", unsubscribe_link, "x" * 900):
        for method in (client.get, client.post):
            response = method(f"/follow/confirm/{token}")
            assert response.status_code == 400, token
            assert "This link has expired or does not work" in response.get_data(as_text=True)
    assert db.session.get(Subscription, subscription.id).confirmed_at is None
    for token in (forged, "junk", "a.b.c"):
        response = client.post(f"/follow/unsubscribe/{token}")
        assert response.status_code == 400
    assert _count() == 1


def test_unsubscribing_twice_is_harmless(app, client, make_pledge):
    pledge = make_pledge()
    subscription = operations.start_following("reader@example.org", pledge=pledge)
    db.session.commit()
    with app.test_request_context():
        path = f"/follow/unsubscribe/{tokens.unsubscribe_token(subscription)}"
    assert client.post(path).status_code == 200
    again = client.get(path)
    assert again.status_code == 200
    assert "You do not get these emails any more" in again.get_data(as_text=True)
    assert client.post(path).status_code == 200
    assert _count() == 0


def test_confirming_needs_a_csrf_token(csrf_app, inbox, make_pledge):
    pledge = make_pledge()
    subscription = operations.start_following("reader@example.org", pledge=pledge)
    db.session.commit()
    with csrf_app.test_request_context():
        path = f"/follow/confirm/{tokens.confirm_token(subscription)}"
    assert csrf_app.test_client().post(path).status_code == 400
    assert db.session.get(Subscription, subscription.id).confirmed_at is None


def test_the_address_never_appears_in_public_pages_api_or_open_data(
    client, make_pledge, post_update
):
    pledge = make_pledge()
    subscription = operations.start_following(SECRET_READER, pledge=pledge)
    operations.confirm(subscription)
    theme_follow = operations.start_following(
        SECRET_READER, campaign=pledge.campaign, theme_slug="housing"
    )
    operations.confirm(theme_follow)
    db.session.commit()
    post_update(pledge, "Progress for everyone to read.")
    paths = [
        "/pledges",
        f"/pledges/{pledge.id}",
        "/pledges/themes/housing",
        "/pledges/events",
        "/pledges/updates.atom",
        "/open-data",
        *(f"/open-data/{name}.csv" for name in ("pledges", "updates", "readings", "themes")),
        "/api/v1/pledges",
        f"/api/v1/pledges/{pledge.id}",
        "/api/v1/themes",
        f"/follow/pledges/{pledge.id}",
        "/follow/themes/housing",
        "/privacy",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert SECRET_READER not in body and "secret-reader" not in body, path
    assert "Progress for everyone to read." in client.get(f"/pledges/{pledge.id}").get_data(
        as_text=True
    )


def test_pledge_and_theme_pages_link_to_the_follow_form(client, make_pledge):
    pledge = make_pledge()
    db.session.commit()
    assert f'href="/follow/pledges/{pledge.id}"' in client.get(f"/pledges/{pledge.id}").get_data(
        as_text=True
    )
    theme_page = client.get("/pledges/themes/housing").get_data(as_text=True)
    assert 'href="/follow/themes/housing"' in theme_page
    form = client.get(f"/follow/pledges/{pledge.id}").get_data(as_text=True)
    assert f"Get emails about the pledge “{pledge.title}”" in form
    assert 'autocomplete="email"' in form


def test_unconfirmed_follows_are_purged_after_the_confirmation_period(make_pledge):
    from datetime import timedelta

    from listening.timeutil import utcnow

    pledge = make_pledge()
    old = operations.start_following("old@example.org", pledge=pledge)
    kept = operations.start_following("kept@example.org", pledge=pledge)
    operations.confirm(kept)
    old.created_at = kept.created_at = utcnow() - timedelta(days=10)
    db.session.flush()
    assert operations.purge_unconfirmed(7) == 1
    assert [s.email for s in db.session.scalars(select(Subscription))] == ["kept@example.org"]


def test_purge_command(runner, make_pledge):
    from datetime import timedelta

    from listening.timeutil import utcnow

    pledge = make_pledge()
    operations.start_following("old@example.org", pledge=pledge).created_at = utcnow() - timedelta(
        days=30
    )
    db.session.flush()
    result = runner.invoke(args=["follow", "purge-unconfirmed"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 follows not confirmed within 7 days" in result.output
    assert _count() == 0


def test_confirmation_emails_to_one_address_are_limited(app, client, inbox, make_pledge):
    pledges = [make_pledge(f"Pledge {n}") for n in range(4)]
    saved = app.config["FOLLOW_CONFIRM_RATE_LIMIT"]
    app.config["FOLLOW_CONFIRM_RATE_LIMIT"] = "2/day"
    try:
        for pledge in pledges:
            response = client.post(f"/follow/pledges/{pledge.id}", data={"email": "v@example.org"})
            assert response.status_code == 303  # the same answer, limited or not
    finally:
        app.config["FOLLOW_CONFIRM_RATE_LIMIT"] = saved
    assert len(inbox.to("v@example.org")) == 2
    assert _count() == 4


def test_confirmation_emails_sent_for_one_client_are_capped_a_day(app, client, inbox, make_pledge):
    pledge = make_pledge()
    saved = app.config["FOLLOW_CONFIRM_PER_CLIENT_LIMIT"]
    app.config["FOLLOW_CONFIRM_PER_CLIENT_LIMIT"] = "2/day"
    flooder = {"REMOTE_ADDR": "203.0.113.50"}
    try:
        for n in range(4):  # one client typing other people's addresses
            response = client.post(
                f"/follow/pledges/{pledge.id}",
                data={"email": f"victim{n}@example.org"},
                environ_base=flooder,
            )
            assert response.status_code == 303  # the same answer, capped or not
        elsewhere = client.post(
            f"/follow/pledges/{pledge.id}",
            data={"email": "neighbour@example.org"},
            environ_base={"REMOTE_ADDR": "198.51.100.4"},
        )
        assert elsewhere.status_code == 303
    finally:
        app.config["FOLLOW_CONFIRM_PER_CLIENT_LIMIT"] = saved
    sent = [n for n in range(4) if inbox.to(f"victim{n}@example.org")]
    assert sent == [0, 1]
    assert len(inbox.to("neighbour@example.org")) == 1  # another client is not held back
