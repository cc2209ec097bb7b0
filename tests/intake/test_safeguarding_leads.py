"""Safeguarding leads per campaign (designated by an admin, audited; a lead sees their own
campaigns' cases only, an admin all; only they are emailed, a link and nothing said), and the
release of a false alarm (audited, with a reason; never re-fires on the same text; an edit
that adds a disclosure flags again; a real disclosure stays out for good)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from listening import signals
from listening.assembly import quotes
from listening.extensions import db
from listening.intake import operations as intake
from listening.intake.models import Campaign, SafeguardingCase
from listening.intake.safeguarding import detector, tasks
from listening.intake.safeguarding import operations as safeguarding
from tests.intake.test_safeguarding import DISCLOSURE, conversation, events, put
from tests.mailserver import body_of

# the rules flag this answer, which is no disclosure (a past event, resolved; the rules read
# each sentence on its own: bench/README.md, Safeguarding)
FALSE_ALARM = "I used to self-harm as a teenager; I'm 40 now and doing fine."


@pytest.fixture
def two(make_campaign, make_user):
    """Two campaigns, a lead for each, one partner, an admin, a reviewer."""
    first, second = make_campaign("sel-2023"), make_campaign("sel-2024")
    partner = make_user("partner", "Peckham Community Centre")
    lead_one, lead_two = make_user("safeguarding_lead", None), make_user("safeguarding_lead", None)
    admin, reviewer = make_user("admin", None), make_user("reviewer", None)
    first.safeguarding_leads = [lead_one]
    second.safeguarding_leads = [lead_two]
    db.session.commit()
    return first, second, partner, lead_one, lead_two, admin, reviewer


def case_of(ref: str) -> SafeguardingCase:
    return db.session.scalar(
        select(SafeguardingCase).where(SafeguardingCase.conversation_id == conversation(ref).id)
    )


# ---------------------------------------------------------------- leads per campaign


def test_an_admin_designates_a_campaigns_leads_audited_and_bad_input_is_refused(
    signed_in, make_campaign, make_user
):
    campaign = make_campaign()
    lead, other_lead = make_user("safeguarding_lead", None), make_user("safeguarding_lead", None)
    partner, admin = make_user("partner", "Peckham Community Centre"), make_user("admin", None)
    db.session.commit()
    browser = signed_in(admin)
    page = browser.get("/safeguarding/guidance?campaign=sel-2023").get_data(as_text=True)
    assert "This campaign has no safeguarding lead" in page
    assert lead.email in page and other_lead.email in page and partner.email not in page

    for bad in (["abc"], [str(partner.id)], ["99999999"]):
        refused = browser.post("/safeguarding/leads", data={"campaign": "sel-2023", "leads": bad})
        assert refused.status_code == 422, bad
        assert 'class="nhsuk-error-summary' in refused.get_data(as_text=True)
    assert db.session.get(Campaign, campaign.id).safeguarding_leads == []

    saved = browser.post("/safeguarding/leads", data={"campaign": "sel-2023", "leads": [lead.id]})
    assert saved.status_code == 303
    assert db.session.get(Campaign, campaign.id).safeguarding_leads == [lead]
    [event] = events("intake.set_safeguarding_leads")
    assert (event.actor_id, event.before, event.after) == (
        admin.id,
        {"leads": []},
        {"leads": [lead.email]},
    )
    page = browser.get("/safeguarding/guidance?campaign=sel-2023").get_data(as_text=True)
    assert "This campaign has no safeguarding lead" not in page

    assert signed_in(lead).post("/safeguarding/leads", data={"leads": [lead.id]}).status_code == 403
    anonymous = signed_in(None).post("/safeguarding/leads", data={"leads": [lead.id]})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    cleared = browser.post("/safeguarding/leads", data={"campaign": "sel-2023"})
    assert cleared.status_code == 303
    assert db.session.get(Campaign, campaign.id).safeguarding_leads == []


def test_a_lead_sees_and_acts_on_their_own_campaigns_cases_only(
    client, signed_in, two, conversation_payload
):
    first, second, partner, lead_one, _lead_two, admin, _reviewer = two
    ref_one, _ = put(client, partner, conversation_payload(responses=[DISCLOSURE]))
    ref_two, _ = put(
        client, partner, conversation_payload(campaign="sel-2024", responses=[DISCLOSURE])
    )
    mine, theirs = case_of(ref_one), case_of(ref_two)
    assert (mine.campaign_id, theirs.campaign_id) == (first.id, second.id)
    browser = signed_in(lead_one)
    listing = browser.get("/safeguarding/").get_data(as_text=True)
    assert f'/safeguarding/cases/{mine.id}"' in listing
    assert f'/safeguarding/cases/{theirs.id}"' not in listing
    assert browser.get("/safeguarding/?campaign=sel-2023").status_code == 200
    assert browser.get("/safeguarding/?campaign=sel-2024").status_code == 403
    assert browser.get("/safeguarding/?campaign=no-such").status_code == 404
    assert browser.get("/safeguarding/?campaign=%00").status_code in (200, 403, 404)
    assert browser.get(f"/safeguarding/cases/{theirs.id}").status_code == 403
    assert browser.post(f"/safeguarding/cases/{theirs.id}/seen").status_code == 403
    closing = {"outcome": "released", "note": "Not mine to close."}
    assert browser.post(f"/safeguarding/cases/{theirs.id}/close", data=closing).status_code == 403
    assert browser.get("/safeguarding/cases/99999999").status_code == 404
    db.session.refresh(theirs)
    assert theirs.status == "new" and events("intake.read_case") == []
    assert browser.get(f"/safeguarding/cases/{mine.id}").status_code == 200

    # an admin sees every campaign's cases, one campaign at a time
    staff = signed_in(admin)
    other = staff.get("/safeguarding/?campaign=sel-2024").get_data(as_text=True)
    assert f'/safeguarding/cases/{theirs.id}"' in other
    assert f'/safeguarding/cases/{mine.id}"' not in other
    assert staff.get(f"/safeguarding/cases/{theirs.id}").status_code == 200


def test_only_the_campaigns_leads_are_emailed_a_link_and_nothing_said(
    client, signed_in, two, conversation_payload, inbox, make_campaign
):
    _first, _second, partner, lead_one, lead_two, admin, _reviewer = two
    ref, _ = put(client, partner, conversation_payload(responses=[DISCLOSURE]))
    case = case_of(ref)
    [email] = inbox.to(lead_one.email)
    body = body_of(email)
    assert f"/safeguarding/cases/{case.id}" in body
    assert "drinking" not in body and "scared" not in body
    assert safeguarding.kind_label("adult_domestic") not in body
    assert inbox.to(lead_two.email) == [] and inbox.to(admin.email) == []

    # a campaign without a lead: nobody is emailed, and admins are warned
    make_campaign("sel-2025")
    db.session.commit()
    before = len(inbox.messages)
    ref, _ = put(client, partner, conversation_payload(campaign="sel-2025", responses=[DISCLOSURE]))
    assert case_of(ref) is not None and len(inbox.messages) == before
    warning = signed_in(admin).get("/safeguarding/?campaign=sel-2025").get_data(as_text=True)
    assert "This campaign has no safeguarding lead" in warning


# ---------------------------------------------------------------- releasing a false alarm


def _edit(ref: str, actor, responses: list[str]) -> None:
    """A staff edit of a submitted conversation (the operation; no page offers it yet)."""
    c = conversation(ref)
    data = intake.ConversationInput(
        uuid=c.uuid,
        campaign=c.campaign.slug,
        borough=c.area.slug,
        organisation=c.organisation.name,
        date=c.held_on,
        format=c.format,
        people_count=c.people_count,
        groups=tuple(g.slug for g in c.groups),
        consent_to_quote=c.consent_to_quote,
        responses=tuple(responses),
    )
    intake.save_conversation(data, actor, allow_edit_submitted=True)
    db.session.commit()
    tasks.screen_conversations([c.id])


def test_a_released_false_alarm_is_ordinary_again_and_only_an_edit_flags_it_again(
    client, signed_in, two, conversation_payload, inbox
):
    campaign, _second, partner, lead, _lead_two, admin, _reviewer = two
    ref, _ = put(client, partner, conversation_payload(responses=["Rents are up.", FALSE_ALARM]))
    plain, answer = conversation(ref).responses
    case = case_of(ref)
    assert answer.safeguarding_flag and not quotes.eligible(answer)
    browser = signed_in(lead)
    assert "Not a disclosure" in browser.get(f"/safeguarding/cases/{case.id}").get_data(
        as_text=True
    )

    missing = browser.post(f"/safeguarding/cases/{case.id}/close", data={"outcome": "released"})
    assert missing.status_code == 422
    assert "Enter what was done, or why no action is needed" in missing.get_data(as_text=True)
    bad = browser.post(f"/safeguarding/cases/{case.id}/close", data={"outcome": "<x>", "note": "x"})
    assert bad.status_code == 422
    db.session.refresh(answer)
    assert answer.safeguarding_flag

    told = []

    def heard(_sender, ids, **_extra):
        told.append(ids)

    signals.conversations_submitted.connect(heard)
    try:
        reason = "Self-harm long ago, resolved: no one at risk of harm now."
        done = browser.post(
            f"/safeguarding/cases/{case.id}/close", data={"outcome": "released", "note": reason}
        )
    finally:
        signals.conversations_submitted.disconnect(heard)
    assert done.status_code == 303
    db.session.refresh(answer)
    db.session.refresh(case)
    assert not answer.safeguarding_flag and case.status == "released"
    assert told == [[case.conversation_id]]  # themes take it as an ordinary answer
    assert quotes.eligible(answer)
    assert answer.id in [r.id for r in quotes.eligible_responses(campaign.id)]
    [released] = events("intake.release_case")
    assert released.actor_id == lead.id and released.after["note"] == reason
    assert released.after["released"] == [answer.id] and released.after["status"] == "released"
    assert plain.id not in released.after["released"]

    # the same text never fires again: rules at a save, rules + similarity after submit
    emailed = len(inbox.messages)
    _edit(ref, admin, ["Rents are up.", FALSE_ALARM])
    safeguarding.screen_conversation(conversation(ref), None, detector.Detector())
    db.session.commit()
    db.session.refresh(answer)
    db.session.refresh(case)
    assert not answer.safeguarding_flag and case.status == "released"
    assert events("intake.reopen_case") == [] and len(inbox.messages) == emailed

    # an edit that adds a disclosure flags again, reopens the case and emails the lead again
    _edit(ref, admin, ["Rents are up.", f"{FALSE_ALARM} {DISCLOSURE}"])
    answer = conversation(ref).responses[1]
    db.session.refresh(case)
    assert answer.safeguarding_flag and answer.safeguarding_kind == "adult_domestic"
    assert case.status == "new" and case.closed_at is None and case.note == ""
    assert not quotes.eligible(answer)
    [reopened] = events("intake.reopen_case")
    assert (reopened.before["status"], reopened.after["status"]) == ("released", "new")
    assert len(inbox.to(lead.email)) == 2


def test_a_real_disclosure_closed_without_release_stays_out_for_good(
    client, signed_in, two, conversation_payload
):
    campaign, _second, partner, lead, *_ = two
    ref, _ = put(client, partner, conversation_payload(responses=[DISCLOSURE]))
    case = case_of(ref)
    note = "Already supported by the local domestic abuse service; nothing more to do."
    response = signed_in(lead).post(
        f"/safeguarding/cases/{case.id}/close", data={"outcome": "no_action_needed", "note": note}
    )
    assert response.status_code == 303
    [answer] = conversation(ref).responses
    db.session.refresh(answer)
    assert answer.safeguarding_flag and answer.safeguarding_released is None
    assert not quotes.eligible(answer) and quotes.eligible_responses(campaign.id) == []
    assert events("intake.release_case") == []
    # and a closed case cannot then be released
    late = signed_in(lead).post(
        f"/safeguarding/cases/{case.id}/close", data={"outcome": "released", "note": "oops"}
    )
    assert late.status_code == 422 and "already closed" in late.get_data(as_text=True)
    db.session.refresh(answer)
    assert answer.safeguarding_flag


def test_the_release_keeps_the_redacted_texts_hash_once_the_original_is_cleared(
    client, two, conversation_payload
):
    _first, _second, partner, lead, *_ = two
    ref, _ = put(client, partner, conversation_payload(responses=[FALSE_ALARM]))
    safeguarding.release_case(case_of(ref), lead, "Overcrowding, not harm.")
    [answer] = conversation(ref).responses
    answer.text = None  # the retention period clears the original
    safeguarding.screen_conversation(conversation(ref), None, detector.Detector())
    assert not answer.safeguarding_flag
