"""Leitweg-ID routes and the adoption of annual accounts through the API."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from services.db.models import Document, EInvoice, RetentionRule, StoredObject
from services.db.session import unit_of_work
from services.einvoice.leitweg import compute_check_digits
from tests.fixtures.app import Service
from tests.fixtures.records import insert_document

COARSE, FINE = "05958000", "RECH01"
VALID_ID = f"{COARSE}-{FINE}-{compute_check_digits(COARSE, FINE)}"


def test_routes_are_set_listed_and_removed(service_without_workers: Service) -> None:
    client = service_without_workers.client
    created = client.put(
        f"/api/v1/leitweg-routes/{VALID_ID.lower()}",
        json={"org_unit": "20", "retention_rule": "ao", "description": "Stadtwerke"},
    )
    assert created.status_code == 200, created.text
    assert created.json()["leitweg_id"] == VALID_ID and created.json()["org_unit"] == "20"
    assert [r["leitweg_id"] for r in client.get("/api/v1/leitweg-routes").json()] == [VALID_ID]
    wrong_digits = VALID_ID[:-2] + ("00" if not VALID_ID.endswith("00") else "01")
    refused = client.put(f"/api/v1/leitweg-routes/{wrong_digits}", json={"org_unit": "20"})
    assert refused.status_code == 422 and "Leitweg-ID" in refused.json()["detail"]
    assert client.delete(f"/api/v1/leitweg-routes/{VALID_ID}").status_code == 204
    assert client.get("/api/v1/leitweg-routes").json() == []
    assert client.delete(f"/api/v1/leitweg-routes/{VALID_ID}").status_code == 404


def test_adopting_the_accounts_starts_the_retention_of_that_years_invoices(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    document_id = insert_document(service.container, "Rechnung 4711")
    now = service.container.clock.now()
    with unit_of_work(service.container.session_factory) as session:
        stored = session.scalars(select(StoredObject)).first()
        assert stored is not None
        session.add(
            EInvoice(
                received_object_id=stored.id,
                received_sha256=stored.sha256,
                received_media_type="application/xml",
                document_id=document_id,
                source="api",
                status="accepted",
                issue_date=date(2024, 3, 3),
                retention_rule=RetentionRule.KOMHVO,
                created_at=now,
                updated_at=now,
            )
        )
    adopted = service.client.put("/api/v1/annual-accounts/2024", json={"adopted_on": "2025-12-15"})
    assert adopted.status_code == 200, adopted.text
    assert adopted.json()["invoices"] == 1
    with unit_of_work(service.container.session_factory, write=False) as session:
        document = session.get(Document, document_id)
        assert document is not None
        assert document.retention_until == date(2031, 12, 31) and document.protection_pending
    earlier = service.client.put("/api/v1/annual-accounts/2024", json={"adopted_on": "2025-06-01"})
    assert earlier.status_code == 409 and "shorten" in earlier.json()["detail"]
    later = service.client.put("/api/v1/annual-accounts/2024", json={"adopted_on": "2026-02-01"})
    assert later.status_code == 200
    with unit_of_work(service.container.session_factory, write=False) as session:
        document = session.get(Document, document_id)
        assert document is not None and document.retention_until == date(2032, 12, 31)
