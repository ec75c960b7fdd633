"""Posteingang: uploading scans in the browser and watching them being processed."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from services.db.models import Document, IntakeItem, ItemStatus
from services.db.session import unit_of_work
from tests.fixtures.app import make_settings
from tests.fixtures.browser import (
    UiServer,
    assert_accessible,
    assert_no_script_errors,
    serve,
    sign_in,
)
from tests.fixtures.documents import letter_image, png_bytes
from tests.fixtures.records import insert_document

PNG = "image/png"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    """Real OCR, without the cleaning steps that only slow small test scans down."""
    settings = make_settings(
        tmp_path_factory.mktemp("posteingang") / "data",
        ocr={"rotate_pages": False, "deskew": False, "clean": False},
    )
    yield from serve(settings)


def scan(*lines: str) -> bytes:
    """A small scanned letter (100 dpi keeps OCR quick)."""
    return png_bytes(letter_image(list(lines), dpi=100), dpi=100)


def item_count(server: UiServer) -> int:
    response = server.api.get("/api/v1/intake/items", params={"limit": 1})
    response.raise_for_status()
    return int(response.json()["total"])


def rename_item(server: UiServer, document_id: str, filename: str) -> str:
    """Give the upload behind a test document a name of its own; returns the item id."""
    with unit_of_work(server.container.session_factory) as session:
        document = session.get(Document, document_id)
        assert document is not None
        document.item.original_filename = filename
        return document.item_id


def failed_item(server: UiServer, filename: str, reason: str) -> str:
    """An upload whose processing gave up (as the job runner leaves it)."""
    now = server.container.clock.now()
    with unit_of_work(server.container.session_factory) as session:
        item = IntakeItem(
            sha256=hashlib.sha256(filename.encode()).hexdigest(),
            blob_key=f"test/{filename}",
            size=1234,
            media_type="application/pdf",
            original_filename=filename,
            page_count=1,
            station_id="Scanner 2",
            received_at=now,
            status=ItemStatus.FAILED,
            failure_reason=reason,
            created_at=now,
            updated_at=now,
        )
        session.add(item)
        session.flush()
        return item.id


def test_two_files_through_the_picker_are_uploaded_and_finish_in_the_live_list(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, server, server.key("mailroom"), next_path="/ui/posteingang")
    expect(page.get_by_role("heading", name="Posteingang", level=1)).to_be_visible()
    page.get_by_label("Dateien auswählen oder hierher ziehen").set_input_files(
        [
            {"name": "bauantrag.png", "mimeType": PNG, "buffer": scan("Bauantrag", "Gartenweg 1")},
            {"name": "widerspruch.png", "mimeType": PNG, "buffer": scan("Widerspruch", "Bescheid")},
        ]
    )
    for name in ("bauantrag.png", "widerspruch.png"):
        expect(page.get_by_role("progressbar", name=f"Fortschritt: {name}")).to_have_attribute(
            "value", "1"
        )
        expect(page.get_by_role("link", name=f"Eingang „{name}“ ansehen")).to_be_visible()
    rows = page.locator("#eingaenge tr")
    for name in ("bauantrag.png", "widerspruch.png"):
        row = rows.filter(has=page.get_by_role("link", name=name, exact=True))
        expect(row.locator(".badge")).to_have_text("Fertig", timeout=90_000)
        expect(row.get_by_role("cell").last.get_by_role("link")).to_have_attribute(
            "href", re.compile(r"^/ui/dokumente/[0-9a-f-]{36}$")
        )
    expect(page.get_by_role("status")).to_contain_text(re.compile("fertig", re.IGNORECASE))
    assert_no_script_errors(page)


def test_an_unsupported_file_is_refused_in_german_and_nothing_is_stored(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    before = item_count(server)
    page = new_page()
    sign_in(page, server, server.key("mailroom"), next_path="/ui/posteingang")
    page.get_by_label("Dateien auswählen oder hierher ziehen").set_input_files(
        [{"name": "notiz.txt", "mimeType": "text/plain", "buffer": b"Nur eine Notiz\n" * 20}]
    )
    entry = page.locator(".upload-entry", has_text="notiz.txt")
    expect(entry).to_contain_text("Nicht angenommen: Dieses Dateiformat wird nicht angenommen")
    expect(page.get_by_role("alert")).to_contain_text("0 von 1 Datei angenommen")
    assert item_count(server) == before
    assert_no_script_errors(page)


def test_a_failed_item_shows_its_reason_in_the_list_and_on_its_page(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    item_id = failed_item(server, "zerknittert.pdf", "OCR failed: page 1 is unreadable")
    page = new_page()
    sign_in(page, server, server.key("mailroom"), next_path="/ui/posteingang")
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Filtern").click()
    expect(page).to_have_url(server.url("/ui/posteingang?status=failed"))
    row = page.locator("#eingaenge tr", has_text="zerknittert.pdf")
    expect(row).to_contain_text("Fehlgeschlagen")
    expect(row).to_contain_text("Grund: OCR failed: page 1 is unreadable")
    assert_accessible(page)

    row.get_by_role("link", name="zerknittert.pdf").click()
    expect(page).to_have_url(server.url(f"/ui/posteingang/{item_id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Eingang: zerknittert.pdf")
    expect(page.locator("dl.facts")).to_contain_text("OCR failed: page 1 is unreadable")
    assert_accessible(page)


def test_a_caseworker_sees_only_the_mail_of_their_unit(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    own = insert_document(server.container, "Antrag auf Baugenehmigung", org_unit="63")
    other = insert_document(server.container, "Antrag auf Aufenthaltstitel", org_unit="32")
    own_item = rename_item(server, own, "bau-63.pdf")
    other_item = rename_item(server, other, "auslaender-32.pdf")

    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), next_path="/ui/posteingang")
    table = page.locator("#eingaenge")
    expect(table.get_by_role("link", name="bau-63.pdf")).to_be_visible()
    expect(table).not_to_contain_text("auslaender-32.pdf")
    expect(page.get_by_role("heading", name="Scans hochladen")).to_have_count(0)

    page.goto(server.url(f"/ui/posteingang/{own_item}"))
    documents = page.get_by_role("table")
    expect(documents.get_by_role("link", name="Brief")).to_have_attribute(
        "href", f"/ui/dokumente/{own}"
    )
    expect(documents).to_contain_text("Seite 1")
    assert_accessible(page)

    response = page.goto(server.url(f"/ui/posteingang/{other_item}"))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Nicht gefunden")).to_be_visible()


def test_a_station_uploads_and_the_keyboard_drives_the_page(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    insert_document(server.container, "Ein älteres Schreiben", org_unit="63")
    page = new_page()
    # Listening from the start turns Chromium's file-chooser interception on before the
    # key is pressed (turned on by expect_file_chooser alone, it can come too late).
    page.on("filechooser", lambda chooser: None)
    sign_in(page, server, server.key("station"), next_path="/ui/posteingang")
    with page.expect_file_chooser() as chooser_info:
        page.keyboard.press("u")
    expect(page.get_by_label("Dateien auswählen oder hierher ziehen")).to_be_focused()
    chooser_info.value.set_files(
        [{"name": "station.png", "mimeType": PNG, "buffer": scan("Hinweis", "Station")}]
    )
    expect(page.get_by_role("link", name="Eingang „station.png“ ansehen")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("1 von 1 Datei angenommen")

    links = page.locator("#eingaenge a.row-link")
    expect(links.first).to_have_text("station.png")
    page.locator("h1").click()
    page.keyboard.press("j")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(links.nth(0)).to_be_focused()

    page.keyboard.press("Shift+?")
    help_dialog = page.get_by_role("dialog", name="Tastaturbefehle")
    expect(help_dialog).to_contain_text("Dateien zum Hochladen auswählen")
    expect(help_dialog).to_contain_text("Nächster Eingang in der Liste")
    expect(help_dialog).to_contain_text("Vorheriger Eingang in der Liste")
    page.keyboard.press("Escape")
    assert_accessible(page)
    assert_no_script_errors(page)


def test_a_file_dropped_on_the_zone_is_uploaded_and_its_page_follows_the_processing(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, server, server.key("station"), next_path="/ui/posteingang")
    dropped = page.evaluate_handle(
        """(data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "abgabe.png", {type: "image/png"}));
            return transfer;
        }""",
        base64.b64encode(scan("Anfrage", "Spielplatz Lindenweg")).decode(),
    )
    page.dispatch_event("#ablagezone", "drop", {"dataTransfer": dropped})
    page.get_by_role("link", name="Eingang „abgabe.png“ ansehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eingang: abgabe.png")
    facts = page.locator("dl.facts")
    expect(facts.locator(".badge")).to_have_text("Fertig", timeout=90_000)
    documents = page.get_by_role("table")
    expect(documents).to_contain_text("Seite 1")
    expect(documents.get_by_role("link")).to_have_count(0)  # stations read no documents
    assert_no_script_errors(page)


def test_the_list_pages_through_older_items(server: UiServer, new_page: Callable[[], Page]) -> None:
    for number in range(max(0, 26 - item_count(server))):
        insert_document(server.container, f"Schreiben Nummer {number}", org_unit="63")
    page = new_page()
    sign_in(page, server, server.key("mailroom"), next_path="/ui/posteingang")
    pages = page.get_by_role("navigation", name="Seiten der Eingänge")
    expect(pages).to_contain_text("Seite 1 von 2")
    expect(page.locator("#eingaenge tr")).to_have_count(25)
    pages.get_by_role("link", name="Nächste Seite").click()
    expect(page).to_have_url(server.url("/ui/posteingang?seite=2"))
    expect(pages).to_contain_text("Seite 2 von 2")
    expect(page.locator("#eingaenge tr")).not_to_have_count(0)
