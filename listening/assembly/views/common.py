"""Shared handling for staff forms: validate, call the operation, commit, or show errors."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request
from flask_login import current_user

from listening.assembly.operations import AssemblyError
from listening.extensions import db
from listening.intake.campaigns import campaign_arg

FIELD_ALIASES = {"lead_organisation": "lead_organisation", "response": "text"}


def staff_campaign():
    return campaign_arg(lenient=True)


def attach_error(form, error: AssemblyError) -> list[str]:
    """Put an operation's error beside its field; return it for the summary if no field fits."""
    name = FIELD_ALIASES.get(error.field, error.field)
    if name.startswith("attendance_"):
        name = "att_" + name.removeprefix("attendance_").replace("-", "_")
    field = getattr(form, name, None)
    if field is None or not hasattr(field, "errors"):
        return [error.message]
    field.errors = [*list(field.errors or []), error.message]
    return []


def handle_form(
    form,
    operation: Callable[[], object],
    success: Callable[[object], str],
    message: str,
    template: str = "assembly/staff/form.html",
    **context,
):
    """GET: show the form. POST: validate → operation → commit → 303, or 422 with errors."""
    if request.method != "POST":
        return render_template(template, form=form, errors=[], **context)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            result = operation()
        except AssemblyError as error:
            db.session.rollback()
            errors = attach_error(form, error)
        else:
            db.session.commit()
            flash(message, "info")
            return redirect(success(result), code=303)
    return render_template(template, form=form, errors=errors, **context), 422


def actor():
    return current_user._get_current_object()
