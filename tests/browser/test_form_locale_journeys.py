"""The partner form in Portuguese in real Chromium at 390 px: switcher, errors, axe clean."""

from __future__ import annotations

import time
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import audit, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_partner_switches_the_form_to_portuguese(page, live_server):
    partner = live_server.make_partner()
    sign_in(page, partner)
    page.goto("/intake/conversations/new")
    expect(page.locator("h1")).to_have_text("Log a conversation")
    page.get_by_role("link", name="Português").click()
    expect(page.locator("h1")).to_have_text("Registar uma conversa")
    assert page.evaluate("document.documentElement.lang") == "pt"
    page.wait_for_load_state()  # the stylesheets too, before measuring
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot(page, "form-pt")
    violations = audit(page, "form-pt")
    # the same form posted by the browser (as without the script): errors in Portuguese
    page.evaluate("() => document.getElementById('conversation-form').submit()")
    page.wait_for_load_state()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Há um problema")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Selecione o bairro")
    violations += audit(page, "form-pt-errors")
    assert violations == []
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Log a conversation")


def test_the_offline_form_speaks_portuguese_too(page, context, live_server):
    """The script's messages (checks, the outbox, the date warning) come from the same
    catalogue, rendered into the page: nothing of the offline journey stays in English."""

    partner = live_server.make_partner()
    sign_in(page, partner)
    page.goto("/intake/conversations/new?lang=pt")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    page.get_by_label("Data da conversa").fill("2023-05-20")
    expect(page.locator("#date-warning")).to_have_text(
        "Verifique a data: 20 de maio de 2023 é antes do início desta campanha"
        " (1 de junho de 2023)."
    )
    page.get_by_label("Data da conversa").fill(date.today().isoformat())
    page.get_by_label("Quantas pessoas participaram").fill("muitas")
    time.sleep(1.1)  # the NHS.UK button's double-click guard
    page.get_by_role("button", name="Enviar conversa").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Há um problema")
    expect(summary).to_contain_text("Indique quantas pessoas participaram, com um número como 3")
    expect(summary).to_contain_text("Selecione o bairro onde a conversa decorreu")
    violations = audit(page, "form-pt-script-errors")
    context.set_offline(True)
    page.get_by_label("Southwark", exact=True).check()  # a borough's name, as typed
    page.get_by_label("Grupo pequeno", exact=True).check()
    page.get_by_label("Quantas pessoas participaram").fill("4")
    page.get_by_role("button", name="Adicionar outra resposta").click()
    expect(page.get_by_label("Resposta 2", exact=True)).to_be_focused()
    page.get_by_label("Resposta 1", exact=True).fill("A renda subiu outra vez e a humidade voltou.")
    page.get_by_label("Resposta 2", exact=True).fill("Não há nada para os miúdos fazerem.")
    page.get_by_role("group", name="Concordaram em ser citados").get_by_label("Sim").check()
    time.sleep(1.1)
    page.get_by_role("button", name="Enviar conversa").click()
    outbox = page.locator("#outbox-status")
    expect(outbox).to_contain_text("Conversa guardada neste telemóvel.")
    expect(outbox).to_contain_text("1 conversa guardada neste telemóvel, ainda não enviada.")
    expect(outbox).to_contain_text("Serão enviadas quando voltar a ter ligação.")
    violations += audit(page, "form-pt-offline")
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(outbox).to_contain_text("Tudo enviado. 1 conversa enviada a partir desta página.")
    assert "saved on this phone" not in outbox.inner_text()
    assert violations == []
