"""Names are compared with LIKE's wildcards taken literally: "%" is not every organisation."""

from __future__ import annotations

from datetime import date

import pytest

from listening.extensions import db
from listening.intake import operations as intake
from listening.organisations import operations as organisations
from listening.organisations.models import Organisation


def test_find_or_create_takes_wildcards_literally(make_user):
    admin = make_user("admin", None)
    existing = organisations.find_or_create_organisation("Mind_Bexley", admin)
    assert organisations.find_or_create_organisation("mind_bexley", admin) is existing
    other = organisations.find_or_create_organisation("MindXBexley", admin)
    assert other is not existing
    assert organisations.find_or_create_organisation("%", admin).name == "%"


def test_a_wildcard_organisation_name_resolves_to_nothing(make_campaign, make_user):
    make_campaign()
    staff = make_user("admin", None)
    db.session.add(Organisation(name="Peckham Community Centre", type="other"))
    db.session.flush()
    data = intake.ConversationInput(
        uuid="0e0f6a6e-2f3c-4d8b-9b1e-1f2a3b4c5d6e",
        campaign="sel-2023",
        borough="southwark",
        organisation="%",
        date=date(2023, 7, 1),
        format="small-group",
        people_count=3,
        groups=(),
        consent_to_quote=False,
        responses=("Rent.",),
        submit=True,
    )
    with pytest.raises(intake.IntakeError) as error:
        intake.resolve(data, staff)
    assert error.value.field == "organisation"
