"""E-invoices through the API: validated, extracted, rendered, routed, filed and retained.

Invoices come from the official test data; where a test needs a routable Leitweg-ID it
replaces BT-10 in memory with one whose check digits are right (several official
instances carry Leitweg-IDs with wrong check digits, which XRechnung does not check).
"""

from __future__ import annotations

import json
import re
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.db.models import Akte, Document, ReviewTask, Vorgang
from services.db.session import unit_of_work
from services.einvoice.inbox import scan_inbox
from services.einvoice.intake import PROCESS_EINVOICE
from services.einvoice.leitweg import compute_check_digits
from services.errors import ConfigurationError
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.server import wait_for_item

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
SUITE = TESTDATA / "xrechnung-testsuite"
STANDARD = SUITE / "business-cases" / "standard"
KOSIT = SUITE / "kosit-validator-config-instances"
ZUGFERD = TESTDATA / "zugferd"
ROUTED = f"05958000-RECH01-{compute_check_digits('05958000', 'RECH01')}"


def with_buyer_reference(xml: bytes, leitweg_id: str) -> bytes:
    replaced, count = re.subn(
        rb"<cbc:BuyerReference>[^<]*</cbc:BuyerReference>",
        f"<cbc:BuyerReference>{leitweg_id}</cbc:BuyerReference>".encode(),
        xml,
    )
    assert count == 1
    return replaced


