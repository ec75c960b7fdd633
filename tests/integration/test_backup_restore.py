"""Backup and restore: a pg_dump restored into a fresh cluster, against the same S3 bucket.

The installation is the production combination (PostgreSQL, PostgreSQL search, SeaweedFS
S3 with Object Lock).  Data is made through the service as users make it (intake,
documents, filing, reads, a new version), the audit head is anchored and the day's
evidence sealed; then the database is dumped with ``pg_dump -Fc`` and restored with
``pg_restore`` into a cluster that ``initdb`` has just created.  The restored database
is checked the way an operator would: ``eakte audit verify`` and ``eakte fixity check
--all`` as processes, then the service itself on the restored database.

The unhappy case is what an operator meets after a real disaster: work done after the
dump.  Its blobs and anchors are in the write-once store, the restored database does
not know them: the blobs are orphans, and the audit trail is cut off until the restore
is acknowledged (``eakte backup acknowledge-restore``).  The embedded-mode procedure
(SQLite online backup, blobs, ledger) and the restore markers' own checks are cheaper
and run without PostgreSQL and S3.  See docs/backup.md, which quotes what these show.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from minio import Minio
from sqlalchemy import select

from api.app import create_app
from services.audit.jobs import ANCHOR_AUDIT
from services.audit.policy import AuditPolicy
from services.audit.restores import RestoreMarker
from services.audit.verify import verify_trail
from services.backends.fs_ledger import LEDGER_FILE
from services.backup.restore import acknowledge_restore
from services.bootstrap import Container, build_container, prepare
from services.db.models import AuditEvent, StoredObject
from services.db.session import unit_of_work
from services.errors import IntegrityError
from services.evidence.records import document_evidence_record, verify_record
from services.evidence.sealing import seal_days, utc_day
from services.ports import IndexableDocument, Protection
from services.settings import Settings
from services.storage.orphans import find_orphans
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.documents import BAUANTRAG, letter_image, letter_pdf, png_bytes
from tests.fixtures.pg_cluster import PostgresCluster
from tests.fixtures.postgres import own_cluster
from tests.fixtures.records import insert_document
from tests.fixtures.seaweed import S3ServerInfo
from tests.fixtures.server import REPO, eakte_env

CORRECTED_PAGE = png_bytes(letter_image(["Bauantrag Gartenstraße 12, Seite 2"], dpi=50))


@pytest.fixture(scope="module")
def restore_cluster() -> Iterator[PostgresCluster]:
    """A second cluster, created by initdb for the restores: nothing in it but the dumps."""
    with own_cluster() as cluster:
        yield cluster


@dataclass
class Installation:
    """What an operator configures: a database URL and the bucket, nothing else."""

    s3: S3ServerInfo
    bucket: str
    data_dir: Path

    def settings(self, database_url: str) -> Settings:
        return make_settings(
            self.data_dir,
            database_url=database_url,
            search_backend="postgres",
            storage_backend="s3",
            s3_endpoint=self.s3.endpoint,
            s3_access_key=self.s3.access_key,
            s3_secret_key=self.s3.secret_key,
            s3_region=self.s3.region,
            s3_bucket=self.bucket,
            s3_secure=False,
        )

    def env(self, database_url: str) -> dict[str, str]:
        return eakte_env(
            self.data_dir,
            EAKTE_DATABASE_URL=database_url,
            EAKTE_SEARCH_BACKEND="postgres",
            EAKTE_STORAGE_BACKEND="s3",
            EAKTE_S3_ENDPOINT=self.s3.endpoint,
            EAKTE_S3_ACCESS_KEY=self.s3.access_key,
            EAKTE_S3_SECRET_KEY=self.s3.secret_key,
            EAKTE_S3_REGION=self.s3.region,
            EAKTE_S3_BUCKET=self.bucket,
            EAKTE_S3_SECURE="false",
        )

    def eakte(self, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            env=self.env(database_url),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@pytest.fixture
def installation(tmp_path: Path, s3_server: S3ServerInfo, s3_client: Minio) -> Installation:
    bucket = f"eakte-backup-{uuid.uuid4().hex[:8]}"
    s3_client.make_bucket(bucket, object_lock=True)
    return Installation(s3=s3_server, bucket=bucket, data_dir=tmp_path / "data")


def client_tool(cluster: PostgresCluster, name: str) -> str:
    """pg_dump/pg_restore of the server's own version (the bindir may hold symlinks only)."""
    server_bindir = (cluster.bindir / "initdb").resolve().parent
    for candidate in (cluster.bindir / name, server_bindir / name):
        if candidate.is_file():
            return str(candidate)
    pytest.fail(f"{name} not found next to {cluster.bindir / 'initdb'}", pytrace=False)


