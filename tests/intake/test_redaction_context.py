"""Redactor 4 (issue 19 §3): the shapes that got through, found by context.

Examples are written for these tests (not copied from the held-out bench split). Each would
fail on redactor 3.
"""

from __future__ import annotations

import json

import pytest

from listening import create_app
from listening.intake.redaction import FLAGS, REDACTOR_VERSION, Stages, find_pii, redact
from listening.intake.redaction.contextual import RECOGNISERS, service_number, spoken_digits


def spans_of(text: str, language: str | None = None) -> list[tuple[str, str]]:
    return [(s.text, s.kind) for s in find_pii(text, language=language)]


def covered(text: str, item: str, language: str | None = None) -> bool:
    at = text.index(item)
    spans = find_pii(text, language=language)
    chars = [at + i for i, c in enumerate(item) if not c.isspace()]
    return all(any(s.start <= i < s.end for s in spans) for i in chars)


def untouched(text: str, item: str, language: str | None = None) -> bool:
    at = text.index(item)
    spans = find_pii(text, language=language)
    return not any(s.start < at + len(item) and at < s.end for s in spans)


REMOVED = [
    # numbers written wholly or partly in words
    ("text me on seven nine double three four five six one two zero", None,
     "seven nine double three four five six one two zero", "phone"),
    ("ring my nan on oh two oh eight, six one four, three three two one", None,
     "oh two oh eight, six one four, three three two one", "phone"),
    ("call 0 7 9 one one 2 3 4 5 6 7 after six", None, "0 7 9 one one 2 3 4 5 6 7", "phone"),
    ("text +44 seven seven double oh nine hundred one two three", None,
     "+44 seven seven double oh nine hundred one two three", "phone"),
    ("mi número es seis cinco cinco uno dos tres cuatro cinco seis", "es",
     "seis cinco cinco uno dos tres cuatro cinco seis", "phone"),
    ("mój numer to sześć zero zero jeden dwa trzy cztery pięć sześć", "pl",
     "sześć zero zero jeden dwa trzy cztery pięć sześć", "phone"),
    # handles without "@" next to a social app
    ("follow my daughter on tiktok she's lilz.dances", None, "lilz.dances", "handle"),
    ("I'm on snapchat as deji2009 if you want pictures", None, "deji2009", "handle"),
    ("my insta handle is peckhamplantlady and I post the garden", None, "peckhamplantlady",
     "handle"),
    ("search jerome_fixes on youtube for the video", None, "jerome_fixes", "handle"),
    ("me encuentras en instagram como lucia.ldn.cocina", "es", "lucia.ldn.cocina", "handle"),
    # case and reference numbers
    ("my claim number is UC/88231/B and they lost it", None, "UC/88231/B", "reference"),
    ("the council ref 22/00914/HOU was refused", None, "22/00914/HOU", "reference"),
    ("my crime number is CAD 4471/12MAR", None, "CAD 4471/12MAR", "reference"),
    ("claim ref 4456 7788 9900 still open", None, "4456 7788 9900", "reference"),
    ("they sent 7712034/22, my crime number, to the wrong address", None, "7712034/22",
     "reference"),
    ("tenancy TN-40-118734 was never transferred", None, "TN-40-118734", "reference"),
    # house and flat numbers in every supported language
    ("I live at number 14 and the drains smell", None, "number 14", "address"),
    ("the family at no. 9 have been waiting", None, "no. 9", "address"),
    ("vivo en la calle Rye Lane 45, 2º izquierda con mis hijos", "es",
     "calle Rye Lane 45, 2º izquierda", "address"),
    ("moro na Rua de Peckham, 12, 1º esq, com a minha mãe", "pt", "Rua de Peckham, 12, 1º esq",
     "address"),
    ("moramos no número 31 da Choumert Road há dois anos", "pt", "número 31 da Choumert Road",
     "address"),
    ("mieszkam przy ul. Bellenden Road 22/4 od roku", "pl", "ul. Bellenden Road 22/4",
     "address"),
    ("mieszkanie nr 8 na Tustin Estate jest zimne", "pl", "nr 8 na Tustin Estate", "address"),
    # given names that are ordinary words, used as names
    ("I asked Grace at the desk and she said no", None, "Grace", "name"),
    ("Faith rang me last night about the rent", None, "Faith", "name"),
    ("we called him Will because of his grandad", None, "Will", "name"),
    ("Hope, our neighbour, lost her job", None, "Hope", "name"),
    ("June from the council came round twice", None, "June", "name"),
    ("Rose's son was excluded in March", None, "Rose", "name"),
    ("Joy and Faith run the group on Tuesdays", None, "Joy", "name"),
    ("Bill the postman knows everyone", None, "Bill", "name"),
    ("Precious from church rang twice", None, "Precious", "name"),
    ("Hope and I went to the meeting", None, "Hope", "name"),
    ("me and Will sorted it out", None, "Will", "name"),
    ("thank you Grace for listening", None, "Grace", "name"),
    ("jay.k22 is my snap if you want to chat", None, "jay.k22", "handle"),
    ("vivo en el 23 de Choumert Road con mis hijos", "es", "23 de Choumert Road", "address"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "language", "item", "kind"), REMOVED)
