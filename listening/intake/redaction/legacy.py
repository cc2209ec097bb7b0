"""The version-1 redactor: regexes, spaCy `Matcher` patterns and first-name lists.

Pure module: no Flask, no database. Structured data (emails, URLs, phone numbers, postcodes,
NHS numbers, dates of birth) is found with regexes; addresses and names with spaCy's tokenizer
and `Matcher` patterns over `spacy.blank("en")`, plus word lists in `data/`.
Decisions: titles are kept ("Dr [name]"); street, estate and block names without a house or
flat number are kept (they name places, not people); outward-only postcodes ("SE15") are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TAGS = ("email", "url", "phone", "nhs number", "date of birth", "postcode", "address", "name")
_PRIORITY = {kind: rank for rank, kind in enumerate(TAGS)}
TAG_RE = re.compile(r"\[(?:" + "|".join(TAGS) + r")\]")

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'\[\]]*[^\s<>\"'\[\].,;:!?)]")
_D = r"[ \-\u00a0]?\d"  # one digit, optionally after a single space or hyphen
PHONE_RE = re.compile(
    rf"""(?<![\w£$€/])(?<!\d[.,])(?:
      (?:\+|00)[ ]?44[ ]?(?:\(0\)[ ]?)?[1-9](?:{_D}){{8,9}}
    | \(0\d{{2}}\)[ ]?\d(?:{_D}){{7}}
    | \(0\d{{3}}\)[ ]?\d(?:{_D}){{5,6}}
    | \(0\d{{4}}\)[ ]?\d(?:{_D}){{4,5}}
    | 0[1-9](?:{_D}){{8,9}}
    )(?!\w|/|:\d|[.,]\d)""",
    re.VERBOSE,
)
POSTCODE_RE = re.compile(
    r"(?<![\w/-])[A-Za-z]{1,2}\d[A-Za-z\d]?[ \u00a0]?\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}(?![\w/-])"
)
NHS_RE = re.compile(r"(?<![\w/-])(?<!\d[.,])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w/-]|[.,]\d)")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DOB_RE = re.compile(
    r"(?i)\b(?:d\.?o\.?b\.?|date of birth|birth ?date|born(?: on)?)[\s:,-]*"
    rf"(\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)


def _words(*chunks: str) -> list[str]:
    return " ".join(chunks).split()


TITLES = frozenset(
    _words(
        "Mr Mrs Ms Miss Mx Dr Doctor Prof Professor Cllr Councillor Rev Revd Reverend Father",
        "Fr Pastor Imam Sheikh Rabbi Bishop Sister Brother Auntie Aunty Uncle Sir Dame Nurse",
        "Lady Lord",
    )
)
_LOWER_TITLES = _words("mr mrs ms miss dr cllr mr. mrs. ms. dr.")
RELATIONS = _words(
    "son daughter husband wife partner boyfriend girlfriend neighbour neighbor friend mum mom",
    "mother dad father brother sister nan nana gran grandma grandad grandson granddaughter uncle",
    "aunt auntie aunty cousin nephew niece child kid boy girl baby carer colleague boss manager",
    "landlord landlady flatmate teacher worker officer midwife visitor nurse sibling stepson",
    "stepdaughter fiance fiancee",
)
_POSSESSIVES = _words("my our his her their")
# Words allowed between "my" and the relation: "my eldest son", "my ex-husband", "my key worker".
_AGE_WORDS = _words(
    "little big younger older youngest eldest oldest elder baby late ex - step support key",
    "social housing health care case new best old next door",
)
# Cues that make an ambiguous known first name ("Mark", "Grace") count as a name.
# One cue per string; "a|b" means either word in that position.
_NAME_CUES = ["called|named|contact|ring|text|email|phone",
              "ask|asked|speak|spoke|speaking|talk|talked for|to"]  # fmt: skip
# Cues strong enough that any capitalised word after them is a name.
_STRONG_CUES = ["name is|was|'s|:", "call|calls me", "i 'm|am called", "known as"]
_NOT_AFTER = frozenset(_words("St St. Saint Queen King Prince Princess Lady Lord"))
# Capitalised nouns that turn "Grace Church" or "Florence Road" into a place or organisation.
PLACE_NOUNS = frozenset(
    _words(
        "Road Rd Street St Avenue Ave Lane Close Way Estate Court Gardens Grove Place Drive",
        "Crescent Terrace Square Hill Row Walk Mews House Park Green Common Rise Parade Hospital",
        "School Academy College University Centre Center Church Mosque Temple Trust Foundation",
        "Fund Project Group Groups Network Forum Hub Club Team Society Association Partnership",
        "Leaders Community Communities Council Services Service Hall Library Station Line Bank",
        "Day Holiday Market Surgery Practice Clinic Ward Unit Tower Point Lodge Mansions Heights",
        "Building Buildings Nursery Course Farm Farms Field Fields Blvd Boulevard Bridge Wharf",
        "Quay Yard Ltd Limited Plc Inc Company Shop Store Stores Cafe Café Pub Arms Theatre",
        "Cinema Museum Gallery Stadium Leisure Gym Chapel Cathedral Synagogue Gurdwara Mandir",
        "Ministries Fellowship Institute Programme Program Scheme Alliance Union Board Charity",
        "Hospice Pharmacy Medical Health Homes Housing Award Awards",
    )
)
_STREET_SUFFIXES = _words(
    "road rd street st st. avenue ave lane ln close way estate court ct gardens gdns grove place",
    "pl drive dr crescent terrace square sq hill row walk mews house parade rise green park",
)
_LOWER_SUFFIXES = _words("road rd street avenue lane crescent terrace gardens grove drive mews")
_BLOCK_SUFFIXES = _words("house court estate mansions tower point lodge buildings building heights")
# "a flat 5 minutes away", "a 3 bedroom house": a number followed by these is not an address.
_QUANTITY_WORDS = frozenset(
    _words(
        "minute minutes mins min hour hours hrs day days week weeks month months year years yrs",
        "mile miles people person bed beds bedroom bedrooms bedded storey floor floors times kids",
        "children bus buses pound pounds percent mph am pm stop stops steps flights",
    )
)
_NOT_BEFORE_ADDRESS = frozenset(_words("the route bus zone year page number a every"))
_FLAT_RE = re.compile(r"(?i)flat|apartment|apt")
_DATA = Path(__file__).parent.parent / "data"
_NOT_LOWER_NAMES = {"anonymous", "unknown", "private", "irrelevant", "withheld"}


@dataclass(frozen=True)
class Span:
    """A piece of personal data found in a text: character offsets, kind and the text."""

    start: int
    end: int
    kind: str
    text: str


def redact(text: str) -> str:
    """Return `text` with every personal-data span replaced by a tag such as `[name]`."""
    while spans := find_pii(text):
        for span in reversed(spans):
            text = f"{text[: span.start]}[{span.kind}]{text[span.end :]}"
    return text


def find_pii(text: str) -> list[Span]:
    """Return the non-overlapping personal-data spans in `text`, in order."""
    found = _regex_spans(text) + _token_spans(text)
    tags = [m.span() for m in TAG_RE.finditer(text)]
    found = [s for s in found if not any(s[0] < e and b < s[1] for b, e in tags)]
    return [Span(b, e, kind, text[b:e]) for b, e, kind in _merge(found)]


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans):
        if merged and start < merged[-1][1]:
            b, e, k = merged[-1]
            merged[-1] = (b, max(e, end), min(k, kind, key=_PRIORITY.__getitem__))
        else:
            merged.append((start, end, kind))
    return merged


def _regex_spans(text: str) -> list[tuple[int, int, str]]:
    spans = [(*m.span(), kind) for kind, rx in _REGEXES for m in rx.finditer(text)]
    spans += [(*m.span(), "nhs number") for m in NHS_RE.finditer(text) if _nhs_ok(m[0])]
    return spans + [(*m.span(1), "date of birth") for m in DOB_RE.finditer(text)]


_REGEXES = [("email", EMAIL_RE), ("url", URL_RE), ("phone", PHONE_RE), ("postcode", POSTCODE_RE)]


def _nhs_ok(number: str) -> bool:
    """NHS numbers carry a modulus-11 check digit; most other 10-digit runs fail it."""
    digits = [int(c) for c in number if c.isdigit()]
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return (0 if check == 11 else check) == digits[9] and check != 10


# --- token-based detection (spaCy) ---------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    names: frozenset[str]
    ambiguous: frozenset[str]
    not_names: frozenset[str]
    phrases: tuple[str, ...]


@cache
def _lexicon() -> _Lexicon:
    def lines(name: str) -> list[str]:
        text = (_DATA / name).read_text("utf-8")
        return [ln.strip() for ln in text.splitlines() if ln.strip() and ln[0] != "#"]

    blocked = lines("not_names.txt")
    return _Lexicon(
        names=frozenset(lines("first_names.txt")),
        ambiguous=frozenset(lines("ambiguous_first_names.txt")),
        not_names=frozenset(w for w in blocked if " " not in w),
        phrases=tuple(w for w in blocked if " " in w),
    )


@cache
def _pipeline():
    """The blank English tokenizer with the name, address and protected-phrase matchers."""
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = spacy.blank("en")
    lex = _lexicon()
    matcher = Matcher(nlp.vocab)
    for label, patterns in _patterns(lex).items():
        matcher.add(label, patterns)
    protected = PhraseMatcher(nlp.vocab, attr="LOWER")
    protected.add("PROTECTED", [nlp.make_doc(p) for p in lex.phrases])
    return nlp, matcher, protected


def _patterns(lex: _Lexicon) -> dict[str, list[list[dict]]]:
    title = {"IS_TITLE": True}
    titles = sorted(TITLES | {f"{t}." for t in TITLES})
    known = {"TEXT": {"IN": sorted(lex.names)}}
    num = {"TEXT": {"REGEX": r"^\d{1,3}[A-Za-z]?$"}}
    street = {"TEXT": {"REGEX": r"^(?:[A-Z][A-Za-z'’.]*|['’]s?)$"}, "OP": "{1,4}"}
    lower_street = {
        "IS_LOWER": True,
        "IS_ALPHA": True,
        "IS_STOP": False,
        "LOWER": {"NOT_IN": sorted(_QUANTITY_WORDS)},
        "OP": "{1,2}",
    }
    suffix = {"LOWER": {"IN": _STREET_SUFFIXES}}
    flat = [
        {"LOWER": {"IN": ["flat", "apartment", "apt"]}},
        {"TEXT": {"REGEX": r"^(?:\d{1,4}[A-Za-z]?|(?!I$)[A-Z]\d{0,3})$"}},
    ]
    numbers = [[num], [num, {"ORTH": "-"}, num]]
    return {
        "NAME_STRONG": [[*_cue(cue), title] for cue in _STRONG_CUES]
        + [
            [
                {"LOWER": {"IN": _POSSESSIVES}},
                {"LOWER": {"IN": _AGE_WORDS}, "OP": "*"},
                {"LOWER": {"IN": RELATIONS}},
                title,
            ]
        ],
        "NAME_LOWER": [
            [
                {"LOWER": "my"},
                {"LOWER": "name"},
                {"LOWER": {"IN": ["is", "'s"]}},
                {"IS_ALPHA": True, "IS_LOWER": True, "IS_STOP": False},
            ]
        ],
        "NAME_TITLE": [
            [{"TEXT": {"IN": titles}}, {"ORTH": ".", "OP": "?"}, title],
            [{"LOWER": {"IN": _LOWER_TITLES}}, {"ORTH": ".", "OP": "?"}, title],
        ],
        "NAME_CUE": [[*_cue(cue), known] for cue in _NAME_CUES],
        "NAME_KNOWN": [[known]],
        "ADDRESS": [[*n, street, suffix] for n in numbers]
        + [[*n, lower_street, {"LOWER": {"IN": _LOWER_SUFFIXES}}] for n in numbers]
        + [flat, [*flat, {"ORTH": ",", "OP": "?"}, street, {"LOWER": {"IN": _BLOCK_SUFFIXES}}]],
    }


def _cue(cue: str) -> list[dict]:
    return [{"LOWER": {"IN": words.split("|")}} for words in cue.split()]


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the protected phrases of not_names.txt ("John Lewis")."""
    if not any(c.isalpha() for c in text):
        return []
    nlp, _, protected = _pipeline()
    doc = nlp.make_doc(text)
    return [(doc[b].idx, doc[e - 1].idx + len(doc[e - 1])) for _, b, e in protected(doc)]


