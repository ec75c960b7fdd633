"""The frame every page shares: sign-in, menu by role, help overlay, errors, sign-out."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.fixtures.browser import UiServer, assert_accessible, assert_no_script_errors, sign_in


def test_a_page_without_a_session_leads_to_sign_in_and_back(
    ui_server: UiServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    page.goto(ui_server.url("/ui/suche?q=Bauantrag"))
    expect(page).to_have_url(ui_server.url("/ui/anmelden?next=/ui/suche%3Fq%3DBauantrag"))
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("API-Schlüssel").fill("ek_falsch_schluessel")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("unbekannt")

    page.get_by_label("API-Schlüssel").fill(ui_server.key("caseworker", "63"))
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/ui/suche?q=Bauantrag")
    assert_no_script_errors(page)


def test_the_menu_shows_what_the_role_may_use(
    ui_server: UiServer, new_page: Callable[[], Page]
) -> None:
    station = new_page()
    sign_in(station, ui_server, ui_server.key("station"))
    menu = station.get_by_role("navigation", name="Hauptmenü")
    expect(menu.get_by_role("link")).to_have_text(["Posteingang"])

    caseworker = new_page()
    sign_in(caseworker, ui_server, ui_server.key("caseworker", "63"))
    links = caseworker.get_by_role("navigation", name="Hauptmenü").get_by_role("link")
    expect(links).to_have_text(
        ["Posteingang", "Prüfen", "Postkorb", "Suche", "Akten", "E-Rechnungen"]
    )


def test_help_overlay_errors_and_sign_out(
    ui_server: UiServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, ui_server, ui_server.key("records_manager"), next_path="/ui/gibt-es-nicht")
    expect(page.get_by_role("heading", name="Nicht gefunden")).to_be_visible()
    assert_accessible(page)

    page.keyboard.press("Shift+?")
    help_dialog = page.get_by_role("dialog", name="Tastaturbefehle")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Diese Hilfe zeigen")
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    # WCAG 2.1.4: single-character shortcuts can be switched off, and on again.
    page.get_by_role("button", name="Tastatur").click()
    switch = help_dialog.get_by_label("Tastenkürzel aus einzelnen Zeichen ausschalten")
    switch.check()
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+?")
    expect(help_dialog).to_be_hidden()
    page.get_by_role("button", name="Tastatur").click()
    switch.uncheck()
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+?")
    expect(help_dialog).to_be_visible()
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/ui/anmelden")
    page.goto(ui_server.url("/ui/"))
    expect(page).to_have_url(ui_server.url("/ui/anmelden?next=/ui/"))
    assert_no_script_errors(page)
