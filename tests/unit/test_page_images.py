"""Page images: rendering, the disk cache, range checks, visibility and the hourly audit."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from PIL import Image

from services.access.scope import Scope, system_scope
from services.db.session import unit_of_work
from services.documents.page_images import (
    PAGE_IMAGE_PART,
    PageImage,
    cache_dir_of,
    forget_page_images,
    page_text_boxes,
    render_page_image,
)
from services.errors import InvalidInputError, NotFoundError
from services.media.pdfium import PdfiumDocument
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.clock import ShiftedClock
from tests.ui.validation_data import insert_scanned_document

LETTER = ["Stadt Hagen - Bauordnungsamt", "Bauantrag Gartenstraße 12", "Az. 63-0815/2026"]


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def service(tmp_path: Path, clock: ShiftedClock) -> Iterator[Service]:
    yield from start_service(make_settings(tmp_path / "data"), run_workers=False, clock=clock)


def _key(service: Service, role: str, org_unit: str | None) -> str:
    body = {"name": f"{role} {org_unit}", "role": role, "org_unit": org_unit, "clearance": "003"}
    response = service.client.post("/api/v1/keys", json=body)
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def _render(service: Service, document_id: str, page: int, width: int) -> PageImage:
    container = service.container
    with unit_of_work(container.session_factory, write=False) as session:
        return render_page_image(
            session,
            _scope_of(service),
            container.store,
            document_id,
            page,
            width,
            cache_dir=cache_dir_of(container.settings.data_dir),
        )


def _scope_of(service: Service) -> Scope:
    return system_scope("test")


def _page_image_events(service: Service, document_id: str) -> list[dict[str, Any]]:
    response = service.client.get(
        "/api/v1/audit", params={"object": f"document:{document_id}", "limit": 100}
    )
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["items"]
    return [
        e
        for e in events
        if e["action"] == "content.read" and e["details"].get("part") == PAGE_IMAGE_PART
    ]


def test_renders_a_page_at_the_width_asked_for_and_caches_it(service: Service) -> None:
    document_id = insert_scanned_document(service.container, LETTER, ["Seite zwei"], org_unit="63")
    image = _render(service, document_id, 2, 300)
    with Image.open(io.BytesIO(image.data)) as png:
        assert png.format == "PNG"
        assert png.width == 300
        assert png.height > 400  # A4 portrait
    cached = list(cache_dir_of(service.container.settings.data_dir).rglob("*.png"))
    assert [p.name for p in cached] == [f"{image.sha256}-p2-w300.png"]
    assert _render(service, document_id, 2, 300).data == image.data


def test_a_purged_object_takes_its_cached_pages_along(service: Service) -> None:
    first = insert_scanned_document(service.container, LETTER, ["Seite zwei"], org_unit="63")
    other = insert_scanned_document(service.container, "Ein anderer Brief", org_unit="63")
    kept = _render(service, other, 1, 200)
    purged = _render(service, first, 1, 200)
    _render(service, first, 2, 300)
    cache = cache_dir_of(service.container.settings.data_dir)
    forget_page_images(cache, purged.sha256)
    assert [p.name for p in cache.rglob("*.png")] == [f"{kept.sha256}-p1-w200.png"]


def test_pages_out_of_range_and_odd_widths_are_refused(service: Service) -> None:
    document_id = insert_scanned_document(service.container, LETTER, org_unit="63")
    with pytest.raises(NotFoundError):
        _render(service, document_id, 2, 300)
    with pytest.raises(NotFoundError):
        _render(service, document_id, 0, 300)
    with pytest.raises(InvalidInputError):
        _render(service, document_id, 1, 99)
    with pytest.raises(InvalidInputError):
        _render(service, document_id, 1, 2401)
    with pytest.raises(NotFoundError):
        _render(service, "no-such-document", 1, 300)


def test_the_endpoint_answers_png_with_safe_headers_and_hides_other_units(
    service: Service,
) -> None:
    document_id = insert_scanned_document(service.container, LETTER, org_unit="63")
    url = f"/api/v1/documents/{document_id}/pages/1/image"
    own = service.headers(_key(service, "caseworker", "63"))
    response = service.client.get(url, params={"width": 200}, headers=own)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("inline")
    assert Image.open(io.BytesIO(response.content)).width == 200
    again = service.client.get(
        url, params={"width": 200}, headers={**own, "If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304
    other = service.headers(_key(service, "caseworker", "32"))
    hidden = service.client.get(url, headers=other)
    missing = service.client.get("/api/v1/documents/nothing/pages/1/image", headers=other)
    assert hidden.status_code == missing.status_code == 404
    assert service.client.get(url.replace("/1/", "/9/"), headers=own).status_code == 404
    assert service.client.get(url, params={"width": 50}, headers=own).status_code == 422


def test_reads_are_audited_once_per_person_document_and_hour(
    service: Service, clock: ShiftedClock
) -> None:
    document_id = insert_scanned_document(service.container, LETTER, ["zwei"], org_unit="63")
    url = f"/api/v1/documents/{document_id}/pages/{{page}}/image"
    reader = service.headers(_key(service, "caseworker", "63"))
    other_reader = service.headers(_key(service, "caseworker", "63"))
    for page, width in ((1, 150), (2, 150), (1, 1000), (1, 1200)):
        response = service.client.get(
            url.format(page=page), params={"width": width}, headers=reader
        )
        assert response.status_code == 200
    events = _page_image_events(service, document_id)
    assert len(events) == 1
    assert events[0]["details"]["page"] == 1
    assert events[0]["details"]["version"] == 1
    service.client.get(url.format(page=2), headers=other_reader)
    assert len(_page_image_events(service, document_id)) == 2
    clock.advance(timedelta(minutes=61))
    service.client.get(url.format(page=2), headers=reader)
    assert len(_page_image_events(service, document_id)) == 3


def test_an_image_original_renders_without_a_rendition(service: Service) -> None:
    document_id = insert_scanned_document(service.container, LETTER, org_unit="63", as_png=True)
    image = _render(service, document_id, 1, 100)
    assert image.width == 100
    assert Image.open(io.BytesIO(image.data)).width == 100


def test_text_boxes_say_where_a_reference_stands_on_the_page() -> None:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.text(20, 30, "Stadt Hagen")
    pdf.text(120, 250, "Az. 63-0815/2026")
    data = bytes(pdf.output())
    with PdfiumDocument(data) as document:
        boxes = document.text_boxes(0, "63-0815/2026")
        assert document.text_boxes(0, "nirgends") == []
    assert len(boxes) == 1
    left, top, right, bottom = boxes[0]
    assert 0.5 < left < right < 1
    assert 0.8 < top < bottom < 1


def test_no_boxes_without_a_searchable_pdf(service: Service) -> None:
    document_id = insert_scanned_document(service.container, LETTER, org_unit="63")
    container = service.container
    with unit_of_work(container.session_factory, write=False) as session:
        found = page_text_boxes(
            session, _scope_of(service), container.store, document_id, 1, "63-0815"
        )
    assert found == []
