"""The redactor on answers in other languages: what it catches (see bench/README.md for what
it does not: names in Bengali and Arabic script, and English NER over-redacting words)."""

from __future__ import annotations

import pytest

from listening.intake.redaction import redact

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


@pytest.mark.parametrize("language", sorted(PHONES_AND_EMAILS))
def test_phones_and_emails_are_redacted_in_every_language(language):
    phone, email = PHONES_AND_EMAILS[language]
    assert "[phone]" in redact(phone) and "900123" not in redact(phone)
    assert "[email]" in redact(email) and "@" not in redact(email)


@pytest.mark.parametrize(
    "text",
    [
        "A Maria Silva disse que o senhorio não arranja o bolor.",
        "Carmen López dice que el casero no arregla la gotera.",
        "Ayşe Yılmaz ev sahibinin sızıntıyı tamir etmediğini söyledi.",
    ],
)
def test_names_in_latin_script_are_redacted(text):
    assert "[name]" in redact(text)
    assert not any(n in redact(text) for n in ("Silva", "López", "Yılmaz"))
