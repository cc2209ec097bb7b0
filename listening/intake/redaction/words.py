"""Word tables from spaCy's English lexeme probabilities: which lower-case words are ordinary
words, which are known at all, and the frequent ones typos are checked against. Used by the
engine and the contextual recognisers (below both, so neither imports the other for them)."""

from __future__ import annotations

from functools import cache

_COMMON_LOGPROB = -17.0
_TITLE_MARGIN = 1.0  # "rose", "dawn": about as often capitalised as not, still ordinary words
_KNOWN_LOGPROB = -18.0
_FREQUENT_LOGPROB = -14.0  # the dictionary that typos and run-together words are checked against


@cache
def _word_tables() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    import srsly
    from spacy_lookups_data import get_file

    probs: dict[str, float] = srsly.read_gzip_json(get_file("en_lexeme_prob.json.gz"))
    titled = {w.lower(): p for w, p in probs.items() if w.istitle()}
    common = frozenset(
        w
        for w, p in probs.items()
        if w.islower() and p >= max(_COMMON_LOGPROB, titled.get(w, -99) - _TITLE_MARGIN)
    )
    known = frozenset(w.lower() for w, p in probs.items() if p >= _KNOWN_LOGPROB)
    frequent = frozenset(w for w in common if probs[w] >= _FREQUENT_LOGPROB)
    return common, known, frequent


def common_words() -> frozenset[str]:
    """Lower-case words that are more often ordinary words than capitalised names."""
    return _word_tables()[0]


def known_words() -> frozenset[str]:
    """Lower-cased words seen often enough in spaCy's English table to be "known"."""
    return _word_tables()[1]


def frequent_words() -> frozenset[str]:
    """The common words frequent enough to check typos and run-together words against."""
    return _word_tables()[2]