def _token_spans(text: str) -> list[tuple[int, int, str]]:
    if not any(c.isalpha() for c in text):
        return []
    nlp, matcher, protected = _pipeline()
    doc = nlp.make_doc(text)
    shielded = {i for _, b, e in protected(doc) for i in range(b, e)}
    names, addresses = [], []
    for match_id, start, end in matcher(doc):
        label = nlp.vocab.strings[match_id]
        if label == "ADDRESS":
            if _is_address(doc, start, end):
                addresses.append((start, end))
        elif (span := _name_span(doc, end - 1, label, shielded)) is not None:
            names.append(span)
    spans = [(doc[b].idx, doc[e - 1].idx + len(doc[e - 1]), "name") for b, e in names]
    return spans + _join_addresses(doc, addresses)


def _name_span(doc, i: int, label: str, shielded: set[int]) -> tuple[int, int] | None:
    """Grow a name from its first token over surname-like tokens; None if it is not a name."""
    lex, tok = _lexicon(), doc[i]
    if i in shielded or tok.text in lex.not_names or len(tok) < 2 or tok.is_digit:
        return None
    if label == "NAME_LOWER":
        return None if tok.lower_ in _NOT_LOWER_NAMES else (i, i + 1)
    if tok.text in PLACE_NOUNS or (tok.is_stop and tok.text not in lex.names):
        return None
    weak = label == "NAME_KNOWN"
    if weak and i > 0 and doc[i - 1].text.rstrip(".") in _NOT_AFTER | TITLES:
        return None  # "St Thomas'", "Queen Elizabeth"; titled names come from NAME_TITLE
    end = _surname_end(doc, i + 1, shielded)
    nxt = doc[end + 1] if end < len(doc) - 1 and doc[end].text in ("'s", "'", "’s") else None
    if (end < len(doc) and doc[end].text in PLACE_NOUNS) or (nxt and nxt.text in PLACE_NOUNS):
        return None  # "Florence Road", "Mary's Hospital"
    if weak and tok.text in lex.ambiguous and end == i + 1:
        return None  # "Will", "Grace", "May" need a cue, a title or a surname
    return (_family_start(doc, i, shielded), end)


