"""The whole way of a scanned letter: intake, OCR, reference matching or classification."""

from __future__ import annotations

from datetime import date

import pytest

from tests.e2e.test_records_api import open_akte, unit_of
from tests.fixtures.app import Service
from tests.fixtures.documents import letter_image, png_bytes
from tests.fixtures.server import wait_for_filing, wait_for_item

pytestmark = pytest.mark.ocr


def ingest_scan(service: Service, lines: list[str]) -> dict:
    response = service.client.post(
        "/api/v1/intake",
        files=[("files", ("scan.png", png_bytes(letter_image(lines))))],
        data={"station_id": "poststelle-1"},
    )
    assert response.status_code == 202, response.text
    item = wait_for_item(service.client.get, response.json()["items"][0]["id"])
    assert item["status"] == "done", item["failure_reason"]
    return wait_for_filing(service.client.get, item["documents"][0]["id"])


def test_a_scanned_reply_is_filed_into_its_akte(service: Service) -> None:
    akte = open_akte(service, code="521.01", title="Neubau Einfamilienhaus Gartenstraße 12")
    document = ingest_scan(
        service,
        [
            "Ingenieurbüro Kranz, Bahnhofstraße 8, 58095 Hagen",
            "Stadt Hagen, Bauordnungsamt",
            f"Ihr Zeichen: {akte['aktenzeichen']}",
            "Betreff: Nachreichung Standsicherheitsnachweis",
            "Sehr geehrte Damen und Herren,",
            "anbei erhalten Sie die geprüfte Statik.",
            "Mit freundlichen Grüßen",
        ],
    )
    assert document["filing_status"] == "auto_filed"
    assert document["akte_id"] == akte["id"]
    assert document["org_unit"] == akte["org_unit"]
    classification = service.client.get(document["classification_url"]).json()
    assert classification["method"] == "reference"


def test_a_scanned_letter_without_reference_waits_in_the_right_queue(service: Service) -> None:
    document = ingest_scan(
        service,
        [
            "Jana Beispiel, Am Markt 3, 48653 Coesfeld",
            "Betreff: Betreuungsplatz für unseren Sohn",
            "Sehr geehrte Damen und Herren,",
            "wir suchen ab dem 1. August einen Platz in einer",
            "Kindertageseinrichtung für unseren Sohn Paul (2 Jahre).",
            "Bitte teilen Sie uns die Elternbeiträge mit.",
            "Mit freundlichen Grüßen",
        ],
    )
    assert document["filing_status"] == "in_review"
    unit = unit_of(service, "365.01")
    assert document["org_unit"] == unit
    queue = service.client.get("/api/v1/review-queue", params={"org_unit": unit}).json()
    [task] = [t for t in queue["items"] if t["document"]["id"] == document["id"]]
    suggestions = task["classification"]["suggestions"]
    assert suggestions[0]["code"] == "365.01" and len(suggestions) == 3
    assert date.fromisoformat(task["created_at"][:10]) <= date.today()
