"""The e-invoice pipeline on PostgreSQL and S3 Object Lock (production backends)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from minio.commonconfig import COMPLIANCE
from sqlalchemy import select

from services.db.models import EInvoice, StoredObject
from services.db.session import unit_of_work
from services.einvoice.intake import PROCESS_EINVOICE
from tests.fixtures.app import make_settings, start_service
from tests.fixtures.seaweed import S3ServerInfo

pytestmark = [pytest.mark.postgres, pytest.mark.s3]

SUITE = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "xrechnung-testsuite"


def test_invoice_is_processed_and_every_object_locked(
    tmp_path: Path, postgres_empty_url: str, s3_server: S3ServerInfo
) -> None:
    bucket = f"eakte-einvoice-{uuid.uuid4().hex[:8]}"
    settings = make_settings(
        tmp_path / "data",
        database_url=postgres_empty_url,
        search_backend="postgres",
        storage_backend="s3",
        s3_endpoint=s3_server.endpoint,
        s3_access_key=s3_server.access_key,
        s3_secret_key=s3_server.secret_key,
        s3_region=s3_server.region,
        s3_bucket=bucket,
        s3_secure=False,
    )
    xml = (SUITE / "business-cases" / "standard" / "01.15a-INVOICE_uncefact.xml").read_bytes()
    for service in start_service(settings, run_workers=False):
        receipt = service.client.post(
            "/api/v1/einvoices", content=xml, headers={"Content-Type": "application/xml"}
        ).json()
        service.container.handlers()[PROCESS_EINVOICE].run({"einvoice_id": receipt["id"]})
        invoice = service.client.get(receipt["url"]).json()
        assert invoice["status"] == "accepted" and invoice["syntax"] == "cii"
        content = service.client.get(f"/api/v1/documents/{invoice['document_id']}/content")
        assert content.content == xml
        found = service.client.get("/api/v1/search", params={"q": invoice["invoice_number"]})
        assert invoice["document_id"] in {hit["document_id"] for hit in found.json()["hits"]}
        with unit_of_work(service.container.session_factory, write=False) as session:
            row = session.get(EInvoice, receipt["id"])
            assert row is not None and row.report is not None
            for stored in session.scalars(select(StoredObject)):
                lock = s3_server.client().get_object_retention(
                    bucket, stored.blob_key, version_id=stored.version_id
                )
                assert lock is not None and lock.mode == COMPLIANCE
