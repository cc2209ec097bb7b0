"""The conversations list: filters from the query string, the true count, and pages.

`ListFilters` is a plain WTForms form over `request.args` (a GET form: no CSRF). A value that is
not allowed gets an error beside its field and is left out of the query; the list never fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from wtforms import DateField, Form, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from listening.accounts.models import User
from listening.extensions import db
from listening.intake.models import (
    Area,
    Campaign,
    CommunityGroup,
    Conversation,
    ConversationStatus,
    Response,
    conversation_group,
)
from listening.intake.operations import organisations_for
from listening.likes import ESCAPE, escape_like

PER_PAGE = 25
SNIPPET = 140
SORTS = {
    "recent": "Most recently saved first",
    "newest": "Date of the conversation, newest first",
    "oldest": "Date of the conversation, oldest first",
}


class ListFilters(Form):
    """Every field is optional; choices are set per campaign and user by `build_filters`."""

    campaign = SelectField("Campaign", validate_choice=True, validators=[Optional()])
    borough = SelectField("Borough", validate_choice=True, validators=[Optional()])
    organisation = SelectField("Organisation", validate_choice=True, validators=[Optional()])
    group = SelectField("Community group", validate_choice=True, validators=[Optional()])
    date_from = DateField("From", format="%Y-%m-%d", validators=[Optional()])
    date_to = DateField("To", format="%Y-%m-%d", validators=[Optional()])
    q = StringField(
        "Words in what people said",
        validators=[Length(max=200, message="Enter 200 characters or fewer")],
    )
    sort = SelectField("Sort by", choices=list(SORTS.items()), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        start = self.date_from.data if not self.date_from.errors else None
        if field.data and start and field.data < start:
            raise ValidationError("The ‘to’ date must be the same as or after the ‘from’ date")


def _plain(form: ListFilters) -> None:
    """Plain messages instead of WTForms' defaults for the two kinds of bad value."""
    for field in (form.campaign, form.borough, form.organisation, form.group):
        if field.errors:
            article = "an" if field.label.text[0] in "AEIOU" else "a"
            field.errors = [f"Select {article} {field.label.text.lower()} from the list"]
    for field in (form.date_from, form.date_to):
        if field.errors and field.raw_data and field.data is None:
            field.errors = ["Enter a real date, for example 2023-06-15"]
    if form.sort.errors:
        form.sort.errors = ["Select how to sort from the list"]


def build_filters(args, user: User, campaigns: list[Campaign], campaign: Campaign | None):
    """The filter form for `args` with this user's choices, validated (errors beside fields),
    and the campaign to list: the one chosen, the default one, or None for all campaigns."""
    form = ListFilters(args)
    form.campaign.choices = [("", "All campaigns")] + [(c.slug, c.name) for c in campaigns]
    if "campaign" not in args and campaign is not None:
        form.campaign.data = campaign.slug  # the default campaign, shown as chosen
    if form.campaign.data == "":
        chosen = None  # "All campaigns"
    else:
        chosen = next((c for c in campaigns if c.slug == form.campaign.data), campaign)
    areas = chosen.areas if chosen else []
    groups = chosen.groups if chosen else []  # boroughs and groups belong to one campaign
    form.borough.choices = [("", "Any borough")] + [(a.slug, a.name) for a in areas]
    form.group.choices = [("", "Any community group")] + [(g.slug, g.name) for g in groups]
    form.organisation.choices = [("", "Any organisation")] + [
        (str(o.id), o.name) for o in organisations_for(user)
    ]
    if not form.sort.data:
        form.sort.data = "recent"
    form.validate()
    _plain(form)
    return form, chosen


@dataclass(frozen=True)
class ListPage:
    rows: list[Conversation]
    snippets: dict[int, str]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _value(field):
    return None if field.errors or field.data in (None, "") else field.data


def _query(form: ListFilters, user: User, campaign: Campaign | None):
    # Submitted only: drafts are listed on their own ("Drafts", operations.list_drafts_for).
    query = select(Conversation).where(Conversation.status == ConversationStatus.SUBMITTED)
    if not user.is_staff:
        query = query.where(Conversation.organisation_id == (user.organisation_id or -1))
    if campaign is not None:
        query = query.where(Conversation.campaign_id == campaign.id)
    if (slug := _value(form.borough)) and campaign is not None:
        query = query.join(Area, Area.id == Conversation.area_id).where(Area.slug == slug)
    if (organisation := _value(form.organisation)) is not None:
        query = query.where(Conversation.organisation_id == int(organisation))
    if (slug := _value(form.group)) and campaign is not None:
        query = query.where(
            exists().where(
                conversation_group.c.conversation_id == Conversation.id,
                conversation_group.c.group_id == CommunityGroup.id,
                CommunityGroup.slug == slug,
                CommunityGroup.campaign_id == campaign.id,
            )
        )
    if start := _value(form.date_from):
        query = query.where(Conversation.held_on >= start)
    if end := _value(form.date_to):
        query = query.where(Conversation.held_on <= end)
    if words := (_value(form.q) or "").strip():
        pattern = f"%{escape_like(words)}%"
        query = query.where(
            exists().where(
                Response.conversation_id == Conversation.id,
                or_(
                    Response.redacted_text.ilike(pattern, escape=ESCAPE),
                    Response.text.ilike(pattern, escape=ESCAPE),
                ),
            )
        )
    return query


ORDER = {
    "recent": (Conversation.updated_at.desc(), Conversation.id.desc()),
    "newest": (Conversation.held_on.desc(), Conversation.id.desc()),
    "oldest": (Conversation.held_on.asc(), Conversation.id.asc()),
}


def list_page(form: ListFilters, user: User, campaign: Campaign | None, page: int) -> ListPage:
    """One page of the conversations `user` may see, filtered; `total` counts every page."""
    query = _query(form, user, campaign)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    order = ORDER.get(form.sort.data if not form.sort.errors else "recent", ORDER["recent"])
    rows = list(
        db.session.scalars(query.order_by(*order).limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    )
    return ListPage(rows, snippets([c.id for c in rows]), total, page, PER_PAGE)


def snippets(ids: list[int]) -> dict[int, str]:
    """The first answer of each conversation, redacted and shortened: what a list may show."""
    if not ids:
        return {}
    out: dict[int, str] = {}
    rows = db.session.execute(
        select(Response.conversation_id, Response.redacted_text)
        .where(Response.conversation_id.in_(ids))
        .order_by(Response.conversation_id, Response.position)
    )
    for conversation_id, text in rows:
        if conversation_id not in out:
            text = " ".join((text or "").split())
            out[conversation_id] = text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"
    return out


def page_items(page: int, pages: int, href) -> list[dict]:
    """Items for the numbered NHS pagination: first, last, and neighbours of the current page."""
    keep = {1, pages, page - 1, page, page + 1}
    items: list[dict] = []
    for number in range(1, pages + 1):
        if number in keep:
            items.append({"number": number, "href": href(number), "current": number == page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    return items
