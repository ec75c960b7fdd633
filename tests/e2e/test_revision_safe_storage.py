"""Versions, retention, legal holds, destruction and fixity through the API (embedded mode).

The clock runs with real time but can jump years ahead, and the fs store judges its
retention ledger by the same clock, so the whole lifecycle of a record fits in a test.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import delete, select
from typer.testing import CliRunner

from api.cli.main import app as cli
from services.backends.blob_keys import key_for_digest, sha256_hex
from services.db.models import AuditEvent, Document, DocumentVersion, StoredObject
from services.db.session import unit_of_work
from services.documents.new_version import RENDER_VERSION
from services.documents.page_images import cache_dir_of
from services.errors import RetentionViolationError
from services.settings import Settings
from services.storage.disposition import PURGE_OBJECTS
from services.storage.jobs import APPLY_PROTECTION
from services.storage.legacy import adopt_legacy_content
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.clock import ShiftedClock
from tests.fixtures.records import insert_document

ELEVEN_YEARS = timedelta(days=366 * 11 + 2)


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def storage_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def service(storage_settings: Settings, clock: ShiftedClock) -> Iterator[Service]:
    yield from start_service(storage_settings, run_workers=False, clock=clock)


def run_job(service: Service, kind: str, payload: dict[str, object] | None = None) -> None:
    service.container.handlers()[kind].run(payload or {})


def objects_of(service: Service, document_id: str) -> list[StoredObject]:
    with unit_of_work(service.container.session_factory, write=False) as session:
        versions = service.client.get(f"/api/v1/documents/{document_id}/versions").json()
        hashes = {v["content"]["sha256"] for v in versions}
        return list(session.scalars(select(StoredObject).where(StoredObject.sha256.in_(hashes))))


def events(service: Service, action: str, object_id: str) -> list[AuditEvent]:
    with unit_of_work(service.container.session_factory, write=False) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == action, AuditEvent.object_id == object_id
                )
            )
        )


def filed_in_closed_akte(service: Service, text: str) -> tuple[str, dict[str, object]]:
    """A document in a closed 537.01 Akte (10 years from the end of the year)."""
    document_id = insert_document(service.container, text)
    akte = service.client.post("/api/v1/akten", json={"code": "537.01", "title": "Abfall"}).json()
    filed = service.client.put(
        f"/api/v1/documents/{document_id}/filing", json={"akte_id": akte["id"], "reason": "Test"}
    )
    assert filed.status_code == 200, filed.text
    closed = service.client.post(f"/api/v1/akten/{akte['id']}/close").json()
    run_job(service, APPLY_PROTECTION)
    return document_id, closed


def png(text_colour: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (400, 200), color=text_colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_new_version_keeps_the_old_one_retrievable(service: Service) -> None:
    document_id = insert_document(service.container, "Bauantrag Lindenweg 4")
    original = service.client.get(f"/api/v1/documents/{document_id}/content")
    assert original.status_code == 200
    added = service.client.post(
        f"/api/v1/documents/{document_id}/versions",
        files={"file": ("korrigiert.png", png(230), "image/png")},
        data={"comment": "Seite 2 neu gescannt"},
    )
    assert added.status_code == 202, added.text
    assert added.json()["number"] == 2 and added.json()["rendition"] is None
    versions = service.client.get(f"/api/v1/documents/{document_id}/versions").json()
    assert [(v["number"], v["current"]) for v in versions] == [(1, False), (2, True)]
    assert service.client.get(f"/api/v1/documents/{document_id}").json()["current_version"] == 2
    first = service.client.get(f"/api/v1/documents/{document_id}/versions/1/content")
    assert first.content == original.content
    current = service.client.get(f"/api/v1/documents/{document_id}/content")
    assert current.headers["content-type"] == "image/png"
    assert current.headers["etag"] == f'"{versions[1]["content"]["sha256"]}"'
    reads = events(service, "content.read", document_id)
    assert [e.details["version"] for e in reads] == [1, 1, 2]
    assert events(service, "version.added", document_id)[0].details["comment"]


@pytest.mark.ocr
def test_a_new_versions_search_entry_keeps_the_uploads_metadata(service: Service) -> None:
    document_id = insert_document(service.container, "Bauantrag Lindenweg 4")
    with unit_of_work(service.container.session_factory) as session:
        document = session.get(Document, document_id)
        assert document is not None
        document.item.sender_hint = "Kreiswasserwerk Lindenhof"
    service.client.post(
        f"/api/v1/documents/{document_id}/versions",
        files={"file": ("korrigiert.png", png(230), "image/png")},
    ).raise_for_status()
    run_job(service, RENDER_VERSION, {"document_id": document_id, "version": 2})
    found = service.client.get("/api/v1/search", params={"q": "Kreiswasserwerk"}).json()
    assert [hit["document_id"] for hit in found["hits"]] == [document_id]


def test_bad_new_version_is_refused_and_changes_nothing(service: Service) -> None:
    document_id = insert_document(service.container, "Antrag auf Wohngeld")
    refused = service.client.post(
        f"/api/v1/documents/{document_id}/versions",
        files={"file": ("x.pdf", b"%PDF-1.7 truncated", "application/pdf")},
    )
    assert refused.status_code in (415, 422)
    assert refused.headers["content-type"].startswith("application/problem+json")
    versions = service.client.get(f"/api/v1/documents/{document_id}/versions").json()
    assert len(versions) == 1


def test_retention_is_extended_never_shortened(service: Service) -> None:
    document_id, closed = filed_in_closed_akte(service, "Beschwerde Müllabfuhr")
    end = date.fromisoformat(str(closed["retention_until"]))
    retention = service.client.get(f"/api/v1/documents/{document_id}/retention").json()
    assert retention["retention_until"] == end.isoformat()
    for stored in objects_of(service, document_id):
        lock = service.container.store.protection(stored.blob_key, stored.version_id)
        assert lock.retain_until.date() == end + timedelta(days=1)
    later = end + timedelta(days=400)
    extended = service.client.put(
        f"/api/v1/documents/{document_id}/retention",
        json={"retain_until": later.isoformat(), "reason": "Widerspruchsverfahren anhängig"},
    )
    assert extended.status_code == 200 and extended.json()["retention_until"] == later.isoformat()
    shorter = service.client.put(
        f"/api/v1/documents/{document_id}/retention",
        json={"retain_until": end.isoformat(), "reason": "Versehen"},
    )
    assert shorter.status_code == 409
    assert "never shortened" in shorter.json()["detail"]
    for stored in objects_of(service, document_id):
        lock = service.container.store.protection(stored.blob_key, stored.version_id)
        assert lock.retain_until.date() == later + timedelta(days=1)
        with pytest.raises(RetentionViolationError):
            service.container.store.delete(stored.blob_key, stored.version_id)
    assert events(service, "retention.extended", document_id)[0].details["reason"]


def test_destruction_is_refused_early_and_under_hold_then_leaves_a_tombstone(
    service: Service, clock: ShiftedClock
) -> None:
    document_id, _ = filed_in_closed_akte(service, "Beschwerde Straßenreinigung")
    stored = objects_of(service, document_id)
    early = service.client.post(
        f"/api/v1/documents/{document_id}/destruction", json={"reason": "Aussonderung"}
    )
    assert early.status_code == 409 and "retained until" in early.json()["detail"]
    held = service.client.put(
        f"/api/v1/documents/{document_id}/legal-hold",
        json={"active": True, "reason": "Klage VG Arnsberg 4 K 12/26"},
    )
    assert held.status_code == 200 and held.json()["legal_hold"]
    assert all(service.container.store.protection(o.blob_key).legal_hold for o in stored)
    clock.advance(ELEVEN_YEARS)
    under_hold = service.client.post(
        f"/api/v1/documents/{document_id}/destruction", json={"reason": "Aussonderung"}
    )
    assert under_hold.status_code == 409 and "legal hold" in under_hold.json()["detail"]
    with pytest.raises(RetentionViolationError):
        service.container.store.delete(stored[0].blob_key, stored[0].version_id)
    released = service.client.put(
        f"/api/v1/documents/{document_id}/legal-hold",
        json={"active": False, "reason": "Verfahren abgeschlossen"},
    )
    assert not released.json()["legal_hold"]
    destroyed = service.client.post(
        f"/api/v1/documents/{document_id}/destruction", json={"reason": "Aussonderung 2037"}
    )
    assert destroyed.status_code == 200, destroyed.text
    tombstone = destroyed.json()
    assert tombstone["versions"][0]["content_sha256"] == stored[0].sha256
    assert service.client.get(f"/api/v1/documents/{document_id}/content").status_code == 410
    cache = cache_dir_of(service.container.settings.data_dir) / stored[0].sha256[:2]
    cache.mkdir(parents=True, exist_ok=True)
    drawn = cache / f"{stored[0].sha256}-p1-w200.png"  # a page image seen before
    drawn.write_bytes(b"png")
    run_job(
        service, PURGE_OBJECTS, {"object_ids": [o.id for o in stored], "document_id": document_id}
    )
    root = service.container.settings.blob_dir
    assert not any((root / o.blob_key).exists() for o in stored)
    assert not drawn.exists()
    assert service.client.get(f"/api/v1/documents/{document_id}/tombstone").json() == tombstone
    assert events(service, "document.destroyed", document_id)
    assert [e.action for e in events(service, "legal_hold.set", document_id)]


def test_akte_hold_covers_its_documents_and_later_filings(service: Service) -> None:
    akte = service.client.post("/api/v1/akten", json={"code": "537.01", "title": "Abfall"}).json()
    first = insert_document(service.container, "Sperrmüll Anmeldung")
    service.client.put(
        f"/api/v1/documents/{first}/filing", json={"akte_id": akte["id"], "reason": "Test"}
    )
    held = service.client.put(
        f"/api/v1/akten/{akte['id']}/legal-hold",
        json={"active": True, "reason": "Prüfung Rechnungsprüfungsamt"},
    )
    assert held.status_code == 200 and held.json()["documents"] == 1
    later = insert_document(service.container, "Biotonne Beschwerde")
    service.client.put(
        f"/api/v1/documents/{later}/filing", json={"akte_id": akte["id"], "reason": "Test"}
    )
    run_job(service, APPLY_PROTECTION)
    for document_id in (first, later):
        retention = service.client.get(f"/api/v1/documents/{document_id}/retention").json()
        assert retention["legal_hold"] and "Rechnungsprüfungsamt" in retention["legal_hold_reason"]
        for stored in objects_of(service, document_id):
            assert service.container.store.protection(stored.blob_key).legal_hold


def test_unknown_retention_end_cannot_be_destroyed(service: Service, clock: ShiftedClock) -> None:
    document_id = insert_document(service.container, "Ungeordneter Brief")
    clock.advance(ELEVEN_YEARS)
    refused = service.client.post(
        f"/api/v1/documents/{document_id}/destruction", json={"reason": "Aussonderung"}
    )
    assert refused.status_code == 409 and "no known retention end" in refused.json()["detail"]


def test_minimum_lock_is_renewed_while_the_end_is_unknown(
    service: Service, clock: ShiftedClock
) -> None:
    document_id = insert_document(service.container, "Noch nicht zugeordnet")
    [stored] = objects_of(service, document_id)
    before = service.container.store.protection(stored.blob_key).retain_until
    clock.advance(timedelta(days=300))  # inside the 90-day renewal window of a 1-year lock
    run_job(service, APPLY_PROTECTION)
    after = service.container.store.protection(stored.blob_key).retain_until
    assert after - before >= timedelta(days=299)


def test_records_manager_only(service: Service) -> None:
    document_id = insert_document(service.container, "Brief")
    key = service.client.post(
        "/api/v1/keys", json={"name": "SB 32", "role": "caseworker", "org_unit": "32"}
    ).json()["key"]
    refused = service.client.put(
        f"/api/v1/documents/{document_id}/legal-hold",
        json={"active": True, "reason": "eigenmächtig"},
        headers=service.headers(key),
    )
    assert refused.status_code == 403
    assert events(service, "key.created", service.client.get("/api/v1/keys").json()[-1]["id"])


def test_flipped_byte_is_found_by_fixity_on_read_and_in_health(
    service: Service, storage_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    document_id = insert_document(service.container, "Gebührenbescheid 2026")
    assert service.client.get("/api/v1/health/storage").json()["status"] == "ok"
    [stored] = objects_of(service, document_id)
    path = storage_settings.blob_dir / stored.blob_key
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[3] ^= 0x01
    path.write_bytes(bytes(data))
    monkeypatch.setenv("EAKTE_DATA_DIR", str(storage_settings.data_dir))
    result = CliRunner().invoke(cli, ["fixity", "check", "--all"])
    assert result.exit_code == 1
    assert f"corrupt: object {stored.id}" in result.output
    health = service.client.get("/api/v1/health/storage")
    assert health.status_code == 503 and health.json()["status"] == "alert"
    assert health.json()["failures"][0]["key"] == stored.blob_key
    read = service.client.get(f"/api/v1/documents/{document_id}/content")
    assert read.status_code == 500
    assert events(service, "fixity.failed", str(stored.id))
    path.write_bytes(bytes(data[:3]) + bytes([data[3] ^ 0x01]) + bytes(data[4:]))
    assert CliRunner().invoke(cli, ["fixity", "check", "--all"]).exit_code == 0
    assert service.client.get("/api/v1/health/storage").json()["status"] == "ok"
    assert events(service, "fixity.restored", str(stored.id))


def test_content_stored_before_revision_safe_storage_is_adopted(service: Service) -> None:
    """A blob written by an older version (no ledger row, no version row) gets both."""
    data = b"Brief aus der Zeit vor Version 0005"
    key = key_for_digest(sha256_hex(data))
    path = service.container.settings.blob_dir / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o444)
    document_id = insert_document(service.container, "Platzhalter")
    with unit_of_work(service.container.session_factory) as session:
        document = session.get(Document, document_id)
        assert document is not None
        session.execute(delete(DocumentVersion).where(DocumentVersion.document_id == document_id))
        document.content_blob_key, document.content_sha256 = key, sha256_hex(data)
        adopted = adopt_legacy_content(
            session,
            service.container.store,
            clock=service.container.clock,
            settings=service.container.settings.retention,
        )
    assert adopted == 1
    lock = service.container.store.protection(key)
    assert lock.retain_until > service.container.clock.now() + timedelta(days=300)
    with pytest.raises(RetentionViolationError):
        service.container.store.delete(key, None)
    content = service.client.get(f"/api/v1/documents/{document_id}/versions/1/content")
    assert content.content == data