def test_each_new_shape_is_removed_with_its_kind(text, language, item, kind):
    assert covered(text, item, language)
    at = text.index(item)
    assert any(s.kind == kind and s.start <= at < s.end for s in find_pii(text, language=language))
    assert item not in redact(text, language=language)


KEPT = [
    ("there is little hope left for us", "hope"),
    ("you need the will to carry on", "will"),
    ("Will they listen this time?", "Will"),
    ("May is the worst month for hay fever", "May"),
    ("Grace Church runs a food bank", "Grace Church"),
    ("the summer holidays are hard", "summer"),
    ("the gas bill went up again", "bill"),
    ("Joy is hard to find these days", "Joy"),
    ("Hope you are all well", "Hope"),
    ("we counted one two three and then ran", "one two three"),
    ("the number 12 bus is always late", "number 12"),
    ("we have 3 kids in a 2 bed flat", "3 kids in a 2 bed flat"),
    ("it was open 24/7 in 2023/24", "24/7 in 2023/24"),
    ("COVID-19 closed the centre in 2020", "COVID-19"),
    ("the hearing was on 12/03/2024, case closed", "12/03/2024"),
    ("I saw it on tiktok yesterday and it made me cry", "tiktok yesterday"),
    ("a snap election in the summer", "snap election"),
    ("flat 21 on the North Peckham Estate", "North Peckham Estate"),
]


@pytest.mark.parametrize(("text", "item"), KEPT)
def test_ordinary_words_and_numbers_stay(text, item):
    assert untouched(text, item)


HELPLINES = [
    ("call Childline on 0800 1111, it's free", "Childline on 0800 1111"),
    ("the Samaritans on 116 123 saved my life", "Samaritans on 116 123"),
    ("NHS 111 told me to go to A&E", "NHS 111"),
    ("Shelter's helpline is 0808 800 4444", "0808 800 4444"),
    ("Mind's infoline is 0300 123 3393", "0300 123 3393"),
    ("I work at Marks and Spencer on zero hours", "Marks and Spencer"),
    ("after my shift at John Lewis I went home", "John Lewis"),
    ("I phoned Southwark Council on 020 7525 5000 all week", "020 7525 5000"),
    ("Lambeth Council's number is 020 7926 1000 but nobody answers", "020 7926 1000"),
    ("Marks & Spencer and Sainsbury's both cut hours", "Marks & Spencer and Sainsbury's"),
]


@pytest.mark.parametrize(("text", "item"), HELPLINES)
def test_helplines_and_organisations_stay_readable(text, item):
    assert untouched(text, item)
    assert item in redact(text)


def test_a_personal_number_next_to_a_helpline_still_goes():
    text = "I rang Childline on 0800 1111 and then my mum on 07700 900 456"
    assert spans_of(text) == [("07700 900 456", "phone")]


@pytest.mark.parametrize(
    "text", ["call my mum at the council on 020 7946 0123", "ring me on 020 7946 0123 please"]
)
def test_a_personal_landline_goes_even_near_an_organisation(text):
    assert ("020 7946 0123", "phone") in spans_of(text)


