"""The lead's work at the worst moment (issue 19 §4): the partner's guidance (the first action
first, a `tel:` link for every number, the campaign's leads with their phone, the campaign's
own text under the steps, in the form's language); cases ordered by severity and then age; a
case page with the whole conversation, who logged it and how to reach them; and cases closed
to everyone but the campaign's leads and admins."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake.safeguarding import detector
from listening.intake.safeguarding import operations as safeguarding
from listening.timeutil import utcnow
from tests.intake.test_conversation_views import form_data
from tests.intake.test_safeguarding import DISCLOSURE, NEW, conversation, put
from tests.intake.test_safeguarding_leads import case_of

HELPLINES = ("tel:999", "tel:08088005000", "tel:08001111", "tel:116123")


@pytest.fixture
def campaign_with_lead(make_campaign, make_user):
    """sel-2023 with a named lead who has a phone; sel-2024 with another lead; a partner."""
    first, second = make_campaign("sel-2023"), make_campaign("sel-2024")
    lead, other_lead = make_user("safeguarding_lead", None), make_user("safeguarding_lead", None)
    lead.name, lead.phone = "Sam Okafor", "020 7946 0000"
    other_lead.name, other_lead.phone = "Other Lead", "020 7946 0999"
    first.safeguarding_leads, second.safeguarding_leads = [lead], [other_lead]
    partner = make_user("partner", "Peckham Community Centre")
    db.session.commit()
    return first, lead, other_lead, partner


def callout(html: str) -> str:
    """The guidance's markup, alone."""
    start = html.index('id="safeguarding-guidance"')
    return html[start : html.index("</div>", start)]


# ---------------------------------------------------------------- the partner's guidance


def test_the_guidance_puts_the_first_action_first_with_a_call_link_for_every_number(
    signed_in, campaign_with_lead
):
    campaign, _lead, _other, partner = campaign_with_lead
    campaign.safeguarding_guidance = "Peckham families team: 020 7525 1921."
    db.session.commit()
    guidance = callout(signed_in(partner).get(NEW).get_data(as_text=True))
    steps = [
        "call 999",
        "Tell the campaign's safeguarding lead today",
        "Follow your organisation's safeguarding procedure",
        "Write down what was said",
        "Do not promise to keep it secret",
        "Free helplines",
        "From this campaign",
        "Peckham families team: 020 7525 1921.",
    ]
    assert [guidance.index(s) for s in steps] == sorted(guidance.index(s) for s in steps)
    assert guidance.index('<ol class="app-steps">') < guidance.index('href="tel:999"')
    for href in HELPLINES:
        assert f'href="{href}"' in guidance, href
    # the campaign's lead, with a call link and an email link; not another campaign's lead
    assert "Sam Okafor" in guidance and 'href="tel:02079460000"' in guidance
    assert "Call 020 7946 0000" in guidance and "mailto:" in guidance
    assert "Other Lead" not in guidance and "tel:02079460999" not in guidance
    # every sentence is short: the steps are read by someone under stress, on a phone
    blocks = [b.strip() for b in re.sub(r"<[^>]+>", "\n", guidance).splitlines()]
    sentences = [s for b in blocks for s in re.split(r"(?<=[.!?])\s+", b) if s]
    assert len(sentences) > 15 and max(len(s.split()) for s in sentences) <= 12


def test_a_lead_without_a_phone_is_listed_with_email_only(signed_in, campaign_with_lead):
    _campaign, lead, _other, partner = campaign_with_lead
    lead.phone = ""
    db.session.commit()
    guidance = callout(signed_in(partner).get(NEW).get_data(as_text=True))
    assert "Sam Okafor" in guidance and f'href="mailto:{lead.email}"' in guidance
    assert "Call 020" not in guidance
    assert sorted(re.findall(r'href="(tel:[^"]+)"', guidance)) == sorted(
        HELPLINES + ("tel:08082000247",)
    )


def test_the_guidance_after_sending_a_disclosure_has_the_same_steps(signed_in, campaign_with_lead):
    _campaign, _lead, _other, partner = campaign_with_lead
    sent = signed_in(partner).post(
        NEW, data=form_data(**{"responses-0": DISCLOSURE}), follow_redirects=True
    )
    guidance = callout(sent.get_data(as_text=True))
    assert "hidden" not in guidance[: guidance.index(">")]
    assert 'href="tel:999"' in guidance and 'href="tel:02079460000"' in guidance


