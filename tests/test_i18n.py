"""The translations are complete: every message in the code and templates has a Portuguese
translation (fails when a string is added without one), the offline form's script messages are
in the page's catalogue, and English dates and error texts are what they always were."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from flask import render_template_string
from werkzeug import exceptions

from listening import errors, i18n

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}
JS_CALL = re.compile(r"\bn?t\(\s*'((?:[^'\\]|\\.)*)'")


def _source_messages() -> set[str]:
    """What `make translations` extracts (babel.cfg), by msgid (a plural's singular)."""
    found = set()
    for folder, pattern, method, options in (
        ("listening", "**.py", "python", {}),
        ("templates", "**.html", "jinja2", {"extensions": "jinja2.ext.do"}),
    ):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, [(pattern, method)], {pattern: options}, KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _translated(locale: str) -> dict:
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalogue = read_po(fh)
    done = {}
    for m in catalogue:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.id and not m.fuzzy and all(strings):
            done[m.id[0] if isinstance(m.id, tuple) else m.id] = strings
    return done


def test_every_message_in_the_code_has_a_portuguese_translation():
    wanted = _source_messages()
    assert len(wanted) > 300 and "Who we heard from" in wanted  # the extraction found them
    missing = sorted(wanted - set(_translated("pt")))
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing[:10])


def test_translations_keep_their_placeholders():
    for msgid, strings in _translated("pt").items():
        wanted = sorted(set(re.findall(r"%\(\w+\)[sd]|%%", msgid)))
        for text in strings:
            assert sorted(set(re.findall(r"%\(\w+\)[sd]|%%", text))) == wanted, msgid


def _script_messages() -> set[str]:
    found = set()
    for path in (ROOT / "listening" / "static" / "js").glob("*.js"):  # messages.js: examples
        if path.name == "messages.js":
            continue
        found |= set(JS_CALL.findall(path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("locale", ["pt"])
def test_the_offline_form_messages_are_in_the_page_catalogue(app, locale):
    with app.test_request_context(f"/intake/conversations/new?lang={locale}"):
        i18n.forget_previous_locale()
        html = render_template_string('{% include "_macros/js_messages.html" %}', cspNonce="n")
    catalogue = json.loads(re.search(r">(\{.*\})</script>", html, re.S).group(1))
    used = _script_messages()
    assert len(used) > 35 and "Sending…" in used
    assert sorted(used - set(catalogue)) == []
    for english, text in catalogue.items():
        forms = text if isinstance(text, list) else [text]
        assert all(form and form != english for form in forms), english
    assert catalogue["Sending…"] == "A enviar…"
    assert catalogue["Sign in again to send %(num)s saved conversation"][1].endswith(
        "%(num)s conversas guardadas"
    )


def test_english_dates_are_written_as_they_always_were(app):
    day = date(2023, 6, 5)
    with app.test_request_context("/pledges?lang=en"):
        i18n.forget_previous_locale()  # the app context (and Babel's cached locale) is shared
        assert [i18n.day_text(day, style) for style in i18n.DAY_STYLES] == [
            "5 June 2023",
            "June 2023",
            "5 Jun 2023",
            "Jun 2023",
        ]
    with app.test_request_context("/pledges?lang=pt"):
        i18n.forget_previous_locale()
        assert i18n.day_text(day) == "5 de junho de 2023"
        assert i18n.day_text(day, "month") == "junho de 2023"
    assert i18n.day_text(None) == ""


def test_the_error_texts_in_the_catalogue_are_werkzeugs():
    for error in (exceptions.BadRequest, exceptions.NotFound, exceptions.MethodNotAllowed):
        assert error.description in errors.ERROR_TEXTS
        assert error().name in errors.ERROR_TEXTS
