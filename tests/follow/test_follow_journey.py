"""Follow a pledge or a theme by email, end to end through a real SMTP server."""

from __future__ import annotations

import logging
import re
from datetime import date

from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.follow.models import Subscription
from tests.follow.conftest import PUBLIC_URL
from tests.mailserver import body_of

LINK = re.compile(re.escape(PUBLIC_URL) + r"(/follow/(?:confirm|unsubscribe)/[A-Za-z0-9_.\-]+)")


def _link(message, kind: str) -> str:
    paths = [p for p in LINK.findall(body_of(message)) if f"/{kind}/" in p]
    assert len(paths) == 1, body_of(message)
    return paths[0]


def test_follow_confirm_notify_unsubscribe(client, inbox, make_pledge, post_update):
    pledge = make_pledge()
    db.session.commit()

    # a Host header of the attacker's choosing is refused outright (TRUSTED_HOSTS)...
    refused = client.post(
        f"/follow/pledges/{pledge.id}",
        data={"email": "  Reader@Example.COM "},
        headers={"Host": "evil.example"},
    )
    assert refused.status_code == 400 and inbox.messages == []
    # ...and the links in the email come from PUBLIC_URL, not the Host the visitor used
    response = client.post(f"/follow/pledges/{pledge.id}", data={"email": "  Reader@Example.COM "})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/follow/check-your-email")
    [confirmation] = inbox.to("reader@example.com")
    assert "evil.example" not in body_of(confirmation)
    confirm_path = _link(confirmation, "confirm")

    # nothing is sent for an unconfirmed follow
    post_update(pledge, "Consultation with unions has begun.")
    assert len(inbox.messages) == 1

    page = client.get(confirm_path)
    assert page.status_code == 200 and "Yes, send me emails" in page.get_data(as_text=True)
    assert db.session.scalar(select(Subscription.confirmed_at)) is None  # a GET confirms nothing
    assert client.post(confirm_path).status_code == 200
    assert db.session.scalar(select(Subscription.confirmed_at)) is not None

    post_update(pledge, "Three trusts are now accredited.", status="on-track")
    notices = inbox.to("reader@example.com")[1:]
    assert len(notices) == 1
    notice = notices[0]
    text = body_of(notice)
    assert "Three trusts are now accredited." in text
    assert "Status: On track" in text
    assert f"{PUBLIC_URL}/pledges/{pledge.id}" in text
    unsubscribe_path = _link(notice, "unsubscribe")
    assert notice["List-Unsubscribe"] == f"<{PUBLIC_URL}{unsubscribe_path}>"
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert "Stop emails" in client.get(unsubscribe_path).get_data(as_text=True)
    # RFC 8058: the mail client POSTs this body, with no CSRF token and no cookies
    one_click = client.post(unsubscribe_path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert db.session.scalar(select(Subscription)) is None

    post_update(pledge, "A fourth trust is accredited.", status="achieved")
    assert len(inbox.to("reader@example.com")) == 2
    actions = set(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "follow_subscription")
        )
    )
    assert actions == {"follow.create", "follow.confirm", "follow.delete"}
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "follow_subscription")
    ).all()
    assert all("reader@example.com" not in str((e.before, e.after)) for e in audited)


def test_a_theme_follow_hears_of_every_linked_pledge_once(client, inbox, make_pledge, post_update):
    housing = make_pledge("Community use of NHS buildings", themes=("housing",))
    both = make_pledge("Homes for key workers", themes=("housing", "migration-race"))
    other = make_pledge("Guaranteed interviews", themes=("work-wages-cost-of-living",))
    db.session.commit()
    for path in ("/follow/themes/housing", f"/follow/pledges/{both.id}"):
        assert client.post(path, data={"email": "fan@example.org"}).status_code == 303
    for message in list(inbox.messages):
        client.post(_link(message, "confirm"))
    inbox.clear()

    post_update(housing, "Two surgeries open their halls in the evening.")
    post_update(both, "Twenty homes allocated.")
    post_update(other, "Not about housing.")

    texts = [body_of(m) for m in inbox.to("fan@example.org")]
    assert len(texts) == 2  # one each, though both follows match the second pledge
    assert "Two surgeries open their halls" in texts[0]
    assert "Twenty homes allocated." in texts[1]
    assert "the pledge “Homes for key workers”" in texts[1]  # the pledge follow wins


def test_an_update_rolled_back_tells_nobody(client, inbox, make_pledge, staff):
    from datetime import date

    from listening.assembly import operations as ops
    from listening.follow import operations

    pledge = make_pledge()
    subscription = operations.start_following("quiet@example.org", pledge=pledge)
    operations.confirm(subscription)
    db.session.commit()
    ops.post_update(
        pledge, ops.UpdateInput(posted_on=date(2024, 1, 5), status="at-risk", text="Oops"), staff
    )
    db.session.rollback()
    ops.post_update(
        pledge, ops.UpdateInput(posted_on=date(2024, 1, 6), status="at-risk", text="Real"), staff
    )
    db.session.commit()
    [notice] = inbox.to("quiet@example.org")
    assert "Real" in body_of(notice) and "Oops" not in body_of(notice)


def test_mail_off_is_not_an_error(app, client, make_pledge, caplog):
    pledge = make_pledge()
    db.session.commit()
    app.config["MAIL_SERVER"] = None
    with caplog.at_level("INFO", logger="listening.mail"):
        response = client.post(f"/follow/pledges/{pledge.id}", data={"email": "a@example.org"})
    assert response.status_code == 303
    assert "mail is off" in caplog.text


def test_an_address_the_mail_server_refuses_is_one_log_line_not_a_traceback(
    client, inbox, make_pledge, caplog
):
    pledge = make_pledge()
    db.session.commit()
    with caplog.at_level(logging.WARNING):
        response = client.post(
            f"/follow/pledges/{pledge.id}", data={"email": "refused@example.org"}
        )
    assert response.status_code == 303
    assert inbox.messages == []
    assert "Traceback" not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)
    [line] = [r.getMessage() for r in caplog.records if "refused the address" in r.getMessage()]
    assert "SMTP [550]" in line and "refused@example.org" not in line


def test_a_follow_asked_in_portuguese_gets_its_emails_in_portuguese(
    client, inbox, make_pledge, post_update
):
    pledge = make_pledge()
    db.session.commit()
    client.get(f"/pledges/{pledge.id}?lang=pt")
    assert client.post(f"/follow/pledges/{pledge.id}", data={"email": "leitor@example.com"})
    [confirmation] = inbox.to("leitor@example.com")
    text = body_of(confirmation)
    assert (
        confirmation["Subject"]
        == "Confirme que quer receber emails sobre o progresso dos compromissos"
    )
    assert "pediu para receber emails sobre o compromisso “Every NHS trust" in text
    assert "Someone" not in text
    client.post(_link(confirmation, "confirm"))
    client.get("/pledges?lang=en")  # the page's language later does not matter: the follow's does
    post_update(
        pledge, "Three trusts are now accredited.", status="at-risk", posted_on=date(2024, 3, 1)
    )
    notice = body_of(inbox.to("leitor@example.com")[1])
    assert "Estado: Em risco" in notice and "Atualização de 1 de março de 2024:" in notice
    assert "Three trusts are now accredited." in notice  # as staff typed it
    assert "Recebe este email porque segue o compromisso" in notice
    assert db.session.scalar(select(Subscription.locale)) == "pt"