def test_the_guidance_is_translated_with_the_form(signed_in, campaign_with_lead):
    _campaign, _lead, _other, partner = campaign_with_lead
    guidance = callout(signed_in(partner).get(NEW + "?lang=pt").get_data(as_text=True))
    assert "Salvaguarda: o que fazer agora" in guidance
    assert "Se alguém estiver em perigo agora, ligue 999." in guidance
    assert "Ligar para 020 7946 0000" in guidance and "Linhas de apoio gratuitas" in guidance
    assert "call 999" not in guidance and "Free helplines" not in guidance
    for href in HELPLINES:
        assert f'href="{href}"' in guidance, href


# ---------------------------------------------------------------- cases by severity and age


def test_cases_are_ordered_most_severe_first_then_oldest_first(
    client, signed_in, campaign_with_lead, conversation_payload
):
    campaign, lead, _other, partner = campaign_with_lead
    kinds = detector.rules_data()["kinds"]
    by_severity = sorted(kinds, key=safeguarding.kind_severity)
    urgent, calm = by_severity[0], by_severity[-1]
    retired_kind = "a-kind-no-longer-in-the-rules"
    assert safeguarding.kind_severity(urgent) < safeguarding.kind_severity(calm)
    assert safeguarding.kind_severity(urgent) < safeguarding.kind_severity(retired_kind) == 3

    now = utcnow()
    made = {}
    for name, kind, age, said in (
        ("calm-recent", calm, timedelta(hours=2), "2023-07-03"),
        ("urgent-recent", urgent, timedelta(minutes=5), "2023-07-04"),
        ("calm-old", calm, timedelta(days=3), "2023-07-01"),
        ("retired-newest", retired_kind, timedelta(minutes=1), "2023-07-05"),
        ("urgent-old", urgent, timedelta(days=1), "2023-07-02"),
    ):
        ref, _ = put(client, partner, conversation_payload(date=said, responses=[DISCLOSURE]))
        case = case_of(ref)
        case.kinds, case.opened_at = kind, now - age
        made[name] = case
    db.session.commit()

    # most severe first, then the one waiting longest; a retired kind sits in the middle (3)
    expected = sorted(made, key=lambda n: (safeguarding.case_severity(made[n]), made[n].opened_at))
    assert expected[:2] == ["urgent-old", "urgent-recent"]
    assert expected.index("calm-old") + 1 == expected.index("calm-recent")
    listed = safeguarding.list_cases([campaign], open_only=True)
    assert [c.id for c in listed] == [made[n].id for n in expected]

    page = signed_in(lead).get("/safeguarding/").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'/safeguarding/cases/(\d+)"', page)]
    assert ids == [made[n].id for n in expected]
    row = page[page.index(f'/safeguarding/cases/{made["urgent-old"].id}"') :]
    row = row[: row.index("</tr>")]
    assert "Urgent" in row and safeguarding.kind_label(urgent) in row
    assert "2 Jul 2023" in row  # when it was said
    assert made["urgent-old"].opened_at.strftime("%-d %b %Y %H:%M") in row  # when it was flagged
    assert "Peckham Community Centre" in row

    # a closed case goes below the open ones, whatever its severity
    safeguarding.close_case(made["urgent-old"], lead, True, "Called 999 with the partner.")
    db.session.commit()
    everything = safeguarding.list_cases([campaign], open_only=False)
    assert everything[-1].id == made["urgent-old"].id


# ---------------------------------------------------------------- the case page


