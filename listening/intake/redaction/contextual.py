"""Presidio recognisers for details that are personal because of the words around them.

Pure module: no Flask, no database. Each recogniser looks for a general shape and decides by
context words (lists below), never by fitting a phrase:

- `spoken numbers`: phone numbers written wholly or partly in words ("oh seven seven double oh
  nine...", also Portuguese, Spanish and Polish digit words): a run of at least 9 digits.
- `app handles`: a user name without "@" next to the name of a social app ("my tiktok is
  mumof3sel", "kemi_bakes on insta").
- `references`: case, claim and reference numbers (letters and digits joined by "/" or "-", or
  a long digit run) near "case", "ref", "claim", "crime"... (Presidio's context enhancer).
- `house numbers`: a house or flat number after a cue word ("número", "nº", "nr", "piso",
  "mieszkanie", "flat", "at number"), or next to a street name, in English, Portuguese,
  Spanish and Polish; the street and the floor ("primero izquierda", "3º B") go with it.
- `word names` (English): a given name that is also an ordinary word ("Hope", "Will") where it
  is used as a name: after a relation or "called", before a verb of saying, in apposition
  ("Summer, my daughter"; "Bill the caretaker"), possessive, or "Will from the food bank".
- `roles at places` and `descriptions` (English): a definite role at a named place ("the head
  teacher at St Saviour's") and a uniquely identifying description ("the only Somali family
  in our block"). These are reported to the reviewer (kinds `role_at_place` and
  `identifying_description`), not replaced: see `FLAGS` in engine.py.
- `helplines`: not a recogniser but a veto: freephone, 03 and 116 numbers and the three-digit
  services belong to organisations (Childline 0800 1111, Samaritans 116 123, NHS 111), and the
  organisations named in data/not_names.txt stay readable.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from presidio_analyzer import EntityRecognizer, RecognizerResult

from listening.intake.redaction import legacy
from listening.intake.redaction.recognisers import ShapeRecognizer
from listening.intake.redaction.words import common_words, known_words

RECOGNISERS = (
    "spoken numbers",
    "app handles",
    "references",
    "house numbers",
    "word names",
    "roles at places",
    "descriptions",
    "helplines",
)
ENGLISH_ONLY = frozenset({"word names", "roles at places", "descriptions"})
_DATA = Path(__file__).parent.parent / "data"


def _words(*chunks: str) -> frozenset[str]:
    return frozenset(" ".join(chunks).split())


# --- phone numbers in words -----------------------------------------------------------------

_DIGIT_WORDS = (
    "zero oh nought one two three four five six seven eight nine",  # English ("o" below)
    "um uma dois duas três tres quatro cinco seis sete oito nove",  # Portuguese
    "cero uno una dos cuatro siete ocho nueve",  # Spanish (tres, cinco, seis above)
    "jeden jedna dwa dwie trzy cztery pięć piec sześć szesc siedem osiem dziewięć dziewiec",
)
_DIGIT = "|".join(sorted(" ".join(_DIGIT_WORDS).split(), key=len, reverse=True))
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_REPEAT = "double|triple|treble"
_ONE = rf"(?:{_DIGIT}|o(?=[\s,-]+(?:{_DIGIT}|\d)))"
_UNIT = (
    rf"(?:(?:{_REPEAT})[\s-]+(?:{_ONE}|\d)|(?:{_TENS})(?:[\s-]+(?:{_DIGIT}))?|(?:{_TEENS})"
    rf"|{_ONE}(?:\s+hundred)?|[oO]?\d+)"  # "O7700": a letter O for a zero
)
_GAP = r"(?:\s*[,-]\s*|\s+(?:and\s+)?)"
SPOKEN_NUMBER = rf"(?<![\w.,+£$€])(?:\+\s?|plus{_GAP})?{_UNIT}(?:{_GAP}{_UNIT}){{2,}}(?![\w])"
_WORD_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def spoken_digits(text: str) -> tuple[int, int]:
    """(digits, words) of a run like "oh seven double 4 0": how many digits it stands for and
    how many of its parts are words."""
    digits, words, repeat, tens = 0, 0, 1, False
    for token in _WORD_TOKEN.findall(text.lower()):
        if token.isdigit() or (token[:1] == "o" and token[1:].isdigit() and len(token) > 1):
            digits, repeat, tens = digits + repeat * len(token), 1, False
        elif token in ("double", "triple", "treble"):
            repeat, words = (2 if token == "double" else 3), words + 1
        elif token == "hundred":
            digits, words = digits + 2, words + 1
        elif token == "plus":
            words += 1
        elif re.fullmatch(_TENS, token) or re.fullmatch(_TEENS, token):
            digits, words, tens = digits + 2, words + 1, token not in _TEENS
        else:  # a digit word; after a tens word it fills the units ("seventy seven")
            digits += 0 if tens else repeat
            words, repeat, tens = words + 1, 1, False
    return digits, words


def _spoken_ok(text: str) -> bool:
    """9 to 15 digits, two of the parts words (one is enough when the number starts with 0)."""
    digits, words = spoken_digits(text)
    leading_zero = text.lstrip("+ ")[:1] in ("0", "O", "o", "4")
    inside = not re.search(r"[^\W\d_]$", text)  # the one word is not a word after the number
    return 9 <= digits <= 15 and (words >= 2 or (words == 1 and leading_zero and inside))


# --- references ----------------------------------------------------------------------------

_JOINED = r"[a-z0-9]+(?:[/-][a-z0-9]+)+"
_ALNUM = r"(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{6,14}"
# An all-capitals prefix may stand apart: "CAD 4471/12MAR".
REFERENCE = (
    rf"(?<![\w/.-])(?:(?-i:[A-Z]{{2,4}})\s)?(?:{_JOINED}|{_ALNUM}|\d{{5,14}}|\d{{3,5}}(?:\s\d{{2,5}}){{1,3}})"
    r"(?![\w/-]|[.,]\d)"
)
# Letters and at least five digits joined by "/" or "-" ("HB/2023/04417", "SWK-HR-778213"): a
# reference on its shape alone, as ordinary text hardly writes them.
STRONG_REFERENCE = (
    r"(?<![\w/.-])(?=[a-z0-9/-]*[a-z])(?=(?:[a-z/-]*\d){5})[a-z0-9]+(?:[/-][a-z0-9]+)+"
    r"(?![\w/-]|[.,]\d)"
)
# Dates ("12/03/2024", "2024-03-12") and year ranges ("2023/24", "2023-2024") are no references.
_DATE_OR_YEARS = re.compile(
    r"^(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}[/-]\d{1,2}(?:[/-]\d{1,2})?|(?:19|20)\d\d[/-]"
    r"(?:19|20)\d\d|\d{1,2}[/-]\d{1,2})$"
)
REFERENCE_CONTEXT = sorted(
    _words(
        "case ref refs reference referral claim crime incident log ticket complaint application",
        "tenancy customer membership register registration file enquiry appeal tribunal court",
        "policy permit visa passport licence license pcn penalty hmrc utr nino ni booking number",
        "no num account",
        "processo referência referencia caso pedido candidatura queixa denúncia",  # pt
        "expediente solicitud denuncia número numero",  # es
        "sprawa sprawy sygnatura numer nr wniosek wniosku zgłoszenie zgłoszenia",  # pl
    )
)


def _reference_ok(text: str) -> bool:
    """Four digits at least; not a date, a year range ("2023/24") or a short pair ("24/7")."""
    return sum(c.isdigit() for c in text) >= 4 and not _DATE_OR_YEARS.match(text.split()[-1])


def _strong_reference_ok(text: str) -> bool:
    """Not a date or a year range, and not a word with a number ("covid-19", "M25-J7")."""
    return _reference_ok(text) and sum(c.isdigit() for c in text) >= 5


# --- handles next to social apps --------------------------------------------------------------

APPS = _words(
    "insta instagram ig tiktok tik-tok snap snapchat facebook fb twitter whatsapp telegram",
    "youtube yt twitch discord threads linkedin bluesky reddit pinterest kik wechat",
)
# App names that are also ordinary words: only a user name joined with "_", "." or digits.
_AMBIGUOUS_APPS = _words("snap threads x")
_HANDLE_SHAPE = re.compile(r"(?i)(?<![\w@./])@?([a-z0-9_](?:[a-z0-9_.]{1,28}[a-z0-9_]))(?![\w@])")
# The app's name, a word for a user name, or X after "on" ("on X as ...").
_APP_WORD = re.compile(
    rf"(?i)(?<![\w@./])(?:{'|'.join(sorted(APPS))}|handle|username|user\s?name|gamertag"
    r"|(?-i:X)(?=\s*[:(])|(?<=on )(?-i:X))(?![\w@])"
)
# Words that may stand between an app's name and the handle ("on insta as", "snap: ", "sou a").
_FILLER = _words(
    "is it's its me my i'm im i am as at on under called name named handle username user id",
    "account page profile search for find add follow dm message username's",
    "sou a o é como meu minha no na",  # pt
    "soy es como mi en el la",  # es
    "jestem to mnie mój moje na jako",  # pl
)


def _handle_like(word: str, strong: bool) -> bool | None:
    """A user name: joined with "_", "." or digits (True); a known word or a function word
    (None: look further); anything else is a plain user name unless `strong` is asked for."""
    if any(c in word for c in "_.") or any(c.isdigit() for c in word):
        return any(c.isalpha() for c in word) and not word.replace(".", "").isdigit()
    if word.lower() in _FILLER or word.lower() in known_words() or len(word) < 4:
        return None
    return not strong


class AppHandleRecogniser(EntityRecognizer):
    """HANDLE: a user name within a few words after (or just before) a social app's name."""

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text, entities, nlp_artifacts=None):
        """The handles next to each app name in `text`."""
        results = []
        for app in _APP_WORD.finditer(text):
            end = min(len(text), app.end() + 60)
            for m in list(_HANDLE_SHAPE.finditer(text, app.end(), end))[:5]:
                between = text[app.end() : m.start()]
                if between.count(".") > 1 or "\n" in between or "," in between.strip(" ,"):
                    break  # another sentence or clause
                strong = app[0].lower() in _AMBIGUOUS_APPS
                shaped = m[0].startswith("@") or _handle_like(m[1], strong=strong)
                if shaped is None:
                    continue
                if shaped:
                    results.append(RecognizerResult("HANDLE", m.start(1), m.end(1), 0.7))
                break
            # Before the app: "kemi_bakes on insta", "jay.k22 is my snap" (joined names only).
            before = text[max(0, app.start() - 50) : app.start()]
            gap = re.search(r"(\S+)\s+(?:(?:on|in|at|from|is|'s|my|our|the)\s+){1,3}$", before)
            if gap and (m := _HANDLE_SHAPE.fullmatch(gap[1].rstrip(",:"))):
                if _handle_like(m[1], strong=True):
                    start = app.start() - len(before) + gap.start(1)
                    results.append(RecognizerResult("HANDLE", start, start + len(m[0]), 0.7))
        return results


