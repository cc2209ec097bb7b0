"""Staff pages: forms with errors beside fields, nothing typed lost, changes audited;
partner loop-closing pages only for their own organisation and for staff."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from listening.assembly import operations as ops
from listening.assembly.models import Pledge
from listening.audit import AuditEvent
from listening.extensions import db


@pytest.fixture
def staff(client, login, make_user, campaign):
    return login(make_user("reviewer", organisation=None))


def pledge_form(org_id, **overrides):
    data = {
        "title": "Guaranteed interviews for local people",
        "commitment": "At least 20% of entry-level vacancies guarantee an interview.",
        "themes": ["work-wages-cost-of-living"],
        "lead_organisation": str(org_id),
        "event": "",
        "area": "",
        "signed_on": "2023-11-15",
        "due_on": "2024-12-31",
        "status": "not-started",
        "manual_progress": "",
    }
    data.update(overrides)
    return data


def test_create_pledge_with_errors_keeps_what_was_typed(client, staff, make_org):
    org = make_org()
    db.session.commit()
    response = client.post("/staff/pledges/new", data=pledge_form(org.id, themes=[]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Select at least one theme that the pledge answers" in page
    assert 'href="#themes"' in page  # summary links to the field
    assert "At least 20% of entry-level vacancies guarantee an interview." in page
    assert 'value="Guaranteed interviews for local people"' in page

    response = client.post("/staff/pledges/new", data=pledge_form(org.id, due_on="2023-01-01"))
    assert response.status_code == 422
    assert (
        "Due date must be on or after the date it was signed (15 November 2023)"
        in response.get_data(as_text=True)
    )
    response = client.post("/staff/pledges/new", data=pledge_form(org.id, due_on="31/12/2024"))
    assert "Due date must be a real date, like 2024-03-31" in response.get_data(as_text=True)
    assert 'value="31/12/2024"' in response.get_data(as_text=True)

    response = client.post("/staff/pledges/new", data=pledge_form(org.id))
    assert response.status_code == 303
    pledge = db.session.scalar(select(Pledge).where(Pledge.title.like("Guaranteed%")))
    assert pledge.theme_slugs == ["work-wages-cost-of-living"]
    assert response.headers["Location"].endswith(f"/staff/pledges/{pledge.id}")
    audit = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "assembly.create", AuditEvent.entity == "assembly_pledge"
        )
    )
    assert audit.actor_id == staff.id and audit.after["title"] == pledge.title


def test_metric_and_reading_forms_explain_bad_numbers(client, staff, make_pledge):
    pledge = make_pledge()
    db.session.commit()
    url = f"/staff/pledges/{pledge.id}/metrics/new"
    base = {
        "name": "% of vacancies with guaranteed interviews",
        "unit": "percent",
        "direction": "increase",
        "baseline": "5",
        "baseline_on": "2023-11-15",
        "target": "20",
        "target_on": "2024-12-31",
        "weight": "",
    }
    response = client.post(url, data={**base, "target": "2"})
    assert response.status_code == 422
    assert "the target must be at least the baseline" in response.get_data(as_text=True)
    response = client.post(url, data={**base, "baseline": "five"})
    page = response.get_data(as_text=True)
    assert "Baseline must be a number, like 42 or 12.5" in page and 'value="five"' in page
    response = client.post(url, data={**base, "target_on": "2023-01-01"})
    assert "Target date must be after the baseline date" in response.get_data(as_text=True)
    assert client.post(url, data=base).status_code == 303
    metric = pledge.metrics[0]
    reading_url = f"/staff/metrics/{metric.id}/readings/new"
    response = client.post(reading_url, data={"taken_on": "2024-03-01", "value": "140"})
    assert response.status_code == 422
    assert "is a percentage, so it must be between 0 and 100" in response.get_data(as_text=True)
    response = client.post(reading_url, data={"taken_on": "2024-03-01", "value": "12%"})
    assert response.status_code == 303
    assert metric.readings[0].value == 12


def test_actions_updates_signatories_and_deletes(client, staff, make_pledge):
    pledge = make_pledge()
    db.session.commit()
    assert (
        client.post(
            f"/staff/pledges/{pledge.id}/signatories/new",
            data={"person": "Dana Reyes", "role": "Chief Executive", "organisation": "A New Trust"},
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/staff/pledges/{pledge.id}/actions/new",
            data={
                "title": "Publish routes",
                "owner": "ICB",
                "due_on": "2024-03-31",
                "weight": "2",
                "done": "y",
            },
        ).status_code
        == 303
    )
    response = client.post(
        f"/staff/pledges/{pledge.id}/updates/new",
        data={"posted_on": "2099-01-01", "status": "on-track", "text": "Future."},
    )
    assert "Date of the update must be today or in the past" in response.get_data(as_text=True)
    assert (
        client.post(
            f"/staff/pledges/{pledge.id}/updates/new",
            data={"posted_on": "2024-04-01", "status": "at-risk", "text": "Slower."},
        ).status_code
        == 303
    )
    page = client.get(f"/staff/pledges/{pledge.id}").get_data(as_text=True)
    assert "Dana Reyes" in page and "Publish routes" in page and "Slower." in page
    assert pledge.status == "at-risk" and pledge.actions[0].done_on == date.today()
    action = pledge.actions[0]
    one_tap = client.post(f"/staff/actions/{action.id}/delete")  # an old form: no confirm
    assert one_tap.status_code == 200 and "Yes, delete this action" in one_tap.get_data(
        as_text=True
    )
    assert pledge.actions == [action]
    confirmed = client.post(f"/staff/actions/{action.id}/delete", data={"confirm": "yes"})
    assert confirmed.status_code == 303
    assert pledge.actions == []


def test_staff_list_flags_pledges_without_an_update_for_90_days(client, staff, make_pledge):
    make_pledge(title="Quiet pledge")
    db.session.commit()
    page = client.get("/staff/pledges").get_data(as_text=True)
    assert "No update for 90 days" in page and "Quiet pledge" in page


def test_events_pages(client, staff, campaign):
    response = client.post(
        "/staff/events/new",
        data={
            "kind": "co-production-workshop",
            "title": "Co-production workshop: housing",
            "held_on": "2023-10-10",
            "place": "Lambeth",
            "themes": ["housing"],
            "att_community_members": "22",
            "att_decision_makers": "nine",
        },
    )
    assert response.status_code == 422
    assert "Decision-makers must be a whole number, like 12" in response.get_data(as_text=True)
    assert 'value="nine"' in response.get_data(as_text=True)
    response = client.post(
        "/staff/events/new",
        data={
            "kind": "co-production-workshop",
            "title": "Co-production workshop: housing",
            "held_on": "2023-10-10",
            "place": "Lambeth",
            "themes": ["housing"],
            "att_community_members": "22",
            "att_decision_makers": "9",
        },
    )
    assert response.status_code == 303
    event_url = response.headers["Location"]
    assert client.post(event_url, data={"text": "", "themes": []}).status_code == 422
    assert (
        client.post(
            event_url, data={"text": "Fast track from GP to council", "themes": ["housing"]}
        ).status_code
        == 303
    )
    public = client.get("/pledges/events").get_data(as_text=True)
    assert "Fast track from GP to council" in public and "Co-production workshop: housing" in public


def test_partner_page_is_for_own_organisation_and_staff(
    client, login, make_user, make_org, make_conversation, make_pledge
):
    own = make_org("Peckham Community Centre", "community-centre")
    other = make_org("Bexley Youth Club", "youth")
    make_conversation(organisation=own, people=12)
    make_pledge(themes=("housing",), title="Mould pledge")
    db.session.commit()
    assert client.get(f"/partners/{own.id}").status_code == 302  # anonymous → login
    login(make_user("partner", organisation="Peckham Community Centre"))
    page = client.get(f"/partners/{own.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "12 people" in text and "Mould pledge" in text
    assert client.get(f"/partners/{other.id}").status_code == 403


def test_staff_see_any_partner_page(client, staff, make_org):
    other = make_org("Bexley Youth Club", "youth")
    db.session.commit()
    page = client.get(f"/partners/{other.id}")
    assert page.status_code == 200
    assert "Analysis not yet published" in page.get_data(as_text=True)


def test_operations_error_without_field_goes_to_summary(client, staff, make_pledge):
    pledge = make_pledge()
    metric = ops.save_metric(
        pledge,
        ops.MetricInput(name="x", unit="percent", direction="increase", baseline=1, target=2),
        None,
    )
    ops.record_reading(metric, date(2024, 1, 1), 1.5, None)
    db.session.commit()
    response = client.post(
        f"/staff/metrics/{metric.id}/edit",
        data={
            "name": "x",
            "unit": "number",
            "direction": "increase",
            "baseline": "1",
            "target": "2",
        },
    )
    assert response.status_code == 422
    assert "The unit cannot change once readings are recorded" in response.get_data(as_text=True)


def test_every_staff_page_opens_for_reviewers_with_forms_prefilled(
    client, staff, make_pledge, make_conversation
):
    pledge = make_pledge()
    action = ops.save_action(pledge, ops.ActionInput("Publish routes", owner="ICB"), None)
    metric = ops.save_metric(
        pledge,
        ops.MetricInput(
            name="Hours of room use", unit="number", direction="increase", baseline=0, target=400
        ),
        None,
    )
    event = ops.save_event(
        pledge.campaign,
        ops.EventInput(
            kind="assembly",
            title="Community health assembly",
            held_on=date(2023, 11, 15),
            attendance={"decision-makers": 37},
        ),
        None,
    )
    response = make_conversation().responses[0]
    db.session.commit()
    pages = {
        "/staff/pledges": "Pledges admin",
        "/staff/pledges/new": "New pledge",
        f"/staff/pledges/{pledge.id}": pledge.title,
        f"/staff/pledges/{pledge.id}/edit": 'value="Every NHS trust a London Living Wage employer"',
        f"/staff/pledges/{pledge.id}/signatories/new": "Add a signatory",
        f"/staff/pledges/{pledge.id}/actions/new": "Add an action",
        f"/staff/actions/{action.id}/edit": 'value="Publish routes"',
        f"/staff/pledges/{pledge.id}/metrics/new": "Add a measure",
        f"/staff/metrics/{metric.id}/edit": 'value="400"',
        f"/staff/metrics/{metric.id}/readings/new": "Record a reading",
        f"/staff/pledges/{pledge.id}/updates/new": "Post a progress update",
        "/staff/events": "Community health assembly",
        "/staff/events/new": "New event",
        f"/staff/events/{event.id}": "Decision-makers 37",
        f"/staff/events/{event.id}/edit": 'value="37"',
        "/staff/quotes": "Find answers containing",
        f"/staff/quotes/new?response_id={response.id}": response.redacted_text.replace(
            "'", "&#39;"
        ),
        "/staff/pledges/import": "Import progress updates",
        "/staff/pledges/import/template.csv": "pledge_id,date,status,text",
        "/partners": "Peckham Community Centre",
    }
    for url, expected in pages.items():
        result = client.get(url)
        assert result.status_code == 200, url
        assert expected in result.get_data(as_text=True), url


def test_quote_decisions_are_audited(make_conversation, reviewer):
    from listening.assembly import quotes

    response = make_conversation(texts=["Ring me on 07700 900123, the mould is back."]).responses[0]
    quote = quotes.propose_quote(response, response.redacted_text, reviewer, theme_slug="housing")
    quotes.approve_quote(quote, reviewer, quotes.CHECKLIST)
    quotes.withdraw_quote(quote, reviewer)
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "assembly_quote").order_by(AuditEvent.id)
    ).all()
    assert [r.action for r in rows] == ["assembly.propose", "assembly.approve", "assembly.withdraw"]
    assert rows[1].before["status"] == "proposed" and rows[1].after["status"] == "approved"
    assert all("07700" not in str(r.before) + str(r.after) for r in rows)  # never the original


def test_nul_characters_and_odd_ids_never_cause_errors(client, staff, make_org):
    org = make_org()
    db.session.commit()
    response = client.post("/staff/pledges/new", data=pledge_form(org.id, title="Fair\x00 pay"))
    assert response.status_code == 303
    assert db.session.scalar(select(Pledge.title).where(Pledge.title.like("Fair%"))) == "Fair pay"
    assert client.get("/staff/quotes?q=mo%00uld").status_code == 200
    assert client.get("/pledges?campaign=%00").status_code == 200  # NUL dropped: the default
    assert client.get("/pledges?campaign=no%00such").status_code == 404
    assert client.get("/pledges/99999999999999999999").status_code == 404
    assert client.get("/staff/quotes/new?response_id=abc").status_code == 404
