"""The safeguarding detector v2 (issue 19 §1): statutory categories, the model stages with the
real encoder, look-alikes left alone, answers in other languages sent to a person, the kinds'
labels and severities (old stored kinds too), and the offline rules still valid JavaScript that
gives the same answers as the server."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from listening.intake.safeguarding import detector
from listening.intake.safeguarding import operations as safeguarding
from listening.themes.tasks import encode_texts
from tests.intake.test_conversation_views import form_data

ROOT = Path(__file__).resolve().parents[2]
KINDS = [
    "adult_physical",
    "adult_domestic",
    "adult_sexual",
    "adult_psychological",
    "adult_financial",
    "modern_slavery",
    "discriminatory",
    "organisational",
    "adult_neglect",
    "self_neglect",
    "child_physical",
    "child_emotional",
    "child_sexual",
    "child_neglect",
    "child_sexual_exploitation",
    "criminal_exploitation",
    "cuckooing",
    "online_grooming",
    "fgm",
    "forced_marriage",
    "honour_based_abuse",
    "radicalisation",
    "suicidal",
    "self_harm",
    "immediate_danger",
]
# one disclosure per category from bench/data/safeguarding_dev_v2.tsv
DISCLOSURES = [
    ("immediate_danger", "He has just texted saying he's outside with a knife and he's going to get me when I leave."),  # noqa: E501
    ("suicidal", "I want to die."),
    ("self_harm", "I self harm."),
    ("child_sexual", "My uncle touches me when nobody is home and says I'll get taken away if I tell."),  # noqa: E501
    ("online_grooming", "A man in his thirties has been messaging my 12 year old on Instagram telling her she's mature for her age and asking for photos."),  # noqa: E501
    ("child_sexual_exploitation", "My 15 year old keeps getting picked up by men in cars and comes back with alcohol and a new phone."),  # noqa: E501
    ("fgm", "My sister-in-law is taking my nieces to Somalia this summer to have them cut."),
    ("forced_marriage", "My dad says I am getting married in Pakistan in August to a man I have never met and I don't want to."),  # noqa: E501
    ("honour_based_abuse", "My brothers beat me because they saw me with a boy and said I shamed the family."),  # noqa: E501
    ("criminal_exploitation", "My 14 year old son is being made to sell drugs by older boys on the estate."),  # noqa: E501
    ("cuckooing", "Dealers have moved into my neighbour's flat, he's got learning difficulties and they sell drugs from there."),  # noqa: E501
    ("radicalisation", "My son has started following an extremist preacher online and says he wants to go and fight abroad."),  # noqa: E501
    ("child_physical", "My neighbour beats his kids with a belt, I hear them screaming."),
    ("child_neglect", "The children downstairs are left alone for days while their mum goes out."),
    ("child_emotional", "My mum tells me I'm the reason her life is ruined and that she should have got rid of me."),  # noqa: E501
    ("adult_sexual", "I was raped by someone I met on a night out and I didn't report it."),
    ("modern_slavery", "My boss has my passport and I haven't been paid in four months."),
    ("adult_domestic", "My husband hits me."),
    ("adult_physical", "The lodger hits me and I'm 79, I don't know who to tell."),
    ("adult_financial", "My brother takes our dad's pension every week and dad has no money for food."),  # noqa: E501
    ("organisational", "At my mum's care home they leave the residents in wet beds until the morning shift."),  # noqa: E501
    ("discriminatory", "My neighbours call me a n***** and put dog mess through my letterbox."),
    ("adult_psychological", "My husband tells me I'm stupid and worthless every day and I've started to believe him."),  # noqa: E501
    ("adult_neglect", "My gran's carers don't turn up half the time and she sits in soiled clothes all day."),  # noqa: E501
    ("self_neglect", "I've stopped eating and washing, I just can't be bothered with any of it."),
]
# benign look-alikes from the same table: figures of speech, resolved past events, advocacy,
# news, professionals' general statements
LOOK_ALIKES = [
    "The rent is killing us, honestly.",
    "My boss would kill me if I took another day off.",
    "Universal Credit is slowly strangling families round here.",
    "Work has been a nightmare, the new manager is a slave driver but it's fine.",
    "My ex was violent years ago but I left, got help from the refuge, and we are safe and happy now.",  # noqa: E501
    "When I was a kid my dad hit us, but he's passed and I've made my peace with it.",
    "I had a breakdown in 2015 and thought about ending it, but with therapy I'm well now and volunteer with others.",  # noqa: E501
    "Suicide prevention training should be offered to every taxi driver and barber.",
    "We run a campaign against county lines in our youth club.",
    "Forced marriage unit needs to be better known in our community.",
    "The BBC did a piece on cuckooing in seaside towns.",
    "The local paper reported an FGM prosecution in London.",
    "I saw on TV that suicides went up during lockdown.",
    "In my job at the council we deal with hoarding cases every week.",
    "As a nurse I've done the FGM training and it was useful.",
    "As a teacher I see children coming to school hungry because their parents can't afford food.",  # noqa: E501
]
OTHER_LANGUAGES = [
    "O meu marido bate-me e não me deixa sair de casa.",  # pt, a disclosure
    "Mi vecina dice que su marido viene esta noche a matarla y no tiene a dónde ir.",  # es
    "Szef zabrał mi paszport i nie płaci mi od trzech miesięcy, nie mogę wyjść z domu.",  # pl
    "A renda subiu outra vez e o senhorio não arranja a humidade.",  # pt, ordinary: still read
]


@pytest.fixture(scope="module")
def full():
    """The shipped detector with the app's real encoder (MiniLM), built once."""
    return detector.Detector(encode_texts)


