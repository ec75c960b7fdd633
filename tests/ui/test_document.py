"""The document page: preview, text, facts, versions, history; new versions; moving; visibility."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from services.bootstrap import Container
from services.classification.filing import apply_decision
from services.classification.policy import Decision, Outcome, Suggestion
from services.classification.references import Reference, ReferenceKind
from services.db.models import (
    Akte,
    Document,
    EInvoice,
    StoredObject,
)
from services.db.session import unit_of_work
from services.records.file_plans import active_plan
from tests.fixtures.browser import UiServer, assert_accessible, assert_no_script_errors, sign_in
from tests.fixtures.documents import BAUANTRAG, letter_pdf
from tests.fixtures.records import insert_stored_document

SECOND_PAGE = ["Anlage: Lageplan", "Flurstück 815, Gemarkung Hagen"]


def insert_pdf_document(
    container: Container, pages: list[list[str]], *, org_unit: str, title: str
) -> str:
    """A processed document whose original is a real PDF of ``pages`` (no OCR run)."""
    texts = ["\n".join(lines) for lines in pages]
    return insert_stored_document(
        container, letter_pdf(*pages), "application/pdf", texts, org_unit=org_unit, title=title
    )


def open_akte(server: UiServer, title: str, code: str = "521.01") -> dict[str, Any]:
    response = server.api.post("/api/v1/akten", json={"code": code, "title": title})
    assert response.status_code == 201, response.text
    return dict(response.json())


def filed_document(server: UiServer, akte: dict[str, Any], title: str) -> str:
    pages = [BAUANTRAG, [*SECOND_PAGE, title]]  # the title keeps the PDFs' hashes apart
    document_id = insert_pdf_document(
        server.container, pages, org_unit=akte["org_unit"], title=title
    )
    response = server.api.put(
        f"/api/v1/documents/{document_id}/filing",
        json={"akte_id": akte["id"], "reason": "Eingang Bauantrag"},
    )
    assert response.status_code == 200, response.text
    return document_id


@pytest.fixture(scope="module")
def bauakte(ui_server_module: UiServer) -> dict[str, Any]:
    return open_akte(ui_server_module, "Neubau Einfamilienhaus Gartenstraße 12")


def image_width(page: Page) -> int:
    return int(page.locator("#seitenbild").evaluate("img => img.complete ? img.naturalWidth : 0"))


def test_a_caseworker_sees_preview_text_facts_versions_and_history(
    ui_server_module: UiServer, new_page: Callable[[], Page], bauakte: dict[str, Any]
) -> None:
    server = ui_server_module
    document_id = filed_document(server, bauakte, "Bauantrag Gartenstraße 12")
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), f"/ui/dokumente/{document_id}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Bauantrag Gartenstraße 12")
    image = page.locator("#seitenbild")
    expect(image).to_have_attribute("src", re.compile(r"/pages/1/image\?width=\d+$"))
    page.wait_for_function("() => document.getElementById('seitenbild').naturalWidth > 0")
    assert image_width(page) > 0
    expect(page.get_by_text("Seite 1 von 2")).to_be_visible()
    expect(page.get_by_role("link", name="Vorherige Seite")).to_be_hidden()

    page.keyboard.press("n")
    expect(image).to_have_attribute("src", re.compile(r"/pages/2/image"))
    expect(page.get_by_text("Seite 2 von 2")).to_be_visible()
    page.wait_for_function("() => document.getElementById('seitenbild').naturalWidth > 0")
    expect(page).to_have_url(re.compile(r"\?seite=2$"))
    page.keyboard.press("PageUp")
    expect(image).to_have_attribute("src", re.compile(r"/pages/1/image"))

    downloads = page.get_by_role("region", name="Vorschau")
    expect(downloads.get_by_role("link", name="Original herunterladen")).to_have_attribute(
        "href", f"/api/v1/documents/{document_id}/content"
    )
    text = page.get_by_role("region", name="Erkannter Text")
    expect(text).to_contain_text("hiermit beantrage ich die Baugenehmigung")
    expect(text).to_contain_text("Flurstück 815")

    facts = page.get_by_role("region", name="Angaben")
    expect(facts.get_by_role("link", name=bauakte["aktenzeichen"])).to_have_attribute(
        "href", f"/ui/akten/{bauakte['id']}"
    )
    for shown in ("Abgelegt", "521.01", "Offen", "63"):
        expect(facts).to_contain_text(shown)

    versions = page.get_by_role("region", name="Versionen")
    expect(versions.locator("tbody tr")).to_have_count(1)
    history = page.get_by_role("region", name="Verlauf")
    expect(history).to_contain_text("Abgelegt")
    expect(history).to_contain_text("Eingang Bauantrag")
    expect(history).to_contain_text("Text gelesen")

    page.keyboard.press("Shift+?")
    help_dialog = page.get_by_role("dialog", name="Tastaturbefehle")
    for command in ("Nächste Seite der Vorschau", "Neue Version hochladen", "Ablegen oder umlegen"):
        expect(help_dialog).to_contain_text(command)
    page.keyboard.press("Escape")
    assert_accessible(page)
    assert_no_script_errors(page)


def test_a_new_version_uploaded_in_the_browser_is_listed(
    ui_server_module: UiServer, new_page: Callable[[], Page], bauakte: dict[str, Any]
) -> None:
    server = ui_server_module
    document_id = filed_document(server, bauakte, "Bauantrag mit Nachtrag")
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), f"/ui/dokumente/{document_id}")

    page.keyboard.press("v")
    expect(page.get_by_label("Datei")).to_be_focused()
    page.get_by_label("Datei").set_input_files(
        {"name": "nachtrag.pdf", "mimeType": "application/pdf", "buffer": letter_pdf(SECOND_PAGE)}
    )
    page.get_by_label("Kommentar (freiwillig)").fill("Nachtrag mit Lageplan")
    page.get_by_role("button", name="Neue Version hochladen").click()

    versions = page.get_by_role("region", name="Versionen")
    expect(versions.locator("tbody tr")).to_have_count(2)
    newest = versions.locator("tbody tr").first
    expect(newest.get_by_role("rowheader")).to_contain_text("2")
    expect(newest).to_contain_text("Nachtrag mit Lageplan")
    expect(page.get_by_role("status")).to_contain_text("Version 2 wurde hochgeladen")
    expect(page.get_by_role("heading", name="Versionen")).to_be_focused()
    assert_accessible(page)
    assert_no_script_errors(page)


def test_moving_a_document_to_another_akte_of_the_unit(
    ui_server_module: UiServer, new_page: Callable[[], Page], bauakte: dict[str, Any]
) -> None:
    server = ui_server_module
    document_id = filed_document(server, bauakte, "Bauantrag, falsch abgelegt")
    target = open_akte(server, "Anbau Wintergarten Lindenweg 3")
    hidden = open_akte(server, "Gebühren Wintergarten Lindenweg 3", code="537.01")
    assert hidden["org_unit"] != "63"
    vorgang = server.api.post(
        f"/api/v1/akten/{target['id']}/vorgaenge", json={"title": "Baugenehmigung"}
    )
    assert vorgang.status_code == 201, vorgang.text
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), f"/ui/dokumente/{document_id}")

    expect(page.get_by_role("heading", name="Umlegen")).to_be_visible()
    page.keyboard.press("m")
    field = page.get_by_role("combobox", name="Akte")
    expect(field).to_be_focused()
    field.press_sequentially("Wintergarten")
    options = page.get_by_role("listbox", name="Gefundene Akten").get_by_role("option")
    expect(options).to_have_count(1)  # not the other unit's Akte
    expect(options.first).to_contain_text(target["aktenzeichen"])
    assert_accessible(page)
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value(re.compile(re.escape(target["aktenzeichen"])))
    vorgaenge = page.get_by_label("Vorgang (freiwillig)")
    expect(vorgaenge).to_be_enabled()
    vorgaenge.select_option(label=f"{target['aktenzeichen']} Vg. 1 – Baugenehmigung")
    page.get_by_label("Grund").fill("Gehört zum Anbau")
    page.get_by_role("button", name="Umlegen").click()

    facts = page.get_by_role("region", name="Angaben")
    expect(facts.get_by_role("link", name=target["aktenzeichen"])).to_be_visible()
    expect(facts).to_contain_text("Vg. 1 – Baugenehmigung")
    expect(page.get_by_role("status")).to_contain_text(f"Akte {target['aktenzeichen']}")
    history = page.get_by_role("region", name="Verlauf")
    expect(history).to_contain_text(f"von {bauakte['aktenzeichen']} nach {target['aktenzeichen']}")
    filing = server.api.get(f"/api/v1/documents/{document_id}/filing").json()
    assert filing["akte"]["id"] == target["id"]
    assert_no_script_errors(page)


def test_other_units_and_lower_clearances_get_the_not_found_page(
    ui_server_module: UiServer, new_page: Callable[[], Page], bauakte: dict[str, Any]
) -> None:
    server = ui_server_module
    document_id = filed_document(server, bauakte, "Bauantrag Nachbar")
    other_unit = new_page()
    sign_in(other_unit, server, server.key("caseworker", "37"))
    response = other_unit.goto(server.url(f"/ui/dokumente/{document_id}"))
    assert response is not None and response.status == 404
    expect(other_unit.get_by_role("heading", name="Nicht gefunden")).to_be_visible()
    expect(other_unit.get_by_text("Bauantrag Nachbar")).to_have_count(0)

    secret = filed_document(server, bauakte, "Bauantrag Sicherheitsbereich")
    raised = server.api.put(
        f"/api/v1/documents/{secret}/confidentiality",
        json={"level": "005", "reason": "Sicherheitsbelange"},
    )
    assert raised.status_code == 200, raised.text
    uncleared = new_page()
    sign_in(uncleared, server, server.key("caseworker", "63", clearance="003"))
    response = uncleared.goto(server.url(f"/ui/dokumente/{secret}"))
    assert response is not None and response.status == 404
    expect(uncleared.get_by_role("heading", name="Nicht gefunden")).to_be_visible()
    response = uncleared.goto(server.url(f"/ui/dokumente/{document_id}"))
    assert response is not None and response.status == 200


def link_einvoice(container: Container, document_id: str) -> str:
    """An e-invoice row whose document is ``document_id`` (as e-invoice intake makes)."""
    now = container.clock.now()
    with unit_of_work(container.session_factory) as session:
        document = session.get(Document, document_id)
        assert document is not None
        stored = session.scalar(
            select(StoredObject).where(StoredObject.blob_key == document.content_blob_key)
        )
        assert stored is not None
        invoice = EInvoice(
            received_object_id=stored.id,
            received_sha256=stored.sha256,
            received_media_type="application/pdf",
            document_id=document_id,
            source="api",
            status="accepted",
            org_unit=document.org_unit,
            created_at=now,
            updated_at=now,
        )
        session.add(invoice)
        session.flush()
        return invoice.id


def classify_by_reference(
    container: Container, document_id: str, akte: dict[str, Any], other: dict[str, Any]
) -> None:
    """Carry out the decision the reference matcher makes for a letter citing ``akte``.

    (The classification job would first load the classifier, which takes a minute here.)
    """
    with unit_of_work(container.session_factory) as session:
        document = session.get(Document, document_id)
        target = session.get(Akte, akte["id"])
        assert document is not None and target is not None
        reference = Reference(
            kind=ReferenceKind.AKTENZEICHEN,
            value=akte["aktenzeichen"],
            printed=akte["aktenzeichen"],
            start=0,
            label="Ihr Zeichen",
        )
        decision = Decision(
            method="reference",
            outcome=Outcome.AUTO,
            code=akte["code"],
            confidence=1.0,
            threshold=None,
            reason=f"Aktenzeichen {akte['aktenzeichen']} im Brief gefunden",
            org_unit=akte["org_unit"],
            suggestions=(
                Suggestion(akte["code"], "Bauanträge", 1.0, akte["id"], akte["aktenzeichen"]),
                Suggestion(other["code"], "Gebühren", 0.2, other["id"], other["aktenzeichen"]),
            ),
            akte=target,
            references=(reference,),
        )
        apply_decision(
            session,
            active_plan(session),
            document,
            decision,
            model_version=None,
            clock=container.clock,
        )


def test_the_classification_is_explained_and_an_invoice_is_linked(
    ui_server_module: UiServer, new_page: Callable[[], Page], bauakte: dict[str, Any]
) -> None:
    server = ui_server_module
    letter = [*BAUANTRAG[:2], f"Ihr Zeichen: {bauakte['aktenzeichen']}", *BAUANTRAG[2:]]
    document_id = insert_pdf_document(
        server.container, [letter], org_unit="63", title="Nachreichung Statik"
    )
    other = open_akte(server, "Abfallgebühren Widersprüche", code="537.01")
    assert other["org_unit"] != "63"
    classify_by_reference(server.container, document_id, bauakte, other)
    invoice_id = link_einvoice(server.container, document_id)
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), f"/ui/dokumente/{document_id}")

    explained = page.get_by_role("region", name="Klassifizierung")
    expect(explained).to_contain_text("Bezug gefunden")
    expect(explained).to_contain_text("Automatisch abgelegt")
    expect(explained.get_by_role("listitem")).to_contain_text(
        [f"Aktenzeichen: {bauakte['aktenzeichen']} (unter „Ihr Zeichen“)"]
    )
    suggestions = explained.get_by_role("table", name="Vorschläge").locator("tbody tr")
    expect(suggestions).to_have_count(2)
    expect(suggestions.first.get_by_role("link", name=bauakte["aktenzeichen"])).to_be_visible()
    expect(suggestions.nth(1)).to_contain_text("20 %")
    expect(explained).not_to_contain_text(other["aktenzeichen"])  # another unit's Akte
    facts = page.get_by_role("region", name="Angaben")
    expect(facts.get_by_role("link", name=bauakte["aktenzeichen"])).to_be_visible()
    expect(page.get_by_role("link", name="Zur E-Rechnung")).to_have_attribute(
        "href", f"/ui/e-rechnungen/{invoice_id}"
    )
    expect(page.get_by_role("region", name="Verlauf")).to_contain_text("Klassifiziert")
    assert_accessible(page)
    assert_no_script_errors(page)
