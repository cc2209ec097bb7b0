"""Which language an answer is written in: py3langid (a naive Bayes over byte n-grams, numpy).

A bottom module so that intake (at submission) and the theme pipeline can both use it. It
abstains (None) when an answer is too short to tell or the model is unsure: a wrong tag would
send an English answer to the multilingual model, so "don't know" is the safe answer.
"""

from __future__ import annotations

import functools

# The languages partners hear most in Lambeth and Southwark besides English; names for tags.
NAMES = {
    "en": "English",
    "pt": "Portuguese",
    "es": "Spanish",
    "pl": "Polish",
    "so": "Somali",
    "bn": "Bengali",
    "yo": "Yoruba",
    "ar": "Arabic",
    "tr": "Turkish",
    "fr": "French",
    "ro": "Romanian",
    "ur": "Urdu",
    "ti": "Tigrinya",
    "am": "Amharic",
    "tw": "Twi",
    "lt": "Lithuanian",
    "it": "Italian",
    "zh": "Chinese",
    "vi": "Vietnamese",
    "fa": "Persian",
    "ku": "Kurdish",
    "ta": "Tamil",
    "gu": "Gujarati",
    "pa": "Punjabi",
    "hi": "Hindi",
    "ru": "Russian",
    "uk": "Ukrainian",
}

# Fixed before measuring (not tuned on the bench table): fewer letters than this, or a
# normalised probability below this, and the answer's language is "unsure" (None).
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.5
_NOT_LANGUAGES = {"zxx", "und"}  # py3langid's "no linguistic content" / "undetermined"


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # 2 s to load: once, lazily

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str | None) -> str | None:
    """The ISO 639-1 code of `text`'s language, or None when it is too short or unsure."""
    if not text or sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    code, confidence = _identifier().classify(text)
    if code in _NOT_LANGUAGES or confidence < MIN_CONFIDENCE or len(code) != 2:
        return None
    return code


def language_name(code: str | None) -> str:
    """An English name for a language code ("Unknown" for None)."""
    if code is None:
        return "Unknown"
    return NAMES.get(code, code)