# --- house and flat numbers ------------------------------------------------------------------

# NFKC has made "º" an "o" by the time recognisers run ("3º B" is "3o B").
_NUMBER = r"\d{1,4}(?:\s?[º°ªo](?!\w))?(?:\s?[A-Za-z](?![\w'’.]))?(?:/\d{1,4}[a-z]?)?"
# After these a number is a house or flat number.
_HOUSE_CUES = (
    r"n\.?\s?[º°o]\.?|nr\.?|núm\.?|num\.|numer(?:em|u|ze)?|número|numero|number|no\."
    r"|flat|apartment|apt\.?|maisonette|apartamento|apto\.?|piso|puerta|portal|mieszkani(?:e|a|u)"
    r"|lokal(?:u)?|lok\.|m\.|casa|bloco|bloque|blok|lote|escalera|klatka|house number"
)
_STREET_WORDS = (
    r"rua|avenida|av\.|travessa|largo|praça|calle|c/|avenida|paseo|plaza|camino|ul\.|ulica"
    r"|ulicy|al\.|aleja|alei|os\.|osiedle|osiedlu|pl\."
)
_CAP = r"[A-ZÀ-ÝĄĆĘŁŃÓŚŹŻ][\w'’.-]*"
# Words joining a number to its street in Portuguese, Spanish and Polish ("número 45 da
# Coldharbour Lane", "numerem 14 na Lewisham Way"). Not English "on": "flat 21 on the North
# Peckham Estate" keeps the estate's name (the redactor's decision for estates and streets).
_LINK = r"(?:d[aoe]s?|del|de\s+la|la|el|na|no|em|en|w|we|przy)"
# "Coldharbour Lane", "Brockley Rise" (an English suffix), or "Rua das Flores", "ul. Kwiatowa".
_EN_STREET = rf"(?:{_CAP}\s+){{1,3}}(?:{'|'.join(sorted(legacy.PLACE_NOUNS))})\b"
_CONT_STREET = (
    rf"(?i:{_STREET_WORDS})\s+(?:{_LINK}\s+)*(?:{_CAP})(?:\s+(?:{_LINK}\s+)?{_CAP}){{0,3}}"
)
_STREET = rf"(?:{_EN_STREET}|{_CONT_STREET})"
_FLOOR = (
    r"(?:\d{1,2}[º°ªo]\s?(?:[A-Za-z]\b|andar|piso|esq\w*|dir\w*|izq\w*|dcha|dto)?"
    r"|(?:primero|segundo|tercero|cuarto|quinto|bajo|ático|primeiro|terceiro|rés-do-chão)"
    r"(?:\s+(?:izquierda|derecha|izda|dcha|esquerdo|direito|esq|dto))?"
    r"|(?:esquerdo|direito|izquierda|derecha))"
)
_CUED = rf"(?i:\b(?:{_HOUSE_CUES}))\s*{_NUMBER}"
_QUANTITY = (
    r"%|(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|people|pessoas|personas|osób"
    r"|lat|anos|años|miles|km|metres|meters|buses|times|quartos|habitaciones|pokoje|bed\w*)\b"
)
# The number after the street (continental order): after a comma only with a street word
# ("Rua de Peckham, 12"); "St Mary's Road, 45a Old Kent Rd" is two English addresses.
_PIECE = (
    rf"(?:{_CUED}|\d{{1,4}}[a-z]?(?=\s+{_LINK}\s+{_STREET})"
    rf"|(?:{_CONT_STREET}(?:\s*,)?|{_EN_STREET})\s+{_NUMBER}(?!\s*(?i:{_QUANTITY}))"
    rf"|{_FLOOR})"
)
HOUSE = re.compile(
    rf"(?<![\w/])(?:{_STREET}\s*,?\s*)?{_PIECE}"
    rf"(?:\s*,?\s*{_PIECE}|\s*,?\s*{_LINK}\s+{_STREET}|\s+{_EN_STREET})*"
)
_NOT_AFTER_NUMBER = _words(
    "bus buses autobus ônibus autocarro tram route line linha línea linia the list",
    "queue waiting priority one minutes minute hours days weeks years people persons pessoas",
    "personas osób lat anos años % pm am times vezes veces razy",
)
_STARTS_WITH_NUMBER_CUE = re.compile(r"(?i)^(?:number|numero|número|no\.?)\s")


