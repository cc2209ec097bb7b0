"""The public pages in Portuguese: chosen by a link that keeps the page (and a cookie) or by
Accept-Language; <html lang> follows; what staff typed stays as typed; English unchanged."""

from __future__ import annotations

from datetime import date

import pytest

from listening.assembly import operations as ops
from listening.extensions import db


@pytest.fixture
def pledge(make_pledge, reviewer):
    pledge = make_pledge(actor=reviewer, due_on=date(2025, 3, 31))
    ops.post_update(
        pledge, ops.UpdateInput(date(2024, 1, 10), "on-track", "Two trusts accredited."), reviewer
    )
    db.session.commit()
    return pledge


def test_the_language_link_keeps_the_page_and_a_cookie_remembers_it(client, pledge):
    english = client.get(f"/pledges/{pledge.id}?campaign=sel-2023")
    html = english.get_data(as_text=True)
    assert '<html lang="en"' in html and "The commitment" in html
    assert f'href="/pledges/{pledge.id}?campaign=sel-2023&amp;lang=pt"' in html
    assert "lang=" not in english.headers.get("Set-Cookie", "")
    chosen = client.get(f"/pledges/{pledge.id}?campaign=sel-2023&lang=pt")
    assert "lang=pt" in chosen.headers["Set-Cookie"] and "HttpOnly" in chosen.headers["Set-Cookie"]
    again = client.get(f"/pledges/{pledge.id}").get_data(as_text=True)  # the cookie, no ?lang
    assert '<html lang="pt"' in again
    for text in ("O compromisso assumido", "Atualizações do progresso", "Dentro do previsto"):
        assert text in again, text
    assert "Every NHS trust a London Living Wage employer" in again  # a title, as typed
    assert "Two trusts accredited." in again  # an update, as typed
    assert "31 de março de 2025" in again and "31 March 2025" not in again
    assert "Os compromissos, os nomes dos temas e o que as pessoas disseram" in again
    client.get("/pledges?lang=en")
    assert '<html lang="en"' in client.get("/pledges").get_data(as_text=True)


def test_accept_language_chooses_portuguese_on_public_pages(client, pledge):
    for url in ("/pledges", "/pledges/themes/work-wages-cost-of-living", "/pledges/events"):
        response = client.get(url, headers={"Accept-Language": "pt-PT,pt;q=0.9"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and '<html lang="pt"' in html, url
        assert "Saltar para o conteúdo principal" in html and "Skip to main content" not in html
        assert "Accept-Language" in response.headers["Vary"]


def test_counts_and_suppression_words_are_translated(client, pledge):
    html = client.get("/pledges?lang=pt").get_data(as_text=True)
    assert "pessoas ouvidas" in html and "people heard" not in html
    theme = client.get("/pledges/themes/work-wages-cost-of-living?lang=pt").get_data(as_text=True)
    assert "Comprometemo-nos" in theme and "We pledged" not in theme


def test_error_pages_and_footer_pages_in_portuguese(client):
    missing = client.get("/pledges/99999?lang=pt")
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404 and "Página não encontrada" in html
    assert "Não existe nenhum compromisso com esse número." in html
    unknown = client.get("/no-such-page?lang=pt&x=%22%3E")
    assert "O endereço pedido não foi encontrado" in unknown.get_data(as_text=True)
    assert 'href="/no-such-page?x=%22%3E&amp;lang=en"' in unknown.get_data(as_text=True)
    page = client.get("/privacy?lang=pt").get_data(as_text=True)
    assert "<h1>Aviso de privacidade</h1>" in page and "<h2>Os seus direitos</h2>" in page
    cookies = client.get("/cookies").get_data(as_text=True)
    assert "lang: lembra-se do idioma que escolheu" in cookies
    english = client.get("/cookies?lang=en").get_data(as_text=True)
    assert "lang: remembers the language you chose" in english


def test_a_page_an_admin_rewrote_is_shown_as_typed_and_marked_english(client, make_user):
    from listening.pages import operations as pages

    pages.save_page("contact", "Contact the team", "Write to us.", make_user("admin"))
    db.session.commit()
    html = client.get("/contact?lang=pt").get_data(as_text=True)
    assert "<h1>Contact the team</h1>" in html
    assert "Esta página só está disponível em inglês." in html
    assert '<div lang="en"><p>Write to us.</p></div>' in html


def test_odd_query_strings_never_break_the_language_link(client, pledge):
    for query in ("_scheme=x", "endpoint=y", "pledge_id=3", "lang=xx", "lang=pt&lang=en"):
        assert client.get(f"/pledges?{query}").status_code == 200, query


def test_the_follow_form_errors_are_in_portuguese_beside_the_field(client, pledge):
    client.get("/pledges?lang=pt")
    response = client.post(f"/follow/pledges/{pledge.id}", data={"email": "nope"})
    html = response.get_data(as_text=True)
    assert html.count("Escreva um endereço de email no formato correto") == 2
    assert 'value="nope"' in html  # what was typed is kept


def test_the_sign_in_page_in_portuguese(client, make_user):
    partner = make_user("partner")
    db.session.commit()
    html = client.get("/intake/conversations/new?lang=pt", follow_redirects=True).get_data(
        as_text=True
    )
    assert "<h1>Iniciar sessão</h1>" in html and "Inicie sessão para continuar." in html
    wrong = client.post("/login", data={"email": partner.email, "password": "not it"})
    text = wrong.get_data(as_text=True)
    assert text.count("O endereço de email ou a palavra-passe não estão certos") == 2
    empty = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Escreva a sua palavra-passe" in empty and "Enter your password" not in empty