def _family_start(doc, i: int, shielded: set[int]) -> int:
    """Step back over family names written first mid-sentence ("and Nguyen Thi Linh")."""
    lex, b = _lexicon(), i
    while b > 0 and i - b < 2 and b - 1 not in shielded and doc[b - 1].whitespace_:
        before = doc[b - 2].text if b > 1 else "."
        if before in (".", "!", "?") or "\n" in before or not _surname_like(doc[b - 1], lex):
            break
        b -= 1
    return b


def _surname_end(doc, j: int, shielded: set[int]) -> int:
    lex, taken = _lexicon(), 0
    while j < len(doc) and taken < 3 and j not in shielded:
        if doc[j].text == "-" and not doc[j - 1].whitespace_ and j + 1 < len(doc):
            if not _surname_like(doc[j + 1], lex) or j + 1 in shielded:
                break
            j += 2
        elif doc[j - 1].whitespace_ and _surname_like(doc[j], lex):
            j += 1
        else:
            break
        taken += 1
    return j


def _surname_like(tok, lex: _Lexicon) -> bool:
    text = tok.text
    shaped = tok.is_title or re.fullmatch(r"(?:Mc|Mac)[A-Z][a-z]+", text) is not None
    return (
        shaped
        and len(text) > 1
        and not tok.is_stop
        and text not in lex.not_names
        and text not in PLACE_NOUNS
        and text.rstrip(".") not in TITLES
        and text not in lex.ambiguous
    )


def _is_address(doc, start: int, end: int) -> bool:
    if start > 0 and doc[start - 1].lower_ in _NOT_BEFORE_ADDRESS:
        return False
    return end >= len(doc) or doc[end].lower_ not in _QUANTITY_WORDS


def _join_addresses(doc, matches: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Union overlapping address matches; join "Flat 3" to a street address right after it."""
    spans: list[list[int]] = []
    for b, e in sorted(matches):
        start, end = doc[b].idx, doc[e - 1].idx + len(doc[e - 1])
        gap = doc.text[spans[-1][1] : start] if spans else "x"
        if spans and (
            start <= spans[-1][1]
            or (_FLAT_RE.match(doc.text, spans[-1][0]) and not gap.strip(", "))
        ):
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [(b, e, "address") for b, e in spans]
