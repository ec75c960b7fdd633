"""Seiten bearbeiten: split, rotate, drop and merge pages in the browser, by keyboard too."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.browser import UiServer, assert_accessible, assert_no_script_errors, sign_in
from tests.fixtures.pagework import BLANK, insert_stack, open_task_of


@pytest.fixture(scope="module", autouse=True)
def trained_classifier(ui_server_module: UiServer) -> None:
    """Train the first model in the background: the results are classified after applying."""
    threading.Thread(target=ui_server_module.container.models.current, daemon=True).start()


def test_split_rotate_and_drop_by_keyboard(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    (source,) = insert_stack(
        server.container,
        [["Antrag Seite eins", "Antrag Seite zwei", BLANK, "Rechnung Seite eins"]],
        org_unit="63",
    )
    task = open_task_of(server.container, source)
    page = new_page()
    sign_in(page, server, server.key("mailroom", "POST"), next_path=f"/ui/pruefen/{task}/seiten")
    expect(page.get_by_role("heading", name="Seiten bearbeiten")).to_be_visible()
    expect(page.locator("#pw-vorschlaege")).to_contain_text("Seite 3 (leere Seite)")
    tiles = page.locator(".pw-page")
    expect(tiles).to_have_count(4)
    expect(tiles.nth(2)).to_contain_text("wird weggelassen")
    assert_accessible(page)

    tiles.first.focus()
    page.keyboard.press("ArrowRight")
    expect(tiles.nth(1)).to_be_focused()
    page.keyboard.press("r")
    expect(tiles.nth(1)).to_contain_text("gedreht um 90°")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(tiles.nth(3)).to_be_focused()
    page.keyboard.press("t")
    expect(tiles.nth(3)).to_contain_text("Neues Dokument ab hier")
    preview = page.locator("#pw-vorschau li")
    expect(preview).to_have_text(
        [
            "Stapel – Teil 1/2: 2 Seiten – 1, 2 (90°)",
            "Stapel – Teil 2/2: 1 Seite – 4",
        ]
    )
    expect(page.locator("#pw-weggelassen")).to_have_text("Weggelassen: Seite 3")

    page.keyboard.press("Shift+?")
    help_dialog = page.get_by_role("dialog", name="Tastaturbefehle")
    for text in ("Seite nach rechts drehen", "Seite weglassen", "Vor dieser Seite teilen"):
        expect(help_dialog).to_contain_text(text)
    page.keyboard.press("Escape")

    tiles.nth(3).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Seiten bearbeitet")).to_be_visible()
    rows = page.locator("#pw-nachfolger tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Stapel – Teil 1/2")
    expect(rows.nth(1)).to_contain_text("Stapel – Teil 2/2")
    assert_accessible(page)
    # Once classified, each new document links to its validation (or was filed).
    for index in range(2):
        expect(rows.nth(index).get_by_text("wird klassifiziert")).to_have_count(0, timeout=90_000)
    assert_no_script_errors(page)
    assert open_task_of(server.container, source) is None


def test_merge_with_a_part_of_the_same_upload(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    first, _second = insert_stack(
        server.container, [["Brief"], ["Anlage eins", "Anlage zwei"]], org_unit="63"
    )
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), next_path=f"/ui/dokumente/{first}/seiten")
    page.get_by_role("button", name="Anhängen: Stapel – Teil 2/2 (2 S.)").click()
    expect(page.locator(".pw-page")).to_have_count(3)
    expect(page.locator("#pw-angehaengt")).to_contain_text("Stapel – Teil 2/2 (2 Seiten)")
    expect(page.locator("#pw-vorschau li")).to_have_text(["Stapel – Teil 1/2: 3 Seiten – 1, 2, 3"])
    assert_accessible(page)
    page.get_by_role("button", name="Anwenden").click()
    expect(page.get_by_role("heading", name="Seiten bearbeitet")).to_be_visible()
    expect(page.locator("#pw-nachfolger tbody tr")).to_have_count(1)
    assert_no_script_errors(page)


def test_other_units_get_not_found_and_filed_mail_is_explained(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    (source,) = insert_stack(server.container, [["Fremd"]], org_unit="63")
    page = new_page()
    sign_in(
        page, server, server.key("caseworker", "32"), next_path=f"/ui/dokumente/{source}/seiten"
    )
    expect(page.get_by_role("heading", name="Nicht gefunden")).to_be_visible()
    page.goto(server.url(f"/ui/pruefen/{open_task_of(server.container, source)}/seiten"))
    expect(page.get_by_role("heading", name="Nicht gefunden")).to_be_visible()

    auditor = new_page()
    sign_in(auditor, server, server.key("auditor"), next_path=f"/ui/dokumente/{source}/seiten")
    expect(
        auditor.get_by_role("heading", name="Dafür fehlt Ihnen die Berechtigung")
    ).to_be_visible()