class HouseNumberRecogniser(EntityRecognizer):
    """ADDRESS: a house or flat number with its cue word, street and floor."""

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text, entities, nlp_artifacts=None):
        """House and flat numbers in `text` (any of the supported languages)."""
        results = []
        for m in HOUSE.finditer(text):
            piece = m[0].rstrip(" ,")
            if not re.search(r"\d", piece) or not re.search(rf"{_CUED}|{_STREET}", piece):
                continue  # a floor alone ("derecha", "2º") is no address
            if not self._plausible(text, m.start(), m.start() + len(piece), piece):
                continue
            results.append(RecognizerResult("HOUSE_NUMBER", m.start(), m.start() + len(piece), 0.6))
        return results

    @staticmethod
    def _plausible(text: str, start: int, end: int, piece: str) -> bool:
        after = re.findall(r"[^\W_]+|%", text[end : end + 20].lower())[:1]
        if after and after[0] in _NOT_AFTER_NUMBER and not re.search(_STREET, piece):
            return False  # "number 12 bus", "número 3 da lista" stays
        if _STARTS_WITH_NUMBER_CUE.match(piece) and not re.search(_STREET, piece):
            # "number 17" alone: a house only after a word of place or living ("at number 17")
            before = re.findall(r"[^\W\d_]+", text[max(0, start - 25) : start].lower())[-1:]
            return bool(before) and before[0] in _WHERE
        return True


