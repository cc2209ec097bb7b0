"""Intake sync: PUT /api/v1/conversations/<uuid>, idempotent by the client's UUID."""

from __future__ import annotations

import uuid as uuid_module

from flask import jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from listening.accounts.auth import signed_in_by_token
from listening.dbwrite import retry_when_busy
from listening.extensions import csrf, db
from listening.intake import api_bp, formdata, operations
from listening.intake.forms import MAX_ANSWERS
from listening.intake.models import Campaign, ConversationStatus
from listening.intake.safeguarding import tasks as safeguarding_tasks


def api_error(status: int, message: str, errors: dict | None = None):
    body = {"error": message}
    if errors:
        body["errors"] = errors
    return jsonify(body), status


def check_api_auth():
    """A bearer token, or a session with an X-CSRFToken header; None when allowed."""
    if not current_user.is_authenticated:
        return api_error(401, "Sign in again: your session has ended.")
    if not signed_in_by_token():  # a session needs its CSRF token, whatever else is sent
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except (CSRFError, Exception):  # flask-wtf raises ValidationError for a bad token
            return api_error(400, "The CSRF token is missing or has expired. Reload the page.")
    return None


def _campaign(payload: dict) -> Campaign | None:
    key = str(payload.get("campaign") or "").strip()
    campaign = operations.get_campaign(key.lower())
    if campaign is None:
        campaign = next(
            (c for c in operations.list_campaigns() if c.name.lower() == key.lower()), None
        )
    return campaign


def _form_errors(form, campaign: Campaign) -> dict:
    errors = {}
    for name, messages in form.errors.items():
        flat = [m for m in messages if isinstance(m, str)] + [
            m for entry in messages if isinstance(entry, list) for m in entry
        ]
        errors[name] = [_explain_choice(form, name, m, campaign) for m in flat]
    return errors


def _shown(value) -> str:
    """A value quoted back in a message, cut short (a client may send megabytes)."""
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _explain_choice(form, name: str, message: str, campaign: Campaign) -> str:
    """WTForms only says "Not a valid choice"; say which value is wrong and what would do."""
    if "not a valid choice" not in message.lower() and "not valid choices" not in message:
        return message
    field = getattr(form, name)
    if name == "groups":
        known = {str(value) for value, _label in field.choices}
        unknown = [_shown(g) for g in field.data or [] if str(g) not in known]
        quoted = ", ".join(f"“{g}”" for g in unknown[:5])
        noun = "Community group" if len(unknown) == 1 else "Community groups"
        verb = "is" if len(unknown) == 1 else "are"
        return f"{noun} {quoted} {verb} not part of {campaign.name}"
    if name == "borough":
        return f"Borough “{_shown(field.data)}” is not part of {campaign.name}"
    if name == "organisation":
        return f"Organisation “{_shown(field.data)}” is not one you can log conversations for"
    if name == "consent_to_quote":
        return "consent_to_quote must be true or false"
    if name == "format":
        return "Format must be one of: " + ", ".join(str(v) for v, _label in field.choices)
    return message


@api_bp.put("/conversations/<uuid>")
@csrf.exempt
def put_conversation(uuid: str):
    if (denied := check_api_auth()) is not None:
        return denied
    try:
        uuid = str(uuid_module.UUID(uuid))
    except ValueError:
        return api_error(422, "Invalid conversation", {"uuid": ["Reference must be a UUID"]})
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return api_error(422, "The body must be a JSON object", {"body": ["Send a JSON object"]})
    campaign = _campaign(payload)
    if campaign is None:
        return api_error(422, "Invalid conversation", {"campaign": ["Campaign does not exist"]})
    status = payload.get("status", ConversationStatus.SUBMITTED)
    if status not in tuple(ConversationStatus):
        return api_error(
            422, "Invalid conversation", {"status": ["Status must be “draft” or “submitted”"]}
        )
    draft = status == ConversationStatus.DRAFT
    responses = payload.get("responses", [] if draft else None)
    if (
        not isinstance(responses, list)
        or len(responses) > MAX_ANSWERS
        or not all(isinstance(text, str) for text in responses)
    ):
        return api_error(
            422,
            "Invalid conversation",
            {"responses": [f"Send a list of between 1 and {MAX_ANSWERS} answers, as text"]},
        )
    shape = formdata.build_form(campaign, current_user, formdata=MultiDict(), meta={"csrf": False})
    form = formdata.build_form(
        campaign,
        current_user,
        formdata=formdata.json_to_formdata(payload | {"campaign": campaign.slug}, uuid, shape),
        meta={"csrf": False},
    )
    if not (form.validate_draft() if draft else form.validate()):
        return api_error(422, "Invalid conversation", _form_errors(form, campaign))
    data = formdata.to_input(form, submit=not draft)
    # End the reads, then redact with no transaction open: the write lock (SQLite) is held
    # only for the few milliseconds the save itself takes.
    db.session.commit()
    prepared = operations.prepare_answers(data.responses)

    def save():
        before = operations.get_conversation(uuid)
        was_submitted = before is not None and not before.is_draft
        conversation, created = operations.save_conversation(
            data, current_user, source="api", prepared=prepared
        )
        db.session.commit()
        return conversation, created, was_submitted

    for attempt in range(3):
        try:
            conversation, created, was_submitted = retry_when_busy(save)
            break
        except operations.IntakeError as error:
            db.session.rollback()
            return api_error(error.status, error.message, {error.field: [error.message]})
        except IntegrityError:
            # the same UUID arrived twice at once: the loser retries and finds the winner's row
            db.session.rollback()
            if attempt == 2:
                return api_error(409, "Another request is saving this conversation; retry.")
    if conversation.status == ConversationStatus.SUBMITTED and not was_submitted:
        safeguarding_tasks.after_submit([conversation.id])
    body = {
        "uuid": conversation.uuid,
        "status": conversation.status,
        "created": created,
        "responses": len(conversation.responses),
    }
    return jsonify(body), 201 if created else 200
