"""The audit chain on real databases and real stores.

SQLite and PostgreSQL store the chain; the fs store and SeaweedFS (S3 Object Lock) hold
the anchors.  Tampering is done the way an attacker with database access would do it:
raw SQL, including recomputing every hash after a change.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from minio import Minio
from minio.commonconfig import COMPLIANCE
from minio.error import S3Error
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from services.audit.anchors import anchor_head, anchor_name
from services.audit.chain import ChainFields, chain_hash
from services.audit.policy import AuditPolicy
from services.audit.trail import chain_unchained, record_event
from services.audit.verify import VerificationReport, verify_trail
from services.backends.fs_store import FsBlobStore
from services.db.migrate import upgrade
from services.db.models import AuditAnchor, AuditEvent
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.errors import ConflictError
from services.ports import BlobStore, Protection
from tests.fixtures.s3 import new_bucket_name, store_for
from tests.fixtures.seaweed import S3ServerInfo

POLICY = AuditPolicy()


class BerlinClock:
    """Local summer time with microseconds: both must survive the database round trip."""

    def __init__(self) -> None:
        self.current = datetime(2026, 7, 1, 11, 0, 0, 654321, tzinfo=timezone(timedelta(hours=2)))

    def now(self) -> datetime:
        self.current += timedelta(microseconds=1_000_001)
        return self.current


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'audit.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture(params=["fs", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "fs":
        return FsBlobStore(tmp_path / "blobs")
    server: S3ServerInfo = request.getfixturevalue("s3_server")
    s3 = store_for(server, new_bucket_name())  # a bucket per test: anchors are listed by prefix
    s3.ensure_bucket()
    return s3


def append(factory: sessionmaker[Session], clock: Any, count: int, actor: str = "system") -> None:
    for n in range(count):
        with unit_of_work(factory) as session:
            record_event(
                session,
                actor=actor,
                action="document.filed",
                object_type="document",
                object_id=f"doc-{n}",
                details={"n": n, "akte": "Straßenverkehrsamt 32.10/2026/7", "score": 0.975},
                clock=clock,
            )


def verify(factory: sessionmaker[Session], store: BlobStore) -> VerificationReport:
    with unit_of_work(factory, write=False) as session:
        return verify_trail(session, store)


def anchor(factory: sessionmaker[Session], store: BlobStore, clock: Any) -> AuditAnchor | None:
    with unit_of_work(factory) as session:
        return anchor_head(session, store, clock, POLICY)


def breaks(report: VerificationReport) -> list[tuple[int | None, str]]:
    return [(b.seq, b.problem) for b in report.breaks]


def test_chain_and_anchors_verify_after_the_round_trip(
    factory: sessionmaker[Session], store: BlobStore
) -> None:
    clock = BerlinClock()
    append(factory, clock, 4)
    written = anchor(factory, store, clock)
    assert written is not None and written.seq == 4
    append(factory, clock, 2)
    report = verify(factory, store)
    assert report.ok, report.breaks
    assert (report.events, report.anchors, report.last_anchored_seq) == (6, 1, 4)
    with unit_of_work(factory, write=False) as session:
        first = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).first()
    assert first is not None
    assert first.occurred_at == datetime(2026, 7, 1, 9, 0, 1, 654322, tzinfo=UTC)


def test_tampering_with_a_row_is_named_by_seq(
    factory: sessionmaker[Session], store: BlobStore
) -> None:
    clock = BerlinClock()
    append(factory, clock, 5)
    anchor(factory, store, clock)
    with unit_of_work(factory) as session:
        session.execute(text("UPDATE audit_events SET actor = 'key:x (Mallory)' WHERE seq = 2"))
    report = verify(factory, store)
    first = report.first_break
    assert first is not None and (first.seq, first.problem) == (2, "altered")


def test_a_consistent_rewrite_is_caught_by_the_anchor_in_the_store(
    factory: sessionmaker[Session], store: BlobStore
) -> None:
    clock = BerlinClock()
    append(factory, clock, 5)
    anchor(factory, store, clock)
    with unit_of_work(factory) as session:
        session.execute(delete(AuditAnchor))
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        rows[1].details = {"n": 1, "akte": "forged"}
        prev = rows[0].event_hash
        for row in rows[1:]:
            assert row.seq is not None and prev is not None
            row.prev_hash = prev
            row.event_hash = chain_hash(ChainFields.of(row, seq=row.seq, prev_hash=prev))
            prev = row.event_hash
    assert breaks(verify(factory, store)) == [(5, "anchor_mismatch")]


def test_truncation_after_an_anchor_is_caught(
    factory: sessionmaker[Session], store: BlobStore
) -> None:
    clock = BerlinClock()
    append(factory, clock, 5)
    anchor(factory, store, clock)
    with unit_of_work(factory) as session:
        session.execute(delete(AuditAnchor))
        session.execute(delete(AuditEvent).where(AuditEvent.seq >= 3))
    assert breaks(verify(factory, store)) == [(3, "anchor_beyond_head")]


def test_legacy_rows_are_chained_at_start_up(
    factory: sessionmaker[Session], store: BlobStore
) -> None:
    clock = BerlinClock()
    with unit_of_work(factory) as session:
        for n in range(3):
            session.add(
                AuditEvent(
                    occurred_at=clock.now(),
                    actor="system",
                    action="akte.created",
                    object_type="akte",
                    object_id=f"a{n}",
                    details={},
                )
            )
    assert breaks(verify(factory, store)) == [(None, "unchained")] * 3
    with unit_of_work(factory) as session:
        assert chain_unchained(session, clock) == 3
    append(factory, clock, 1)
    report = verify(factory, store)
    assert report.ok and report.events == 5


def test_an_anchor_cannot_be_replaced_in_the_store(store: BlobStore) -> None:
    name = anchor_name(7)
    retain = Protection(retain_until=datetime.now(UTC) + timedelta(hours=1))
    store.put_named(name, b'{"seq":7}', protection=retain)
    with pytest.raises(ConflictError):
        store.put_named(name, b'{"seq":8}', protection=retain)
    assert store.get_named(name) == b'{"seq":7}'


@pytest.mark.s3
def test_anchors_are_locked_in_compliance_mode_on_s3(
    tmp_path: Path, s3_server: S3ServerInfo, s3_client: Minio
) -> None:
    """Even the raw S3 API cannot remove an anchor: that is what makes rewrites visible."""
    bucket = new_bucket_name()
    s3 = store_for(s3_server, bucket)
    s3.ensure_bucket()
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    try:
        clock = BerlinClock()
        append(factory, clock, 2)
        written = anchor(factory, s3, clock)
        assert written is not None and written.version_id
        retention = s3_client.get_object_retention(
            bucket, written.blob_key, version_id=written.version_id
        )
        assert retention is not None and retention.mode == COMPLIANCE
        assert retention.retain_until_date is not None
        assert retention.retain_until_date > datetime.now(UTC) + timedelta(days=365 * 29)
        with pytest.raises(S3Error) as refused:
            s3_client.remove_object(bucket, written.blob_key, version_id=written.version_id)
        assert refused.value.code == "AccessDenied"
        assert verify(factory, s3).ok
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_concurrent_appenders_on_postgres_make_one_unbroken_chain(
    postgres_url: str, tmp_path: Path
) -> None:
    engine = make_engine(postgres_url)
    factory = make_session_factory(engine)
    clock = BerlinClock()
    lock = threading.Lock()
    errors: list[BaseException] = []
    threads_count, per_thread = 4, 15

    class SafeClock:
        def now(self) -> datetime:
            with lock:
                return clock.now()

    def appender(worker: int) -> None:
        try:
            for n in range(per_thread):
                with unit_of_work(factory) as session:
                    record_event(
                        session,
                        actor=f"worker-{worker}",
                        action="content.read",
                        object_type="document",
                        object_id=f"{worker}-{n}",
                        details={"n": n},
                        clock=SafeClock(),
                    )
                    time.sleep(0.005)  # hold the transaction open: without the lock, heads race
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=appender, args=(w,)) for w in range(threads_count)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        with unit_of_work(factory, write=False) as session:
            seqs = list(session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
            actors = set(session.scalars(select(AuditEvent.actor)))
        assert seqs == list(range(1, threads_count * per_thread + 1))
        assert actors == {f"worker-{w}" for w in range(threads_count)}
        report = verify(factory, FsBlobStore(tmp_path / "blobs"))
        assert report.ok, report.breaks
    finally:
        engine.dispose()
