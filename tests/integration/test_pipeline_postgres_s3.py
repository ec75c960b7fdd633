"""The production combination: PostgreSQL, PostgreSQL search and S3, end to end."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest
from minio.commonconfig import COMPLIANCE
from sqlalchemy import select

from services.audit.jobs import ANCHOR_AUDIT
from services.audit.verify import verify_trail
from services.db.models import Job, JobStatus, StoredObject
from services.evidence.jobs import SEAL_EVIDENCE
from tests.fixtures.app import make_settings, start_service
from tests.fixtures.documents import BAUANTRAG, WIDERSPRUCH, letter_pdf
from tests.fixtures.seaweed import S3ServerInfo
from tests.fixtures.server import SCANS, wait_for_filing, wait_for_item

pytestmark = [pytest.mark.postgres, pytest.mark.s3, pytest.mark.ocr]


def test_mail_room_on_postgres_and_s3(
    tmp_path: Path, postgres_empty_url: str, s3_server: S3ServerInfo
) -> None:
    bucket = f"eakte-pipeline-{uuid.uuid4().hex[:8]}"
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
    for service in start_service(settings):
        client = service.client
        batch = letter_pdf(BAUANTRAG, ["EAKTE-TRENNBLATT"], WIDERSPRUCH)
        scan = (SCANS / "ocrmypdf" / "masks.pdf").read_bytes()
        response = client.post(
            "/api/v1/intake",
            files=[("files", ("stapel.pdf", batch)), ("files", ("linux.pdf", scan))],
            data={"split": "true", "station_id": "scanner-2"},
        )
        assert response.status_code == 202, response.text
        batch_item, scan_item = response.json()["items"]
        batch_done = wait_for_item(client.get, batch_item["id"])
        scan_done = wait_for_item(client.get, scan_item["id"])
        assert batch_done["status"] == "done", batch_done["failure_reason"]
        assert len(batch_done["documents"]) == 2
        assert scan_done["status"] == "done", scan_done["failure_reason"]

        document = scan_done["documents"][0]
        original = client.get(f"{document['url']}/content").content
        assert hashlib.sha256(original).hexdigest() == scan_item["sha256"]
        assert s3_server.client().stat_object(bucket, _key(scan_item["sha256"])).size == len(scan)

        hits = client.get("/api/v1/search", params={"q": "Baugenehmigungen"}).json()
        assert hits["total"] == 1
        assert hits["hits"][0]["document_id"] == batch_done["documents"][0]["id"]
        assert "<mark>" in hits["hits"][0]["snippet"]

        for document in [*batch_done["documents"], *scan_done["documents"]]:
            wait_for_filing(client.get, document["id"], timeout=300)
        scheduled = {schedule.kind for schedule in service.container.schedules()}
        scheduled |= {SEAL_EVIDENCE, ANCHOR_AUDIT}
        with service.container.session_factory() as session:
            jobs = session.execute(select(Job.kind, Job.status)).all()
            assert {status for kind, status in jobs if kind not in scheduled} == {JobStatus.DONE}
            assert JobStatus.FAILED not in {status for _, status in jobs}
            stored = session.scalars(select(StoredObject)).all()
            assert all(obj.version_id for obj in stored), "every object is pinned by version"
            for obj in stored:
                lock = s3_server.client().get_object_retention(
                    bucket, obj.blob_key, version_id=obj.version_id
                )
                assert lock is not None and lock.mode == COMPLIANCE
            report = verify_trail(session, service.container.store)
        assert report.ok, report.to_dict()


def _key(sha256: str) -> str:
    from services.backends.blob_keys import key_for_digest

    return key_for_digest(sha256)