FLAGGED = [
    ("the caretaker at Tustin Estate never fixes anything", "the caretaker at Tustin Estate",
     "role_at_place"),
    ("our GP at the Queens Road surgery is brilliant", "our GP at the Queens Road surgery",
     "role_at_place"),
    ("the owner of the corner shop on Bellenden Road", "the owner of the corner shop on "
     "Bellenden Road", "role_at_place"),
    ("the imam of the Peckham Road mosque helped", "the imam of the Peckham Road mosque",
     "role_at_place"),
    ("we are the one deaf family on our estate", "the one deaf family on our estate",
     "identifying_description"),
    ("I'm the only person who speaks Polish at the school", "the only person who speaks "
     "Polish at the school", "identifying_description"),
    ("the only one in a wheelchair on our estate", "the only one in a wheelchair on our estate",
     "identifying_description"),
    ("St Saviour's head teacher rang social services", "St Saviour's head teacher",
     "role_at_place"),
    ("the Lidl manager on Rye Lane was kind", "the Lidl manager on Rye Lane", "role_at_place"),
    ("the woman who runs the launderette on Choumert Road", "the woman who runs the "
     "launderette on Choumert Road", "role_at_place"),
    ("the one with the guide dog on the Brandon estate", "the one with the guide dog on the "
     "Brandon estate", "identifying_description"),
    ("I'm the only dad at the school gates", "the only dad at the school gates",
     "identifying_description"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "item", "kind"), FLAGGED)
def test_roles_at_places_and_descriptions_are_reported_not_replaced(text, item, kind):
    assert (item, kind) in spans_of(text)
    assert redact(text) == text  # the reviewer is warned; the words stay


@pytest.mark.parametrize(
    "text",
    [
        "the only way to fix this is more money",
        "the only bus in the evening is the 78",
        "the first person in my family to go to university",
        "a teacher in London told us",
        "the teachers at the school were on strike",
        "recruit the best teachers graduating from WKU",
        "pass the Uniform Residential Landlord and Tenant Act",
    ],
)
def test_ordinary_descriptions_are_not_flagged(text):
    assert not [s for s in find_pii(text) if s.kind in FLAGS]


def test_a_flag_never_overlaps_a_replaced_span():
    text = "the receptionist at Flat 3, Keston House was rude"
    spans = find_pii(text)
    assert ("Flat 3, Keston House", "address") in [(s.text, s.kind) for s in spans]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    assert redact(text) == "the receptionist at [address] was rude"


def test_spoken_digits_counts_repeats_tens_and_hundreds():
    assert spoken_digits("oh seven seven double oh nine four five one two three") == (11, 11)
    assert spoken_digits("07 nine double 8 31") == (7, 2)
    assert spoken_digits("seventy seven nine hundred") == (5, 4)


def test_service_numbers():
    assert service_number("0800 1111") and service_number("116 123") and service_number("111")
    assert service_number("+44 300 123 3393")
    assert not service_number("07700 900123") and not service_number("020 7946 0000")


@pytest.mark.parametrize("name", RECOGNISERS)
def test_each_recogniser_can_be_left_out(name):
    examples = {
        "spoken numbers": ("text me on seven nine double three four five six one two zero", True),
        "app handles": ("I'm on snapchat as deji2009", True),
        "references": ("my claim number is UC/88231/B", True),
        "house numbers": ("I live at number 14", True),
        "word names": ("Faith rang me last night", True),
        "roles at places": ("the caretaker at Tustin Estate is rude", True),
        "descriptions": ("we are the one deaf family on our estate", True),
        "helplines": ("call Childline on 0800 1111", False),
    }
    text, found_when_on = examples[name]
    on, off = find_pii(text), find_pii(text, Stages(off=frozenset({name})))
    assert bool(on) == found_when_on
    assert bool(off) != found_when_on


def test_version_is_bumped_for_rescreening():
    assert REDACTOR_VERSION == "4"


@pytest.fixture(scope="module")
def offline_runner():
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/no"}
    )
    return app.test_cli_runner()


def test_cli_reports_new_kinds_and_flags(offline_runner):
    lines = [
        "my case ref is HB/2024/00917 and Grace said wait",
        "the head teacher at St Jude's rang my number oh seven nine double one, two three four,"
        " five six seven",
        "call Childline 0800 1111",
    ]
    result = offline_runner.invoke(args=["privacy", "redact"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert all(set(r) == {"text", "redacted", "spans"} for r in rows)  # the contract, exactly
    assert rows[0]["redacted"] == "my case ref is [reference] and [name] said wait"
    assert [s["kind"] for s in rows[0]["spans"]] == ["reference", "name"]
    flag = rows[1]["spans"][0]
    assert flag["kind"] == "role_at_place"
    assert lines[1][flag["start"] : flag["end"]] == "the head teacher at St Jude's"
    assert rows[1]["redacted"].startswith("the head teacher at St Jude's rang my number [phone]")
    assert rows[2] == {"text": lines[2], "redacted": lines[2], "spans": []}