_WHERE = _words(
    "at on in from to live lives living lived opposite next door moved stay stays staying re m",
    "no na em en el pod w we przy mieszkam mieszka moro mora vivo vive",
)


# --- given names that are ordinary words (English) ------------------------------------------


@cache
def word_names() -> frozenset[str]:
    """Lower-cased given names that are also ordinary words (data/word_names.txt and the
    ambiguous and common-word names of the first-names list)."""
    text = (_DATA / "word_names.txt").read_text("utf-8")
    listed = {ln.strip().lower() for ln in text.splitlines() if ln.strip() and ln[0] != "#"}
    lex = legacy._lexicon()
    listed |= {n.lower() for n in lex.ambiguous}
    listed |= {n.lower() for n in lex.names if n.lower() in common_words()}
    return frozenset(listed)


_RELATIONS = frozenset(legacy.RELATIONS) | _words("neighbor mate pal lodger client tenant")
_CALLED = _words("called named name aka nicknamed")
# Verbs a person does as a sentence's subject: saying, telling, helping, coming and going.
_PERSON_VERBS = _words(
    "say tell ask ring call text message email phone explain mention reply answer promise write",
    "shout complain suggest reckon think insist admit warn agree offer help send bring give",
    "visit come go lend drive pick sort arrange organise organize run work live cook look take",
    "make show teach listen sit stand smile laugh cry die pass move leave start stop want need",
    "know feel believe love hate like miss",
)
# Verbs after which a capitalised word-name is the person spoken to or about ("asked Will").
_OBJECT_VERBS = _words(
    "ask tell thank thanks meet see ring call text email message visit speak talk chat phone",
    "contact miss love help join",
)
_NOUN_BEFORE = _words(
    "the a an this that these last next every each no some any of in on at for by our their his",
    "her its your my such what whose",
)


