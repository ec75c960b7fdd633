"""Akten list and Akte page: data, Vorgänge, documents, history, shares, and who sees what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.browser import UiServer, assert_accessible, assert_no_script_errors, sign_in
from tests.ui.casework_setup import filed_letter, open_akte


@pytest.fixture(scope="module")
def bau(ui_server_module: UiServer) -> dict[str, Any]:
    server = ui_server_module
    akte = open_akte(
        server,
        "521.01",
        "Neubau Gartenstraße 12",
        subject_keys=[{"kind": "bauantrag", "value": "BA-2026-0042"}],
    )
    vorgang = server.api.post(f"/api/v1/akten/{akte['id']}/vorgaenge", json={"title": "Anhörung"})
    assert vorgang.status_code == 201, vorgang.text
    for n in range(3):
        filed_letter(server, akte, f"Stellungnahme {n}")
    open_akte(server, "521.02", "Lärmbeschwerde Lindenweg")
    return akte


def test_list_and_akte_page_show_data_vorgaenge_documents_history(
    ui_server_module: UiServer, bau: dict[str, Any], new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), next_path="/ui/akten")
    expect(page.get_by_role("heading", name="Akten", level=1)).to_be_visible()
    listing = page.locator("table[data-rows]")
    expect(listing).to_contain_text(bau["aktenzeichen"])
    expect(listing).to_contain_text("521.01 – Baugenehmigungsverfahren")
    assert_accessible(page)

    page.get_by_label("Aktenplan").first.select_option("521.02")
    page.get_by_role("button", name="Filtern").click()
    expect(page.get_by_role("heading", name="1 Akte", exact=True)).to_be_visible()
    expect(listing).not_to_contain_text(bau["aktenzeichen"])
    page.get_by_label("Aktenplan").first.select_option("")
    page.get_by_label("Text").fill("BA-2026-0042")
    page.get_by_role("button", name="Filtern").click()
    expect(page.get_by_role("heading", name="1 Akte", exact=True)).to_be_visible()
    page.locator("main h1").click()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ui/akten/{bau['id']}")

    expect(page.get_by_role("heading", level=1)).to_contain_text(bau["aktenzeichen"])
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Bauordnungsamt")
    expect(facts).to_contain_text("Offen")
    expect(facts).to_contain_text("BA-2026-0042")
    expect(facts).to_contain_text("5 Jahre nach dem Ereignis")
    expect(page.get_by_role("table", name="Vorgänge")).to_contain_text("Anhörung")
    expect(page.get_by_role("heading", name="Dokumente (3)")).to_be_visible()
    expect(page.get_by_role("table", name="Dokumente (3)").get_by_role("link")).to_have_count(3)
    expect(page.get_by_role("table", name="Verlauf")).to_contain_text("Akte angelegt")
    assert_accessible(page)
    assert_no_script_errors(page)

    other = new_page()
    sign_in(other, server, server.key("caseworker", "32"), next_path=f"/ui/akten/{bau['id']}")
    expect(other.get_by_role("heading", name="Nicht gefunden")).to_be_visible()


def test_open_and_close_an_akte_and_a_vorgang(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), next_path="/ui/akten")
    form = page.locator("form[data-kind=new-akte]")
    form.get_by_label("Aktenplan-Kennzeichen").select_option("521.03")
    form.get_by_label("Titel").fill("Baulast Flurstück 7")
    form.get_by_label("Art 1").select_option("flurstueck")
    form.get_by_label("Merkmal 1").fill("Gemarkung Mitte, Flur 3, Flurstück 7")
    form.get_by_label("Erster Vorgang (optional)").fill("Eintragung")
    assert_accessible(page)
    form.get_by_role("button", name="Akte anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Baulast Flurstück 7")
    expect(page.get_by_role("status")).to_contain_text("angelegt")
    vorgaenge = page.get_by_role("table", name="Vorgänge")
    expect(vorgaenge).to_contain_text("Eintragung")

    page.get_by_label("Neuer Vorgang").fill("Löschung")
    page.get_by_role("button", name="Vorgang eröffnen").click()
    expect(vorgaenge).to_contain_text("Löschung")
    page.get_by_role("button", name="Vorgang 1 abschließen").click()
    expect(page.get_by_role("button", name="Vorgang 1 wieder eröffnen")).to_be_visible()
    expect(vorgaenge.locator("tr", has_text="Eintragung")).to_contain_text("Abgeschlossen")
    page.get_by_role("button", name="Vorgang 1 wieder eröffnen").click()
    expect(page.get_by_role("button", name="Vorgang 1 abschließen")).to_be_visible()

    page.get_by_role("button", name="Akte schließen (z.d.A.)").click()
    expect(page.locator("#akte-status")).to_contain_text("Geschlossen")
    expect(page.get_by_role("button", name="Vorgang eröffnen")).to_have_count(0)
    expect(page.get_by_role("table", name="Verlauf")).to_contain_text("Akte geschlossen")
    page.get_by_role("button", name="Akte wieder öffnen").click()
    expect(page.locator("#akte-status")).to_contain_text("Offen")
    expect(page.get_by_role("table", name="Verlauf")).to_contain_text("Akte wieder geöffnet")
    assert_accessible(page)
    assert_no_script_errors(page)


def test_share_with_unit_61_then_revoke(
    ui_server_module: UiServer, bau: dict[str, Any], new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    planning = new_page()
    sign_in(planning, server, server.key("caseworker", "61"), next_path=f"/ui/akten/{bau['id']}")
    expect(planning.get_by_role("heading", name="Nicht gefunden")).to_be_visible()

    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), next_path=f"/ui/akten/{bau['id']}")
    page.get_by_label("Freigeben für").select_option("unit")
    page.get_by_label("Einheit oder Person").fill("61")
    page.get_by_label("Recht").select_option("read")
    page.get_by_label("Letzter Tag (optional)").fill("2099-12-31")
    page.get_by_label("Grund (optional)").fill("Stellungnahme Planung")
    page.get_by_role("button", name="Freigabe erteilen").click()
    shares = page.get_by_role("table", name="Freigaben")
    expect(shares).to_contain_text("Organisationseinheit 61")
    expect(shares).to_contain_text("31.12.2099")
    expect(page.get_by_role("table", name="Verlauf")).to_contain_text("Freigabe erteilt")
    assert_accessible(page)

    planning.reload()
    expect(planning.get_by_role("heading", level=1)).to_contain_text(bau["aktenzeichen"])
    expect(planning.get_by_role("button", name="Akte schließen (z.d.A.)")).to_have_count(0)
    planning.goto(server.url("/ui/akten"))
    expect(planning.locator("table[data-rows]")).to_contain_text(bau["aktenzeichen"])

    page.get_by_role("button", name="Freigabe für 61 widerrufen").click()
    expect(page.get_by_text("Die Akte ist nicht freigegeben.")).to_be_visible()
    planning.goto(server.url(f"/ui/akten/{bau['id']}"))
    expect(planning.get_by_role("heading", name="Nicht gefunden")).to_be_visible()
    assert_no_script_errors(page)
