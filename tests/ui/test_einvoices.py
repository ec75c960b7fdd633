"""E-Rechnungen in the browser: upload, verdicts, the report, routing by hand, visibility."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from services.einvoice.leitweg import compute_check_digits
from tests.fixtures.browser import UiServer, assert_accessible, assert_no_script_errors, sign_in

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
SUITE = TESTDATA / "xrechnung-testsuite"
STANDARD = SUITE / "business-cases" / "standard"
VALID = STANDARD / "01.01a-INVOICE_ubl.xml"
INVALID = SUITE / "kosit-validator-config-instances" / "ubl004.xml"
ROUTED = f"05958000-RECH02-{compute_check_digits('05958000', 'RECH02')}"


def post_invoice(
    server: UiServer, data: bytes, name: str, media_type: str = "application/xml"
) -> dict[str, Any]:
    """Send an invoice through the API and wait until the workers have checked it."""
    response = server.api.post(
        "/api/v1/einvoices",
        content=data,
        headers={"Content-Type": media_type, "X-Filename": name},
    )
    assert response.status_code == 202, response.text
    url = response.json()["url"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        invoice: dict[str, Any] = server.api.get(url).json()
        if invoice["status"] != "received":
            return invoice
        time.sleep(0.2)
    raise AssertionError(f"{name} was not checked in time")


def with_buyer_reference(xml: bytes, leitweg_id: str) -> bytes:
    replaced, count = re.subn(
        rb"<cbc:BuyerReference>[^<]*</cbc:BuyerReference>",
        f"<cbc:BuyerReference>{leitweg_id}</cbc:BuyerReference>".encode(),
        xml,
    )
    assert count == 1
    return replaced


def upload(page: Page, path: Path) -> None:
    page.get_by_label("Datei (XRechnung als XML").set_input_files(path)
    page.get_by_role("button", name="Hochladen").click()
    page.wait_for_url(re.compile(r"hochgeladen="))


def test_upload_shows_verdicts_and_the_report_of_an_invalid_invoice(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    page = new_page()
    sign_in(page, server, server.key("records_manager"), next_path="/ui/e-rechnungen")
    expect(page.get_by_role("heading", level=1, name="E-Rechnungen")).to_be_visible()

    upload(page, VALID)
    message = page.locator("#hochgeladen-meldung")
    expect(message).to_contain_text("123456XX")
    expect(message.locator("strong")).to_have_text(re.compile(r"^gültig"))
    upload(page, INVALID)
    expect(page.locator("#hochgeladen-meldung strong")).to_have_text("ungültig")

    table = page.get_by_role("table", name="E-Rechnungen")
    invalid_row = table.get_by_role("row").filter(has_text="12115118")
    expect(invalid_row).to_contain_text("ungültig")
    valid_row = table.get_by_role("row").filter(has_text="123456XX")
    expect(valid_row.locator(".badge")).to_have_text(re.compile(r"^gültig"))
    expect(valid_row).to_contain_text("XRechnung 3.0 (UBL)")
    expect(valid_row).to_contain_text("336,90 EUR")
    expect(valid_row).to_contain_text("04011000-12345-03")
    expect(valid_row).to_contain_text("nicht zugeordnet")
    assert_accessible(page)

    page.get_by_label("Prüfergebnis").select_option(label="ungültig")
    page.get_by_role("button", name="Filtern").click()
    expect(table.get_by_role("row")).to_have_count(2)

    page.keyboard.press("Shift+?")
    help_dialog = page.get_by_role("dialog", name="Tastaturbefehle")
    expect(help_dialog).to_contain_text("Nächste Rechnung in der Liste")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    # The closed overlay may leave focus on its checkbox, where keys are typing: go to main.
    page.locator("main").focus()
    page.keyboard.press("j")
    expect(table.get_by_role("link", name="12115118")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("E-Rechnung 12115118")

    expect(page.locator("#pruefergebnis")).to_have_text("ungültig")
    errors = page.locator("table.findings-errors")
    expect(errors.get_by_role("rowheader", name="BR-DE-3", exact=True)).to_be_visible()
    expect(errors).to_contain_text("Fehler")
    expect(page.get_by_role("link", name="Dokument zur Rechnung öffnen")).to_have_attribute(
        "href", re.compile(r"^/ui/dokumente/[0-9a-f-]{36}$")
    )
    expect(page.get_by_role("heading", name="Verkäufer")).to_be_visible()
    assert_accessible(page)
    assert_no_script_errors(page)


def test_an_unrouted_invoice_is_assigned_to_a_unit(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    invoice = post_invoice(server, (STANDARD / "01.02a-INVOICE_ubl.xml").read_bytes(), "b.xml")
    assert invoice["status"] == "accepted" and invoice["org_unit"] == "RE"
    clerk = new_page()  # the Rechnungseingangsstelle sees it but may not file for 21's Akte
    sign_in(clerk, server, server.key("caseworker", "RE"), f"/ui/e-rechnungen/{invoice['id']}")
    expect(clerk.get_by_text("Die Rechnung wartet auf ihre Zuordnung.")).to_be_visible()
    expect(clerk.get_by_role("button", name="Zuordnen")).to_have_count(0)
    routing = f"/api/v1/einvoices/{invoice['id']}/routing"
    refused = server.api.post(
        routing,
        json={"org_unit": "20"},
        headers={"Authorization": f"Bearer {server.key('caseworker', 'RE')}"},
    )
    assert refused.status_code == 403, refused.text
    assert server.api.post(routing, json={"org_unit": "RE"}).status_code == 422

    page = new_page()
    sign_in(
        page, server, server.key("records_manager"), "/ui/e-rechnungen?zuordnung=nicht-zugeordnet"
    )
    page.get_by_role("link", name="123456", exact=True).click()
    expect(page.locator("#zuordnung")).to_contain_text("nicht zugeordnet")

    page.get_by_label("Organisationseinheit").select_option("20")
    page.get_by_label("Leitweg-ID 04011000-12346-97 künftig dieser Einheit zuordnen").check()
    page.get_by_role("button", name="Zuordnen").click()
    expect(page.locator("#zuordnung")).to_have_text("20 – Kämmerei")
    expect(page.get_by_role("link", name=re.compile(r"^111\.07-"))).to_be_visible()
    expect(page.get_by_role("button", name="Zuordnen")).to_have_count(0)

    page.goto(server.url("/ui/e-rechnungen?zuordnung=zugeordnet"))
    row = page.get_by_role("row").filter(has_text="123456")
    expect(row).to_contain_text("20 – Kämmerei")
    again = server.api.post(f"/api/v1/einvoices/{invoice['id']}/routing", json={"org_unit": "63"})
    assert again.status_code == 409, again.text
    routes = {
        r["leitweg_id"]: r["org_unit"] for r in server.api.get("/api/v1/leitweg-routes").json()
    }
    assert routes["04011000-12346-97"] == "20"
    task = server.api.get("/api/v1/review-queue", params={"org_unit": "RE"}).json()["items"]
    assert invoice["document_id"] not in {t["document"]["id"] for t in task}
    assert_no_script_errors(page)


def test_a_caseworker_of_another_unit_does_not_see_a_routed_invoice(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    route = server.api.put(f"/api/v1/leitweg-routes/{ROUTED}", json={"org_unit": "21"})
    assert route.status_code == 200, route.text
    xml = with_buyer_reference((STANDARD / "01.03a-INVOICE_ubl.xml").read_bytes(), ROUTED)
    invoice = post_invoice(server, xml, "c.xml")
    assert invoice["status"] == "accepted" and invoice["org_unit"] == "21", invoice

    kasse = new_page()
    sign_in(kasse, server, server.key("caseworker", "21"), "/ui/e-rechnungen")
    expect(kasse.get_by_role("link", name="RR123456")).to_be_visible()
    expect(kasse.get_by_role("button", name="Hochladen")).to_have_count(0)

    other = new_page()
    sign_in(other, server, server.key("caseworker", "63"), "/ui/e-rechnungen")
    expect(other.get_by_role("heading", level=1, name="E-Rechnungen")).to_be_visible()
    expect(other.get_by_text("RR123456")).to_have_count(0)
    response = other.goto(server.url(f"/ui/e-rechnungen/{invoice['id']}"))
    assert response is not None and response.status == 404
    expect(other.get_by_role("heading", name="Nicht gefunden")).to_be_visible()
    assert_no_script_errors(other)


def test_warnings_are_a_verdict_of_their_own_and_listed_in_the_report(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    # This instance has no XML declaration, and intake judges XML by one (or by libmagic,
    # which calls it text/plain): add it.
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + (SUITE / "business-cases" / "extension" / "04.01a-INVOICE_ubl.xml").read_bytes()
    )
    invoice = post_invoice(server, xml, "extension.xml")
    assert invoice["valid"] is True and invoice["validation"]["warnings"], invoice["validation"]
    page = new_page()
    sign_in(page, server, server.key("records_manager"), "/ui/e-rechnungen?urteil=warnungen")
    rows = page.get_by_role("table", name="E-Rechnungen").get_by_role("row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("gültig mit Warnungen")
    expect(rows.nth(1)).to_contain_text("XRechnung-Extension 3.0 (UBL)")

    rows.nth(1).get_by_role("link").click()
    warnings = page.locator("table.findings-warnings")
    expect(warnings.get_by_role("rowheader", name="UBL-CR-646")).to_be_visible()
    expect(warnings).to_contain_text("Warnung")
    expect(page.get_by_role("heading", name="Fehler (0)")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Rechnungspositionen"))).to_be_visible()
    assert_accessible(page)
    assert_no_script_errors(page)


def test_a_zugferd_pdf_shows_its_profile_and_terms(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    pdf = (TESTDATA / "zugferd" / "valid" / "XML-Rechnung-FX-EN16931_Einfach.pdf").read_bytes()
    invoice = post_invoice(server, pdf, "zugferd.pdf", "application/pdf")
    assert invoice["status"] == "accepted", invoice["validation"]
    page = new_page()
    sign_in(page, server, server.key("records_manager"), f"/ui/e-rechnungen/{invoice['id']}")
    expect(page.get_by_role("definition").filter(has_text="ZUGFeRD/Factur-X")).to_contain_text(
        "ZUGFeRD/Factur-X EN 16931 (CII)"
    )
    expect(page.get_by_role("heading", name=re.compile(r"^Gesamtbeträge"))).to_be_visible()
    assert_no_script_errors(page)


def test_the_mail_room_routes_an_invoice_out_of_its_sight(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    invoice = post_invoice(server, (STANDARD / "01.04a-INVOICE_ubl.xml").read_bytes(), "d.xml")
    assert invoice["org_unit"] == "RE", invoice
    page = new_page()
    sign_in(page, server, server.key("mailroom", "POST"), f"/ui/e-rechnungen/{invoice['id']}")
    expect(page.get_by_label(re.compile("Leitweg-ID .* künftig"))).to_have_count(0)
    page.get_by_label("Organisationseinheit").select_option("63")
    page.get_by_role("button", name="Zuordnen").click()
    done = page.get_by_role("main").get_by_text("Die Rechnung ist 63 – Bauordnungsamt zugeordnet.")
    expect(done).to_be_focused()
    assert server.api.get(f"/api/v1/einvoices/{invoice['id']}").json()["org_unit"] == "63"
    assert_no_script_errors(page)
