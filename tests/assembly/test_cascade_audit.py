"""Deleting a pledge or an event deletes rows hanging off it in the database (ON DELETE
CASCADE): each of them gets its own audit event (one event per cascaded row, entity = its
table), with its values before and what it was deleted with."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from listening.assembly import operations as ops
from listening.audit import AuditEvent
from listening.extensions import db


def _events(action="assembly.delete"):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_deleting_a_pledge_audits_every_row_deleted_with_it(make_pledge, make_user):
    admin = make_user("admin", None)
    pledge = make_pledge()
    ops.add_signatory(pledge, ops.SignatoryInput("Lambeth Council", "A. Leader", "Chair"), admin)
    action = ops.save_action(pledge, ops.ActionInput("Audit pay grades"), admin)
    metric = ops.save_metric(
        pledge,
        ops.MetricInput("Staff on the living wage", "number", "increase", 10, 100),
        admin,
    )
    reading = ops.record_reading(metric, date(2024, 1, 10), 20, admin)
    update = ops.post_update(
        pledge, ops.UpdateInput(date(2024, 1, 11), "on-track", "Begun."), admin
    )
    db.session.commit()
    pledge_id, signatory_id = pledge.id, pledge.signatories[0].id
    expected = {
        ("assembly_signatory", str(signatory_id)),
        ("assembly_action", str(action.id)),
        ("assembly_metric", str(metric.id)),
        ("assembly_reading", str(reading.id)),  # two levels down: pledge → metric → reading
        ("assembly_progress_update", str(update.id)),
    }

    ops.delete_pledge(pledge, admin)
    db.session.commit()

    cascaded = [e for e in _events() if e.entity != "assembly_pledge"]
    assert expected <= {(e.entity, e.entity_id) for e in cascaded}
    assert all(e.after == {"deleted_with": f"assembly_pledge-{pledge_id}"} for e in cascaded)
    assert all(e.actor_id == admin.id for e in cascaded)
    by_entity = {(e.entity, e.entity_id): e for e in cascaded}
    assert by_entity[("assembly_reading", str(reading.id))].before["value"] == 20
    assert by_entity[("assembly_action", str(action.id))].before["title"] == "Audit pay grades"
    assert {e.entity for e in cascaded} >= {"assembly_pledge_theme"}


def test_deleting_an_event_audits_its_ideas_and_attendance(campaign, make_user):
    admin = make_user("admin", None)
    event = ops.save_event(
        campaign,
        ops.EventInput(
            kind="solutions-workshop",
            title="Housing workshop",
            held_on=date(2023, 10, 10),
            attendance={"community-members": 12},
            ideas=(("Rent caps", ()),),
        ),
        admin,
    )
    db.session.commit()
    event_id = event.id
    ops.delete_event(event, admin)
    db.session.commit()
    cascaded = {e.entity: e for e in _events() if e.entity != "assembly_event"}
    assert cascaded["assembly_idea"].before["text"] == "Rent caps"
    assert cascaded["assembly_attendance"].after == {"deleted_with": f"assembly_event-{event_id}"}
