"""Language identification of answers: a pure function, abstaining when short or unsure."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from listening.language import detect_language, language_name

TABLE = Path(__file__).resolve().parents[1] / "bench" / "data" / "multilingual.csv"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("My landlord will not fix the heating and my children are cold", "en"),
        ("O senhorio não arranja o aquecimento e os meus filhos têm frio", "pt"),
        ("El casero no arregla la calefacción y mis hijos tienen frío", "es"),
        ("Właściciel nie naprawia ogrzewania i moje dzieci marzną", "pl"),
        ("Kirada guriga aad bay u badan tahay, carruurtuna way qaboobaan", "so"),
        ("বাড়িওয়ালা হিটিং ঠিক করে না, আমার বাচ্চারা ঠান্ডায় কষ্ট পায়", "bn"),
        ("Onílé kò tún ẹ̀rọ ìgbóná ṣe, òtútù ń mú àwọn ọmọ mi", "yo"),
        ("المالك لا يصلح التدفئة وأطفالي يشعرون بالبرد", "ar"),
        ("Ev sahibi ısıtmayı tamir etmiyor ve çocuklarım üşüyor", "tr"),
    ],
)
def test_each_language_partners_hear_is_recognised(text, code):
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", None, "   ", "Rent", "GP", "ok ok", "07700 900123", "😀😀😀"])
def test_too_short_or_no_words_is_unknown(text):
    assert detect_language(text) is None


def test_the_bench_table_is_recognised_language_by_language():
    with TABLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    wrong = [(r["language"], detect_language(r["text"])) for r in rows]
    wrong = [pair for pair in wrong if pair[0] != pair[1]]
    assert len(rows) >= 48 and wrong == []


def test_names_for_tags():
    assert language_name("pt") == "Portuguese"
    assert language_name(None) == "Unknown"
    assert language_name("xx") == "xx"
