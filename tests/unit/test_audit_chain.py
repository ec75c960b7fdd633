"""The audit hash chain, its anchors and its verification (SQLite, an in-memory store)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from services.audit.anchors import AnchorDocument, anchor_head, anchor_name
from services.audit.chain import GENESIS_HASH, ChainFields, chain_hash
from services.audit.jobs import ANCHOR_AUDIT, AnchorAuditHandler
from services.audit.policy import AuditPolicy, configure_audit
from services.audit.trail import chain_unchained, record_event
from services.audit.verify import verify_trail
from services.db.migrate import upgrade
from services.db.models import AuditAnchor, AuditEvent, Job
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.errors import ConflictError, IntegrityError, NotFoundError
from services.ports import BlobRef, Protection

POLICY = AuditPolicy()


class FakeClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 3, 3, 9, 0, 0, 123456, tzinfo=UTC)

    def now(self) -> datetime:
        self.current += timedelta(seconds=1)
        return self.current


class MemoryStore:
    """Only the named objects of the BlobStore port; everything else is not needed here."""

    name = "memory"

    def __init__(self) -> None:
        self.named: dict[str, bytes] = {}
        self.protections: dict[str, Protection] = {}

    def put_named(
        self,
        name: str,
        data: bytes,
        *,
        protection: Protection,
        content_type: str = "application/json",
    ) -> BlobRef:
        if name in self.named and self.named[name] != data:
            raise ConflictError(f"{name} exists with other content")
        self.named[name] = data
        self.protections[name] = protection
        return BlobRef(key=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))

    def get_named(self, name: str, version_id: str | None = None) -> bytes:
        if name not in self.named:
            raise NotFoundError(name)
        return self.named[name]

    def list_named(self, prefix: str) -> list[str]:
        return sorted(name for name in self.named if name.startswith(prefix))

    def put(self, *args: Any, **kwargs: Any) -> BlobRef:
        raise NotImplementedError

    get = exists = verify = protection = extend_retention = put
    set_legal_hold = delete = check_object_lock = check_health = put


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


def append(
    factory: sessionmaker[Session], clock: FakeClock, count: int, **details: Any
) -> list[int]:
    seqs = []
    for n in range(count):
        with unit_of_work(factory) as session:
            event = record_event(
                session,
                actor="key:k1 (Anna Schmidt)",
                action="document.filed",
                object_type="document",
                object_id=f"doc-{n}",
                details={"n": n, "akte": "Bürgeramt 32/2026", **details},
                clock=clock,
            )
            assert event.seq is not None
            seqs.append(event.seq)
    return seqs


def events(factory: sessionmaker[Session]) -> list[AuditEvent]:
    with unit_of_work(factory, write=False) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def verify(factory: sessionmaker[Session], store: MemoryStore) -> Any:
    with unit_of_work(factory, write=False) as session:
        return verify_trail(session, store)  # type: ignore[arg-type]


def anchor(factory: sessionmaker[Session], store: MemoryStore, clock: FakeClock) -> Any:
    with unit_of_work(factory) as session:
        return anchor_head(session, store, clock, POLICY)  # type: ignore[arg-type]


def test_events_form_a_chain_that_verifies(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    assert append(factory, clock, 5) == [1, 2, 3, 4, 5]
    rows = events(factory)
    assert rows[0].prev_hash == GENESIS_HASH
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.event_hash
    assert len({row.event_hash for row in rows}) == 5
    report = verify(factory, store)
    assert report.ok, report.breaks
    assert (report.events, report.head_seq, report.head_hash) == (5, 5, rows[-1].event_hash)


def test_hash_is_sha256_of_the_documented_canonical_form(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    """Pins format 1: an auditor must be able to recompute it with any JSON library."""
    append(factory, clock, 1)
    event = events(factory)[0]
    record = [
        "eakte-audit-event/1",
        1,
        "2026-03-03T09:00:01.123456+00:00",
        "key:k1 (Anna Schmidt)",
        "document.filed",
        "document",
        "doc-0",
        {"n": 0, "akte": "Bürgeramt 32/2026"},
        "0" * 64,
    ]
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert "Bürgeramt" in canonical
    assert event.event_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_times_and_details_hash_as_the_database_returns_them(
    factory: sessionmaker[Session], store: MemoryStore
) -> None:
    class BerlinClock:
        def now(self) -> datetime:
            return datetime(2026, 7, 1, 11, 30, 5, 7, tzinfo=timezone(timedelta(hours=2)))

    with unit_of_work(factory) as session:
        event = record_event(
            session,
            actor="system",
            action="content.read",
            object_type="document",
            object_id="d",
            details={"parts": ("content", "text"), 3: None, "ratio": 0.1},  # type: ignore[dict-item]
            clock=BerlinClock(),
        )
        written = event.event_hash
    stored = events(factory)[0]
    assert stored.occurred_at == datetime(2026, 7, 1, 9, 30, 5, 7, tzinfo=UTC)
    assert stored.details == {"parts": ["content", "text"], "3": None, "ratio": 0.1}
    assert stored.event_hash == written
    assert verify(factory, store).ok


def test_details_json_cannot_represent_are_refused(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    with pytest.raises(ValueError), unit_of_work(factory) as session:
        record_event(
            session,
            actor="system",
            action="x",
            object_type="t",
            object_id="1",
            details={"value": float("nan")},
            clock=clock,
        )


def test_events_flushed_in_one_transaction_chain_on_each_other(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    with unit_of_work(factory) as session:
        for n in range(3):
            record_event(
                session,
                actor="system",
                action="a",
                object_type="t",
                object_id=str(n),
                details={},
                clock=clock,
            )
    assert [row.seq for row in events(factory)] == [1, 2, 3]
    assert verify(factory, store).ok


TAMPERING = {
    "details": ("UPDATE audit_events SET details = :v WHERE seq = 3", '{"n": 99}'),
    "actor": ("UPDATE audit_events SET actor = :v WHERE seq = 3", "key:k2 (Someone Else)"),
    "action": ("UPDATE audit_events SET action = :v WHERE seq = 3", "document.moved"),
    "object_id": ("UPDATE audit_events SET object_id = :v WHERE seq = 3", "doc-x"),
}


@pytest.mark.parametrize("column", sorted(TAMPERING))
def test_a_changed_column_breaks_the_chain_at_that_event(
    column: str, factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    append(factory, clock, 5)
    target = events(factory)[2]
    sql, value = TAMPERING[column]
    with unit_of_work(factory) as session:
        session.execute(text(sql), {"v": value})
    report = verify(factory, store)
    assert not report.ok
    first = report.first_break
    assert (first.seq, first.event_id, first.problem) == (3, target.id, "altered")
    assert len(report.breaks) == 1, "later events still link to the stored hash"


def test_a_changed_time_breaks_the_chain(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    append(factory, clock, 5)
    with unit_of_work(factory) as session:
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.seq == 3)
            .values(occurred_at=datetime(2026, 3, 3, 9, 0, 3, 123457, tzinfo=UTC))
        )
    first = verify(factory, store).first_break
    assert (first.seq, first.problem) == (3, "altered")


def test_a_replaced_hash_breaks_the_next_link(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    append(factory, clock, 5)
    with unit_of_work(factory) as session:
        session.execute(
            text("UPDATE audit_events SET event_hash = :h WHERE seq = 3"), {"h": "a" * 64}
        )
    report = verify(factory, store)
    assert [(b.seq, b.problem) for b in report.breaks] == [(3, "altered"), (4, "link")]


def test_a_deleted_event_is_named_as_missing(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    append(factory, clock, 5)
    fourth = events(factory)[3]
    with unit_of_work(factory) as session:
        session.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    report = verify(factory, store)
    first = report.first_break
    assert (first.seq, first.event_id, first.problem) == (3, None, "missing")
    assert f"id {fourth.id}" in first.detail
    assert (4, "link") in [(b.seq, b.problem) for b in report.breaks]


def rewrite_history(factory: sessionmaker[Session], seq: int, details: dict[str, Any]) -> None:
    """What an attacker with database access does: change an event, recompute every hash
    and remove the database's record of anchors."""
    with unit_of_work(factory) as session:
        session.execute(delete(AuditAnchor))
        rows = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq)
            )
        )
        prev = session.scalar(select(AuditEvent.event_hash).where(AuditEvent.seq == seq - 1))
        for row in rows:
            if row.seq == seq:
                row.details = details
            row.prev_hash = prev
            assert row.seq is not None and prev is not None
            row.event_hash = chain_hash(ChainFields.of(row, seq=row.seq, prev_hash=prev))
            prev = row.event_hash


