"""The mail room over HTTP: intake, processing, retrieval, search, errors."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from tests.fixtures.app import Service
from tests.fixtures.documents import (
    BAUANTRAG,
    WIDERSPRUCH,
    letter_image,
    letter_pdf,
    png_bytes,
)
from tests.fixtures.server import SCANS, wait_for_item

pytestmark = pytest.mark.ocr


def upload(service: Service, *files: tuple[str, bytes], **form: str) -> dict:
    response = service.client.post(
        "/api/v1/intake",
        files=[("files", (name, data)) for name, data in files],
        data=form,
    )
    assert response.status_code == 202, response.text
    return response.json()


def test_scanned_letter_becomes_searchable_pdfa_with_original_kept(service: Service) -> None:
    original = (SCANS / "ocrmypdf" / "masks.pdf").read_bytes()
    body = upload(
        service,
        ("masks.pdf", original),
        station_id="poststelle-1",
        batch_id="2026-11-21-A",
        sender_hint="Wikipedia",
        target_org_unit="32",
    )
    item = body["items"][0]
    assert item["status"] == "received" and not item["duplicate"]
    assert item["sha256"] == hashlib.sha256(original).hexdigest()
    assert item["media_type"] == "application/pdf"
    done = wait_for_item(service.client.get, item["id"])
    assert done["status"] == "done", done["failure_reason"]
    [summary] = done["documents"]
    assert summary["status"] == "ocr_done"

    document = service.client.get(summary["url"]).json()
    assert document["content"]["sha256"] == item["sha256"]
    assert document["org_unit"] == "32"

    content = service.client.get(f"{summary['url']}/content")
    assert content.content == original, "the original must come back byte for byte"
    assert content.headers["content-type"] == "application/pdf"

    rendition = service.client.get(f"{summary['url']}/rendition")
    assert rendition.status_code == 200
    assert hashlib.sha256(rendition.content).hexdigest() == document["rendition"]["sha256"]
    with pikepdf.open(io.BytesIO(rendition.content)) as pdf, pdf.open_metadata() as meta:
        assert meta.get("pdfaid:part") == "2"
    assert document["rendition"]["pdfa"] is True

    text = service.client.get(f"{summary['url']}/text").text
    assert "Linux" in text and "Betriebssystem" in text

    hits = service.client.get("/api/v1/search", params={"q": "betriebssysteme"}).json()
    assert hits["total"] == 1
    assert hits["hits"][0]["document_id"] == summary["id"]
    assert "<mark>" in hits["hits"][0]["snippet"]


def test_multipage_tiff_and_png_are_converted_and_recognised(service: Service) -> None:
    tiff = (SCANS / "paperless-ngx" / "multi-page-images.tiff").read_bytes()
    png = png_bytes(letter_image(WIDERSPRUCH))
    body = upload(service, ("stapel.tiff", tiff), ("brief.png", png))
    tiff_item, png_item = body["items"]
    assert tiff_item["media_type"] == "image/tiff" and tiff_item["pages"] == 3
    assert png_item["media_type"] == "image/png"
    tiff_done = wait_for_item(service.client.get, tiff_item["id"])
    png_done = wait_for_item(service.client.get, png_item["id"])
    assert tiff_done["documents"][0]["pages"] == 3
    png_text = service.client.get(f"{png_done['documents'][0]['url']}/text").text
    assert "Widerspruch" in png_text and "Gebührenbescheid" in png_text
    content = service.client.get(f"{png_done['documents'][0]['url']}/content")
    assert content.content == png and content.headers["content-type"] == "image/png"


def test_born_digital_pdf_is_not_ocred_again(service: Service, tmp_path: Path) -> None:
    pdf = letter_pdf(BAUANTRAG)
    first = upload(service, ("scan.pdf", pdf))["items"][0]
    done = wait_for_item(service.client.get, first["id"])
    rendition = service.client.get(f"{done['documents'][0]['url']}/rendition").content
    second = upload(service, ("already-searchable.pdf", rendition))["items"][0]
    second_done = wait_for_item(service.client.get, second["id"])
    document = service.client.get(second_done["documents"][0]["url"]).json()
    assert document["ocr_performed"] is False
    assert "Bauantrag" in service.client.get(f"{document['text_url']}").text


def test_duplicate_is_answered_with_the_existing_item(service: Service) -> None:
    data = png_bytes(letter_image(["Duplikat Test 4711"]))
    first = upload(service, ("a.png", data))["items"][0]
    second = upload(service, ("b.png", data))["items"][0]
    assert second["id"] == first["id"] and second["duplicate"]
    listed = service.client.get("/api/v1/intake/items").json()
    assert listed["total"] == 1
    blobs = [p for p in (service.container.settings.blob_dir / "sha256").rglob("*") if p.is_file()]
    assert len(blobs) == 1, "no second copy of the original"


def test_batch_is_split_at_separator_sheets(service: Service) -> None:
    batch = letter_pdf(
        BAUANTRAG,
        ["EAKTE-TRENNBLATT", "Trennblatt für die Poststelle"],
        WIDERSPRUCH,
        ["Anlage zum Widerspruch: Kopie des Bescheids"],
    )
    item = upload(service, ("stapel.pdf", batch), split="true")["items"][0]
    done = wait_for_item(service.client.get, item["id"])
    assert done["status"] == "done", done["failure_reason"]
    first, second = done["documents"]
    assert (first["pages"], second["pages"]) == (1, 2)
    assert "Bauantrag" in service.client.get(f"{first['url']}/text").text
    second_text = service.client.get(f"{second['url']}/text").text
    assert "Widerspruch" in second_text and "Anlage" in second_text
    part = service.client.get(f"{second['url']}/content").content
    with pikepdf.open(io.BytesIO(part)) as pdf:
        assert len(pdf.pages) == 2
    for document in (first, second):
        rendition = service.client.get(f"{document['url']}/rendition").content
        with pikepdf.open(io.BytesIO(rendition)) as pdf, pdf.open_metadata() as meta:
            assert meta.get("pdfaid:part") == "2", "each part stays a PDF/A"
    # the batch as received stays retrievable through its item
    assert service.container.store.get(done_item_blob(service, item["id"])) == batch


def done_item_blob(service: Service, item_id: str) -> str:
    from services.db.models import IntakeItem

    with service.container.session_factory() as session:
        item = session.get(IntakeItem, item_id)
        assert item is not None
        return item.blob_key


@pytest.mark.parametrize(
    ("name", "data", "status", "needle"),
    [
        ("empty.pdf", b"", 422, "empty"),
        ("notes.pdf", b"Dies ist kein PDF, nur Text.\n" * 20, 415, "not accepted"),
        ("invalid.pdf", (SCANS / "ocrmypdf" / "invalid.pdf").read_bytes(), 422, ""),
        ("encrypted.pdf", (SCANS / "paperless-ngx" / "encrypted.pdf").read_bytes(), 422, "ncrypt"),
        (
            "password.pdf",
            (SCANS / "paperless-ngx" / "password-is-test.pdf").read_bytes(),
            422,
            "ncrypt",
        ),
        ("hugemono.pdf", (SCANS / "ocrmypdf" / "hugemono.pdf").read_bytes(), 413, "pixel"),
        ("mail.eml", (SCANS / "paperless-ngx" / "eml_with_umlaut.eml").read_bytes(), 415, ""),
    ],
)
def test_bad_input_is_refused_with_problem_json(
    service_without_workers: Service, name: str, data: bytes, status: int, needle: str
) -> None:
    service = service_without_workers
    response = service.client.post("/api/v1/intake", files=[("files", (name, data))])
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["errors"][0]["file"] == name
    assert needle.lower() in problem["detail"].lower()
    assert service.client.get("/api/v1/intake/items").json()["total"] == 0


def test_truncated_pdf_is_refused(service_without_workers: Service) -> None:
    data = (SCANS / "ocrmypdf" / "linn.pdf").read_bytes()
    response = service_without_workers.client.post(
        "/api/v1/intake", files=[("files", ("cut.pdf", data[: len(data) // 3]))]
    )
    assert response.status_code == 422, response.text


def test_decompression_bomb_image_is_refused(service_without_workers: Service) -> None:
    bomb = io.BytesIO()
    Image.new("1", (40_000, 40_000), 1).save(bomb, format="PNG")
    response = service_without_workers.client.post(
        "/api/v1/intake", files=[("files", ("bomb.png", bomb.getvalue()))]
    )
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_pdf_with_5000_pages_is_refused(service_without_workers: Service) -> None:
    pdf = pikepdf.new()
    for _ in range(5000):
        pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer)
    response = service_without_workers.client.post(
        "/api/v1/intake", files=[("files", ("huge.pdf", buffer.getvalue()))]
    )
    assert response.status_code == 413, response.text
    assert "5000" in response.json()["detail"]


def test_wrong_extension_is_detected_by_content(service_without_workers: Service) -> None:
    png = png_bytes(letter_image(["Falsche Endung"]))
    body = service_without_workers.client.post(
        "/api/v1/intake", files=[("files", ("brief.pdf", png))]
    ).json()
    assert body["items"][0]["media_type"] == "image/png"


def test_one_bad_file_refuses_the_whole_upload(service_without_workers: Service) -> None:
    service = service_without_workers
    good = png_bytes(letter_image(["Guter Brief"]))
    response = service.client.post(
        "/api/v1/intake",
        files=[("files", ("good.png", good)), ("files", ("bad.exe", b"MZ\x90\x00" * 100))],
    )
    assert response.status_code == 415
    assert [e["file"] for e in response.json()["errors"]] == ["bad.exe"]
    assert service.client.get("/api/v1/intake/items").json()["total"] == 0


def test_upload_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    from tests.fixtures.app import make_settings, start_service

    settings = make_settings(tmp_path / "data", limits={"max_upload_bytes": 2048})
    for service in start_service(settings, run_workers=False):
        response = service.client.post(
            "/api/v1/intake", files=[("files", ("big.pdf", letter_pdf(BAUANTRAG)))]
        )
        assert response.status_code == 413
        assert "2048" in response.json()["detail"]


def test_lists_are_paginated(service_without_workers: Service) -> None:
    client = service_without_workers.client
    for n in range(3):
        png = png_bytes(letter_image([f"Brief Nummer {n}"]))
        assert client.post("/api/v1/intake", files=[("files", (f"{n}.png", png))]).is_success
    first = client.get("/api/v1/intake/items", params={"limit": 2}).json()
    assert (first["total"], len(first["items"]), first["next_offset"]) == (3, 2, 2)
    second = client.get("/api/v1/intake/items", params={"limit": 2, "offset": 2}).json()
    assert (len(second["items"]), second["next_offset"]) == (1, None)
    seen = {item["id"] for item in first["items"] + second["items"]}
    assert len(seen) == 3
    assert client.get("/api/v1/intake/items", params={"limit": 0}).status_code == 422