def _is_word_name(doc, i: int) -> bool:
    """Token i, a capitalised word-name, is used as a person's name."""
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    nxt2 = doc[i + 2] if i + 2 < len(doc) else None
    prev = doc[i - 1] if i > 0 else None
    if nxt is not None and (nxt.text in legacy.PLACE_NOUNS or nxt.text[:1].isupper()):
        if nxt.lower_ not in _RELATIONS and nxt.text != "I":
            return False  # "Hope Street", "Summer Fair", "Grace Church"
    if prev is not None and prev.lower_ in _NOUN_BEFORE:
        return False  # "no hope", "the will", "in May", "my Faith"
    if prev is not None and (prev.lower_ in _RELATIONS or prev.lower_ in _CALLED):
        return True  # "my neighbour Hope", "a lady called Grace"
    if i > 1 and prev.lower_ in ("him", "her", "them") and doc[i - 2].lower_ in _CALLED:
        return True  # "we called him Will"
    if i > 1 and prev.text == "," and doc[i - 2].lower_ in _RELATIONS:
        return True  # "our son, Will, is seven"
    if _paired(doc, i):
        return True  # "Joy and Faith run the group"
    if nxt2 is not None and nxt.lower_ == "and" and nxt2.lower_ in ("i", "me", "my"):
        return True  # "Hope and I went"
    if i > 1 and prev.lower_ == "and" and doc[i - 2].lower_ in ("me", "i"):
        return True  # "me and Will"
    if i > 1 and prev.lower_ == "you" and doc[i - 2].lemma_.lower() == "thank":
        return True  # "thank you Grace"
    if nxt is None:
        return False
    if nxt.text in ("'s", "’s") and not (nxt2 is not None and nxt2.text in legacy.PLACE_NOUNS):
        return True  # "Hope's"
    if nxt.text == "," and nxt2 is not None and nxt2.lower_ in _words("my our his her their the"):
        rest = [w.lower_ for w in doc[i + 3 : i + 6]]
        return any(w in _RELATIONS or w in ROLES for w in rest)  # "Summer, my daughter,"
    if (
        nxt.lower_ == "the"
        and nxt2 is not None
        and (nxt2.lower_ in ROLES or nxt2.lower_ in _RELATIONS)
    ):
        return True  # "Bill the caretaker"
    if nxt2 is not None and nxt.lower_ == "from" and (nxt2.is_alpha or nxt2.is_title):
        return True  # "Will from the food bank"
    person_verb = nxt.tag_ == "VBD" or nxt.lemma_.lower() in _PERSON_VERBS
    if nxt.tag_ in ("VBD", "VBZ") and person_verb and nxt.pos_ != "AUX":
        return True  # "Grace said", "Hope helps", "Hope arrived"
    if prev is not None and not _sentence_start(doc, i):
        verb = doc[i - 2] if prev.lower_ in ("to", "with", "for") and i > 1 else prev
        return verb.lemma_.lower() in _OBJECT_VERBS  # "I asked Will", "spoke to Grace"
    return False


def _paired(doc, i: int) -> bool:
    """Two capitalised given names joined by "and" before a verb ("Joy and Faith run...")."""
    if i + 3 < len(doc) and doc[i + 1].lower_ == "and":
        first, other, verb = i, i + 2, doc[i + 3]
    elif i > 1 and i + 1 < len(doc) and doc[i - 1].lower_ == "and":
        first, other, verb = i - 2, i - 2, doc[i + 1]
    else:
        return False
    names = word_names() | {n.lower() for n in legacy._lexicon().names}
    return (
        doc[other].is_title
        and doc[other].lower_ in names
        and doc[first].is_title
        and verb.tag_ in ("VBD", "VBZ", "VBP")
        and verb.pos_ != "AUX"
    )