def test_consistent_rewrite_verifies_without_anchors_but_not_with_one(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    append(factory, clock, 5)
    assert anchor(factory, store, clock).seq == 5
    append(factory, clock, 2)
    rewrite_history(factory, 2, {"n": 1, "akte": "forged"})
    without_anchors = verify(factory, MemoryStore())
    assert without_anchors.ok, "the chain alone cannot see a consistent rewrite"
    report = verify(factory, store)
    assert [(b.seq, b.problem) for b in report.breaks] == [(5, "anchor_mismatch")]
    assert "between seq 1 and 5" in report.first_break.detail


def test_a_rewrite_after_the_last_anchor_is_not_caught_until_anchored(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    """The documented limit: events after the newest anchor are only as safe as the DB."""
    append(factory, clock, 3)
    anchor(factory, store, clock)
    append(factory, clock, 2)
    rewrite_history(factory, 5, {"n": 1, "akte": "forged"})
    assert verify(factory, store).ok


@pytest.mark.parametrize("drop_anchor_rows", [False, True])
def test_truncation_after_an_anchor_is_caught(
    drop_anchor_rows: bool, factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    append(factory, clock, 6)
    anchor(factory, store, clock)
    with unit_of_work(factory) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq >= 4))
        if drop_anchor_rows:
            session.execute(delete(AuditAnchor))
    report = verify(factory, store)
    first = report.first_break
    assert (first.seq, first.problem) == (4, "anchor_beyond_head")
    assert "000000000006.json" in first.detail and "ends at seq 3" in first.detail


def test_an_anchor_row_without_its_object_is_reported(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    append(factory, clock, 2)
    anchor(factory, store, clock)
    report = verify(factory, MemoryStore())
    assert [(b.seq, b.problem) for b in report.breaks] == [(2, "anchor_object_missing")]


def test_anchor_only_when_the_head_moved(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    assert anchor(factory, store, clock) is None, "an empty trail has nothing to anchor"
    append(factory, clock, 3)
    first = anchor(factory, store, clock)
    assert first.seq == 3 and first.blob_key == "anchors/audit/000000000003.json"
    assert anchor(factory, store, clock) is None
    append(factory, clock, 1)
    assert anchor(factory, store, clock).seq == 4
    assert store.list_named("anchors/audit/") == [anchor_name(3), anchor_name(4)]
    document = json.loads(store.named[anchor_name(4)])
    assert document == {
        "format": "eakte-audit-anchor/1",
        "seq": 4,
        "event_hash": events(factory)[-1].event_hash,
        "anchored_at": document["anchored_at"],
    }
    protection = store.protections[anchor_name(4)]
    anchored_at = datetime.fromisoformat(document["anchored_at"])
    assert protection.retain_until == anchored_at.replace(year=anchored_at.year + 30)
    assert not protection.legal_hold
    report = verify(factory, store)
    assert report.ok and report.anchors == 2 and report.last_anchored_seq == 4


def test_an_anchor_object_left_by_a_failed_transaction_is_adopted(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    append(factory, clock, 2)
    head = events(factory)[-1]
    earlier = AnchorDocument(seq=2, event_hash=head.event_hash or "", anchored_at=clock.now())
    store.named[anchor_name(2)] = earlier.to_bytes()
    written = anchor(factory, store, clock)
    assert written.anchored_at == earlier.anchored_at
    assert verify(factory, store).ok


def test_an_existing_anchor_for_another_hash_is_refused(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    append(factory, clock, 2)
    store.named[anchor_name(2)] = AnchorDocument(2, "b" * 64, clock.now()).to_bytes()
    with pytest.raises(IntegrityError, match="rewritten"):
        anchor(factory, store, clock)


def test_an_unreadable_anchor_is_a_break(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    append(factory, clock, 2)
    store.named[anchor_name(2)] = b"{}"
    store.named[anchor_name(1)] = AnchorDocument(2, "c" * 64, clock.now()).to_bytes()
    problems = [(b.seq, b.problem) for b in verify(factory, store).breaks]
    assert sorted(problems) == [(1, "anchor_unreadable"), (2, "anchor_unreadable")]


def insert_legacy(factory: sessionmaker[Session], clock: FakeClock, object_id: str) -> None:
    with unit_of_work(factory) as session:
        session.add(
            AuditEvent(
                occurred_at=clock.now(),
                actor="system",
                action="akte.created",
                object_type="akte",
                object_id=object_id,
                details={"reason": "before issue 4"},
            )
        )


def test_legacy_rows_are_a_break_until_chained_in_id_order(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    insert_legacy(factory, clock, "a1")
    insert_legacy(factory, clock, "a2")
    report = verify(factory, store)
    assert [(b.seq, b.problem) for b in report.breaks] == [(None, "unchained")] * 2
    with unit_of_work(factory) as session:
        assert chain_unchained(session, clock) == 2
    with unit_of_work(factory) as session:
        assert chain_unchained(session, clock) == 0
    rows = events(factory)
    assert [(r.seq, r.object_id) for r in rows[:2]] == [(1, "a1"), (2, "a2")]
    assert rows[2].action == "audit.legacy_chained"
    assert rows[2].details == {
        "count": 2,
        "first_seq": 1,
        "last_seq": 2,
        "first_id": rows[0].id,
        "last_id": rows[1].id,
    }
    assert verify(factory, store).ok
    append(factory, clock, 1)
    assert verify(factory, store).ok


def test_every_nth_event_enqueues_an_anchor_job(
    factory: sessionmaker[Session], clock: FakeClock, store: MemoryStore
) -> None:
    configure_audit(factory, AuditPolicy(anchor_every_events=3))
    append(factory, clock, 7)
    with unit_of_work(factory, write=False) as session:
        jobs = list(session.scalars(select(Job).where(Job.kind == ANCHOR_AUDIT).order_by(Job.id)))
    assert [job.payload for job in jobs] == [{"seq": 3}, {"seq": 6}]
    handler = AnchorAuditHandler(factory, store, POLICY, clock)  # type: ignore[arg-type]
    handler.run(jobs[0].payload)
    handler.run(jobs[1].payload)
    assert store.list_named("anchors/audit/") == [anchor_name(7)]
