"""A failing document is marked failed with a reason; the others go on. Jobs are idempotent."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.db.models import Document, IntakeItem
from services.intake.processing import ProcessItemHandler
from services.jobs.runner import Worker
from tests.fixtures.app import Service
from tests.fixtures.documents import BAUANTRAG, WIDERSPRUCH, letter_pdf

pytestmark = pytest.mark.ocr


def upload(service: Service, name: str, data: bytes) -> str:
    response = service.client.post("/api/v1/intake", files=[("files", (name, data))])
    assert response.status_code == 202, response.text
    item_id: str = response.json()["items"][0]["id"]
    return item_id


def blob_path(service: Service, item_id: str) -> Path:
    with service.container.session_factory() as session:
        item = session.get(IntakeItem, item_id)
        assert item is not None
        return service.container.settings.blob_dir / item.blob_key


def run_all_jobs(service: Service) -> None:
    worker = Worker(
        service.container.queue, service.container.handlers(), "test", poll_interval=0.01
    )
    while worker.run_once():
        pass


def test_a_corrupted_original_fails_its_item_and_the_next_one_completes(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    broken = upload(service, "broken.pdf", letter_pdf(BAUANTRAG))
    good = upload(service, "good.pdf", letter_pdf(WIDERSPRUCH))
    path = blob_path(service, broken)
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))

    run_all_jobs(service)

    broken_item = service.client.get(f"/api/v1/intake/items/{broken}").json()
    assert broken_item["status"] == "failed"
    assert "does not match its SHA-256" in broken_item["failure_reason"]
    good_item = service.client.get(f"/api/v1/intake/items/{good}").json()
    assert good_item["status"] == "done"


def test_processing_twice_creates_the_documents_once(service_without_workers: Service) -> None:
    service = service_without_workers
    item_id = upload(service, "brief.pdf", letter_pdf(BAUANTRAG))
    container = service.container
    handler = container.handlers()[ProcessItemHandler.kind]
    # Two workers that both believe they own the job (e.g. a lease that ran out mid-OCR).
    threads = [threading.Thread(target=handler.run, args=({"item_id": item_id},)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.run({"item_id": item_id})
    with container.session_factory() as session:
        count = session.scalar(select(func.count(Document.id)).where(Document.item_id == item_id))
    assert count == 1
    hits = service.client.get("/api/v1/search", params={"q": "Baugenehmigung"}).json()
    assert hits["total"] == 1
