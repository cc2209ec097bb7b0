"""Safeguarding at intake: the detector, the CLI contract, flags on submit, the lead's cases
(seen / action taken, audited), who may see them, and the guidance partners are shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from listening.accounts import operations as accounts
from listening.assembly import quotes
from listening.assembly.operations import AssemblyError
from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake.models import Campaign, Conversation, SafeguardingCase
from listening.intake.safeguarding import detector, tasks
from tests.intake.test_conversation_views import form_data
from tests.mailserver import body_of

ROOT = Path(__file__).resolve().parents[2]
NEW = "/intake/conversations/new"
DISCLOSURE = "My partner hits me when he has been drinking and I'm scared of what he'll do."
# the rules miss this one; the model stages find it (round 2: the classifier, P ≥ 0.725, fires
# before the similarity stage and calls it financial abuse; v2 said domestic abuse)
QUIET_DISCLOSURE = "My husband keeps every penny I earn and I am not allowed a key to my own home."
QUIET_KIND = "adult_financial"
# Portuguese: the detector cannot read it, so a person must (the language rule)
OTHER_LANGUAGE = "O meu marido bate-me quando bebe e tenho medo de voltar para casa."
BENIGN = "I'd kill for a bus that comes on time, the kids are safe now the crossing is fixed."


@pytest.fixture
def world(make_campaign, make_user):
    campaign = make_campaign()
    partner = make_user("partner", "Peckham Community Centre")
    lead = make_user("safeguarding_lead", None)
    reviewer = make_user("reviewer", None)
    admin = make_user("admin", None)
    campaign.safeguarding_leads = [lead]
    db.session.commit()
    return campaign, partner, lead, reviewer, admin


def put(client, partner, payload) -> tuple[str, object]:
    token = accounts.issue_token(partner)
    db.session.commit()
    ref = str(uuid.uuid4())
    response = client.put(
        f"/api/v1/conversations/{ref}",
        json=payload,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()
    return ref, response


def conversation(ref: str) -> Conversation:
    return db.session.scalar(select(Conversation).where(Conversation.uuid == ref))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# ---------------------------------------------------------------- the detector and its CLI


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Some days I want to end my life, I've been thinking about it a lot.", "suicidal"),
        ("My husband beats me and took my bank card.", "adult_domestic"),
        ("My stepdad hits my sister when mum's at work.", "child_physical"),
        ("The man who brought me here keeps my passport.", "modern_slavery"),
        ("The care home leaves my mum lying in soiled sheets.", "organisational"),
        ("They said they'll stab me tonight if I go out.", "immediate_danger"),
        ("The waiting list for people who self-harm is a year long.", None),
        ("I used to self-harm when I was young but I'm fine now.", None),
        ("Nobody has ever hurt me here.", None),
        ("These energy bills are killing us.", None),
    ],
)
def test_the_rules_find_disclosures_and_leave_the_same_words_alone(text, kind):
    assert detector.check_rules(text) == kind


def test_the_client_gets_the_same_rules_as_json():
    data = json.loads(detector.client_rules())
    assert data["order"] == detector.rules_data()["order"]
    assert "situations" not in json.dumps(data)
    first = detector.rules_data()["kinds"]["self_harm"]["rules"][0]["all"]
    assert data["kinds"]["self_harm"][0] == first
    assert data["kinds"]["unread_language"] == []  # the form cannot tell languages apart


def run_check(stdin: str, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {
        # a database that cannot exist: the command must not need one
        "LISTENING_DATABASE_URL": "sqlite:////nonexistent-dir/never.sqlite3",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "intake", "safeguarding-check", *args],
        input=stdin.encode("utf-8"),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_cli_one_json_object_per_line_in_order_without_a_database():
    lines = [DISCLOSURE, "", BENIGN, QUIET_DISCLOSURE, "Ça va 😀", OTHER_LANGUAGE]
    done = run_check("\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr.decode()
    rows = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [r["text"] for r in rows] == lines
    assert all(set(r) == {"text", "flag", "kind"} for r in rows)
    assert [(r["flag"], r["kind"]) for r in rows] == [
        (True, "adult_domestic"),
        (False, None),
        (False, None),
        (True, QUIET_KIND),
        (False, None),
        (True, "unread_language"),
    ]
    rules_only = run_check(QUIET_DISCLOSURE + "\n", "--rules-only")
    assert json.loads(rules_only.stdout)["flag"] is False


# ---------------------------------------------------------------- flags at intake, the lead's case


def test_a_disclosure_sent_by_api_is_flagged_and_its_lead_emailed(
    client, world, conversation_payload, inbox
):
    _campaign, partner, lead, _reviewer, _admin = world
    ref, _ = put(client, partner, conversation_payload(responses=[BENIGN, DISCLOSURE]))
    benign, flagged = conversation(ref).responses
    assert not benign.safeguarding_flag
    assert (flagged.safeguarding_flag, flagged.safeguarding_kind) == (True, "adult_domestic")
    # the rules flagged it as it was saved; the full detector screened it after the submit
    assert flagged.safeguarding_version == tasks.full_detector().version
    case = db.session.scalar(select(SafeguardingCase))
    assert case.conversation.uuid == ref and case.status == "new"
    assert case.kinds == "adult_domestic"
    assert [e.entity_id for e in events("intake.open_case")] == [str(case.id)]
    [email] = inbox.to(lead.email)
    body = body_of(email)
    assert f"/safeguarding/cases/{case.id}" in body
    assert "drinking" not in body  # never the words themselves
    assert len(events("intake.notify_leads")) == 1


def test_the_similarity_stage_flags_what_the_rules_miss_after_submit(
    client, world, conversation_payload
):
    _campaign, partner, *_ = world
    ref, _ = put(client, partner, conversation_payload(responses=[QUIET_DISCLOSURE]))
    [answer] = conversation(ref).responses
    assert answer.safeguarding_flag and answer.safeguarding_version == detector.version()
    assert db.session.scalar(select(SafeguardingCase.kinds)) == QUIET_KIND


def test_the_lead_reads_marks_seen_and_records_action_all_audited(
    client, signed_in, world, conversation_payload
):
    _campaign, partner, lead, _reviewer, _admin = world
    # (v2's similarity stage flagged "Fine here." as suicidal, margin 0.166 over 0.16; round 2's
    # margin is 0.24, test_safeguarding_detector; an ordinary answer of more words here)
    put(client, partner, conversation_payload(responses=["Rents are up.", DISCLOSURE]))
    case = db.session.scalar(select(SafeguardingCase))
    browser = signed_in(lead)

    listing = browser.get("/safeguarding/").get_data(as_text=True)
    assert f"/safeguarding/cases/{case.id}" in listing and "Domestic abuse" in listing
    page = browser.get(f"/safeguarding/cases/{case.id}").get_data(as_text=True)
    assert "I&#39;m scared of what he&#39;ll do" in page
    assert (
        "Rents are up." in page
    )  # the whole conversation; only the flagged answer's read is audited
    [read] = events("intake.read_case")
    assert read.actor_id == lead.id and read.after == {
        "responses": [case.conversation.responses[1].id]
    }

    assert browser.post(f"/safeguarding/cases/{case.id}/seen").status_code == 303
    db.session.refresh(case)
    assert case.status == "seen" and case.seen_by_id == lead.id
    [seen] = events("intake.mark_seen")
    assert (seen.before["status"], seen.after["status"]) == ("new", "seen")

    missing = browser.post(f"/safeguarding/cases/{case.id}/close", data={"outcome": "action_taken"})
    assert missing.status_code == 422
    assert "Enter what was done, or why no action is needed" in missing.get_data(as_text=True)
    db.session.refresh(case)
    assert case.status == "seen"

    done = browser.post(
        f"/safeguarding/cases/{case.id}/close",
        data={"outcome": "action_taken", "note": "Referred to the borough MARAC today."},
    )
    assert done.status_code == 303
    db.session.refresh(case)
    assert case.status == "action_taken" and case.closed_by_id == lead.id
    assert case.note == "Referred to the borough MARAC today."
    [closed] = events("intake.close_case")
    assert closed.after == {
        "status": "action_taken",
        "note": "Referred to the borough MARAC today.",
    }
    assert f"/safeguarding/cases/{case.id}" not in browser.get("/safeguarding/").get_data(
        as_text=True
    )
    assert f"/safeguarding/cases/{case.id}" in browser.get("/safeguarding/?show=all").get_data(
        as_text=True
    )


@pytest.mark.parametrize("role", ["partner", "reviewer"])
def test_only_leads_and_admins_see_cases(client, signed_in, world, conversation_payload, role):
    _campaign, partner, _lead, reviewer, _admin = world
    put(client, partner, conversation_payload(responses=[DISCLOSURE]))
    case = db.session.scalar(select(SafeguardingCase))
    who = {"partner": partner, "reviewer": reviewer}[role]
    browser = signed_in(who)
    assert browser.get("/safeguarding/").status_code == 403
    assert browser.get(f"/safeguarding/cases/{case.id}").status_code == 403
    assert browser.post(f"/safeguarding/cases/{case.id}/seen").status_code == 403
    anonymous = signed_in(None).get("/safeguarding/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    db.session.refresh(case)
    assert case.status == "new"


def test_reviewers_do_not_see_a_flagged_answer_on_the_conversation_page(
    client, signed_in, world, conversation_payload
):
    _campaign, partner, _lead, reviewer, _admin = world
    ref, _ = put(client, partner, conversation_payload(responses=["Rents are up.", DISCLOSURE]))
    page = signed_in(reviewer).get(f"/intake/conversations/{ref}").get_data(as_text=True)
    assert "Rents are up." in page
    assert "drinking" not in page
    assert "it is with the campaign's safeguarding lead" in page


# ---------------------------------------------------------------- never quoted or themed


def test_a_flagged_answer_can_never_be_quoted(client, world, conversation_payload):
    campaign, partner, *_ = world
    ref, _ = put(client, partner, conversation_payload(responses=["Rents are up.", DISCLOSURE]))
    plain, flagged = conversation(ref).responses
    assert quotes.eligible(plain) and not quotes.eligible(flagged)
    assert [r.id for r in quotes.eligible_responses(campaign.id)] == [plain.id]
    with pytest.raises(AssemblyError):
        quotes.propose_quote(flagged, flagged.redacted_text, None, theme_slug="housing")


# ---------------------------------------------------------------- the partner's guidance


def test_the_partner_sees_the_guidance_after_submitting_a_flagged_conversation(signed_in, world):
    _campaign, partner, *_ = world
    browser = signed_in(partner)
    flagged = browser.post(
        NEW, data=form_data(**{"responses-0": DISCLOSURE}), follow_redirects=True
    )
    html = flagged.get_data(as_text=True)
    assert 'id="safeguarding-guidance"' in html and "Safeguarding: what to do now" in html
    assert "call 999" in html
    plain = browser.post(NEW, data=form_data(**{"responses-0": BENIGN}), follow_redirects=True)
    assert "Safeguarding: what to do now" not in plain.get_data(as_text=True)


def test_the_form_carries_the_rules_and_the_hidden_guidance_for_offline_use(signed_in, world):
    _campaign, partner, *_ = world
    html = signed_in(partner).get(NEW).get_data(as_text=True)
    assert "data-safeguarding-rules=" in html
    assert (
        '<div class="nhsuk-warning-callout" id="safeguarding-guidance" tabindex="-1" hidden>'
        in html
    )


def test_an_admin_edits_the_campaigns_guidance_audited(signed_in, world):
    campaign, partner, lead, _reviewer, admin = world
    assert signed_in(lead).get("/safeguarding/guidance").status_code == 403
    browser = signed_in(admin)
    assert "call 999" in browser.get("/safeguarding/guidance").get_data(as_text=True)
    text = "Call the Peckham safeguarding line on 020 7946 0000 today."
    response = browser.post(
        "/safeguarding/guidance", data={"campaign": "sel-2023", "guidance": text}
    )
    assert response.status_code == 303
    assert db.session.get(Campaign, campaign.id).safeguarding_guidance == text
    assert events("intake.set_guidance")[0].after == {"safeguarding_guidance": text}
    form = signed_in(partner).get(NEW).get_data(as_text=True)
    assert form.index("call 999") < form.index("From this campaign") < form.index(text)
