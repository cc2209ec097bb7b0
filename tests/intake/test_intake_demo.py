"""`flask demo seed`: the SEL 2023 figures exactly, idempotence, users, redaction, Pol.is."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from listening.accounts import operations as accounts
from listening.accounts.models import User
from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake import polis, screening
from listening.intake.demo import answers, generate, languages
from listening.intake.demo import organisations as orgs
from listening.intake.demo import reference as ref
from listening.intake.demo.seed import DEMO_PASSWORD
from listening.intake.models import Area, Campaign, Conversation, Response, SafeguardingCase
from listening.organisations.models import Organisation
from tests.conftest import table_count

POLIS_COMMENTS = """\
timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
1658827822012,Tue Jul 26 16:30:22 WIB 2022,0,0,0,0,-1,Are you between 15 and 19 years old?
1658828087742,Tue Jul 26 16:34:47 WIB 2022,1,0,9,13,1,I am between 15 and 19 years old.
1658852761783,Tue Jul 26 23:26:01 WIB 2022,2,0,2,20,1,My ethnicity is White.
1658852785818,Tue Jul 26 23:26:25 WIB 2022,3,0,4,1,1,Police should meet young people where they are.
1658933916725,Wed Jul 27 21:58:36 WIB 2022,4,3,19,2,1,To offer the young people incentives
1658934003205,Wed Jul 27 22:00:03 WIB 2022,5,4,18,2,1,"Give young Londoners a chance,
to speak their mind to the police"
1658934021098,Wed Jul 27 22:00:21 WIB 2022,6,2,1,9,0,Not sure about any of this
1658934510601,Wed Jul 27 22:08:30 WIB 2022,7,23,12,0,1,Rewrite the policies with us
"""
POLIS_KEPT = 4  # comments 3, 4, 5 and 7: moderated == 1 and not a demographic statement


@pytest.fixture
def realdata(tmp_path, app, monkeypatch):
    """A small Pol.is folder in the real layout, used instead of ../shared/realdata."""
    folder = tmp_path / "polis" / polis.LONDON_YOUTH_POLICING.folder
    folder.mkdir(parents=True)
    (folder / "comments.csv").write_text(POLIS_COMMENTS, encoding="utf-8")
    (folder / "summary.csv").write_text(
        "topic,How do we engage more young people in local scrutiny of policing?\n"
    )
    monkeypatch.setitem(app.config, "REALDATA_DIR", str(tmp_path))
    return tmp_path


def seed(runner, *args):
    result = runner.invoke(args=["demo", "seed", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def people_by_borough(slug="sel-2023") -> dict[str, int]:
    rows = db.session.execute(
        select(Area.slug, func.sum(Conversation.people_count))
        .join(Conversation, Conversation.area_id == Area.id)
        .join(Campaign, Campaign.id == Conversation.campaign_id)
        .where(Campaign.slug == slug, Conversation.status == "submitted")
        .group_by(Area.slug)
    ).all()
    return {area: int(people) for area, people in rows}


def second_round_conversations(campaign):
    return db.session.scalars(select(Conversation).where(Conversation.campaign_id == campaign.id))


def row_counts() -> dict[str, int]:
    tables = (
        "intake_campaign",
        "intake_area",
        "intake_community_group",
        "intake_organisation",
        "intake_conversation",
        "intake_response",
        "accounts_user",
        "accounts_audit_event",
    )
    return {name: table_count(name) for name in tables}


# --- the plan (pure, no database) ---------------------------------------------------------


@pytest.mark.parametrize("seed_value", [2023, 7])
def test_plan_adds_up_exactly_to_the_reference_figures(seed_value):
    plans = generate.plan_conversations(seed_value)
    people = Counter()
    for plan in plans:
        people[plan.borough] += plan.people_count
    assert dict(people) == ref.PEOPLE_BY_BOROUGH
    assert sum(people.values()) == ref.PEOPLE_TOTAL == 2482


def test_plan_is_deterministic_and_plausible():
    plans = generate.plan_conversations(2023)
    assert plans == generate.plan_conversations(2023)
    assert plans != generate.plan_conversations(2024)
    assert len({p.uuid for p in plans}) == len(plans)
    facilitating = {
        (name, borough)
        for name, _t, borough, status in orgs.ORGANISATIONS
        if status == "facilitating"
    }
    sizes = {"one-to-one": (1, 1), "online": (1, 1), "small-group": (3, 12), "event": (20, 60)}
    for plan in plans:
        assert (plan.organisation, plan.borough) in facilitating
        low, high = sizes[plan.format]
        assert low <= plan.people_count <= high, plan
        assert 1 <= len(plan.responses) <= 4
        assert len(set(plan.responses)) == len(plan.responses)
        assert date(2023, 6, 1) <= plan.held_on <= date(2023, 9, 20)
        assert plan.groups and len(set(plan.groups)) == len(plan.groups)
    consent = sum(p.consent_to_quote for p in plans) / len(plans)
    assert 0.6 < consent < 0.8
    assert {p.format for p in plans} == set(sizes)


def test_answers_in_other_languages_take_whole_one_to_one_conversations():
    plans = generate.plan_conversations(2023)
    table = {a.text: a.language for a in languages.answers()}
    assert len(table) == len(languages.answers()) >= 40
    assert Counter(table.values()) == dict.fromkeys(
        ("pt", "es", "pl", "so", "bn", "yo", "ar", "tr"), 6
    )
    texts = [t for plan in plans for t in plan.responses]
    assert all(texts.count(text) == 1 for text in table)
    for plan in plans:
        codes = {table.get(t, "en") for t in plan.responses}
        if codes != {"en"}:
            assert plan.borough in languages.BOROUGHS and plan.format == "one-to-one"
            assert len(codes) == 1, plan
    # the same conversations, people and number of answers as without them
    plain = generate.plan_conversations(
        2023, replace(generate.SEL_2023, with_other_languages=False)
    )
    assert [(p.uuid, p.people_count, len(p.responses)) for p in plans] == [
        (p.uuid, p.people_count, len(p.responses)) for p in plain
    ]
    assert not set(table) & {
        t for p in generate.plan_conversations(2023, generate.SEL_2024) for t in p.responses
    }


@settings(max_examples=60, deadline=None)
@given(total=st.integers(min_value=1, max_value=1500), seed_value=st.integers(0, 10_000))
def test_split_people_always_adds_up(total, seed_value):
    weights = generate.FORMAT_WEIGHTS["default"]
    parts = generate.split_people(total, weights, random.Random(seed_value))
    assert sum(count for _fmt, count in parts) == total
    assert all(count >= 20 for fmt, count in parts if fmt == "event")
    assert all(3 <= count <= 12 for fmt, count in parts if fmt == "small-group")


def test_answer_bank_is_varied_and_each_pii_answer_is_used_once():
    bank = answers.bank()
    assert len(bank) >= 250
    assert len({a.text for a in bank}) == len(bank)
    by_theme = Counter(a.themes[0] for a in bank)
    assert set(by_theme) == set(ref.THEMES) and min(by_theme.values()) >= 40
    texts = [t for plan in generate.plan_conversations(2023) for t in plan.responses]
    for pii in answers.PII_ANSWERS:
        assert texts.count(pii.text) == 1


def test_read_polis_comments_keeps_moderated_and_drops_demographics(realdata):
    folder = realdata / "polis" / polis.LONDON_YOUTH_POLICING.folder
    comments = polis.read_comments(folder)
    assert [c.comment_id for c in comments] == [3, 4, 5, 7]
    assert comments[2].text == "Give young Londoners a chance, to speak their mind to the police"
    assert polis.read_topic(folder).startswith("How do we engage more young people")


# --- the command --------------------------------------------------------------------------


def test_seed_creates_the_sel_campaign_with_exact_figures(runner, realdata):
    output = seed(runner, "--if-empty")  # an empty database: --if-empty seeds

    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "sel-2023"))
    assert campaign.name == "South East London anchor listening campaign 2023"
    assert campaign.question == "What puts pressure on you and your community's ability to thrive?"
    assert campaign.starts_on == date(2023, 6, 1)
    areas = {a.slug: a for a in campaign.areas}
    assert set(areas) == {
        "bexley",
        "bromley",
        "greenwich",
        "lambeth",
        "lewisham",
        "southwark",
        "unspecified",
    }
    assert areas["southwark"].ons_code == "E09000028" and areas["bexley"].population == 246_500
    assert len(campaign.groups) == 10
    assert people_by_borough() == ref.PEOPLE_BY_BOROUGH
    assert sum(people_by_borough().values()) == 2482
    for people in ref.PEOPLE_BY_BOROUGH.values():
        assert f"{people:,}" in output

    conversations = db.session.scalars(
        select(Conversation).where(Conversation.campaign_id == campaign.id)
    ).all()
    assert {(c.status, c.source) for c in conversations} == {("submitted", "import")}
    assert all(c.organisation.outreach_status == "facilitating" for c in conversations)
    assert all(c.organisation.area_id == c.area_id for c in conversations)

    contacted = Counter(
        o.area.slug
        for o in db.session.scalars(select(Organisation)).all()
        if o.outreach_status == "contacted" and o.area
    )
    assert contacted["bexley"] >= 25 and contacted["bromley"] >= 25

    # the SEL 2023 campaign is the default where no campaign is named (the configured one)
    from flask import current_app

    from listening.intake.operations import default_campaign

    assert default_campaign(current_app.config["DEFAULT_CAMPAIGN"]).slug == "sel-2023"
    # and its second round follows it
    second = db.session.scalar(select(Campaign).where(Campaign.slug == "sel-2024"))
    assert second.previous_round_id == campaign.id
    assert sum(c.people_count for c in second_round_conversations(second)) == 2201


def test_seed_users_answers_redaction_and_polis(runner, realdata):
    output = seed(runner)

    roles = {u.email: u.role for u in db.session.scalars(select(User)).all()}
    assert roles == {
        "admin@example.org": "admin",
        "reviewer@example.org": "reviewer",
        "partner@example.org": "partner",
        "partner2@example.org": "partner",
        "safeguarding@example.org": "safeguarding_lead",
    }
    partner = accounts.find_user("partner@example.org")
    assert partner.organisation.name == orgs.PARTNER_ORGANISATION
    assert partner.organisation.outreach_status == "facilitating"
    assert accounts.authenticate("partner2@example.org", DEMO_PASSWORD, "127.0.0.1").id
    assert output.count(DEMO_PASSWORD) == 5

    responses = db.session.scalars(select(Response)).all()
    assert responses and all(r.redacted_text and r.redacted_text.strip() for r in responses)
    for pii in answers.PII_ANSWERS:
        response = db.session.scalar(select(Response).where(Response.text == pii.text))
        assert response is not None, pii.text  # the original is kept for staff
        for secret in pii.pii:
            assert secret not in response.redacted_text, (secret, response.redacted_text)
        assert "[" in response.redacted_text
    shown = " ".join(r.redacted_text for r in responses)
    assert "07700 900123" not in shown and "tunde.adeyemi@example.com" not in shown
    # the answers in other languages are stored with the language they were written in
    stored = {r.text: r.language for r in responses}
    assert {a.text: stored.get(a.text) for a in languages.answers()} == {
        a.text: a.language for a in languages.answers()
    }
    # the publication gate: every demo answer is screened, so what is not flagged is cleared
    assert screening.count_outdated() == 0
    submitted = [r for r in responses if r.conversation.status == "submitted"]
    assert all(screening.is_cleared(r) for r in submitted if not r.safeguarding_flag)
    # the safeguarding rules flag a few demo answers: the demo lead has cases to open
    flagged = [r for r in responses if r.safeguarding_flag]
    cases = db.session.scalars(select(SafeguardingCase)).all()
    assert flagged and {c.conversation_id for c in cases} == {r.conversation_id for r in flagged}
    lead = db.session.scalar(select(User).where(User.email == "safeguarding@example.org"))
    assert all(c.campaign.safeguarding_leads == [lead] for c in cases)

    campaign = db.session.scalar(
        select(Campaign).where(Campaign.slug == polis.LONDON_YOUTH_POLICING.slug)
    )
    assert campaign.attribution == polis.ATTRIBUTION
    assert "CC BY 4.0" in campaign.attribution and campaign.attribution in output
    assert [a.slug for a in campaign.areas] == ["unspecified"]
    polis_conversations = db.session.scalars(
        select(Conversation).where(Conversation.campaign_id == campaign.id)
    ).all()
    assert len(polis_conversations) == POLIS_KEPT
    assert {
        (c.people_count, c.format, c.consent_to_quote, c.source) for c in polis_conversations
    } == {(1, "online", False, "import")}
    texts = {c.responses[0].text for c in polis_conversations}
    assert "Rewrite the policies with us" in texts
    assert not any(t.startswith(("I am between", "My ethnicity")) for t in texts)


def test_seed_twice_creates_nothing_the_second_time(runner, realdata):
    seed(runner)
    before = row_counts()
    output = seed(runner)
    assert row_counts() == before
    assert "Created nothing new" in output
    assert "already existed" in output
    assert people_by_borough() == ref.PEOPLE_BY_BOROUGH
    creations = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity == "intake_conversation")
    )
    assert creations == before["intake_conversation"]

    output = seed(runner, "--seed", "5")  # another seed must not add a second set of people
    assert row_counts() == before
    assert "no demo conversations were added" in output


def test_if_empty_skips_when_a_campaign_exists(runner, make_campaign):
    make_campaign(slug="other-campaign")
    db.session.commit()
    output = seed(runner, "--if-empty")
    assert "not seeded" in output
    assert db.session.scalar(select(Campaign).where(Campaign.slug == "sel-2023")) is None
    assert table_count("intake_conversation") == 0
    assert table_count("accounts_user") == 0


def test_missing_realdata_skips_polis_with_a_note(runner, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "REALDATA_DIR", str(tmp_path / "nowhere"))
    output = seed(runner)
    assert "Pol.is demo campaign was skipped" in output
    slugs = set(db.session.scalars(select(Campaign.slug)).all())
    assert slugs == {"sel-2023", "sel-2024"}
    assert sum(people_by_borough().values()) == 2482
