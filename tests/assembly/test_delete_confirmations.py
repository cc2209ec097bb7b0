"""Nothing destructive in one tap: every delete (and archiving a pledge, withdrawing a quote)
goes through a page that says what will be lost; a POST without its `confirm=yes` changes
nothing. Pledges are archived, not deleted: gone from every public output, restorable."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from listening.assembly import cache, quotes
from listening.assembly import models as m
from listening.assembly import operations as ops
from listening.audit import AuditEvent
from listening.extensions import db

YES = {"confirm": "yes"}


@pytest.fixture
def staff(client, login, reviewer):
    return login(reviewer)


@pytest.fixture
def pledge(make_pledge, reviewer):
    pledge = make_pledge(title="Guaranteed interviews for local people", actor=reviewer)
    ops.add_signatory(
        pledge, ops.SignatoryInput("Lambeth Council", "Ada Leader", "Chair"), reviewer
    )
    ops.save_action(pledge, ops.ActionInput("Publish the routes"), reviewer)
    metric = ops.save_metric(
        pledge, ops.MetricInput("Interviews guaranteed", "percent", "increase", 0, 20), reviewer
    )
    for day, value in ((10, 2), (11, 5), (12, 9)):
        ops.record_reading(metric, date(2024, 1, day), value, reviewer)
    ops.post_update(
        pledge, ops.UpdateInput(date(2024, 1, 13), "on-track", "Two trusts have signed."), reviewer
    )
    db.session.commit()
    return pledge


def _text(response) -> str:
    return response.get_data(as_text=True)


def _audit(action: str, entity: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.entity == entity)
    return list(db.session.scalars(query))


def _parts(pledge):
    return {
        "signatories": (pledge.signatories[0], "Ada Leader, Chair, Lambeth Council"),
        "actions": (pledge.actions[0], "Publish the routes"),
        "metrics": (pledge.metrics[0], "also deletes its 3 readings"),
        "readings": (pledge.metrics[0].readings[0], "The reading of 2 on 10 January 2024"),
        "updates": (pledge.updates[0], "“Two trusts have signed.”"),
    }


@pytest.mark.parametrize("kind", ["signatories", "actions", "metrics", "readings", "updates"])
def test_each_delete_asks_first_and_says_what_is_lost(client, staff, pledge, kind):
    row, lost = _parts(pledge)[kind]
    model, row_id, url = type(row), row.id, f"/staff/{kind}/{row.id}/delete"
    show = client.get(f"/staff/pledges/{pledge.id}")
    assert f'href="{url}"' in _text(show)  # the button on the page is a link, not a form
    asking = client.get(url)
    assert asking.status_code == 200
    page = _text(asking)
    assert lost in page and "This cannot be undone" in page
    assert 'name="confirm" value="yes"' in page and "nhsuk-button--warning" in page
    assert f'href="/staff/pledges/{pledge.id}">No, go back' in page

    one_tap = client.post(url)  # an old form with no confirmation step
    assert one_tap.status_code == 200 and lost in _text(one_tap)
    assert client.post(url, data={"confirm": "y"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(model, row_id) is not None

    done = client.post(url, data=YES)
    assert done.status_code == 303 and done.headers["Location"].endswith(
        f"/staff/pledges/{pledge.id}"
    )
    db.session.expire_all()
    assert db.session.get(model, row_id) is None
    assert len(_audit("assembly.delete", model.__tablename__)) == 1


def test_deleting_a_measure_takes_its_readings_and_audits_each(client, staff, pledge):
    metric = pledge.metrics[0]
    reading_ids = [r.id for r in metric.readings]
    client.post(f"/staff/metrics/{metric.id}/delete", data=YES)
    db.session.expire_all()
    assert all(db.session.get(m.Reading, rid) is None for rid in reading_ids)
    assert {e.entity_id for e in _audit("assembly.delete", "assembly_reading")} == {
        str(rid) for rid in reading_ids
    }


def test_events_and_ideas_ask_first(client, staff, campaign, pledge, reviewer):
    event = ops.save_event(
        campaign,
        ops.EventInput(
            kind="assembly",
            title="Community health assembly",
            held_on=date(2023, 11, 15),
            attendance={"community-members": 40, "decision-makers": 12},
            ideas=(("Guaranteed interviews", ()), ("Open the halls", ())),
        ),
        reviewer,
    )
    pledge.event_id = event.id
    ops.link_idea(event.ideas[0], pledge.id, reviewer)
    db.session.commit()
    idea = event.ideas[0]
    page = _text(client.get(f"/staff/ideas/{idea.id}/delete"))
    assert "became the pledge “Guaranteed interviews for local people”" in page
    assert client.post(f"/staff/ideas/{idea.id}/delete").status_code == 200
    assert db.session.get(m.Idea, idea.id) is not None

    page = _text(client.get(f"/staff/events/{event.id}/delete"))
    assert "also deletes its 2 ideas and its attendance (52 people)" in page
    assert "1 pledge signed at it will no longer say where it was signed" in page
    client.post(f"/staff/events/{event.id}/delete")
    db.session.expire_all()
    assert db.session.get(m.Event, event.id) is not None
    assert client.post(f"/staff/events/{event.id}/delete", data=YES).status_code == 303
    db.session.expire_all()
    assert db.session.get(m.Event, event.id) is None
    assert db.session.get(m.Pledge, pledge.id).event_id is None


def test_withdrawing_a_quote_asks_first(client, staff, reviewer, make_conversation):
    conversation = make_conversation(texts=("The rent takes half of what I earn.",))
    response = conversation.responses[0]
    quote = quotes.propose_quote(response, response.redacted_text, reviewer, theme_slug="housing")
    quotes.approve_quote(quote, reviewer, quotes.CHECKLIST)
    db.session.commit()
    listing = _text(client.get("/staff/quotes"))
    assert f'href="/staff/quotes/{quote.id}/withdraw"' in listing
    page = _text(client.get(f"/staff/quotes/{quote.id}/withdraw"))
    assert "taken off the public pages of the theme “Housing”" in page
    assert "You can undo this" in page
    assert client.post(f"/staff/quotes/{quote.id}/withdraw").status_code == 200
    assert quote.status == "approved"
    assert client.post(f"/staff/quotes/{quote.id}/withdraw", data=YES).status_code == 303
    assert quote.status == "withdrawn" and _audit("assembly.withdraw", "assembly_quote")
    assert client.get(f"/staff/quotes/{quote.id}/delete").status_code == 404


def test_the_confirmed_post_still_needs_its_csrf_token(app, client, staff, pledge):
    action = pledge.actions[0]
    page = _text(client.get(f"/staff/actions/{action.id}/delete"))
    assert 'name="csrf_token"' in page
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/staff/actions/{action.id}/delete", data=YES).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(m.Action, action.id) is not None


def test_confirmation_pages_are_closed_to_the_public_and_partners(client, login, make_user, pledge):
    urls = [
        f"/staff/actions/{pledge.actions[0].id}/delete",
        f"/staff/pledges/{pledge.id}/archive",
    ]
    for url in urls:
        assert "/login" in client.get(url).headers["Location"]
    login(make_user("partner"))
    for url in urls:
        assert client.get(url).status_code == 403
        assert client.post(url, data=YES).status_code == 403
    assert client.get("/staff/nonsense/1/delete").status_code in (302, 403)


PUBLIC_OUTPUTS = [
    "/pledges",
    "/pledges/themes/work-wages-cost-of-living",
    "/api/v1/pledges",
    "/open-data/pledges.csv",
    "/open-data/updates.csv",
    "/pledges/updates.atom",
]


def _public(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return _text(response)


def test_archive_and_restore_round_trip(app, client, login, reviewer, pledge):
    title = "Guaranteed interviews for local people"
    for path in PUBLIC_OUTPUTS:
        assert title in _public(client, path), path
    assert client.get(f"/pledges/{pledge.id}").status_code == 200
    generation = cache.current_generation()

    login(reviewer)
    staff_page = _text(client.get(f"/staff/pledges/{pledge.id}"))
    assert f'href="/staff/pledges/{pledge.id}/archive"' in staff_page
    asking = _text(client.get(f"/staff/pledges/{pledge.id}/archive"))
    assert "You can undo this" in asking and "Yes, archive this pledge" in asking
    assert "1 signatory, 1 action, 1 measure with 3 readings and 1 progress update" in asking
    for old_form in (f"/staff/pledges/{pledge.id}/archive", f"/staff/pledges/{pledge.id}/delete"):
        assert client.post(old_form).status_code == 200
        assert pledge.archived_at is None

    done = client.post(f"/staff/pledges/{pledge.id}/delete", data=YES)
    assert done.status_code == 303 and done.headers["Location"].endswith("/staff/pledges#archived")
    assert pledge.archived_at is not None and pledge.archived_by_id == reviewer.id
    assert db.session.get(m.Pledge, pledge.id) is not None  # archived, not deleted
    assert cache.current_generation() > generation
    listing = _text(client.get("/staff/pledges"))
    assert "Archived pledges" in listing
    assert f'action="/staff/pledges/{pledge.id}/restore"' in listing
    assert "Archived on" in _text(client.get(f"/staff/pledges/{pledge.id}"))

    anonymous = app.test_client()
    for path in PUBLIC_OUTPUTS:
        assert title not in _public(anonymous, path), path
    assert anonymous.get(f"/pledges/{pledge.id}").status_code == 404
    assert anonymous.get(f"/api/v1/pledges/{pledge.id}").status_code == 404
    assert anonymous.get("/api/v1/pledges").get_json()["total"] == 0

    restored = client.post(f"/staff/pledges/{pledge.id}/restore")
    assert restored.status_code == 303 and pledge.archived_at is None
    assert pledge.archived_by_id is None
    for path in PUBLIC_OUTPUTS:
        assert title in _public(anonymous, path), path
    assert anonymous.get(f"/api/v1/pledges/{pledge.id}").get_json()["updates"]
    assert len(_audit("assembly.archive", "assembly_pledge")) == 1
    assert len(_audit("assembly.restore", "assembly_pledge")) == 1
    assert [e.actor_id for e in _audit("assembly.archive", "assembly_pledge")] == [reviewer.id]


def test_an_archived_pledge_takes_no_imported_updates(reviewer, pledge):
    from listening.assembly import importer

    ops.archive_pledge(pledge, reviewer)
    report = importer.import_updates(
        f"pledge_id,date,status,text\n{pledge.id},2024-02-01,on-track,More.\n".encode(),
        "updates.csv",
        reviewer,
    )
    assert report.updates == 0
    assert report.problems == [
        (2, "pledge_id", f"Pledge {pledge.id} is archived: restore it first")
    ]
