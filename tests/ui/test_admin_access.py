"""Verwaltung › API-Schlüssel and Leitweg-IDs: create a key, use it, revoke it; routes."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from services.einvoice.leitweg import compute_check_digits
from tests.fixtures.browser import UiServer, assert_accessible, assert_no_script_errors, sign_in

FORBIDDEN = "Dafür fehlt Ihnen die Berechtigung"
LEITWEG = f"05958000-RECH77-{compute_check_digits('05958000', 'RECH77')}"


def test_a_new_key_is_shown_once_signs_in_and_stops_working_when_revoked(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    admin = new_page()
    sign_in(admin, server, server.admin_key, "/ui/verwaltung/schluessel")
    expect(admin.get_by_role("heading", level=1, name="API-Schlüssel")).to_be_visible()
    assert_accessible(admin)

    admin.keyboard.press("n")
    dialog = admin.get_by_role("dialog", name="Neuer API-Schlüssel")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Name (wer oder welcher Arbeitsplatz ihn benutzt)")).to_be_focused()
    dialog.get_by_label("Name (wer oder welcher Arbeitsplatz ihn benutzt)").fill("Bauamt Test")
    dialog.get_by_label("Rolle").select_option("caseworker")
    dialog.get_by_label("Einheit").select_option("63")
    dialog.get_by_label("Freigabe (höchste lesbare Vertraulichkeit)").select_option("002")
    assert_accessible(admin)
    dialog.get_by_role("button", name="Schlüssel anlegen").click()

    panel = admin.get_by_role("region", name="Neuer Schlüssel: nur jetzt sichtbar")
    expect(panel).to_contain_text("kann ihn später nicht mehr anzeigen")
    secret_field = panel.get_by_label("Schlüssel für „Bauamt Test“")
    expect(secret_field).to_be_focused()
    secret = secret_field.input_value()
    assert secret.startswith("ek_")
    admin.context.grant_permissions(["clipboard-read", "clipboard-write"])
    panel.get_by_role("button", name="Kopieren").click()
    assert admin.evaluate("navigator.clipboard.readText()") == secret
    assert_accessible(admin)

    clerk = new_page()
    sign_in(clerk, server, secret, "/ui/verwaltung/aktenplan")
    expect(clerk.get_by_role("heading", level=1, name="Aktenplan")).to_be_visible()
    clerk.goto(server.url("/ui/verwaltung/schluessel"))
    expect(clerk.get_by_role("heading", level=1)).to_have_text(FORBIDDEN)
    clerk.goto(server.url("/ui/verwaltung/personen"))
    expect(clerk.get_by_role("heading", level=1)).to_have_text(FORBIDDEN)
    assert_accessible(clerk)

    panel.get_by_role("button", name="Fertig").click()
    expect(panel).to_be_hidden()
    expect(admin.get_by_role("status").filter(has_text="nicht mehr angezeigt")).to_be_visible()
    row = admin.get_by_role("row").filter(has_text="Bauamt Test")
    expect(row).to_contain_text("Sachbearbeitung")
    expect(row).to_contain_text("VS - Nur für den Dienstgebrauch")
    expect(row).not_to_contain_text(secret)
    row.get_by_role("button", name="Bauamt Test widerrufen").click()
    confirm = admin.get_by_role("dialog", name="Bitte bestätigen")
    expect(confirm).to_contain_text("Bauamt Test")
    confirm.get_by_role("button", name="Widerrufen").click()
    expect(row).to_contain_text("widerrufen am")
    expect(row.get_by_role("button")).to_have_count(0)

    clerk.goto(server.url("/ui/verwaltung/aktenplan"))
    expect(clerk).to_have_url(server.url("/ui/anmelden?next=/ui/verwaltung/aktenplan"))
    assert_no_script_errors(admin)


def test_leitweg_routes_are_added_changed_and_removed(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    page = new_page()
    sign_in(page, server, server.key("records_manager"), "/ui/verwaltung/leitweg")
    expect(page.get_by_role("heading", level=1, name="Leitweg-IDs")).to_be_visible()
    assert_accessible(page)

    page.keyboard.press("n")
    expect(page.get_by_label("Leitweg-ID")).to_be_focused()
    page.get_by_label("Leitweg-ID").fill("0595-kaputt")
    page.get_by_label("Einheit").select_option("20")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Leitweg-ID")

    page.get_by_label("Leitweg-ID").fill(LEITWEG)
    page.get_by_label("Beschreibung").fill("Kämmerei")
    page.get_by_role("button", name="Speichern").click()
    row = page.get_by_role("row").filter(has_text=LEITWEG)
    expect(row).to_contain_text("20")
    expect(row).to_contain_text("Kämmerei")
    expect(page.get_by_role("status").filter(has_text="geht jetzt an")).to_be_visible()

    row.get_by_role("button", name=f"{LEITWEG} ändern").click()
    expect(page.get_by_label("Einheit")).to_be_focused()
    page.get_by_label("Einheit").select_option("63")
    page.get_by_label("Aufbewahrung").select_option("ao")
    page.get_by_role("button", name="Speichern").click()
    expect(row).to_contain_text("AO")
    expect(row.get_by_role("cell").first).to_contain_text("63")
    assert_accessible(page)

    row.get_by_role("button", name=f"{LEITWEG} entfernen").click()
    page.get_by_role("dialog", name="Bitte bestätigen").get_by_role(
        "button", name="Entfernen"
    ).click()
    expect(page.get_by_role("status").filter(has_text="ist entfernt")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=LEITWEG)).to_have_count(0)
    assert_no_script_errors(page)

    reader = new_page()
    sign_in(reader, server, server.key("caseworker", "63"), "/ui/verwaltung/leitweg")
    expect(reader.get_by_role("heading", level=1, name="Leitweg-IDs")).to_be_visible()
    expect(reader.get_by_role("button", name="Speichern")).to_have_count(0)