def test_the_case_page_shows_the_whole_conversation_and_how_to_reach_who_logged_it(
    client, signed_in, campaign_with_lead, conversation_payload
):
    _campaign, lead, _other, partner = campaign_with_lead
    partner.name, partner.phone = "Ada Mensah", "07700 900456"
    db.session.commit()
    answers = ["Call me on 07700 900123 about the rent.", DISCLOSURE, "The buses are late."]
    ref, _ = put(client, partner, conversation_payload(responses=answers, people_count=3))
    first, flagged, last = conversation(ref).responses
    assert flagged.safeguarding_flag and not first.safeguarding_flag
    assert "07700 900123" not in first.redacted_text  # the redactor's work, shown as it is
    case = case_of(ref)

    page = signed_in(lead).get(f"/safeguarding/cases/{case.id}").get_data(as_text=True)
    said = page[page.index("<h2>What was said</h2>") : page.index("<h2>Who logged it</h2>")]
    assert (
        said.index(first.redacted_text)
        < said.index("I&#39;m scared")
        < said.index("The buses are late.")
    )
    assert "07700 900123" not in page
    assert page.index("<h2>What was said</h2>") < page.index("<h2>Who logged it</h2>")
    assert said.count("May be a disclosure") == 1
    marked = said[said.index("May be a disclosure") :]
    assert marked.index("I&#39;m scared") < marked.index("The buses are late.")
    # who logged it, and how to reach them
    who = page[page.index("<h2>Who logged it</h2>") : page.index("<h2>The conversation</h2>")]
    assert "Ada Mensah" in who and "Peckham Community Centre" in who
    assert f'href="mailto:{partner.email}?subject=Safeguarding%20case%20{case.id}"' in who
    assert 'href="tel:07700900456"' in who
    # the conversation's date, borough, format and people
    facts = page[page.index("<h2>The conversation</h2>") : page.index("<h2>Record what was done")]
    for text in ("1 July 2023", "Southwark", "Small group", ">3<", "Young people"):
        assert text in re.sub(r"\s+", " ", facts).replace("> ", ">").replace(" <", "<"), text


def test_a_partner_without_a_phone_is_reached_by_email(
    client, signed_in, campaign_with_lead, conversation_payload
):
    _campaign, lead, _other, partner = campaign_with_lead
    ref, _ = put(client, partner, conversation_payload(responses=[DISCLOSURE]))
    page = signed_in(lead).get(f"/safeguarding/cases/{case_of(ref).id}").get_data(as_text=True)
    who = page[page.index("<h2>Who logged it</h2>") : page.index("<h2>The conversation</h2>")]
    assert partner.email in who and "mailto:" in who and "tel:" not in who
    assert "No phone number on their account" in who


# ---------------------------------------------------------------- who may see a case


def test_cases_stay_closed_to_other_roles_and_other_campaigns_leads(
    client, signed_in, campaign_with_lead, conversation_payload, make_user
):
    from listening.accounts import operations as accounts

    campaign, lead, other_lead, partner = campaign_with_lead
    ref, _ = put(client, partner, conversation_payload(responses=[DISCLOSURE]))
    case = case_of(ref)
    safeguarding.close_case(case, lead, True, "Referred to the borough MARAC.")
    db.session.commit()
    admin = make_user("admin", None)
    db.session.commit()

    other = signed_in(other_lead)
    assert f"/safeguarding/cases/{case.id}" not in other.get("/safeguarding/?show=all").get_data(
        as_text=True
    )
    assert other.get(f"/safeguarding/cases/{case.id}").status_code == 403
    for role in ("partner", "reviewer"):
        someone = signed_in(make_user(role, "Peckham Community Centre"))
        assert someone.get("/safeguarding/?show=all").status_code == 403
        assert someone.get(f"/safeguarding/cases/{case.id}").status_code == 403

    # a lead taken off the campaign, or no longer a lead, loses the case at once
    mine = signed_in(lead)
    assert mine.get(f"/safeguarding/cases/{case.id}").status_code == 200
    safeguarding.set_leads(campaign, [], admin)
    db.session.commit()
    assert mine.get(f"/safeguarding/cases/{case.id}").status_code == 403
    assert f"/safeguarding/cases/{case.id}" not in mine.get("/safeguarding/?show=all").get_data(
        as_text=True
    )
    safeguarding.set_leads(campaign, [lead.id], admin)
    accounts.update_user(lead, "reviewer", None, admin)
    db.session.commit()
    assert mine.get(f"/safeguarding/cases/{case.id}").status_code == 403
    assert mine.get("/safeguarding/").status_code == 403
    readers = db.session.scalars(
        select(AuditEvent.actor_id).where(AuditEvent.action == "intake.read_case")
    ).all()
    assert readers == [lead.id]  # only the one page the lead was allowed to read
