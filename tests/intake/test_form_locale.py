"""The partner form in Portuguese (Flask-Babel): chosen by ?lang= or Accept-Language,
remembered, with a switcher; English stays the default; the catalogue is complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from listening.extensions import db
from tests.intake.test_conversation_views import form_data

NEW = "/intake/conversations/new"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def partner(make_campaign, make_user):
    make_campaign()
    user = make_user("partner", "Peckham Community Centre")
    db.session.commit()
    return user


def test_english_is_the_default(signed_in, partner):
    html = signed_in(partner).get(NEW).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "<h1>Log a conversation</h1>" in html and "Registar uma conversa" not in html
    assert 'href="/intake/conversations/new?lang=pt"' in html


def test_lang_pt_shows_the_form_in_portuguese_and_is_remembered(signed_in, partner):
    client = signed_in(partner)
    html = client.get(NEW + "?lang=pt").get_data(as_text=True)
    assert '<html lang="pt"' in html
    for text in ("<h1>Registar uma conversa</h1>", "Data da conversa", "Enviar conversa", "Sim"):
        assert text in html, text
    assert "Log a conversation</h1>" not in html
    again = client.get(NEW).get_data(as_text=True)  # no ?lang: the choice is kept
    assert "<h1>Registar uma conversa</h1>" in again
    back = client.get(NEW + "?lang=en").get_data(as_text=True)
    assert "<h1>Log a conversation</h1>" in back


def test_accept_language_chooses_portuguese(signed_in, partner):
    response = signed_in(partner).get(NEW, headers={"Accept-Language": "pt-PT,pt;q=0.9,en;q=0.5"})
    assert "<h1>Registar uma conversa</h1>" in response.get_data(as_text=True)
    assert "Accept-Language" in response.headers.get("Vary", "")


def test_errors_are_in_portuguese_beside_the_field(signed_in, partner):
    client = signed_in(partner)
    client.get(NEW + "?lang=pt")
    response = client.post(NEW, data=form_data(borough=None, people_count="muitas"))
    assert response.status_code == 422
    html = response.get_data(as_text=True).split('id="app-messages"')[0]  # not the script's
    assert "Há um problema" in html
    assert html.count("Selecione o bairro onde a conversa decorreu") == 2  # summary + field
    assert "Indique quantas pessoas participaram, com um número como 3" in html


def test_an_unknown_lang_is_ignored(signed_in, partner):
    html = signed_in(partner).get(NEW + "?lang=xx").get_data(as_text=True)
    assert "<h1>Log a conversation</h1>" in html


def test_public_pages_are_cached_per_language(client, app):
    english = client.get("/pledges", headers={"Accept-Language": "en"}).get_data(as_text=True)
    portuguese = client.get("/pledges?lang=pt").get_data(as_text=True)
    assert "Acompanhamento dos compromissos" in portuguese
    assert "Acompanhamento dos compromissos" not in english


def test_the_portuguese_catalogue_is_complete_and_compiled():
    po_path = ROOT / "translations" / "pt" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
        catalogue = read_po(fh)
    with (ROOT / "translations" / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    wanted = {m.id for m in template if m.id}
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert wanted and wanted <= translated
    with po_path.with_suffix(".mo").open("rb") as fh:
        compiled = read_mo(fh)
    assert _strings(compiled) == _strings(catalogue)


def _strings(catalogue) -> dict:
    """msgid → msgstr; plural messages as tuples (read_mo gives lists, read_po tuples)."""
    return {_tuple(m.id): _tuple(m.string) for m in catalogue if m.id}


def _tuple(value):
    return tuple(value) if isinstance(value, list | tuple) else value