def family(kind: str | None) -> str | None:
    return detector.rules_data()["kinds"][kind]["family"] if kind else None


def test_every_statutory_category_is_a_kind_with_label_severity_and_banks():
    data = detector.rules_data()
    assert data["order"] == sorted(data["order"], key=data["order"].index)
    assert set(data["order"]) == {*KINDS, detector.UNREAD}
    for kind in data["order"]:
        entry = data["kinds"][kind]
        assert len(kind) <= 32 and entry["label"] and entry["family"]
        assert entry["severity"] in (1, 2, 3, 4)
        if kind != detector.UNREAD:
            assert len(entry["situations"]) >= 8 and len(entry["benign"]) >= 4 and entry["rules"]
    urgent = {k for k in data["order"] if data["kinds"][k]["severity"] == 1}
    assert urgent == {"immediate_danger", "suicidal", "self_harm"}
    assert data["kinds"]["child_sexual"]["severity"] == data["kinds"]["adult_sexual"]["severity"] == 2


def test_old_stored_kinds_keep_a_label_and_a_severity():
    assert safeguarding.kind_label("abuse_domestic") == "Domestic abuse"
    assert safeguarding.kind_label("child_at_risk") == "A child at risk"
    assert safeguarding.kind_label("exploitation").startswith("Exploitation")
    assert safeguarding.kind_label("neglect").startswith("Neglect")
    assert safeguarding.kind_label("unread_language").startswith("Not checked")
    assert safeguarding.kind_label(None) == "Other"
    assert detector.severity("child_at_risk") == 2 and detector.severity("suicidal") == 1
    assert detector.severity("nonsense") > detector.severity("self_neglect")


@pytest.mark.parametrize(("category", "text"), DISCLOSURES, ids=[c for c, _ in DISCLOSURES])
def test_a_disclosure_of_each_category_flags_with_the_right_family(full, category, text):
    [finding] = full.check([text])
    assert finding.flag, (category, finding)
    assert family(finding.kind) == family(category), (category, finding)


def test_the_categories_cover_every_kind():
    assert {c for c, _ in DISCLOSURES} == set(KINDS)


