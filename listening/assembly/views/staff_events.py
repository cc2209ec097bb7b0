"""Staff pages for workshops and the assembly: details, attendance, ideas raised."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from listening.assembly import bp, forms, operations, queries
from listening.assembly import models as m
from listening.assembly.views.common import actor, attach_error, handle_form, staff_campaign
from listening.extensions import db
from listening.ids import parse_id
from listening.security import staff_required
from listening.themes.queries import public_theme_names as theme_names


@bp.get("/staff/events")
@staff_required
def list_staff_events():
    campaign = staff_campaign()
    return render_template(
        "assembly/staff/list_events.html",
        campaign=campaign,
        events=queries.list_events(campaign),
        kinds=m.EVENT_KINDS,
    )


def _event_form(campaign, event=None):
    form = forms.EventForm(obj=event if request.method == "GET" else None)
    form.themes.choices = list(theme_names(campaign.id).items())
    if request.method == "GET" and event is not None:
        form.themes.data = list(event.theme_slugs)
        for row in event.attendance:
            getattr(form, "att_" + row.kind.replace("-", "_")).data = row.count
    return form


def _event_input(form) -> operations.EventInput:
    return operations.EventInput(
        kind=form.kind.data or "",
        title=form.title.data or "",
        held_on=form.held_on.data,
        place=form.place.data or "",
        summary=form.summary.data or "",
        theme_slugs=tuple(form.themes.data or ()),
        attendance=form.attendance(),
    )


@bp.route("/staff/events/new", methods=["GET", "POST"])
@bp.route("/staff/events/<int(max=2147483647):event_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_event(event_id: int | None = None):
    event = db.session.get(m.Event, event_id) if event_id else None
    if event_id and event is None:
        abort(404)
    campaign = event.campaign if event else staff_campaign()
    form = _event_form(campaign, event)
    return handle_form(
        form,
        lambda: operations.save_event(campaign, _event_input(form), actor(), event),
        lambda saved: url_for("assembly.show_staff_event", event_id=saved.id),
        "Event saved.",
        title="Edit event" if event else "New event",
        back=url_for("assembly.list_staff_events"),
        submit="Save event",
    )


def _idea_form(event):
    form = forms.IdeaForm()
    form.themes.choices = list(theme_names(event.campaign_id).items())
    return form


@bp.route("/staff/events/<int(max=2147483647):event_id>", methods=["GET", "POST"])
@staff_required
def show_staff_event(event_id: int):
    """The event with its ideas; POST adds an idea."""
    event = db.session.get(m.Event, event_id) or abort(404)
    form, errors = _idea_form(event), []
    if request.method == "POST" and form.validate_on_submit():
        try:
            operations.add_idea(event, form.text.data, form.themes.data or [], actor())
        except operations.AssemblyError as error:
            db.session.rollback()
            errors = attach_error(form, error)
        else:
            db.session.commit()
            flash("Idea added.", "info")
            return redirect(url_for("assembly.show_staff_event", event_id=event.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "assembly/staff/show_event.html",
        event=event,
        form=form,
        errors=errors,
        theme_names=theme_names(event.campaign_id),
        pledges=queries.list_pledges(event.campaign),
        kinds=m.EVENT_KINDS,
        attendee_kinds=m.ATTENDEE_KINDS,
    ), status


@bp.post("/staff/ideas/<int(max=2147483647):idea_id>/pledge")
@staff_required
def link_idea(idea_id: int):
    """Record which pledge an idea became (an empty choice: none)."""
    idea = db.session.get(m.Idea, idea_id) or abort(404)
    raw = request.form.get("pledge_id", "")
    pledge_id = parse_id(raw)
    try:
        if raw and pledge_id is None:
            raise operations.AssemblyError("pledge_id", "Choose one of this campaign’s pledges")
        operations.link_idea(idea, pledge_id, actor())
    except operations.AssemblyError as error:
        db.session.rollback()
        abort(422, error.message)
    db.session.commit()
    flash("Idea linked to its pledge." if pledge_id else "Idea unlinked.", "info")
    return redirect(url_for("assembly.show_staff_event", event_id=idea.event_id), code=303)
