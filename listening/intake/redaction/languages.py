"""Redaction layers for answers in languages other than English.

Pure module: no Flask, no database. Two layers:

`local_spans` (all languages): national phone numbers without a leading 0 or + (Portugal,
Spain and Poland write 9 digits: "912 345 678") and dates of birth next to a word for "born"
or "date of birth" in the eight languages partners hear most after English.

`name_spans` (non-English answers only; English keeps its statistical NER): no multilingual NER
with verifiable weights installs from a registry here (see bench/README.md), so names are found
with general rules, the same for every language, each with its own word lists:
- a cue: a phrase meaning "my name is" / "called", a title (Mrs, Señora, Pani, السيدة, জনাব,
  Ìyá…), or a family relation ("my son", "my neighbour"…), followed by a name;
- in Latin script, a capitalised word that does not start a sentence, is not an acronym, and is
  not a place or an organisation (a place noun after it, a preposition of place before it, a
  Turkish place suffix, or English NER labelling it a place, group or organisation: only as a
  veto, never to add a name);
- a Turkish honorific after a name ("Hülya Hanım");
- in scripts without capitals (Arabic, Bengali), two neighbouring words from the names lists of
  the `name-variants` package (MIT), or one after a cue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from listening.intake.redaction import legacy


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _set(*chunks: str) -> frozenset[str]:
    return frozenset(_fold(w) for w in " ".join(chunks).split())


# Strong cues: the next word is a name whatever its case. Phrases are matched word by word.
_NAME_IS = [
    *("o meu nome é|meu nome é|chamo-me|me chamo|chama-se|se chama|chamado|chamada").split("|"),
    *("me llamo|mi nombre es|se llama|llamado|llamada").split("|"),
    *("nazywam się|mam na imię|nazywa się|ma na imię|o imieniu").split("|"),
    *("magacaygu waa|magaceygu waa|magaciisu waa|magaceedu waa|la yiraahdo").split("|"),
    *("orúkọ mi ni|oruko mi ni|orúkọ rẹ̀ ni|mo ń jẹ́|ń jẹ́").split("|"),
    *("اسمي|اسمه|اسمها|يدعى|تدعى|أدعى").split("|"),
    *("আমার নাম|তার নাম|ওর নাম|তাঁর নাম").split("|"),
    *("benim adım|adım|adı|ismim|ismi").split("|"),
]
# Titles and relations: the next word is a name if it looks like one (capitalised in Latin
# script; not a function word in scripts without capitals).
_TITLES = _set(
    "senhor senhora sr sr. sra sra. dona dom doutor doutora",
    "señor señora señorita don doña dr dra",
    "pan pani pana panu panem panią państwo",
    "abti eedo habaryar adeer aabo hooyo xaaji",
    "ìyá iya bàbá baba alhaji alhaja olóyè oloye",
    "السيد السيدة الحاج الحاجة الأستاذ الأستاذة الدكتور الدكتورة الشيخ",
    "জনাব মিসেস মিস্টার শ্রী শ্রীমতী ডাক্তার",
)
_RELATIONS = _set(
    "filho filha marido mulher esposa vizinho vizinha amigo amiga irmão irmã mãe pai",
    "hijo hija marido esposo esposa mujer vecino vecina amigo amiga hermano hermana madre padre",
    "syn córka mąż żona sąsiad sąsiadka przyjaciel przyjaciółka brat siostra mama tata syna",
    "córki synem córką sąsiadki",
    "wiilkayga gabadhayda ninkayga xaaskayga deriskayga saaxiibkay walaalkay walaashay",
    "hooyaday aabbahay habaryarkay",
    "ابني ابنتي زوجي زوجتي جاري جارتي صديقي صديقتي أخي أختي",
    "ছেলে মেয়ে স্বামী স্ত্রী প্রতিবেশী বন্ধু ভাই বোন",
    "oğlum kızım kocam eşim karım komşum arkadaşım kardeşim ablam ağabeyim annem babam",
)
# Words for God are capitalised in every one of these languages and name no one to protect.
_NOT_PEOPLE = _set("deus dios bóg boga bogu allah allaha ilaah ilaahay ọlọ́run olorun tanrı")
# Yoruba puts "my" after the relation ("ọmọ mi" = my child): relation + "mi" is the cue.
_YORUBA_RELATIONS = _set("ọmọ ọkọ ìyàwó aládùúgbò ọ̀rẹ́ ẹ̀gbọ́n àbúrò omo oko iyawo")
_AFTER_NAME = _set("hanım hanim bey abla ağabey")  # Turkish honorifics follow the name
# Prepositions of place: a capitalised word right after one names a place ("em Peckham").
_PLACE_PREPOSITIONS = _set(
    "em no na nos nas para ao à até", "en al hasta desde", "w we do z ze przy pod",
    "ku ka kaga", "ní ni sí si láti lati", "in at to from near",
)  # fmt: skip
_PARTICLES = _set("da do dos das de del la van von bin ibn bint")
# Turkish writes a suffix after an apostrophe on proper nouns; these are the place cases
# (in/at, from, to): "Lewisham'daki", "Londra'dayım". Names take them less often.
_TURKISH_PLACE_SUFFIX = re.compile(r"^['’](?:d|t)[ae](?:ki|n|yım|yim|yız)?$|^['’](?:d|t)[ae]n$")
# Letters and the combining marks of Latin (Yoruba tones), Arabic and Bengali script.
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u0981-\u0983\u09bc-\u09d7\u09e2\u09e3"
_WORD = re.compile(rf"[^\W\d_](?:[^\W\d_]|[{_MARKS}])*")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_SENTENCE_END = frozenset('.!?।؟\n:;"“”«»')
NER_VETO = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP"})  # NER labels that are not people
Places = Callable[[str], list[tuple[int, int]]]


@cache
def _stop_words() -> frozenset[str]:
    """Function words of the languages spaCy ships lists for (none for Somali)."""
    from spacy.lang.ar.stop_words import STOP_WORDS as ar
    from spacy.lang.bn.stop_words import STOP_WORDS as bn
    from spacy.lang.es.stop_words import STOP_WORDS as es
    from spacy.lang.pl.stop_words import STOP_WORDS as pl
    from spacy.lang.pt.stop_words import STOP_WORDS as pt
    from spacy.lang.tr.stop_words import STOP_WORDS as tr
    from spacy.lang.yo.stop_words import STOP_WORDS as yo

    return frozenset(_fold(w) for words in (ar, bn, es, pl, pt, tr, yo) for w in words)


@cache
def names_list() -> frozenset[str]:
    """Given and family names in Arabic and Bengali script (and Turkish), from name-variants."""
    from name_variants.arabic_names import ARABIC_NAME_VARIANTS
    from name_variants.indian_names_bengali import INDIAN_NAMES_BENGALI
    from name_variants.turkish_names import TURKISH_NAME_VARIANTS

    tables = (ARABIC_NAME_VARIANTS, INDIAN_NAMES_BENGALI, TURKISH_NAME_VARIANTS)
    return frozenset(_fold(name) for table in tables for name in table)


@cache
def gazetteer(language: str) -> frozenset[str]:
    """Words of country, language, city, month and day names in `language` and English, from
    the Unicode CLDR data that Babel ships: capitalised, but not people."""
    from babel import Locale, UnknownLocaleError

    words = set()
    for code in {language, "en"}:
        try:
            locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        names = [*locale.territories.values(), *locale.languages.values()]
        names += [zone.get("city", "") for zone in locale.time_zones.values()]
        names += [zone.rsplit("/", 1)[-1].replace("_", " ") for zone in locale.time_zones]
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                names += [*locale.months[context][width].values()]
                names += [*locale.days[context][width].values()]
        words |= {_fold(w) for name in names for w in _WORD.findall(name) if len(w) > 2}
    return frozenset(words)


def _cue_phrases() -> list[list[str]]:
    return [[_fold(w) for w in phrase.split()] for phrase in _NAME_IS]


class _Words:
    """The words of a text with their offsets and what precedes them."""

    def __init__(self, text: str, language: str, off: frozenset[str] = frozenset()) -> None:
        self.text, self.language, self.off = text, language, off
        self.names = frozenset() if "names list" in off else names_list()
        self.spans = [m.span() for m in _WORD.finditer(text)]
        self.words = [text[b:e] for b, e in self.spans]
        self.folded = [_fold(w) for w in self.words]

    def starts_sentence(self, i: int) -> bool:
        before = self.text[: self.spans[i][0]].rstrip(" \t([-–—'‘’")
        return not before or before[-1] in _SENTENCE_END

    def joined(self, i: int) -> bool:
        """True when word i follows word i-1 with only spaces between."""
        return i > 0 and not self.text[self.spans[i - 1][1] : self.spans[i][0]].strip()


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _caseless(word: str) -> bool:
    return not word[:1].isupper() and not word[:1].islower()


def _name_like(words: _Words, i: int, after_cue: bool) -> bool:
    word, folded = words.words[i], words.folded[i]
    if len(word) < 2 or folded in _stop_words() or word.rstrip(".") in legacy.TITLES:
        return False
    if word in legacy.PLACE_NOUNS or folded in _TITLES | _RELATIONS | _NOT_PEOPLE | _AFTER_NAME:
        return False
    if _caseless(word):
        return after_cue or folded in words.names
    return _capitalised(word)


def _extend(words: _Words, i: int) -> int:
    """The index after the last word of a name starting at word i (surnames, particles)."""
    j, taken = i + 1, 0
    while j < len(words.words) and taken < 3 and words.joined(j):
        if words.folded[j] in _PARTICLES and j + 1 < len(words.words) and words.joined(j + 1):
            if not _capitalised(words.words[j + 1]):
                break
            j += 2
        elif _caseless(words.words[j]):
            if words.folded[j] not in words.names:
                break
            j += 1
        elif _name_like(words, j, False) and not _place_after(words, j):
            j += 1
        else:
            break
        taken += 1
    return j


def _to_pause(words: _Words, i: int) -> int:
    """After "my name is" in a script without capitals: the name runs to a punctuation mark
    or a function word, and is at most three words long (given name and family names)."""
    j = i + 1
    while j < len(words.words) and j - i < 3 and words.joined(j):
        folded = words.folded[j]
        if folded in _stop_words() or not _caseless(words.words[j]):
            break
        if folded.startswith("و") and folded not in words.names:
            break  # Arabic writes "and" (wa-) joined to the next word: the name has ended
        j += 1
    return j


def _place_after(words: _Words, j: int) -> bool:
    return j < len(words.words) and words.words[j] in legacy.PLACE_NOUNS


def _cue_before(words: _Words, i: int) -> bool:
    """A name cue ends right before word i."""
    folded = words.folded
    if i and words.joined(i) and folded[i - 1].rstrip(".") in _TITLES | _RELATIONS:
        return True
    if i > 1 and folded[i - 1] == "mi" and folded[i - 2] in _YORUBA_RELATIONS:
        return True
    for phrase in _cue_phrases():
        n = len(phrase)
        if i >= n and folded[i - n : i] == phrase:
            return True
    return False


def _listed_place(words: _Words, i: int) -> bool:
    return "gazetteer" not in words.off and words.folded[i] in gazetteer(words.language)


def _placey(words: _Words, i: int, vetoed: set[int]) -> bool:
    """Word i names a place or an organisation rather than a person."""
    end = words.spans[i][1]
    rest = words.text[end : end + 6]
    if _TURKISH_PLACE_SUFFIX.match(rest.split(" ")[0]) or i in vetoed:
        return True
    if _place_after(words, i + 1) or words.words[i] in legacy.PLACE_NOUNS:
        return True
    if _listed_place(words, i):
        return True
    return i > 0 and words.folded[i - 1] in _PLACE_PREPOSITIONS


def _ner_vetoed(words: _Words, places: Places) -> set[int]:
    """Words that English NER puts inside a place, group or organisation (a veto only)."""
    found = set()
    for b, e in places(words.text):
        found |= {i for i, (s, t) in enumerate(words.spans) if s >= b and t <= e}
    return found


RULES = ("cues", "capitals", "names list", "gazetteer", "ner veto")  # for the ablation


def _no_places(text: str) -> list[tuple[int, int]]:
    return []


def name_spans(
    text: str, language: str, off: frozenset[str] = frozenset(), places: Places = _no_places
) -> list[tuple[int, int, str]]:
    """Names in an answer written in `language` (an ISO 639-1 code other than English).

    `places(text)`: character spans that a NER labels a place, group or organisation (the
    engine passes English NER's; a veto only). `off`: rules of `RULES` left out (ablation).
    """
    words = _Words(text, language, off)
    if not words.words:
        return []
    latin = _LATIN.search(text) and "ner veto" not in off
    vetoed = _ner_vetoed(words, places) if latin else set()
    spans, i = [], 0
    while i < len(words.words):
        end = _name_at(words, i, vetoed)
        if end is None:
            i += 1
            continue
        spans.append((words.spans[i][0], words.spans[end - 1][1], "name"))
        i = end
    return spans


def _name_at(words: _Words, i: int, vetoed: set[int]) -> int | None:
    """The end of a name starting at word i, or None."""
    word = words.words[i]
    if "cues" not in words.off and _cue_before(words, i):
        strong = any(words.folded[max(0, i - len(p)) : i] == p for p in _cue_phrases())
        if strong and _caseless(word) and _name_like(words, i, True):
            return _to_pause(words, i)
        if _listed_place(words, i):
            return None  # "my mother English…" (Turkish "Annem İngilizce…")
        if _name_like(words, i, True) or (strong and word.islower() and len(word) > 1):
            return _extend(words, i)
        return None
    nxt = i + 1 < len(words.words) and words.joined(i + 1)
    if nxt and words.folded[i + 1] in _AFTER_NAME and _capitalised(word):
        return i + 1
    if _caseless(word):
        both = nxt and words.folded[i + 1] in words.names
        return _extend(words, i) if both and words.folded[i] in words.names else None
    if "capitals" in words.off or not _name_like(words, i, False) or _placey(words, i, vetoed):
        return None
    if words.starts_sentence(i):
        # A sentence's first word is capitalised anyway: a name only with a surname after it.
        end = _extend(words, i)
        return end if end > i + 1 and not _placey(words, i + 1, vetoed) else None
    return _extend(words, i)


# --- local phone numbers and dates of birth (every language) ---------------------------------

_PHONE_CUES = (
    r"telefone|telemóvel|telemovel|número|numero|teléfono|telefono|móvil|movil|telefon|numer"
    r"|komórk\w*|lambar\w*|nọ́mbà|nomba|هاتف|رقم\w*|ফোন|নম্বর|numara\w*|cep|phone|mobile"
)
NATIONAL_PHONE = re.compile(
    r"(?<![\w£$€/.,+])\d{3}(?:[ .-]\d{3}[ .-]\d{3}|[ .-]\d{2}[ .-]\d{2}[ .-]\d{2})(?![\w/]|[.,]\d)"
)
_CUED_PHONE = re.compile(
    rf"(?i)(?:{_PHONE_CUES})\W{{1,20}}(?:\w+\W+){{0,3}}?(?<![\w£$€/.,+])(\d{{9}})(?![\w/]|[.,]\d)"
)
_MONTHS = (
    r"janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro"
    r"|enero|febrero|marzo|mayo|junio|julio|septiembre|octubre|noviembre|diciembre"
    r"|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października"
    r"|listopada|grudnia|ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım"
    r"|aralık"
)
_DATE = (
    rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})"
    rf"|\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTHS})\s+(?:de\s+)?\d{{4}}"
)
_BIRTH = (
    r"nasci\w*|nascimento|nací|naci\b|nacid[oa]|nacimiento|urodził\w*|urodzin\w*|urodzenia"
    r"|dhashay|dhalash\w*|bí mi|ìbí|ibi\b|ميلاد\w*|ولدت|مواليد|জন্ম\w*|doğum\w*|doğdu\w*"
)
_DOB_AFTER = re.compile(rf"(?i)(?:{_BIRTH})[^\d\n]{{0,30}}?({_DATE})")
_DOB_BEFORE = re.compile(rf"(?i)({_DATE})['’]?\w{{0,4}}\s+(?:{_BIRTH})")


def local_spans(text: str) -> list[tuple[int, int, str]]:
    """National phone numbers and dates of birth written the way other countries write them."""
    spans = [(*m.span(), "phone") for m in NATIONAL_PHONE.finditer(text)]
    spans += [(*m.span(1), "phone") for m in _CUED_PHONE.finditer(text)]
    for rx in (_DOB_AFTER, _DOB_BEFORE):
        spans += [(*m.span(1), "date of birth") for m in rx.finditer(text)]
    return spans
