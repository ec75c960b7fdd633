"""Prüfen: the validation of automatic filing in the browser, from a real scan to the Akte.

One server for the module.  Review decisions schedule a retraining of the classifier;
the server here delays it past the module's end, so that no training competes with the
browser for the machine's two cores (the first classification still trains the model
once per process).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.app import make_settings
from tests.fixtures.browser import (
    UiServer,
    assert_accessible,
    assert_no_script_errors,
    serve,
    sign_in,
)
from tests.fixtures.records import classify_now
from tests.fixtures.server import SCANS, wait_for_filing, wait_for_item
from tests.ui.validation_data import insert_scanned_document

SCAN = "ocrmypdf/c02-22.pdf"
"""A small real scan (a page of Huckleberry Finn, 150 dpi JPEG): quick to recognise."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    settings = make_settings(
        tmp_path_factory.mktemp("pruefen") / "data",
        classification={"retrain_delay_seconds": 3600},
    )
    yield from serve(settings)


def open_akte(server: UiServer, **body: Any) -> dict[str, Any]:
    response = server.api.post("/api/v1/akten", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def task_of(server: UiServer, document_id: str) -> str:
    response = server.api.get("/api/v1/review-queue", params={"limit": 500})
    assert response.status_code == 200, response.text
    found = [t["id"] for t in response.json()["items"] if t["document"]["id"] == document_id]
    assert found, f"no review task for {document_id}"
    return str(found[0])


def review_task(
    server: UiServer, *pages: list[str], title: str, searchable: bool = False
) -> tuple[str, str]:
    """A letter classified now and waiting for review: (task id, document id)."""
    document_id = insert_scanned_document(
        server.container, *pages, title=title, searchable=searchable
    )
    classify_now(server.container, document_id)
    return task_of(server, document_id), document_id


def document(server: UiServer, document_id: str) -> dict[str, Any]:
    response = server.api.get(f"/api/v1/documents/{document_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def expect_images_loaded(page: Page) -> None:
    for image in page.locator(".thumbnails img, #seitenbild").all():
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0


@pytest.mark.ocr
def test_a_real_scan_is_checked_and_filed(server: UiServer, new_page: Callable[[], Page]) -> None:
    upload = server.api.post(
        "/api/v1/intake", files=[("files", ("brief.pdf", (SCANS / SCAN).read_bytes()))]
    )
    assert upload.status_code == 202, upload.text
    item = wait_for_item(server.api.get, upload.json()["items"][0]["id"])
    assert item["status"] == "done", item["failure_reason"]
    [scanned] = item["documents"]
    filing = wait_for_filing(server.api.get, scanned["id"])
    assert filing["filing_status"] == "in_review", filing
    task_id = task_of(server, scanned["id"])

    page = new_page()
    sign_in(page, server, server.key("mailroom", "POST"), next_path="/ui/pruefen")
    expect(page.get_by_role("heading", level=1, name="Prüfen")).to_be_visible()
    expect(page.get_by_role("link", name=scanned["title"])).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Prüfung starten").click()
    page.wait_for_url(f"**/ui/pruefen/{task_id}")
    expect(page.locator("h1")).to_be_focused()

    expect_images_loaded(page)
    expect(page.get_by_role("img", name="Seite 1 von 1")).to_be_visible()
    text = page.locator(".validation-text pre.text").first.inner_text()
    assert len(text) > 200 and "the" in text.lower()
    expect(page.get_by_label("Vorschlag 1:", exact=False)).to_be_checked()
    assert_accessible(page)

    page.keyboard.press("+")
    expect(page.locator("#seitenbild")).to_have_attribute("width", "1000")
    expect_images_loaded(page)

    page.get_by_label("Aktenplan-Kennzeichen", exact=True).fill("272.01")
    expect(page.locator("#plan-code-titel")).to_have_text("272.01: Stadtbibliothek")
    expect(page.get_by_label("Anderer Aktenplan-Eintrag", exact=False)).to_be_checked()
    page.get_by_role("button", name="Übernehmen & nächstes").click()
    page.wait_for_url("**/ui/pruefen?ende=1")
    expect(page.get_by_text("Ende der Warteschlange erreicht")).to_be_visible()

    filed = document(server, scanned["id"])
    assert filed["filing_status"] == "filed"
    akte = server.api.get(f"/api/v1/akten/{filed['akte_id']}").json()
    assert akte["code"] == "272.01"
    assert_no_script_errors(page)


BAUANTRAG_NUMBERS = itertools.count(101)


def ambiguous_task(server: UiServer, code: str, title: str) -> tuple[str, str]:
    """A letter naming two Akten of ``code`` (by Aktenzeichen and by a Bauantrag number).

    It always waits for a person, with both Akten suggested.
    """
    number = f"BA-2025-{next(BAUANTRAG_NUMBERS):04d}"
    first = open_akte(server, code=code, title=f"{title} (erste Akte)")
    open_akte(
        server,
        code="521.02",
        title=f"{title} (zweite Akte)",
        subject_keys=[{"kind": "bauantrag", "value": number}],
    )
    return review_task(
        server,
        [
            f"Ihr Zeichen: {first['aktenzeichen']}",
            f"Betreff: Bauantrag Nr. {number}",
            "bitte prüfen Sie beide Vorgänge.",
        ],
        title=title,
    )


def test_three_letters_by_keyboard_alone(server: UiServer, new_page: Callable[[], Page]) -> None:
    tasks = [ambiguous_task(server, "521.01", f"Brief {n}") for n in range(3)]
    page = new_page()
    sign_in(page, server, server.key("mailroom", "POST"), next_path="/ui/pruefen")
    expect(page.locator("h1")).to_be_focused()
    expect(page.locator(".validation-queue tbody tr")).to_have_count(3)

    page.keyboard.press("a")  # start: the oldest letter
    page.wait_for_url(f"**/ui/pruefen/{tasks[0][0]}")
    expect(page.get_by_text("Aufgabe 1 von 3")).to_be_visible()
    page.keyboard.press("Shift+?")
    shortcuts = page.get_by_role("dialog", name="Tastaturbefehle")
    for described in ("Übernehmen und nächstes Schreiben", "Vorschlag 2 wählen", "Akte suchen"):
        expect(shortcuts).to_contain_text(described)
    page.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()
    page.keyboard.press("PageDown")
    expect(page.locator("#meldungen")).to_have_text("Das ist die letzte Seite.")
    page.keyboard.press("a")  # accept the top suggestion, on to the next
    page.wait_for_url(f"**/ui/pruefen/{tasks[1][0]}")
    expect(page.locator("#vorige-ablage")).to_contain_text("Akte")
    expect(page.locator("h1")).to_be_focused()

    page.keyboard.press("s")  # skip the second
    page.wait_for_url(f"**/ui/pruefen/{tasks[2][0]}")
    page.keyboard.press("b")  # and go back to it
    page.wait_for_url(f"**/ui/pruefen/{tasks[1][0]}")

    page.keyboard.press("c")  # a plan code instead, submitted with Enter
    expect(page.locator("#plan-code")).to_be_focused()
    page.keyboard.type("271.01")
    expect(page.locator("#plan-code-titel")).to_contain_text("Volkshochschule")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ui/pruefen/{tasks[2][0]}")

    for _ in range(80):  # the last one with Tab alone
        if page.evaluate("document.activeElement.id") == "uebernehmen":
            break
        page.keyboard.press("Tab")
    expect(page.locator("#uebernehmen")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/pruefen?ende=1")
    expect(page.get_by_text("Ende der Warteschlange erreicht")).to_be_visible()
    expect(page.get_by_text("Keine offenen Aufgaben")).to_be_visible()
    expect(page.locator("#vorige-ablage")).to_contain_text("abgelegt in Akte")

    for _, document_id in tasks:
        assert document(server, document_id)["filing_status"] == "filed"
    assert_no_script_errors(page)


def test_correct_to_an_akte_found_by_part_of_its_aktenzeichen(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    first = open_akte(server, code="521.01", title="Neubau Gartenstraße 12")
    second = open_akte(
        server,
        code="521.02",
        title="Schwarzbau Lindenweg",
        subject_keys=[{"kind": "bauantrag", "value": "BA-2025-0099"}],
    )
    right = open_akte(server, code="521.03", title="Baulast Kirchplatz 1")
    by_key = server.api.get("/api/v1/akten", params={"q": "ba-2025-0099"}).json()["items"]
    assert [a["id"] for a in by_key] == [second["id"]]
    task_id, document_id = review_task(
        server,
        ["Architekturbüro Lenz", "Sehr geehrte Damen und Herren,"],
        [
            f"Ihr Zeichen: {first['aktenzeichen']}",
            "Betreff: Bauantrag Nr. BA-2025-0099",
            "bitte prüfen Sie beide Vorgänge.",
        ],
        title="Nachreichung Lenz",
        searchable=True,
    )
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), next_path=f"/ui/pruefen/{task_id}")
    expect(page.get_by_role("img", name="Seite 1 von 2")).to_be_visible()
    expect_images_loaded(page)
    marks = page.locator(".validation-text mark")
    expect(marks.first).to_have_text(first["aktenzeichen"])
    expect(page.locator(".validation-text mark", has_text="BA-2025-0099")).to_have_count(1)
    references = page.locator(".references li")
    expect(references.filter(has_text=first["aktenzeichen"])).to_contain_text("auf Seite 2")
    expect(page.get_by_text(f"Akte {second['aktenzeichen']}")).to_be_visible()
    boxes = page.locator(".reference-box")
    expect(boxes.first).to_be_hidden()  # the references are on page 2
    page.keyboard.press("PageDown")
    expect(page.get_by_role("img", name="Seite 2 von 2")).to_be_visible()
    expect(boxes).to_have_count(2)
    expect(boxes.first).to_be_visible()
    assert_accessible(page)

    page.keyboard.press("f")
    expect(page.locator("#akte-suche")).to_be_focused()
    page.keyboard.type(right["aktenzeichen"][:-3])  # the last digits of the year left out
    hits = page.get_by_role("radiogroup", name="Gefundene Akten").get_by_role("radio")
    expect(page.locator("#akte-status")).to_contain_text("1 Akte gefunden")
    expect(hits).to_have_count(1)
    expect(page.get_by_label(right["aktenzeichen"], exact=False)).to_be_checked()
    page.get_by_role("button", name="Übernehmen & nächstes").click()
    expect(page).not_to_have_url(re.compile(task_id))
    filed = document(server, document_id)
    assert filed["filing_status"] == "filed"
    assert filed["akte_id"] == right["id"]
    assert_no_script_errors(page)


def test_a_new_akte_with_a_subject_key(server: UiServer, new_page: Callable[[], Page]) -> None:
    task_id, document_id = ambiguous_task(server, "521.01", "Antrag Haddad")
    page = new_page()
    sign_in(page, server, server.key("mailroom", "POST"), next_path=f"/ui/pruefen/{task_id}")
    expect(page.locator("h1")).to_be_focused()
    page.keyboard.press("n")
    expect(page.locator("#neu-titel")).to_be_focused()
    page.get_by_label("Aktenplan-Kennzeichen der neuen Akte").fill("122.04")
    expect(page.locator("#neu-code-titel")).to_have_text("122.04: Ausländerangelegenheiten")
    page.get_by_label("Titel der Akte").fill("Haddad, Amira")
    page.get_by_label("Art des Ordnungsbegriffs").select_option("person")
    page.get_by_label("Ordnungsbegriff", exact=True).fill("Haddad, Amira, 03.04.1990")
    expect(page.get_by_label("Neue Akte anlegen", exact=False)).to_be_checked()
    page.get_by_role("button", name="Übernehmen & nächstes").click()
    expect(page).not_to_have_url(re.compile(task_id))

    filed = document(server, document_id)
    assert filed["filing_status"] == "filed"
    akte = server.api.get(f"/api/v1/akten/{filed['akte_id']}").json()
    assert akte["code"] == "122.04" and akte["title"] == "Haddad, Amira"
    assert [k["kind"] for k in akte["subject_keys"]] == ["person"]
    assert_no_script_errors(page)


def test_another_units_task_is_not_found(server: UiServer, new_page: Callable[[], Page]) -> None:
    task_id, document_id = ambiguous_task(server, "521.01", "Garage Gartenstraße")
    unit = server.api.get(f"/api/v1/review-queue/{task_id}").json()["org_unit"]
    other = "40" if unit != "40" else "41"
    page = new_page()
    sign_in(page, server, server.key("caseworker", other), next_path="/ui/pruefen")
    expect(page.get_by_role("link", name="Garage Gartenstraße")).to_have_count(0)
    response = page.goto(server.url(f"/ui/pruefen/{task_id}"))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Nicht gefunden")).to_be_visible()
    image = page.request.get(server.url(f"/api/v1/documents/{document_id}/pages/1/image"))
    assert image.status == 404
