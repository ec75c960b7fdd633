"""The service's guarantees on S3 Object Lock: what it refuses, the server refuses too.

The service runs on a real SeaweedFS bucket; every check behind its back uses the raw
minio SDK on the object versions the service pinned in its database.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from minio import Minio
from minio.commonconfig import COMPLIANCE
from minio.error import S3Error
from minio.retention import Retention
from sqlalchemy import select

from services.db.models import StoredObject
from services.db.session import unit_of_work
from services.errors import StorageError
from services.storage.jobs import APPLY_PROTECTION
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.records import insert_document
from tests.fixtures.seaweed import S3ServerInfo

pytestmark = pytest.mark.s3


@pytest.fixture
def s3_service(tmp_path: Path, s3_server: S3ServerInfo) -> Iterator[tuple[Service, str]]:
    bucket = f"eakte-svc-{uuid.uuid4().hex[:10]}"
    settings = make_settings(
        tmp_path / "data",
        storage_backend="s3",
        s3_endpoint=s3_server.endpoint,
        s3_access_key=s3_server.access_key,
        s3_secret_key=s3_server.secret_key,
        s3_region=s3_server.region,
        s3_bucket=bucket,
        s3_secure=False,
    )
    for service in start_service(settings, run_workers=False):
        yield service, bucket


def pinned_objects(service: Service, document_id: str) -> list[StoredObject]:
    versions = service.client.get(f"/api/v1/documents/{document_id}/versions").json()
    hashes = {v["content"]["sha256"] for v in versions}
    with unit_of_work(service.container.session_factory, write=False) as session:
        return list(session.scalars(select(StoredObject).where(StoredObject.sha256.in_(hashes))))


def test_every_object_is_locked_in_compliance_mode_and_pinned(
    s3_service: tuple[Service, str], s3_client: Minio
) -> None:
    service, bucket = s3_service
    document_id = insert_document(service.container, "Bauantrag Lindenweg 4")
    [stored] = pinned_objects(service, document_id)
    assert stored.version_id
    retention = s3_client.get_object_retention(
        bucket, stored.blob_key, version_id=stored.version_id
    )
    assert retention is not None and retention.mode == COMPLIANCE
    assert retention.retain_until_date > datetime.now(UTC) + timedelta(days=300)
    with pytest.raises(S3Error) as refused:
        s3_client.remove_object(bucket, stored.blob_key, version_id=stored.version_id)
    assert refused.value.code == "AccessDenied"
    # A raw overwrite of the key makes a new version; the pinned one is what the service reads.
    s3_client.put_object(bucket, stored.blob_key, io.BytesIO(b"forged"), 6)
    content = service.client.get(f"/api/v1/documents/{document_id}/content")
    assert content.status_code == 200 and content.content == b"Bauantrag Lindenweg 4"


def test_hold_and_extension_reach_the_server_and_shortening_is_refused(
    s3_service: tuple[Service, str], s3_client: Minio
) -> None:
    service, bucket = s3_service
    document_id = insert_document(service.container, "Widerspruch Gebührenbescheid")
    [stored] = pinned_objects(service, document_id)
    held = service.client.put(
        f"/api/v1/documents/{document_id}/legal-hold",
        json={"active": True, "reason": "Klage anhängig"},
    )
    assert held.status_code == 200
    assert s3_client.is_object_legal_hold_enabled(
        bucket, stored.blob_key, version_id=stored.version_id
    )
    until = date.today() + timedelta(days=3650)
    extended = service.client.put(
        f"/api/v1/documents/{document_id}/retention",
        json={"retain_until": until.isoformat(), "reason": "Aufbewahrung nach AO"},
    )
    assert extended.status_code == 200, extended.text
    retention = s3_client.get_object_retention(
        bucket, stored.blob_key, version_id=stored.version_id
    )
    assert retention is not None and retention.retain_until_date.date() == until + timedelta(days=1)
    shorter = service.client.put(
        f"/api/v1/documents/{document_id}/retention",
        json={"retain_until": (until - timedelta(days=1)).isoformat(), "reason": "Versehen"},
    )
    assert shorter.status_code == 409
    with pytest.raises(S3Error):
        s3_client.set_object_retention(
            bucket,
            stored.blob_key,
            Retention(COMPLIANCE, datetime.now(UTC) + timedelta(days=1)),
            version_id=stored.version_id,
        )
    refused = service.client.post(
        f"/api/v1/documents/{document_id}/destruction", json={"reason": "Aussonderung"}
    )
    assert refused.status_code == 409
    service.client.put(
        f"/api/v1/documents/{document_id}/legal-hold",
        json={"active": False, "reason": "Verfahren beendet"},
    )
    assert not s3_client.is_object_legal_hold_enabled(
        bucket, stored.blob_key, version_id=stored.version_id
    )
    service.container.handlers()[APPLY_PROTECTION].run({})
    assert s3_client.stat_object(bucket, stored.blob_key, version_id=stored.version_id).size


def test_the_service_refuses_a_bucket_without_object_lock(
    tmp_path: Path, s3_server: S3ServerInfo, s3_client: Minio
) -> None:
    bucket = f"eakte-nolock-{uuid.uuid4().hex[:10]}"
    s3_client.make_bucket(bucket)
    settings = make_settings(
        tmp_path / "data",
        storage_backend="s3",
        s3_endpoint=s3_server.endpoint,
        s3_access_key=s3_server.access_key,
        s3_secret_key=s3_server.secret_key,
        s3_region=s3_server.region,
        s3_bucket=bucket,
        s3_secure=False,
    )
    with pytest.raises(StorageError, match="Object Lock"):
        next(start_service(settings, run_workers=False))
