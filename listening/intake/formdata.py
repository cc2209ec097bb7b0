"""Build the conversation form for a campaign, and turn it into a ConversationInput."""

from __future__ import annotations

import uuid as uuid_module
from datetime import date

from werkzeug.datastructures import MultiDict

from listening.accounts.models import User
from listening.intake import operations
from listening.intake.forms import ConversationForm
from listening.intake.models import Campaign
from listening.intake.operations import ConversationInput


def build_form(campaign: Campaign, user: User, formdata=None, obj_data=None, **kwargs):
    """The form with choices for this campaign and user; `formdata=None` reads the request."""
    if formdata is not None:
        kwargs["formdata"] = formdata  # otherwise Flask-WTF reads the request's form
    form = ConversationForm(data=obj_data, **kwargs)
    form.set_choices(campaign.areas, campaign.groups, operations.organisations_for(user))
    if not form.campaign.data:
        form.campaign.data = campaign.slug
    if not form.date.data and formdata is None and not form.is_submitted():
        form.date.data = date.today()
    if not form.uuid.data:
        form.uuid.data = str(uuid_module.uuid4())
    if not form.organisation.data and user.organisation:
        form.organisation.data = user.organisation.name
    return form


def to_input(form: ConversationForm, submit: bool) -> ConversationInput:
    """A validated form as input; what a draft left empty is None."""
    consent = form.consent_to_quote.data
    return ConversationInput(
        uuid=str(uuid_module.UUID(form.uuid.data)),
        campaign=form.campaign.data,
        borough=_chosen(form.borough.data),
        organisation=form.organisation.data,
        date=form.date.data,
        format=_chosen(form.format.data),
        people_count=form.people_count.data,
        groups=tuple(dict.fromkeys(form.groups.data or ())),  # the same group twice is once
        consent_to_quote=consent == "yes" if consent in ("yes", "no") else None,
        responses=tuple(a for a in form.answers() if a),
        submit=submit,
    )


def _chosen(value: str | None) -> str | None:
    """A choice a draft may leave out: blank (even only spaces, which a draft's Optional lets
    through without checking the choice) is None."""
    return (value or "").strip() or None


def initial_data(conversation) -> dict:
    """Form data for editing an existing conversation."""
    return {
        "uuid": conversation.uuid,
        "campaign": conversation.campaign.slug,
        "borough": conversation.area.slug if conversation.area else None,
        "organisation": conversation.organisation.name,
        "date": conversation.held_on,
        "format": conversation.format,
        "people_count": conversation.people_count,
        "groups": [g.slug for g in conversation.groups],
        "consent_to_quote": {True: "yes", False: "no"}.get(conversation.consent_to_quote),
        "responses": [r.source_text for r in conversation.responses] or [""],
    }


def _slug_for(value, choices: list[tuple[str, str]]) -> str:
    """Accept a slug or a display name (any case) and return the slug."""
    text = str(value).strip()
    for slug, name in choices:
        if text.lower() in (str(slug).lower(), str(name).lower()):
            return slug
    return text


def json_to_formdata(payload: dict, uuid: str, form: ConversationForm) -> MultiDict:
    """Map the sync API's JSON body onto the form's fields (names accepted for slugs)."""
    data = MultiDict()
    data.add("uuid", uuid)
    data.add("campaign", str(payload.get("campaign") or ""))
    data.add("borough", _slug_for(payload.get("borough") or "", form.borough.choices))
    data.add(
        "organisation", _slug_for(payload.get("organisation") or "", form.organisation.choices)
    )
    for key in ("date", "format"):
        data.add(key, str(payload.get(key) or ""))
    people = payload.get("people_count")
    data.add("people_count", "" if people is None or isinstance(people, bool) else str(people))
    groups = payload.get("groups") or []
    for group in groups if isinstance(groups, list) else [groups]:
        data.add("groups", _slug_for(group, form.groups.choices))
    consent = payload.get("consent_to_quote")
    if isinstance(consent, bool):
        data.add("consent_to_quote", "yes" if consent else "no")
    elif isinstance(consent, str):
        data.add("consent_to_quote", consent.strip().lower())
    responses = payload.get("responses")
    for index, text in enumerate(responses if isinstance(responses, list) else []):
        data.add(f"responses-{index}", text if isinstance(text, str) else "")
    return data