def pg_dump(cluster: PostgresCluster, database_url: str, target: Path) -> None:
    """``pg_dump -Fc``: one consistent snapshot (a repeatable-read transaction)."""
    database = database_url.rsplit("/", 1)[1]
    _run(
        [
            client_tool(cluster, "pg_dump"),
            "--format=custom",
            "--host=127.0.0.1", f"--port={cluster.port}", "--username=eakte",
            f"--dbname={database}",
            f"--file={target}",
        ]
    )  # fmt: skip


def pg_restore(cluster: PostgresCluster, dump: Path, database: str) -> str:
    """Restore ``dump`` into a new database of ``cluster``; return its URL."""
    url = cluster.create_database(database)
    _run(
        [
            client_tool(cluster, "pg_restore"),
            "--exit-on-error", "--single-transaction", "--no-owner",
            "--host=127.0.0.1", f"--port={cluster.port}", "--username=eakte",
            f"--dbname={database}",
            str(dump),
        ]
    )  # fmt: skip
    return url


def _run(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{Path(args[0]).name} failed:\n{result.stderr}"


def anchor_now(service: Service) -> None:
    service.container.handlers()[ANCHOR_AUDIT].run({})


def seal_today(service: Service) -> None:
    container = service.container
    with unit_of_work(container.session_factory) as session:
        seal_days(
            session,
            container.store,
            container.clock,
            through=utc_day(container.clock.now()) + timedelta(days=1),
        )


def file_documents(service: Service, code: str, title: str, *texts: str) -> list[str]:
    """Documents with known text, filed in a new Akte through the API, and read once."""
    akte = service.client.post("/api/v1/akten", json={"code": code, "title": title})
    assert akte.status_code == 201, akte.text
    documents = []
    for text in texts:
        document_id = insert_document(service.container, text)
        index(service.container, document_id, text)
        filed = service.client.put(
            f"/api/v1/documents/{document_id}/filing",
            json={"akte_id": akte.json()["id"], "reason": "Posteingang"},
        )
        assert filed.status_code == 200, filed.text
        read = service.client.get(f"/api/v1/documents/{document_id}/content")
        assert read.status_code == 200 and read.content == text.encode()
        documents.append(document_id)
    return documents


def index(container: Container, document_id: str, text: str) -> None:
    """What the OCR pipeline does at the end (insert_document does not)."""
    with unit_of_work(container.session_factory) as session:
        container.search.index_document(
            session,
            IndexableDocument(
                document_id=document_id, title="Brief", metadata_text="", pages=[text]
            ),
        )


def receive_scan(service: Service) -> str:
    """A scan through the intake API; without workers it waits, received, in the queue."""
    response = service.client.post(
        "/api/v1/intake",
        files=[("files", ("bauantrag.pdf", letter_pdf(BAUANTRAG)))],
        data={"station_id": "scanner-1"},
    )
    assert response.status_code == 202, response.text
    item_id: str = response.json()["items"][0]["id"]
    return item_id


@contextmanager
def restored_service(settings: Settings, admin_key: str) -> Iterator[tuple[Container, TestClient]]:
    """The service on a restored database: it migrates nothing, and the old keys work."""
    container = build_container(settings)
    try:
        assert prepare(container, migrate=True) is None, "the restored database has its keys"
        app = create_app(container, run_workers=False)
        with TestClient(app, headers={"Authorization": f"Bearer {admin_key}"}) as client:
            yield container, client
    finally:
        container.close()


def stored_objects(container: Container) -> list[StoredObject]:
    with unit_of_work(container.session_factory, write=False) as session:
        return list(session.scalars(select(StoredObject)))


def head_seq(service: Service) -> int:
    with unit_of_work(service.container.session_factory, write=False) as session:
        seq = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    assert seq is not None
    return seq


@pytest.mark.postgres
@pytest.mark.s3
def test_a_dump_restored_into_a_fresh_cluster_passes_audit_and_fixity(
    tmp_path: Path,
    postgres_empty_url: str,
    postgres_server: PostgresCluster,
    restore_cluster: PostgresCluster,
    installation: Installation,
) -> None:
    settings = installation.settings(postgres_empty_url)
    for service in start_service(settings, run_workers=False):
        documents = file_documents(
            service, "122.04", "Bauantrag Gartenstraße 12", "Bauantrag Gartenstraße", "Lageplan"
        )
        added = service.client.post(
            f"/api/v1/documents/{documents[0]}/versions",
            files={"file": ("neu.png", CORRECTED_PAGE, "image/png")},
            data={"comment": "Seite 2 neu gescannt"},
        )
        assert added.status_code == 202, added.text
        item_id = receive_scan(service)
        seal_today(service)
        anchor_now(service)
        dumped_head = head_seq(service)
        admin_key = service.admin_key
        dump = tmp_path / "eakte.dump"
        pg_dump(postgres_server, postgres_empty_url, dump)

    restored_url = pg_restore(restore_cluster, dump, f"eakte_{uuid.uuid4().hex[:12]}")

    verified = installation.eakte(restored_url, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("audit trail OK:"), verified.stdout
    assert f"{dumped_head} events" in verified.stdout
    fixity = installation.eakte(restored_url, "fixity", "check", "--all")
    assert fixity.returncode == 0, fixity.stdout + fixity.stderr
    assert fixity.stdout.startswith("checked ") and ", 0 failed" in fixity.stdout, fixity.stdout
    assert "orphan" not in fixity.stdout
    checked = installation.eakte(restored_url, "backup", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "audit trail: OK" in checked.stdout and ", 0 failed" in checked.stdout
    assert "orphans: 0 blobs" in checked.stdout

    with restored_service(installation.settings(restored_url), admin_key) as (container, client):
        current = client.get(f"/api/v1/documents/{documents[0]}/content")
        assert current.content == CORRECTED_PAGE
        first = client.get(f"/api/v1/documents/{documents[0]}/versions/1/content")
        assert first.content == "Bauantrag Gartenstraße".encode()
        assert client.get(f"/api/v1/intake/items/{item_id}").json()["status"] == "received"
        hits = client.get("/api/v1/search", params={"q": "Lageplan"}).json()
        assert [hit["document_id"] for hit in hits["hits"]] == [documents[1]]
        with unit_of_work(container.session_factory, write=False) as session:
            record = document_evidence_record(session, container.store, documents[1])
        proof = verify_record(b"Lageplan", record, store=container.store)
        assert proof.valid, proof.reason


@pytest.mark.postgres
@pytest.mark.s3
def test_work_after_the_dump_is_reported_lost_and_the_restore_acknowledged(
    tmp_path: Path,
    postgres_empty_url: str,
    postgres_server: PostgresCluster,
    restore_cluster: PostgresCluster,
    installation: Installation,
) -> None:
    for service in start_service(installation.settings(postgres_empty_url), run_workers=False):
        file_documents(service, "122.04", "Vor der Sicherung", "Bauantrag Lindenweg")
        anchor_now(service)
        dumped_head = head_seq(service)
        admin_key = service.admin_key
        dump = tmp_path / "eakte.dump"
        pg_dump(postgres_server, postgres_empty_url, dump)
        (lost_document,) = file_documents(service, "122.04", "Danach", "Widerspruch Gebühren")
        receive_scan(service)
        seal_today(service)
        anchor_now(service)
        lost_head = head_seq(service)
        lost_blobs = {obj.blob_key for obj in stored_objects(service.container)}
    restored_url = pg_restore(restore_cluster, dump, f"eakte_{uuid.uuid4().hex[:12]}")
    lost_anchor = f"anchors/audit/{lost_head:012d}.json"

    verified = installation.eakte(restored_url, "audit", "verify")
    assert verified.returncode == 1, verified.stdout
    assert f"anchor {lost_anchor} names seq {lost_head}" in verified.stderr
    assert f"restored from a backup taken at seq {dumped_head}" in verified.stderr
    assert "eakte backup acknowledge-restore" in verified.stderr
    checked = installation.eakte(restored_url, "backup", "check")
    assert checked.returncode == 1, checked.stdout
    assert "objects: not checked" in checked.stdout
    assert "run 'eakte backup acknowledge-restore' before anything else" in checked.stderr

    with restored_service(installation.settings(restored_url), admin_key) as (container, client):
        gone = client.get(f"/api/v1/documents/{lost_document}")
        assert gone.status_code == 404
        known = {obj.blob_key for obj in stored_objects(container)}
        with unit_of_work(container.session_factory, write=False) as session:
            an_hour_later = container.clock.now() + timedelta(hours=1)
            orphans = find_orphans(session, container.store, now=an_hour_later)
        assert {o.key for o in orphans} == lost_blobs - known
        assert len(lost_blobs - known) == 2, "the letter and the scan received after the dump"

    acknowledged = installation.eakte(restored_url, "backup", "acknowledge-restore")
    assert acknowledged.returncode == 0, acknowledged.stdout + acknowledged.stderr
    assert f"restored at seq {dumped_head}" in acknowledged.stdout
    again = installation.eakte(restored_url, "backup", "acknowledge-restore")
    assert again.returncode == 1 and "nothing to acknowledge" in again.stderr

    with restored_service(installation.settings(restored_url), admin_key) as (container, client):
        service = Service(container=container, client=client, admin_key=admin_key)
        (scan_key,) = [o.key for o in orphans if container.store.get(o.key).startswith(b"%PDF")]
        resent = client.post(
            "/api/v1/intake",
            files=[("files", ("wieder.pdf", container.store.get(scan_key)))],
            data={"station_id": "scanner-1"},
        )
        assert resent.status_code == 202, resent.text
        with unit_of_work(container.session_factory, write=False) as session:
            left = find_orphans(session, container.store, now=an_hour_later)
        assert {o.key for o in left} == lost_blobs - known - {scan_key}, "received again: adopted"
        file_documents(service, "122.04", "Nach der Wiederherstellung", "Neu 1", "Neu 2")
        anchor_now(service)
        seal_today(service)
        assert head_seq(service) > lost_head + 1
        checked = client.post("/api/v1/audit/verification")
        assert checked.status_code in (200, 201), checked.text
        assert checked.json()["ok"] is True
        (restore,) = checked.json()["restores"]
        assert f"the database was restored at seq {dumped_head}" in restore
    today = utc_day(datetime.now(UTC)).isoformat()
    evidence = [
        o.object_name
        for o in installation.s3.client().list_objects(
            installation.bucket, prefix="anchors/evidence/", recursive=True
        )
    ]
    assert len(evidence) == 2 and f"anchors/evidence/{today}.json" in evidence, evidence
    (resealed,) = set(evidence) - {f"anchors/evidence/{today}.json"}
    assert resealed.startswith(f"anchors/evidence/{today}.") and len(resealed) > 64
    verified = installation.eakte(restored_url, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("audit trail OK:")
    assert f"the database was restored at seq {dumped_head}" in verified.stdout
    assert f"events {dumped_head + 1}..{lost_head}" in verified.stdout
    assert lost_anchor in verified.stdout
    fixity = installation.eakte(restored_url, "fixity", "check", "--all")
    assert fixity.returncode == 0, fixity.stdout + fixity.stderr


def test_embedded_mode_backup_with_the_sqlite_backup_api_restores(tmp_path: Path) -> None:
    """The procedure of docs/backup.md for embedded mode: database, blobs, then the ledger."""
    live, copy = tmp_path / "data", tmp_path / "backup"
    for service in start_service(make_settings(live), run_workers=False):
        (document,) = file_documents(service, "122.04", "Eingebettet", "Bauantrag Ahornweg")
        seal_today(service)
        anchor_now(service)
        copy.mkdir()
        sqlite_backup(live / "eakte.db", copy / "eakte.db")
        shutil.copytree(
            live / "blobs", copy / "blobs", ignore=shutil.ignore_patterns(f"{LEDGER_FILE}*")
        )
        sqlite_backup(live / "blobs" / LEDGER_FILE, copy / "blobs" / LEDGER_FILE)
        admin_key = service.admin_key
    for args, says in (
        (("audit", "verify"), "audit trail OK:"),
        (("fixity", "check", "--all"), ", 0 failed"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            env=eakte_env(copy),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert says in result.stdout, result.stdout
    with restored_service(make_settings(copy), admin_key) as (_, client):
        assert client.get(f"/api/v1/documents/{document}/content").content == b"Bauantrag Ahornweg"


def sqlite_backup(source: Path, target: Path) -> None:
    """``sqlite3 SOURCE ".backup TARGET"``: SQLite's online backup, consistent while in use.

    Python's ``sqlite3`` module offers the same API where the shell is not installed.
    """
    if shutil.which("sqlite3") is None:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
            live.backup(copy)
        return
    result = subprocess.run(
        ["sqlite3", str(source), f".backup '{target}'"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_a_restore_marker_the_chain_disagrees_with_is_a_break(
    service_without_workers: Service,
) -> None:
    """A marker cannot excuse a cut: it must name the head the chain really has."""
    container = service_without_workers.container
    file_documents(service_without_workers, "122.04", "Marker", "Antrag Birkenweg")
    head = head_seq(service_without_workers)
    now = container.clock.now()
    forged = RestoreMarker(
        restored_seq=head - 1,
        restored_hash="f" * 64,
        resume_seq=head,
        lost_anchors=(),
        acknowledged_at=now,
        actor="test",
    )
    container.store.put_named(
        forged.name, forged.to_bytes(), protection=Protection(retain_until=now + timedelta(hours=1))
    )
    with unit_of_work(container.session_factory, write=False) as session:
        report = verify_trail(session, container.store)
    assert [b.problem for b in report.breaks] == ["restore_mismatch"]
    assert report.first_break is not None and report.first_break.seq == head
    assert report.restores == []


def test_acknowledging_refuses_a_trail_with_other_breaks(
    service_without_workers: Service,
) -> None:
    container = service_without_workers.container
    file_documents(service_without_workers, "122.04", "Verändert", "Antrag Eschenweg")
    with unit_of_work(container.session_factory) as session:
        first = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).limit(1)).one()
        first.actor = "someone else"
    with (
        pytest.raises(IntegrityError, match="breaks a restore does not explain"),
        unit_of_work(container.session_factory) as session,
    ):
        acknowledge_restore(
            session,
            container.store,
            container.clock,
            AuditPolicy.from_settings(container.settings),
            actor="test",
        )
    assert container.store.list_named("anchors/restore/") == []


def test_a_second_restore_from_an_older_backup_can_be_acknowledged_too(tmp_path: Path) -> None:
    """Restoring the same old backup again loses the first acknowledgement: said as well."""
    data = tmp_path / "data"
    dump = tmp_path / "eakte-backup.db"
    for service in start_service(make_settings(data), run_workers=False):
        file_documents(service, "122.04", "Vorher", "Antrag Ulmenweg")
        anchor_now(service)
        dumped_head = head_seq(service)
        sqlite_backup(data / "eakte.db", dump)
        file_documents(service, "122.04", "Verloren", "Antrag Lärchenweg")
        anchor_now(service)
    markers = []
    for restore in range(2):
        restore_sqlite(dump, data / "eakte.db")
        container = build_container(make_settings(data))
        try:
            prepare(container, migrate=True)
            with unit_of_work(container.session_factory, write=False) as session:
                cut = verify_trail(session, container.store)
            assert {b.problem for b in cut.breaks} == {"anchor_beyond_head"}, cut.to_dict()
            with unit_of_work(container.session_factory) as session:
                done = acknowledge_restore(
                    session,
                    container.store,
                    container.clock,
                    AuditPolicy.from_settings(container.settings),
                    actor=f"restore {restore}",
                )
            markers.append(done.marker)
            for n in range(3):
                insert_document(container, f"Nach Wiederherstellung {restore}.{n}")
            container.handlers()[ANCHOR_AUDIT].run({})
            with unit_of_work(container.session_factory, write=False) as session:
                report = verify_trail(session, container.store)
            assert report.ok, report.to_dict()
            assert len(report.restores) == 1 and f"by restore {restore}" in report.restores[0]
        finally:
            container.close()
    first, second = markers
    assert first.restored_seq == second.restored_seq == dumped_head
    assert first.name in second.lost_anchors and second.resume_seq > first.resume_seq


def restore_sqlite(backup: Path, target: Path) -> None:
    """Put a SQLite backup back in place of the database (its WAL files go with the old one)."""
    for leftover in target.parent.glob(f"{target.name}-*"):
        leftover.unlink()
    shutil.copyfile(backup, target)
