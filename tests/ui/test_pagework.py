"""Seiten bearbeiten: split, rotate, drop and merge pages in the browser, by keyboard too."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from services.pagework.pdf import page_rotations
from tests.fixtures.app import make_settings
from tests.fixtures.browser import (
    UiServer,
    assert_accessible,
    assert_no_script_errors,
    serve,
    sign_in,
)
from tests.fixtures.pagework import BLANK, insert_stack, open_task_of, to_review


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    """A server without job workers: page work runs in the request, classification not.

    The results' classification jobs stay queued (the API tests check they are); the
    test stands in for the classifier with ``to_review``, because training the first
    model takes up to a minute on a small machine.
    """
    settings = make_settings(tmp_path_factory.mktemp("pagework") / "data")
    yield from serve(settings, run_workers=False)


def test_merge_with_a_part_of_the_same_upload(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    first, _second = insert_stack(
        server.container, [["Brief"], ["Anlage eins", "Anlage zwei"]], org_unit="63"
    )
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), next_path=f"/ui/dokumente/{first}/seiten")
    page.get_by_role("button", name="Anhängen: Stapel – Teil 2/2 (2 S.)").click()
    expect(page.locator(".pw-page")).to_have_count(3)
    expect(page.locator("#pw-angehaengt")).to_contain_text("Stapel – Teil 2/2 (2 Seiten)")
    expect(page.locator("#pw-vorschau li")).to_have_text(["Stapel – Teil 1/2: 3 Seiten – 1, 2, 3"])

    # A letter of another upload, found by search, follows in the chosen order.
    (other,) = insert_stack(server.container, [["Nachgereichte Vollmacht"]], org_unit="63")
    page.get_by_label("Dokument suchen").fill("Vollmacht")
    page.get_by_role("button", name="Suchen").click()
    page.get_by_role("button", name="Anhängen: Stapel", exact=True).click()
    expect(page.locator(".pw-page")).to_have_count(4)
    expect(page.locator("#pw-vorschau li")).to_have_text(
        ["Stapel – Teil 1/2: 4 Seiten – 1, 2, 3, 4"]
    )
    assert_accessible(page)
    page.get_by_role("button", name="Anwenden").click()
    expect(page.get_by_role("heading", name="Seiten bearbeitet")).to_be_visible()
    expect(page.locator("#pw-nachfolger tbody tr")).to_have_count(1)
    lineage = server.api.get(f"/api/v1/documents/{other}/pagework").json()
    assert lineage["superseded"] is not None
    assert_no_script_errors(page)


def test_other_units_get_not_found_and_filed_mail_is_explained(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
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


def test_split_rotate_and_drop_by_keyboard(server: UiServer, new_page: Callable[[], Page]) -> None:
    (source,) = insert_stack(
        server.container,
        [["Antrag Seite eins", "Antrag Seite zwei", BLANK, "Rechnung Seite eins"]],
        org_unit="63",
    )
    task = open_task_of(server.container, source)
    page = new_page()
    sign_in(page, server, server.key("mailroom", "POST"), next_path=f"/ui/pruefen/{task}")
    page.keyboard.press("e")  # from the validation page
    expect(page).to_have_url(server.url(f"/ui/pruefen/{task}/seiten"))
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
    expect(rows.get_by_text("wird klassifiziert …")).to_have_count(2)
    assert_accessible(page)
    # Once classified, each new document links to its validation (the page looks again).
    lineage = server.api.get(f"/api/v1/documents/{source}/pagework").json()
    results = [d["id"] for d in lineage["superseded"]["successors"]]
    first = server.api.get(f"/api/v1/documents/{results[0]}/rendition").content
    assert page_rotations(first) == [0, 90]
    assert server.api.get(f"/api/v1/documents/{results[1]}").json()["pages"] == 1
    for result in results:
        to_review(server.container, result, "63")
    links = rows.get_by_role("link", name="Prüfen")
    expect(links).to_have_count(2, timeout=10_000)
    task = open_task_of(server.container, results[0])
    expect(links.first).to_have_attribute("href", f"/ui/pruefen/{task}")
    assert_no_script_errors(page)
    assert open_task_of(server.container, source) is None

    # The source's page says what replaced it, and each result where it came from.
    page.goto(server.url(f"/ui/dokumente/{source}"))
    expect(page.locator(".badge", has_text="Ersetzt durch Seitenbearbeitung")).to_be_visible()
    expect(page.get_by_text("Weiter bearbeitet werden")).to_be_visible()
    page.get_by_role("link", name="Stapel – Teil 2/2").click()
    expect(page.get_by_text("Durch Seitenbearbeitung entstanden aus")).to_be_visible()
    assert_accessible(page)
    item_id = server.api.get(f"/api/v1/documents/{source}").json()["item_id"]
    page.goto(server.url(f"/ui/posteingang/{item_id}"))
    expect(page.get_by_role("row", name="Stapel Seiten 1–4")).to_contain_text(
        "Ersetzt durch Seitenbearbeitung"
    )
    part = page.get_by_role("row", name="Stapel – Teil 1/2 Seiten 1–2")
    expect(part).not_to_contain_text("Ersetzt")


def test_filed_mail_cannot_be_reworked_and_says_why(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    (letter,) = insert_stack(server.container, [["Abgelegt"]], org_unit="63")
    akte = server.api.post("/api/v1/akten", json={"code": "521.01", "title": "Bauakte"})
    decided = server.api.post(
        f"/api/v1/review-queue/{open_task_of(server.container, letter)}/decision",
        json={"action": "correct", "akte_id": akte.json()["id"]},
    )
    assert decided.status_code == 200, decided.text
    page = new_page()
    sign_in(
        page, server, server.key("caseworker", "63"), next_path=f"/ui/dokumente/{letter}/seiten"
    )
    expect(page.locator("#pw-blocker")).to_contain_text("bereits abgelegt")
    expect(page.locator(".pw-page")).to_have_count(0)
    assert_accessible(page)