def _sentence_start(doc, i: int) -> bool:
    before = doc.text[: doc[i].idx].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?\n:;"


class WordNameRecogniser(EntityRecognizer):
    """WORD_NAME: a given name that is also an ordinary word, where it is used as a name."""

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text, entities, nlp_artifacts=None):
        """The capitalised word-names in `text` that the words around them make names."""
        doc, names = nlp_artifacts.tokens, word_names()
        return [
            RecognizerResult("WORD_NAME", t.idx, t.idx + len(t), 0.6)
            for t in doc
            if t.is_title and t.lower_ in names and _is_word_name(doc, t.i)
        ]


# --- roles at named places and identifying descriptions (English) ----------------------------

ROLES = _words(
    "teacher headteacher head headmaster headmistress principal manager caretaker vicar priest",
    "imam pastor rabbi minister chaplain gp doctor nurse midwife receptionist landlord landlady",
    "owner chair chairman chairwoman chairperson secretary treasurer coordinator co-ordinator",
    "officer warden concierge janitor cleaner librarian pharmacist chemist dentist councillor mp",
    "coach instructor supervisor director ceo boss deputy senco matron governor lady guard",
    "bouncer barman barmaid bartender barber hairdresser butcher baker shopkeeper cashier porter",
    "steward leader organiser organizer founder administrator keyworker worker assistant",
    "therapist counsellor counselor psychologist psychiatrist consultant surgeon paramedic",
    "inspector sergeant constable detective solicitor lawyer judge magistrate clerk mayor",
    "trustee chef cook driver postman postwoman lecturer tutor professor dean registrar",
    "superintendent physio optician vet carer handyman gardener volunteer youth deacon",
    "churchwarden verger bursar president proprietor publican barista waiter waitress doorman",
    "lifeguard ranger attendant adviser advisor caseworker mentor childminder pcso ta visitor",
    "man woman guy bloke fella security",
)
PERSON_NOUNS = ROLES | _words(
    "person man woman lady guy girl boy child kid baby family household couple resident tenant",
    "neighbour neighbor user member parent mum mom dad mother father grandmother grandfather",
    "grandparent nan gran student pupil employee patient speaker muslim christian jew sikh",
    "hindu refugee migrant immigrant one widow widower pensioner wife husband son daughter",
)
PLACE_WORDS = _words(
    "school primary secondary academy college nursery university uni mosque church temple",
    "gurdwara synagogue chapel surgery practice clinic hospital pharmacy chemist library centre",
    "center hall club group estate block building tower street road lane close court house",
    "office shop store branch supermarket cafe café pub restaurant gym pool park station depot",
    "garage factory warehouse site ward unit hostel shelter home bank market salon class year",
    "team floor department firm company charity corridor parish council",
)
_POSSESSIVE = _words("my our their his her your its")
_DEFINITE = _POSSESSIVE | {"the"}
_PLACE_PREPS = _words("at of in from for on with near outside inside opposite by behind")
_UNIQUE = _words("only sole one")
_LINK_WORDS = _words("of and &")


def _capitalised(t) -> bool:
    return (t.text[:1].isupper() and t.text != "I") or t.text in ("'s", "’s", "'", "St", "St.")


