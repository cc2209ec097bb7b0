"""The redactor on answers in other languages: the pattern layers apply to every language, the
English NER only to English (and unknown) answers, and a name layer to the others."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from listening.intake.redaction import Stages, find_pii, redact
from listening.intake.redaction.languages import gazetteer, local_spans, name_spans

PHONES_AND_EMAILS = {
    "pt": ("Liguem-me para 07700 900123 por favor.", "O meu email é joao.santos@gmail.com."),
    "es": ("Llámame al 07700 900123 por favor.", "Mi correo es carmen.lopez@hotmail.com."),
    "pl": ("Proszę dzwonić pod 07700 900123.", "Mój email to a.kowalska@wp.pl."),
    "so": ("Fadlan ii soo wac 07700 900123.", "Emailkaygu waa faadumo.cali@gmail.com."),
    "bn": ("আমাকে 07700 900123 নম্বরে ফোন করুন।", "আমার ইমেইল rahima.begum@gmail.com।"),
    "yo": ("Ẹ pè mí ní 07700 900123.", "Imeeli mi ni adebayo@yahoo.com."),
    "ar": ("اتصلوا بي على 07700 900123.", "بريدي الإلكتروني fatima.hassan@gmail.com."),
    "tr": ("Lütfen beni 07700 900123 numarasından arayın.", "E-postam ayse.yilmaz@gmail.com."),
}
THEME_TABLE = Path(__file__).parents[2] / "bench" / "data" / "multilingual.csv"


@pytest.mark.parametrize("language", sorted(PHONES_AND_EMAILS))
@pytest.mark.parametrize("told", [True, False])
def test_phones_and_emails_are_redacted_in_every_language(language, told):
    phone, email = PHONES_AND_EMAILS[language]
    code = language if told else None
    assert "[phone]" in redact(phone, language=code) and "900123" not in redact(phone)
    assert "[email]" in redact(email, language=code) and "@" not in redact(email, language=code)


@pytest.mark.parametrize(
    ("language", "text", "name"),
    [
        ("pt", "A Maria Silva disse que o senhorio não arranja o bolor.", "Silva"),
        ("es", "Carmen López dice que el casero no arregla la gotera.", "López"),
        ("tr", "Ayşe Yılmaz ev sahibinin sızıntıyı tamir etmediğini söyledi.", "Yılmaz"),
        ("pl", "Moja sąsiadka Bożena Kwiatkowska nie ma ogrzewania.", "Kwiatkowska"),
        ("so", "Walaashay Sahra Nuur waxay la nooshahay carruurta.", "Nuur"),
        ("yo", "Ọkọ mi Adéwálé kò rí iṣẹ́ kankan.", "Adéwálé"),
        ("bn", "আমার নাম শাহানা পারভীন, আমি একা থাকি।", "শাহানা পারভীন"),
        ("ar", "اسمي سلمى ناصر وأنا أم لثلاثة أطفال.", "سلمى ناصر"),
        ("ar", "قال لي عمر حسين إن الإيجار سيرتفع.", "عمر حسين"),  # two listed names
    ],
)
def test_names_are_redacted_when_the_language_is_known(language, text, name):
    redacted = redact(text, language=language)
    assert "[name]" in redacted and not any(part in redacted for part in name.split())


def test_with_its_language_only_the_name_goes():
    text = "اسمي سلمى ناصر وأنا أم لثلاثة أطفال."
    assert redact(text, language="ar") == "اسمي [name] وأنا أم لثلاثة أطفال."
    assert redact(text).count("[name]") > 1  # the English path guesses at every word


def _theme_answers() -> list[dict]:
    with THEME_TABLE.open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if row["language"] != "en"]


def test_ordinary_answers_in_other_languages_are_not_over_redacted():
    """The theme table holds no personal data: with its language known, almost nothing is
    touched (before: the English NER put [name] into 131 places in the 48 answers)."""
    answers = _theme_answers()
    touched = [a["text"] for a in answers if redact(a["text"], language=a["language"]) != a["text"]]
    blind = [a["text"] for a in answers if redact(a["text"]) != a["text"]]
    assert len(touched) <= 2, touched
    assert len(blind) > 10 * max(1, len(touched))


@pytest.mark.parametrize("language", [None, "en"])
def test_unknown_language_takes_the_english_path(language):
    text = "my neighbour folasade adeyemi rang me on 07700 900123"
    assert (
        redact(text, language=language) == redact(text) == "my neighbour [name] rang me on [phone]"
    )


def test_a_layer_can_be_switched_off():
    text = "আমার নাম শাহানা পারভীন, আমার ফোন নম্বর 512 345 678।"
    assert "পারভীন" not in redact(text, language="bn")
    assert "পারভীন" in redact(text, Stages(names=False), language="bn")
    assert "512 345 678" in redact(text, Stages(local=False, names=False), language="bn")


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("O meu número é 912 345 678.", "phone", "912 345 678"),
        ("Teléfono: 655 12 34 56", "phone", "655 12 34 56"),
        ("mój numer telefonu 512345678", "phone", "512345678"),
        ("Urodziłam się 3 marca 1978 w Krakowie.", "date of birth", "3 marca 1978"),
        ("Nací el 5 de mayo de 1990.", "date of birth", "5 de mayo de 1990"),
        ("15.08.1990 doğdum.", "date of birth", "15.08.1990"),
        ("ولدت في 15/08/1990.", "date of birth", "15/08/1990"),
    ],
)
def test_local_phone_numbers_and_dates_of_birth(text, kind, found):
    assert [(text[b:e], k) for b, e, k in local_spans(text)] == [(found, kind)]


@pytest.mark.parametrize(
    "text",
    [
        "Pagamos 150 000 libras pela casa em 2019.",  # an amount, not a phone
        "A reunião foi a 12/03/2024 na igreja.",  # a date with no word for "born"
        "Płacę 1 200 funtów czynszu.",
    ],
)
def test_amounts_and_event_dates_are_not_local_pii(text):
    assert local_spans(text) == []


def test_digits_of_other_scripts_are_read_as_digits():
    arabic = "اتصلوا بي على ٠٧٧٠٠ ٩٠٠٨١٥ في المساء."
    bengali = "আমাকে ০৭৭০০ ৯০০২৪৮ নম্বরে ফোন করবেন।"
    for text, code in ((arabic, "ar"), (bengali, "bn")):
        spans = find_pii(text, language=code)
        assert [s.kind for s in spans] == ["phone"]
        assert "٩" not in redact(text, language=code) and "৯" not in redact(text, language=code)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pt", "Em Peckham as rendas subiram e fomos para Londres."),
        ("tr", "Kira arttı ve Lewisham'daki evden çıktık."),
        ("so", "Waxaan ka imid Soomaaliya sanadkii hore."),
        ("pl", "Mieszkam w Croydon, a rodzina jest w Polsce."),
        ("es", "Trabajo en Elephant and Castle los sábados."),
    ],
)
def test_places_countries_and_months_are_not_names(language, text):
    assert find_pii(text, language=language) == []


def test_the_rules_alone_know_places_by_preposition_suffix_and_gazetteer():
    """Without the English NER's veto (the default of `name_spans`)."""
    assert name_spans("Em Peckham as rendas subiram e fomos para Londres.", "pt") == []
    assert name_spans("Kira arttı ve Lewisham'daki evden çıktık.", "tr") == []
    assert name_spans("Waxaan ka imid Soomaaliya sanadkii hore.", "so") == []
    assert name_spans("Ontem a Joana Ferreira veio cá.", "pt") == [(8, 22, "name")]


def test_the_gazetteer_is_the_languages_own():
    assert {"londres", "somália"} <= gazetteer("pt")
    assert "soomaaliya" in gazetteer("so") and "london" in gazetteer("so")