def send(service: Service, data: bytes, content_type: str, name: str) -> dict[str, Any]:
    response = service.client.post(
        "/api/v1/einvoices",
        content=data,
        headers={"Content-Type": content_type, "X-Filename": name},
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def processed(service: Service, receipt: dict[str, Any]) -> dict[str, Any]:
    service.container.handlers()[PROCESS_EINVOICE].run({"einvoice_id": receipt["id"]})
    body: dict[str, Any] = service.client.get(receipt["url"]).json()
    return body


def test_routed_xrechnung_is_accepted_extracted_rendered_filed_and_retained(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    route = service.client.put(f"/api/v1/leitweg-routes/{ROUTED}", json={"org_unit": "20"})
    assert route.status_code == 200
    xml = with_buyer_reference((STANDARD / "01.15a-INVOICE_ubl.xml").read_bytes(), ROUTED)
    invoice = processed(service, send(service, xml, "application/xml", "01.15a.xml"))
    assert invoice["status"] == "accepted" and invoice["valid"] is True
    assert invoice["specification"] == "xrechnung-3.0" and invoice["syntax"] == "ubl-invoice"
    payable = re.search(rb"<cbc:PayableAmount[^>]*>([^<]+)<", xml)
    assert payable is not None and invoice["payable_amount"] == payable.group(1).decode()
    assert invoice["invoice"]["number"] == invoice["invoice_number"]
    assert invoice["leitweg_id"] == ROUTED and invoice["leitweg_valid"] is True
    assert invoice["org_unit"] == "20" and invoice["retention_rule"] == "komhvo"
    html = service.client.get(f"{invoice['links']['self']}/html")
    assert html.status_code == 200 and invoice["invoice_number"] in html.text
    pdf = service.client.get(f"{invoice['links']['self']}/pdf")
    assert pdf.content.startswith(b"%PDF")
    document = service.client.get(invoice["links"]["document"]).json()
    assert service.client.get(f"{invoice['links']['document']}/content").content == xml
    assert document["filing_status"] == "auto_filed"
    with unit_of_work(service.container.session_factory, write=False) as session:
        filed = session.get(Document, invoice["document_id"])
        assert filed is not None and filed.akte is not None and filed.vorgang_id is not None
        assert filed.akte.file_plan_code == "111.07" and filed.retention_until is None
        in_vorgang = session.scalars(
            select(Document).where(Document.vorgang_id == filed.vorgang_id)
        ).all()
        assert len(in_vorgang) == 2, "the embedded attachment (BG-24) is a document of its own"
        vorgang = session.get(Vorgang, filed.vorgang_id)
        assert vorgang is not None and invoice["invoice_number"] in vorgang.title
    year = int(invoice["issue_date"][:4])
    adopted = service.client.put(
        f"/api/v1/annual-accounts/{year}", json={"adopted_on": f"{year + 1}-11-30"}
    )
    assert adopted.json()["invoices"] == 1
    retention = service.client.get(f"{invoice['links']['document']}/retention").json()
    assert retention["own_retention_until"] == f"{year + 1 + 6}-12-31"


def test_same_bytes_and_same_invoice_are_flagged_not_processed_twice(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    xml = (STANDARD / "01.01a-INVOICE_ubl.xml").read_bytes()
    first = processed(service, send(service, xml, "application/xml", "a.xml"))
    again = send(service, xml, "application/xml", "a-again.xml")
    assert again["duplicate"] and again["id"] == first["id"]
    reformatted = xml.replace(b"\n", b"\r\n")
    second = processed(service, send(service, reformatted, "application/xml", "b.xml"))
    assert second["status"] == "duplicate" and second["duplicate_of"] == first["id"]
    assert second["document_id"] is None


def test_unknown_or_malformed_leitweg_id_goes_to_the_rechnungseingangsstelle(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    xml = (STANDARD / "01.01a-INVOICE_ubl.xml").read_bytes()
    invoice = processed(service, send(service, xml, "application/xml", "c.xml"))
    assert invoice["status"] == "accepted" and invoice["org_unit"] == "RE"
    with unit_of_work(service.container.session_factory, write=False) as session:
        tasks = session.scalars(
            select(ReviewTask).where(ReviewTask.document_id == invoice["document_id"])
        ).all()
        assert [task.org_unit for task in tasks] == ["RE"]


def test_invalid_invoice_is_rejected_with_a_report_for_the_supplier(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    invoice = processed(
        service, send(service, (KOSIT / "ubl004.xml").read_bytes(), "application/xml", "x.xml")
    )
    assert invoice["status"] == "rejected" and invoice["valid"] is False
    report = service.client.get(f"{invoice['links']['self']}/report").json()
    assert "BR-DE-3" in {error["rule"] for error in report["errors"]}
    html = service.client.get(f"{invoice['links']['self']}/html").text
    assert "BR-DE-3" in html
    assert service.client.get(f"{invoice['links']['self']}/pdf").content.startswith(b"%PDF")
    with unit_of_work(service.container.session_factory, write=False) as session:
        assert session.scalars(select(Akte).where(Akte.file_plan_code == "111.07")).first() is None


def test_hybrid_pdf_is_read_from_its_embedded_xml(service_without_workers: Service) -> None:
    service = service_without_workers
    pdf = (ZUGFERD / "valid" / "XML-Rechnung-FX-EN16931_Einfach.pdf").read_bytes()
    invoice = processed(service, send(service, pdf, "application/pdf", "zugferd.pdf"))
    assert invoice["status"] == "accepted", invoice["validation"]
    assert invoice["profile"] == "EN 16931" and invoice["received_media_type"] == "application/pdf"
    content = service.client.get(f"{invoice['links']['document']}/content")
    assert content.headers["content-type"].startswith("application/xml")
    assert b"CrossIndustryInvoice" in content.content


def test_hostile_and_non_invoice_files_are_refused_safely(
    service_without_workers: Service, tmp_path: Path
) -> None:
    service = service_without_workers
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM-4711")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>'
        "<Invoice>&s;</Invoice>"
    ).encode()
    hostile = processed(service, send(service, xxe, "application/xml", "xxe.xml"))
    assert hostile["status"] == "rejected"
    assert "GEHEIM" not in str(hostile) and "DOCTYPE" in str(hostile["validation"])
    plain_pdf = (TESTDATA / "scans" / "ocrmypdf" / "masks.pdf").read_bytes()
    no_xml = processed(service, send(service, plain_pdf, "application/pdf", "brief.pdf"))
    assert no_xml["status"] == "rejected"
    assert "no embedded invoice" in str(no_xml["validation"])
    refused = service.client.post(
        "/api/v1/einvoices", content=b"\x89PNG\r\n\x1a\n", headers={"Content-Type": "image/png"}
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_mail_room_hands_a_hybrid_pdf_to_the_einvoice_pipeline(service: Service) -> None:
    pdf = (ZUGFERD / "valid" / "XML-Rechnung-FX-EN16931_Einfach.pdf").read_bytes()
    uploaded = service.client.post(
        "/api/v1/intake", files=[("files", ("post.pdf", pdf, "application/pdf"))]
    )
    assert uploaded.status_code == 202
    item = wait_for_item(service.client.get, uploaded.json()["items"][0]["id"])
    assert item["status"] == "done"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = service.client.get("/api/v1/einvoices").json()["items"]
        if found and found[0]["status"] != "received":
            break
        time.sleep(0.3)
    assert found[0]["source"] == "mailroom" and found[0]["status"] == "accepted"
    documents = service.client.get(f"/api/v1/intake/items/{item['id']}").json()["documents"]
    assert [d["id"] for d in documents] == [found[0]["document_id"]], "no OCR'd letter"


def test_drop_directory_moves_files_after_their_verdict(
    service_without_workers: Service, tmp_path: Path
) -> None:
    service = service_without_workers
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "gut.xml").write_bytes((STANDARD / "01.02a-INVOICE_ubl.xml").read_bytes())
    (inbox / "schlecht.xml").write_bytes((KOSIT / "ubl004.xml").read_bytes())
    (inbox / "foto.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (inbox / ".halb.xml").write_bytes(b"<Inv")  # a writer's temporary: left alone
    scan = partial(
        scan_inbox,
        inbox,
        service.container.session_factory,
        service.container.store,
        settings=service.container.settings,
        clock=service.container.clock,
    )
    first = scan()
    assert (first.taken_in, first.moved, first.refused) == (2, 0, 1)
    assert (inbox / "rejected" / "foto.png").exists()
    assert (inbox / "gut.xml").exists(), "nothing moves before the verdict"
    for invoice in service.client.get("/api/v1/einvoices").json()["items"]:
        service.container.handlers()[PROCESS_EINVOICE].run({"einvoice_id": invoice["id"]})
    second = scan()
    assert (second.taken_in, second.moved) == (0, 2)
    assert (inbox / "done" / "gut.xml").exists()
    report = json.loads((inbox / "rejected" / "schlecht.xml.report.json").read_text())
    assert report["status"] == "rejected"
    assert "BR-DE-3" in {e["rule"] for e in report["validation"]["errors"]}
    assert (inbox / ".halb.xml").exists()


def test_a_broken_kosit_configuration_stops_the_start(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", einvoice={"kosit_config_dir": tmp_path})
    with pytest.raises(ConfigurationError, match="scenarios.xml"):
        next(start_service(settings, run_workers=False))