def place_end(doc, i: int, named: bool) -> int | None:
    """The end of a specific place phrase starting at token i, or None.

    A place: an optional determiner, then capitalised words (with "of", "and", "'s" between
    them) and/or a place word ("the Lidl", "St Saviour's primary", "the Lordship Lane surgery",
    "our block"), optionally followed by "on/in/at" and another ("the school on Dog Kennel
    Hill"). `named`: at least one capitalised word is needed (a role at a named place);
    otherwise a possessive ("our block") or "the" + place word will do.
    """
    j, det = i, None
    if j < len(doc) and doc[j].lower_ in _DEFINITE | {"a"}:
        det, j = doc[j].lower_, j + 1
    start, caps, place, end, numbered = j, 0, 0, None, False
    while j < len(doc):
        t = doc[j]
        if _capitalised(t) and not t.is_punct or t.text in ("'s", "’s", "'", "’"):
            caps += t.text[:1].isupper()
        elif t.lower_ in PLACE_WORDS:
            place += 1
        elif t.lower_ in _LINK_WORDS and caps and j + 1 < len(doc) and _capitalised(doc[j + 1]):
            j += 1
            continue
        elif t.like_num or _ORDINAL.match(t.text):
            house = t.i > start and doc[t.i - 1].lower_ in ("number", "no", "no.")
            place, numbered = place + house, numbered or house
            if j == start and not (j + 1 < len(doc) and doc[j + 1].lower_ in PLACE_WORDS):
                break  # "Ward 4", "the 12th floor", "number 5"; not "at 5 o'clock"
        elif t.lower_ in ("number", "no", "no.") and j + 1 < len(doc) and doc[j + 1].like_num:
            pass
        elif t.is_lower and t.pos_ in ("NOUN", "ADJ", "PROPN") and j - start < 3:
            j += 1  # "the corner shop": a modifier counts only if a place word follows
            continue
        else:
            break
        j += 1
        end = j
    if end is None:
        return None
    j = end
    while j < len(doc) and doc[j].is_lower and doc[j].pos_ == "NOUN" and j - end < 2:
        j += 1  # "the school gates", "St Mary's care home"
    if j < len(doc) - 1 and doc[j].lower_ in ("on", "in", "at", "off", "of", "near"):
        more = place_end(doc, j + 1, False)
        if more is not None and (caps or place):
            caps, j = caps + _has_capital(doc, j + 1, more), more
    if caps or (numbered and not named):
        return j  # a named place, or a house number ("the one at number 5")
    if named or not place:
        return None
    return j if det is not None and det != "a" else None


_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")


def _has_capital(doc, b: int, e: int) -> int:
    return int(any(doc[k].text[:1].isupper() for k in range(b, e)))


def _span_result(doc, b: int, e: int, entity: str) -> RecognizerResult:
    return RecognizerResult(entity, doc[b].idx, doc[e - 1].idx + len(doc[e - 1]), 0.6)


class RolePlaceRecogniser(EntityRecognizer):
    """ROLE_AT_PLACE: "the head teacher at St Saviour's", "the manager of the Lidl on Rye Lane"."""

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text, entities, nlp_artifacts=None):
        """Definite roles at named places in `text` (reported, not replaced)."""
        doc, results = nlp_artifacts.tokens, []
        for t in doc:
            if t.lower_ not in ROLES or t.tag_ in ("NNS", "NNPS"):
                continue
            b = _determiner_before(doc, t.i)
            if b is None:
                continue
            k = t.i + 1
            if k + 1 < len(doc) and doc[k].lower_ == "of" and doc[k + 1].tag_ == "NN":
                k += 2  # "head of year at ..."
            if k + 1 < len(doc) and doc[k].lower_ in ("who", "that") and doc[k + 1].pos_ == "VERB":
                k += 2  # "the woman who runs the Lidl on Rye Lane"
                k += k < len(doc) and doc[k].lower_ in _PLACE_PREPS
                k -= 1  # place_end starts after k
            elif k < len(doc) and doc[k].lower_ in _PLACE_PREPS:
                pass
            else:
                k = None
            end = place_end(doc, k + 1, named=True) if k is not None else None
            if end is not None:
                results.append(_span_result(doc, b, end, "ROLE_AT_PLACE"))
            elif t.is_lower and _named_before(doc, b, t.i) and t.lower_ not in _words("man woman"):
                results.append(_span_result(doc, b, t.i + 1, "ROLE_AT_PLACE"))
        return results


def _named_before(doc, b: int, i: int) -> bool:
    """A named place or organisation among the words before a role ("the Lidl manager",
    "St Saviour's head teacher"): a capitalised word that does not start the sentence."""
    return any(
        doc[k].text[:1].isupper() and doc[k].text != "I" and not _sentence_start(doc, k)
        for k in range(b, i)
    )


def _determiner_before(doc, i: int) -> int | None:
    """The index of "the"/"our"... before token i over at most three modifiers, or None."""
    b = i - 1
    while b >= 0 and i - b <= 6:
        t = doc[b]
        if t.lower_ in _DEFINITE:
            return b
        if t.text in ("'s", "’s") and b > 0 and doc[b - 1].text[:1].isupper():
            first = b - 1  # "St Saviour's head teacher": the place is the determiner
            while first > 0 and doc[first - 1].text[:1].isupper():
                first -= 1
            return first
        participle = t.tag_ in ("VBG", "VBN")  # "Tamil-speaking", "retired"
        if t.is_punct and t.text != "-" or t.pos_ in ("AUX", "ADP", "PRON", "CCONJ"):
            return None
        if t.pos_ == "VERB" and not participle:
            return None
        b -= 1
    return None