def test_benign_look_alikes_do_not_flag(full):
    flagged = [(t, f) for t, f in zip(LOOK_ALIKES, full.check(LOOK_ALIKES), strict=True) if f.flag]
    assert flagged == []
    assert [f.flag for f in detector.Detector().check(LOOK_ALIKES)] == [False] * len(LOOK_ALIKES)


def test_answers_in_other_languages_go_to_a_person_even_without_the_model(full):
    for found in (full.check(OTHER_LANGUAGES), detector.Detector().check(OTHER_LANGUAGES)):
        assert [(f.flag, f.kind, f.stage) for f in found] == [
            (True, detector.UNREAD, "language")
        ] * len(OTHER_LANGUAGES)
    # too short to tell, or English: not flagged for its language
    short = detector.Detector().check(["Ça va 😀", "Obrigado.", "The rent is too high here."])
    assert [f.flag for f in short] == [False, False, False]


def test_the_version_names_the_stages_and_cut_offs(full):
    assert full.version == detector.version()
    assert f"s2@{detector.MARGIN}" in full.version and f"c1@{detector.THRESHOLD}" in full.version
    rules_only = detector.Detector().version
    assert rules_only == detector.version(similarity=False)
    assert rules_only.startswith("r2") and "s2@" not in rules_only and "+l1@" in rules_only


def test_a_flag_for_language_alone_does_not_show_the_partner_safeguarding_guidance(
    signed_in, make_campaign, make_user
):
    make_campaign()
    partner = make_user("partner", "Peckham Community Centre")
    browser = signed_in(partner)
    sent = browser.post(
        "/intake/conversations/new",
        data=form_data(**{"responses-0": OTHER_LANGUAGES[3]}),
        follow_redirects=True,
    )
    assert sent.status_code == 200
    assert "Safeguarding: what to do now" not in sent.get_data(as_text=True)
    from sqlalchemy import select

    from listening.extensions import db
    from listening.intake.models import Response

    answer = db.session.scalar(select(Response))
    assert (answer.safeguarding_flag, answer.safeguarding_kind) == (True, detector.UNREAD)


def _node() -> str:
    """Node from the system, else the one bundled with Playwright's driver."""
    found = shutil.which("node")
    if found:
        return found
    import playwright

    return str(Path(playwright.__file__).parent / "driver" / "node")


def test_the_partner_forms_javascript_compiles_the_rules_and_agrees_with_the_server(tmp_path):
    module = tmp_path / "safeguarding.mjs"
    module.write_text((ROOT / "listening/static/js/safeguarding.js").read_text(encoding="utf-8"))
    texts = [t for _, t in DISCLOSURES] + LOOK_ALIKES + ["These energy bills are killing us."]
    script = tmp_path / "run.mjs"
    script.write_text(
        "import { safeguardingKind } from './safeguarding.mjs'\n"
        "import { readFileSync } from 'node:fs'\n"
        "const rules = JSON.parse(readFileSync(process.argv[2], 'utf8'))\n"
        "const texts = JSON.parse(readFileSync(process.argv[3], 'utf8'))\n"
        "let n = 0\n"
        "for (const k of rules.order) for (const g of rules.kinds[k]) "
        "for (const p of g) { new RegExp(p, 'i'); n++ }\n"
        "console.log(JSON.stringify({ n, kinds: texts.map(t => safeguardingKind([t], rules)) }))\n"
    )
    (tmp_path / "rules.json").write_text(detector.client_rules(), encoding="utf-8")
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    done = subprocess.run(
        [_node(), str(script), str(tmp_path / "rules.json"), str(tmp_path / "texts.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    data = detector.rules_data()
    assert out["n"] == sum(len(r["all"]) for k in data["order"] for r in data["kinds"][k]["rules"])
    assert out["kinds"] == [detector.check_rules(t) for t in texts]
