"""Presidio pattern recognisers for UK personal details, with context words and check digits.

Scores: a pattern that is personal on its shape alone (an email, a valid NHS number) scores at
or above `THRESHOLD`; a shape that is only personal next to a context word (eight digits after
"account", a date after "born", a 10-digit number with a wrong check digit after "NHS") scores
`WEAK`, and Presidio's context enhancer lifts it over the threshold when a context word is
among the five words before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import IbanRecognizer, PhoneRecognizer

THRESHOLD = 0.5
WEAK = 0.2

_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s*@\s*)"
_TLD = r"(?:com|org|net|co|uk|io|info|me|edu|gov|ac|nhs|biz)"
_LOCAL = rf"[a-z0-9_+-]{{1,64}}(?:{_DOT}[a-z0-9_+-]{{1,64}}){{0,4}}"
_SPELLED = re.compile(r"(?i)[\[({<]\s*(?:at|dot)\s*[\])}>]|\s(?:at|dot)\s")
# "sam at hotmail dot com", "j.smith (at) gmail (dot) com" (a spelled-out part is required).
OBFUSCATED_EMAIL = (
    rf"\b{_LOCAL}{_AT}[a-z0-9-]{{1,63}}(?:{_DOT}[a-z0-9-]{{1,63}}){{0,4}}{_DOT}{_TLD}\b"
)
EMAIL = r"\b[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,4}\.[a-z]{2,}\b"
# A domain with a path, with or without a scheme: "facebook.com/amina.hussein.77".
_DOMAIN = (
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,4}"
    r"(?:com|org|net|co\.uk|org\.uk|uk|io|me|tv|ly|gg|app|page|link|info|co)"
)
URL = rf"(?:\bhttps?://\S+|\bwww\.\S+|\b{_DOMAIN}/\S+)"
HANDLE = r"(?<![\w@./])@[a-z0-9_](?:[a-z0-9_.]{0,28}[a-z0-9_])?"
_SEP = r"[ .\-\u00a0]?"
UK_PHONE = (
    rf"(?<![\w£$€/.])(?!\d{{1,2}}([-/.])\d{{1,2}}\1\d{{2,4}}\b)"
    rf"(?:\+44{_SEP}(?:\(0\){_SEP})?|0044{_SEP}|\(?0)"
    rf"\d(?:\)?{_SEP}\d){{8,9}}(?![\w/:]|[.,]\d)"
)
INTL_PHONE = r"(?<![\w/])(?:\+|00)[1-9]\d{0,2}(?:[ .\-]?\(?\d{1,5}\)?){2,6}(?![\w/]|[.,]\d)"
NHS = r"(?<![\w/.-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w/]|[.,]\d)"
NINO = (
    r"\b(?!bg|gb|nk|kn|nt|tn|zz)[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z]"
    r"[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[a-d]\b"
)
IBAN = r"\b[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,3})?\b"
LOOSE_NINO = r"\b[a-z]{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[a-d]\b"
SORT_CODE = (
    r"(?<![\w/.-])\d{2}[- ]\d{2}[- ]\d{2}(?![\w/-]|[.,]\d)|(?<![\w/.-])\d{6}(?![\w/-]|[.,]\d)"
)
ACCOUNT = r"(?<![\w/.-])\d{8}(?![\w/-]|[.,]\d)"
_ORDINAL = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|thirtieth|(?:twenty|thirty)[- ]?(?:first|second|third|fourth|fifth|sixth|seventh"
    r"|eighth|ninth))"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL})"
DATE = (
    rf"\b(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})"
    rf"|(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}|{_MONTH}\s+{_DAY},?\s+\d{{4}})\b"
)


def iban_ok(text: str) -> bool:
    """The ISO 13616 mod-97 check."""
    code = re.sub(r"\s", "", text).upper()
    digits = "".join(str(int(c, 36)) for c in code[4:] + code[:4])
    return len(code) >= 15 and int(digits) % 97 == 1


class NhsNumberRecognizer(PatternRecognizer):
    """NHS numbers: a valid modulus-11 check digit is enough; a wrong one needs "NHS" nearby."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="UK_NHS",
            patterns=[Pattern("nhs number", NHS, WEAK)],
            context=["nhs", "health", "chi"],
            name="NhsNumberRecognizer",
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """True when the check digit holds; None (keep the weak score) when it does not."""
        digits = [int(c) for c in pattern_text if c.isdigit()]
        check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
        return True if (0 if check == 11 else check) == digits[9] else None


class ShapeRecognizer(PatternRecognizer):
    """A one-pattern recogniser whose matches must also pass `check` (None: no check)."""

    def __init__(self, entity, name, regex, score, context=None, check=None) -> None:
        self.check: Callable[[str], bool] | None = check
        super().__init__(
            supported_entity=entity,
            patterns=[Pattern(name, regex, score)],
            context=context,
            name=f"{name} recogniser",
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """False drops the match; None keeps the pattern's score."""
        return None if self.check is None or self.check(pattern_text) else False


def _recogniser(entity, name, regex, score, context=None, check=None) -> ShapeRecognizer:
    return ShapeRecognizer(entity, name, regex, score, context, check)


def _digits(low: int, high: int) -> Callable[[str], bool]:
    return lambda text: low <= sum(c.isdigit() for c in text) <= high


def pattern_recognisers() -> list[EntityRecognizer]:
    """Every pattern recogniser, Presidio's own where they fit our cases."""
    return [
        _recogniser("EMAIL_ADDRESS", "email", EMAIL, 1.0),
        _recogniser("EMAIL_ADDRESS", "spelled email", OBFUSCATED_EMAIL, 0.8, check=_SPELLED.search),
        _recogniser("URL", "url", URL, 0.6),
        _recogniser("HANDLE", "handle", HANDLE, 0.6),
        _recogniser("PHONE_NUMBER", "uk phone", UK_PHONE, 0.7),
        _recogniser("PHONE_NUMBER", "international phone", INTL_PHONE, 0.6, check=_digits(8, 15)),
        PhoneRecognizer(supported_regions=["GB"], leniency=1),
        NhsNumberRecognizer(),
        _recogniser("UK_NINO", "nino", NINO, 0.6),
        # A mistyped prefix is still a National Insurance number when one is mentioned.
        _recogniser("UK_NINO", "nino shape", LOOSE_NINO, WEAK, ["ni", "nino", "insurance"]),
        IbanRecognizer(),
        _recogniser("IBAN_CODE", "iban shape", IBAN, 0.6, check=iban_ok),
        _recogniser("SORT_CODE", "sort code", SORT_CODE, WEAK, ["sort", "code", "bank"]),
        _recogniser(
            "BANK_ACCOUNT",
            "account number",
            ACCOUNT,
            WEAK,
            ["account", "acc", "acct", "a/c", "bank", "number"],
        ),
        _recogniser(
            "DATE_OF_BIRTH",
            "date of birth",
            DATE,
            WEAK,
            # spaCy lemmatises "born" to "bear", and Presidio matches context on lemmas.
            ["born", "bear", "birth", "dob", "d.o.b", "d.o.b.", "birthday", "bday"],
        ),
    ]