class DescriptionRecogniser(EntityRecognizer):
    """IDENTIFYING_DESCRIPTION: "the only … at/in …", "the one … at …", "the oldest … on …"."""

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text, entities, nlp_artifacts=None):
        """Uniquely identifying descriptions of a person at a place (reported, not replaced)."""
        doc, results = nlp_artifacts.tokens, []
        norp = {i for e in doc.ents if e.label_ == "NORP" for i in range(e.start, e.end)}
        for t in doc:
            unique = t.lower_ in _UNIQUE or t.tag_ == "JJS" or t.lower_ in ("first", "last")
            if not unique or t.i == 0:
                continue
            before = doc[t.i - 1].lower_
            if before not in _DEFINITE and not (t.lower_ == "only" and before == "of"):
                continue
            first = t.i - 1
            if before == "of" and first > 0 and doc[first - 1].lower_ in ("one", "two", "three"):
                first -= 1  # "one of only two black girls in her year"
            # "the one with the wheelchair at number 5": "one" is the person itself
            nxt = doc[t.i + 1].lower_ if t.i + 1 < len(doc) else ""
            person = t.lower_ == "one" and nxt in {"who", "with", "that"} | _PLACE_PREPS
            clause = False
            for k in range(t.i + 1, min(len(doc), t.i + 11)):
                w = doc[k]
                if w.lower_ in _PLACE_PREPS and person:
                    end = place_end(doc, k + 1, named=False)
                    if end is not None:
                        results.append(_span_result(doc, first, end, "IDENTIFYING_DESCRIPTION"))
                        break
                    continue  # "the only one in a wheelchair on our estate"
                if person and w.lower_ in ("who", "that", "with"):
                    clause = True  # "the only person who speaks Polish at ..."
                    continue
                verb = w.pos_ in ("VERB", "AUX") and not (clause or w.tag_ in ("VBG", "VBN"))
                if w.is_punct and w.text != "-" or verb or (w.pos_ == "PRON" and not clause):
                    break
                head = k + 1 == len(doc) or doc[k + 1].is_punct or doc[k + 1].lower_ in _PLACE_PREPS
                # Plurals only after "only" ("the only two black teachers"); "the best
                # teachers" is no one in particular.
                plural_ok = t.lower_ in _UNIQUE
                noun = w.lower_ in PERSON_NOUNS or (plural_ok and w.lemma_.lower() in PERSON_NOUNS)
                person = person or noun or (k in norp and head)  # "Somali"
        return results


# --- helplines and organisations --------------------------------------------------------------

_SERVICE = re.compile(r"^(?:0(?:80[08]|3\d\d|84[45]|87[01])\d*|116\d{3}|1[01]\d|999|112)$")


def service_number(text: str) -> bool:
    """A freephone, 03, 084x/087x, 116xxx or three-digit service number: an organisation's."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("44"):
        digits = "0" + digits[2:].removeprefix("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return bool(_SERVICE.match(digits))


def recognisers(off: frozenset[str] = frozenset(), english: bool = True) -> list[EntityRecognizer]:
    """The recognisers of this module, less those named in `off` (and the English-only ones
    when `english` is False)."""
    on = [r for r in RECOGNISERS if r not in off and (english or r not in ENGLISH_ONLY)]
    built: list[EntityRecognizer] = []
    if "spoken numbers" in on:
        built.append(
            ShapeRecognizer("PHONE_NUMBER", "spoken number", SPOKEN_NUMBER, 0.7, None, _spoken_ok)
        )
    if "app handles" in on:
        built.append(AppHandleRecogniser(supported_entities=["HANDLE"], name="app handle"))
    if "references" in on:
        built.append(
            ShapeRecognizer(
                "REFERENCE", "strong reference", STRONG_REFERENCE, 0.5, None, _strong_reference_ok
            )
        )
        built.append(
            ShapeRecognizer(
                "REFERENCE", "reference", REFERENCE, 0.2, REFERENCE_CONTEXT, _reference_ok
            )
        )
    if "house numbers" in on:
        built.append(HouseNumberRecogniser(supported_entities=["HOUSE_NUMBER"], name="house"))
    if "word names" in on:
        built.append(WordNameRecogniser(supported_entities=["WORD_NAME"], name="word name"))
    if "roles at places" in on:
        built.append(RolePlaceRecogniser(supported_entities=["ROLE_AT_PLACE"], name="role"))
    if "descriptions" in on:
        built.append(
            DescriptionRecogniser(supported_entities=["IDENTIFYING_DESCRIPTION"], name="unique")
        )
    return built
