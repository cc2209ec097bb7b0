"""The safeguarding detector (issue 19 §1; round 2): statutory categories, the model stages with
the real encoder, look-alikes left alone, answers in other languages sent to a person, the kinds'
labels and severities (old stored kinds too), the offline rules still valid JavaScript that
gives the same answers as the server, and the training vectors kept between processes."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from listening import config
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
DEV = ROOT / "bench" / "data" / "safeguarding_dev_v2.tsv"
# one disclosure per category from our dev table (ids), and benign look-alikes from it: figures
# of speech, resolved past events, advocacy, news, professionals' general statements
DISCLOSURE_IDS = [
    "dev-immediate_danger-01",
    "dev-suicidal-01",
    "dev-self_harm-01",
    "dev-child_sexual-01",
    "dev-online_grooming-01",
    "dev-child_sexual_exploitation-01",
    "dev-fgm-01",
    "dev-forced_marriage-01",
    "dev-honour_based_abuse-01",
    "dev-criminal_exploitation-01",
    "dev-cuckooing-01",
    "dev-radicalisation-01",
    "dev-child_physical-01",
    "dev-child_neglect-01",
    "dev-child_emotional-01",
    "dev-adult_sexual-01",
    "dev-modern_slavery-01",
    "dev-adult_domestic-01",
    "dev-adult_physical-02",
    "dev-adult_financial-01",
    "dev-organisational-01",
    "dev-discriminatory-01",
    "dev-adult_psychological-01",
    "dev-adult_neglect-01",
    "dev-self_neglect-01",
]
LOOK_ALIKE_IDS = [
    "dev-none-001",
    "dev-none-007",
    "dev-none-012",
    "dev-none-017",
    "dev-none-026",
    "dev-none-028",
    "dev-none-027",
    "dev-none-041",
    "dev-none-046",
    "dev-none-049",
    "dev-none-064",
    "dev-none-065",
    "dev-none-061",
    "dev-none-071",
    "dev-none-075",
    "dev-none-068",
]


def _dev_rows() -> dict[str, dict]:
    with DEV.open(encoding="utf-8", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh, delimiter="\t")}


_ROWS = _dev_rows()
DISCLOSURES = [(_ROWS[i]["category"], _ROWS[i]["text"]) for i in DISCLOSURE_IDS]
LOOK_ALIKES = [_ROWS[i]["text"] for i in LOOK_ALIKE_IDS]
OTHER_LANGUAGES = [
    "O meu marido bate-me e não me deixa sair de casa.",  # pt, a disclosure
    "Mi vecina dice que su marido viene esta noche a matarla y no tiene a dónde ir.",  # es
    "Szef zabrał mi paszport i nie płaci mi od trzech miesięcy, nie mogę wyjść z domu.",  # pl
    "A renda subiu outra vez e o senhorio não arranja a humidade.",  # pt, ordinary: still read
]


@pytest.fixture(scope="module")
def full():
    """The shipped detector with the app's real encoder (MiniLM), built once (the training
    vectors kept where the app keeps them)."""
    return detector.Detector(encode_texts, cache_dir=config.INSTANCE_DIR / "cache")


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
    assert (
        data["kinds"]["child_sexual"]["severity"] == data["kinds"]["adult_sexual"]["severity"] == 2
    )


def test_old_stored_kinds_keep_a_label_and_a_severity():
    assert safeguarding.kind_label("abuse_domestic") == "Domestic abuse"
    assert safeguarding.kind_label("child_at_risk") == "A child at risk"
    assert safeguarding.kind_label("exploitation").startswith("Exploitation")
    assert safeguarding.kind_label("neglect").startswith("Neglect")
    assert safeguarding.kind_label("unread_language").startswith("Not checked")
    assert safeguarding.kind_label(None) == "Other"
    assert detector.severity("child_at_risk") == 2 and detector.severity("suicidal") == 1
    assert detector.severity("nonsense") == detector.UNKNOWN_SEVERITY == 3  # never sorted last


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
    assert "+s.24+" in full.version and "+c.725+" in full.version
    assert full.version == "r2+s.24+c.725+p+l30"  # round 2 (v2 was r2+s2@0.16+c1@0.825+l1@30)
    rules_only = detector.Detector().version
    assert rules_only == detector.version(similarity=False)
    assert rules_only.startswith("r2") and "+s" not in rules_only and "+l30" in rules_only


def test_a_two_word_ordinary_answer_is_not_flagged(full):
    # v2 flagged "Fine here." suicidal (similarity margin 0.166 ≥ 0.16); round 2's margin is 0.24
    assert [f.flag for f in full.check(["Fine here.", "All good.", "Not bad thanks."])] == [
        False,
        False,
        False,
    ]


def test_the_model_stages_also_read_two_consecutive_sentences():
    units, owners = detector._units(["One. Two. Three.", "Alone."], pairs=True)
    assert units == [
        "One. Two. Three.",
        "One.",
        "Two.",
        "Three.",
        "One. Two.",
        "Two. Three.",
        "Alone.",
    ]
    assert owners == [0, 0, 0, 0, 0, 0, 1]
    assert detector._units(["One. Two. Three."], pairs=False)[0] == [
        "One. Two. Three.",
        "One.",
        "Two.",
        "Three.",
    ]


def test_training_vectors_are_kept_between_processes_and_give_the_same_flags(tmp_path):
    seen: list[str] = []

    def counting(texts):
        seen.extend(texts)
        return encode_texts(texts)

    texts = [t for _, t in DISCLOSURES[:5]] + LOOK_ALIKES[:5]
    first = detector.Detector(counting, cache_dir=tmp_path)
    built = len(seen)
    assert built > 800 and len(list(tmp_path.glob("safeguarding-vectors-*.npy"))) == 1
    seen.clear()
    second = detector.Detector(counting, cache_dir=tmp_path)
    assert len(seen) == 1  # the probe only: the training texts were read from the cache
    assert second.check(texts) == first.check(texts)
    # a damaged file is encoded again and rewritten
    [path] = tmp_path.glob("safeguarding-vectors-*.npy")
    path.write_bytes(b"not numpy")
    seen.clear()
    third = detector.Detector(counting, cache_dir=tmp_path)
    assert len(seen) == built and third.check(texts) == first.check(texts)
    # another encoder (another probe vector) never reads this encoder's vectors
    seen.clear()
    detector.Detector(lambda t: counting(t)[:, ::-1].copy(), cache_dir=tmp_path)
    assert len(seen) == built and len(list(tmp_path.glob("safeguarding-vectors-*.npy"))) == 2


def test_a_suppressor_reaches_its_semicolon_clauses_only_when_asked():
    # measured in round 2 and left off (it did not catch more, and the rule prefers fewer options)
    text = "I used to self-harm as a teenager; I'm 40 now and doing fine."
    assert detector.RESOLVED_CONTEXT is False and detector.check_rules(text) == "self_harm"
    assert detector.check_rules(text, context=True) is None
    assert detector.check_rules("I cut myself most nights.", context=True) == "self_harm"


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


def test_the_detector_version_fits_the_column_it_is_stored_in():
    """PostgreSQL refuses a longer string (SQLite does not): "r2+s2@0.24+c1@0.725+p+l1@30" did."""
    from listening.intake.models import Response

    limit = Response.__table__.c.safeguarding_version.type.length
    assert len(detector.version()) <= limit and len(detector.version(similarity=False)) <= limit
