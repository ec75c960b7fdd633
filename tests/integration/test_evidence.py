"""Evidence: daily trees over stored content, records exported and verified against the store."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from services.db.migrate import upgrade
from services.db.models import (
    AuditEvent,
    Document,
    DocumentStatus,
    DocumentVersion,
    EvidenceTree,
    IntakeItem,
    ItemStatus,
    Job,
    ObjectPurpose,
    StoredObject,
)
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.errors import IntegrityError, NotFoundError
from services.evidence.jobs import SEAL_EVIDENCE, SealEvidenceHandler, schedule_sealing
from services.evidence.merkle import build
from services.evidence.records import (
    EvidencePendingError,
    document_evidence_record,
    evidence_record,
    verify_record,
)
from services.evidence.sealing import anchor_name, seal_days
from services.ports import BlobStore, Protection
from services.settings import Settings

START = (datetime.now(UTC) - timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
"""Day 1 of the tests: recent, so that locks set from it lie in the store's future."""


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@dataclass
class World:
    factory: sessionmaker[Session]
    store: BlobStore
    clock: FakeClock
    blobs: dict[int, bytes]
    """Stored object id -> its bytes."""

    def add(self, data: bytes, purpose: ObjectPurpose = ObjectPurpose.CONTENT) -> int:
        now = self.clock.now()
        lock = now + timedelta(days=365)
        ref = self.store.put(data, protection=Protection(retain_until=lock))
        with unit_of_work(self.factory) as session:
            row = StoredObject(
                blob_key=ref.key,
                version_id=ref.version_id,
                sha256=ref.sha256,
                size=ref.size,
                media_type="application/pdf",
                purpose=purpose,
                stored_at=now,
                retain_until=lock,
                legal_hold=False,
            )
            session.add(row)
            session.flush()
            self.blobs[row.id] = data
            return row.id

    def seal(self, **kwargs: Any) -> list[Any]:
        with unit_of_work(self.factory) as session:
            return seal_days(session, self.store, self.clock, **kwargs)

    def record(self, object_id: int, *, store: bool = True) -> dict[str, Any]:
        with unit_of_work(self.factory, write=False) as session:
            return evidence_record(session, self.store if store else None, object_id)

    def count(self, model: Any) -> int:
        with unit_of_work(self.factory, write=False) as session:
            return session.scalar(select(func.count()).select_from(model)) or 0


def _fs_store(tmp_path: Path, clock: FakeClock) -> BlobStore:
    from services.backends.fs_store import FsBlobStore

    return FsBlobStore(tmp_path / "blobs", clock=clock)


@pytest.fixture(
    params=["sqlite-fs", pytest.param("postgres-s3", marks=[pytest.mark.postgres, pytest.mark.s3])]
)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The embedded combination, and the production one (PostgreSQL, S3 Object Lock)."""
    clock = FakeClock()
    if request.param == "sqlite-fs":
        url = f"sqlite:///{tmp_path / 'evidence.db'}"
        store = _fs_store(tmp_path, clock)
    else:
        url = request.getfixturevalue("postgres_url")
        store = request.getfixturevalue("s3_blob_store")
    engine = make_engine(url)
    upgrade(engine)
    yield World(make_session_factory(engine), store, clock, {})
    engine.dispose()


@pytest.fixture
def fs_world(tmp_path: Path) -> Iterator[World]:
    clock = FakeClock()
    engine = make_engine(f"sqlite:///{tmp_path / 'evidence.db'}")
    upgrade(engine)
    yield World(make_session_factory(engine), _fs_store(tmp_path, clock), clock, {})
    engine.dispose()


def letter(n: int) -> bytes:
    return f"%PDF-1.7 letter number {n}\n".encode() * 20


def two_days(world: World) -> tuple[list[int], list[int]]:
    """Three objects on day 1, two on day 2; the clock then stands on day 3."""
    first = [world.add(letter(i)) for i in range(3)]
    world.clock.advance(days=1)
    second = [world.add(letter(10 + i), ObjectPurpose.RENDITION) for i in range(2)]
    world.clock.advance(days=1)
    return first, second


def test_two_days_are_sealed_and_every_record_verifies(world: World) -> None:
    first, second = two_days(world)
    world.add(letter(99))  # today: not over, so not sealed

    sealed = world.seal()

    day1, day2 = START.date(), START.date() + timedelta(days=1)
    assert [(s.day, s.leaf_count) for s in sealed] == [(day1, 3), (day2, 2)]
    # The S3 bucket is shared by the test session, so the names are checked on fs below.
    assert {s.anchor_name for s in sealed} <= set(world.store.list_named("anchors/evidence/"))
    for object_id in first + second:
        record = world.record(object_id)
        assert record["object"]["sha256"] == hashlib.sha256(world.blobs[object_id]).hexdigest()
        result = verify_record(world.blobs[object_id], record, store=world.store)
        assert result.valid, result.reason
        assert "anchored as anchors/evidence/" in result.reason
    assert world.record(first[1])["tree"]["day"] == day1.isoformat()
    assert world.record(second[0])["tree"]["root"] == sealed[1].root
    assert json.loads(json.dumps(world.record(first[0]))) == world.record(first[0])


def test_the_anchor_holds_the_root_and_is_locked(fs_world: World) -> None:
    first, _ = two_days(fs_world)
    sealed = fs_world.seal()
    day1, day2 = START.date(), START.date() + timedelta(days=1)
    assert [s.anchor_name for s in sealed] == [anchor_name(day1), anchor_name(day2)]
    assert fs_world.store.list_named("anchors/evidence/") == [s.anchor_name for s in sealed]
    anchored = json.loads(fs_world.store.get_named(sealed[0].anchor_name))
    leaves = [bytes.fromhex(hashlib.sha256(fs_world.blobs[i]).hexdigest()) for i in first]
    assert anchored["root"] == build(leaves).root.hex() == sealed[0].root
    assert anchored["day"] == START.date().isoformat()
    lock = fs_world.store.protection(sealed[0].anchor_name)
    assert lock.retain_until > fs_world.clock.now() + timedelta(days=365 * 29)


def test_a_flipped_byte_fails(world: World) -> None:
    first, _ = two_days(world)
    world.seal()
    data = bytearray(world.blobs[first[0]])
    data[7] ^= 0x01
    result = verify_record(bytes(data), world.record(first[0]), store=world.store)
    assert not result.valid
    assert "SHA-256" in result.reason


def test_a_changed_path_fails_offline(fs_world: World) -> None:
    first, _ = two_days(fs_world)
    fs_world.seal()
    record = fs_world.record(first[0])
    last = record["reduced_hash_tree"][-1]
    last[-1] = ("0" if last[-1][0] != "0" else "1") + last[-1][1:]
    result = verify_record(fs_world.blobs[first[0]], record)
    assert not result.valid
    assert "not to the day's root" in result.reason


def test_a_forged_root_passes_offline_but_fails_against_the_anchor(world: World) -> None:
    """A self-consistent record with another root: only the store's anchor exposes it."""
    first, _ = two_days(world)
    world.seal()
    record = world.record(first[0])
    leaf = bytes.fromhex(record["object"]["sha256"])
    forged = build([leaf, hashlib.sha256(b"a document that never existed").digest()])
    record["reduced_hash_tree"] = [[value.hex() for value in group] for group in forged.paths[0]]
    record["tree"]["root"] = forged.root.hex()

    assert verify_record(world.blobs[first[0]], record).valid
    result = verify_record(world.blobs[first[0]], record, store=world.store)
    assert not result.valid
    assert f"says root {world.record(first[0])['tree']['root']}" in result.reason


def test_a_missing_anchor_fails(fs_world: World) -> None:
    first, _ = two_days(fs_world)
    fs_world.seal()
    record = fs_world.record(first[0])
    record["anchor"]["name"] = "anchors/evidence/1999-01-01.json"
    result = verify_record(fs_world.blobs[first[0]], record, store=fs_world.store)
    assert not result.valid
    assert "anchor cannot be read" in result.reason


def test_malformed_records_are_reported_not_raised(fs_world: World) -> None:
    first, _ = two_days(fs_world)
    fs_world.seal()
    data = fs_world.blobs[first[0]]
    record = fs_world.record(first[0])
    for broken in (
        {},
        {**record, "hash_algorithm": "md5"},
        {**record, "reduced_hash_tree": [["zz"]]},
        {**record, "tree": {**record["tree"], "root": 5}},
    ):
        result = verify_record(data, broken, store=fs_world.store)
        assert not result.valid
        assert "malformed" in result.reason


def test_an_anchor_left_by_an_uncommitted_run_does_not_block_sealing(fs_world: World) -> None:
    """Other bytes under the day's name: the tree is anchored under a name with its root."""
    first, _ = two_days(fs_world)
    lock = Protection(retain_until=fs_world.clock.now() + timedelta(days=1))
    fs_world.store.put_named(anchor_name(START.date()), b'{"root": "other"}', protection=lock)
    sealed = fs_world.seal()
    assert sealed[0].anchor_name == f"anchors/evidence/{START.date()}.{sealed[0].root}.json"
    assert sealed[1].anchor_name == anchor_name(START.date() + timedelta(days=1))
    record = fs_world.record(first[0])
    assert record["anchor"]["name"] == sealed[0].anchor_name
    assert verify_record(letter(0), record, store=fs_world.store).valid


def test_sealing_twice_adds_nothing(fs_world: World) -> None:
    two_days(fs_world)
    assert len(fs_world.seal()) == 2
    trees, events = fs_world.count(EvidenceTree), fs_world.count(AuditEvent)
    assert fs_world.seal() == []
    assert (fs_world.count(EvidenceTree), fs_world.count(AuditEvent)) == (trees, events)


def test_sealing_is_audited(fs_world: World) -> None:
    two_days(fs_world)
    sealed = fs_world.seal()
    with unit_of_work(fs_world.factory, write=False) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "evidence.sealed").order_by(AuditEvent.id)
        ).all()
        assert [(e.object_type, e.object_id) for e in events] == [
            ("evidence_tree", s.day.isoformat()) for s in sealed
        ]
        assert events[0].details["root"] == sealed[0].root


def test_today_is_sealed_only_when_asked_and_late_objects_go_to_the_next_day(
    fs_world: World,
) -> None:
    today = fs_world.clock.now().date()
    early = fs_world.add(letter(1))
    assert fs_world.seal() == []
    with pytest.raises(EvidencePendingError, match="not sealed yet"):
        fs_world.record(early)

    assert [s.day for s in fs_world.seal(through=today + timedelta(days=1))] == [today]
    late = fs_world.add(letter(2))  # stored on the day that is sealed already
    fs_world.clock.advance(days=1)
    assert fs_world.seal() == []  # its day is taken; the next one is not over yet
    fs_world.clock.advance(days=1)
    sealed = fs_world.seal()
    assert [(s.day, s.leaf_count) for s in sealed] == [(today + timedelta(days=1), 1)]
    assert fs_world.record(late)["tree"]["day"] == (today + timedelta(days=1)).isoformat()
    assert verify_record(letter(2), fs_world.record(late), store=fs_world.store).valid


def test_models_are_not_sealed(fs_world: World) -> None:
    model = fs_world.add(b"model weights", ObjectPurpose.MODEL)
    fs_world.clock.advance(days=1)
    assert fs_world.seal() == []
    with pytest.raises(EvidencePendingError):
        fs_world.record(model)


def test_a_changed_hash_in_the_database_is_refused_at_export(fs_world: World) -> None:
    first, _ = two_days(fs_world)
    fs_world.seal()
    with unit_of_work(fs_world.factory) as session:
        row = session.get_one(StoredObject, first[2])
        row.sha256 = hashlib.sha256(b"swapped").hexdigest()
    with pytest.raises(IntegrityError, match="no longer matches its leaves"):
        fs_world.record(first[0])


def test_a_changed_root_in_the_database_is_refused_against_the_anchor(fs_world: World) -> None:
    """Rewriting leaves and root together is consistent in the database, not with the store."""
    first, _ = two_days(fs_world)
    fs_world.seal()
    with unit_of_work(fs_world.factory) as session:
        rows = session.scalars(
            select(StoredObject).where(StoredObject.id.in_(first)).order_by(StoredObject.id)
        ).all()
        rows[2].sha256 = hashlib.sha256(b"swapped").hexdigest()
        tree = session.get_one(EvidenceTree, rows[0].evidence_tree_id)
        tree.root_hash = build([bytes.fromhex(r.sha256) for r in rows]).root.hex()
    assert fs_world.record(first[0], store=False)["tree"]["root"] == tree.root_hash
    with pytest.raises(IntegrityError, match="does not match its anchor"):
        fs_world.record(first[0])


def test_unknown_object(fs_world: World) -> None:
    with pytest.raises(NotFoundError):
        fs_world.record(12345)


# --- documents ------------------------------------------------------------------------


def add_document(world: World, content_id: int, rendition_id: int | None) -> str:
    now = world.clock.now()
    with unit_of_work(world.factory) as session:
        content = session.get_one(StoredObject, content_id)
        item = IntakeItem(
            sha256=content.sha256,
            blob_key=content.blob_key,
            size=content.size,
            media_type="application/pdf",
            page_count=1,
            received_at=now,
            status=ItemStatus.DONE,
            created_at=now,
            updated_at=now,
        )
        session.add(item)
        session.flush()
        document = Document(
            item_id=item.id,
            part_index=0,
            first_page=1,
            last_page=1,
            title="Brief",
            status=DocumentStatus.OCR_DONE,
            content_blob_key=content.blob_key,
            content_sha256=content.sha256,
            content_size=content.size,
            content_media_type="application/pdf",
            page_count=1,
            created_at=now,
            updated_at=now,
        )
        session.add(document)
        session.flush()
        session.add(
            DocumentVersion(
                document_id=document.id,
                number=1,
                content_object_id=content_id,
                rendition_object_id=rendition_id,
                media_type="application/pdf",
                created_at=now,
                created_by="test",
            )
        )
        return document.id


def test_document_version_records(fs_world: World) -> None:
    content = fs_world.add(letter(1))
    rendition = fs_world.add(letter(2), ObjectPurpose.RENDITION)
    document_id = add_document(fs_world, content, rendition)
    bare = add_document(fs_world, fs_world.add(letter(3)), None)
    fs_world.clock.advance(days=1)
    fs_world.seal()

    with unit_of_work(fs_world.factory, write=False) as session:
        record = document_evidence_record(session, fs_world.store, document_id)
        assert record["document"] == {"id": document_id, "version": 1, "part": "content"}
        assert record["object"]["id"] == content
        assert verify_record(letter(1), record, store=fs_world.store).valid
        record = document_evidence_record(
            session, fs_world.store, document_id, version=1, part="rendition"
        )
        assert record["object"]["id"] == rendition
        assert verify_record(letter(2), record, store=fs_world.store).valid
        assert not verify_record(letter(1), record, store=fs_world.store).valid
        with pytest.raises(NotFoundError, match="no version 2"):
            document_evidence_record(session, fs_world.store, document_id, version=2)
        with pytest.raises(NotFoundError, match="no rendition"):
            document_evidence_record(session, fs_world.store, bare, part="rendition")
        with pytest.raises(NotFoundError, match="does not exist"):
            document_evidence_record(session, fs_world.store, "no-such-document")


# --- the job --------------------------------------------------------------------------


def test_the_job_seals_and_queues_the_next_day(fs_world: World) -> None:
    first, _ = two_days(fs_world)
    handler = SealEvidenceHandler(fs_world.factory, fs_world.store, fs_world.clock, Settings())
    assert handler.kind == SEAL_EVIDENCE == "evidence.seal"
    handler.run({})
    handler.run({})  # twice: safe
    assert fs_world.count(EvidenceTree) == 2
    assert verify_record(letter(0), fs_world.record(first[0]), store=fs_world.store).valid
    tomorrow = fs_world.clock.now().date() + timedelta(days=1)
    with unit_of_work(fs_world.factory) as session:
        jobs = session.scalars(select(Job).where(Job.kind == SEAL_EVIDENCE)).all()
        assert [job.dedupe_key for job in jobs] == [f"evidence.seal:{tomorrow}"]
        assert jobs[0].run_after == datetime(
            tomorrow.year, tomorrow.month, tomorrow.day, 0, 5, tzinfo=UTC
        )
        schedule_sealing(session, clock=fs_world.clock, jobs=Settings().jobs)
        schedule_sealing(session, clock=fs_world.clock, jobs=Settings().jobs)
        today_jobs = session.scalars(
            select(Job).where(Job.dedupe_key == f"evidence.seal:{fs_world.clock.now().date()}")
        ).all()
        assert len(today_jobs) == 1
        assert today_jobs[0].run_after == fs_world.clock.now()  # its time has come


def test_a_given_up_run_still_queues_the_next(fs_world: World) -> None:
    handler = SealEvidenceHandler(fs_world.factory, fs_world.store, fs_world.clock, Settings())
    handler.on_give_up({}, "store unavailable")
    with unit_of_work(fs_world.factory, write=False) as session:
        keys = session.scalars(select(Job.dedupe_key).where(Job.kind == SEAL_EVIDENCE)).all()
    assert keys == [f"evidence.seal:{fs_world.clock.now().date() + timedelta(days=1)}"]


def test_day_boundaries_are_utc(fs_world: World) -> None:
    fs_world.clock.current = datetime.combine(START.date(), datetime.min.time(), tzinfo=UTC)
    fs_world.clock.advance(hours=23, minutes=59, seconds=59)
    before = fs_world.add(letter(1))
    fs_world.clock.advance(seconds=1)
    after = fs_world.add(letter(2))
    fs_world.clock.advance(days=1)
    fs_world.seal()
    assert fs_world.record(before)["tree"]["day"] == START.date().isoformat()
    assert fs_world.record(after)["tree"]["day"] == (START.date() + timedelta(days=1)).isoformat()


# --- RFC 3161 time-stamps -------------------------------------------------------------


def tsa_settings(url: str) -> Settings:
    return Settings(evidence={"tsa_url": url})


def test_roots_are_time_stamped_and_the_stamp_is_verified(fs_world: World) -> None:
    from tests.fixtures.tsa import LocalTsa, serve_tsa

    first, second = two_days(fs_world)
    tsa = LocalTsa()
    with serve_tsa(tsa) as url:
        handler = SealEvidenceHandler(
            fs_world.factory, fs_world.store, fs_world.clock, tsa_settings(url)
        )
        handler.run({})
        handler.run({})  # nothing new to stamp
    assert tsa.requests == 2
    one, two = fs_world.record(first[0]), fs_world.record(second[0])
    assert one["timestamp"]["tsa_url"] == url
    result = verify_record(letter(0), one, store=fs_world.store)
    assert result.valid, result.reason
    assert "time-stamped" in result.reason and "eakte test TSA" in result.reason
    assert verify_record(letter(0), one).valid  # offline too: the token is self-contained

    one["timestamp"] = two["timestamp"]  # a genuine token, but for the other day's root
    result = verify_record(letter(0), one)
    assert not result.valid
    assert "time-stamp is not accepted" in result.reason


def test_a_failing_tsa_leaves_the_day_sealed_and_the_next_run_stamps_it(fs_world: World) -> None:
    from tests.fixtures.tsa import LocalTsa, serve_tsa

    first, _ = two_days(fs_world)
    tsa = LocalTsa()
    tsa.refuse = True
    with serve_tsa(tsa) as url:
        handler = SealEvidenceHandler(
            fs_world.factory, fs_world.store, fs_world.clock, tsa_settings(url)
        )
        handler.run({})
        assert tsa.requests == 1  # stops at the first failure
        assert fs_world.record(first[0])["timestamp"] is None
        assert verify_record(letter(0), fs_world.record(first[0]), store=fs_world.store).valid
        tsa.refuse = False
        handler.run({})
    assert fs_world.record(first[0])["timestamp"] is not None
    assert verify_record(letter(0), fs_world.record(first[0]), store=fs_world.store).valid


# --- HTTP and command line ------------------------------------------------------------


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[World, Any, Path]]:
    """The embedded service (no workers) on a fake clock, and its data directory."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from services.bootstrap import build_container, prepare
    from tests.fixtures.app import make_settings

    data_dir = tmp_path / "data"
    clock = FakeClock()
    container = build_container(make_settings(data_dir), clock=clock)
    key = prepare(container, migrate=True)
    assert key is not None
    world = World(container.session_factory, container.store, clock, {})
    with TestClient(create_app(container, run_workers=False)) as client:
        client.headers["Authorization"] = f"Bearer {key.secret}"
        yield world, client, data_dir
    container.close()


def test_the_api_returns_the_record_and_404_until_sealed(
    service: tuple[World, Any, Path],
) -> None:
    from services.access.confidentiality import Confidentiality
    from services.auth.keys import NewKey, create_key

    world, client, _ = service
    document_id = add_document(world, world.add(letter(1)), world.add(letter(2)))
    url = f"/api/v1/documents/{document_id}/versions/1/evidence"

    pending = client.get(url)
    assert pending.status_code == 404, pending.text
    assert "not sealed yet" in pending.json()["detail"]

    world.clock.advance(days=1)
    world.seal()
    response = client.get(url)
    assert response.status_code == 200, response.text
    with unit_of_work(world.factory, write=False) as session:
        assert response.json() == document_evidence_record(session, world.store, document_id)
    assert verify_record(letter(1), response.json(), store=world.store).valid
    rendition = client.get(url, params={"part": "rendition"}).json()
    assert verify_record(letter(2), rendition, store=world.store).valid
    assert client.get(url, params={"part": "text"}).status_code == 422
    assert client.get(url.replace("/1/", "/2/")).status_code == 404

    with unit_of_work(world.factory) as session:
        new = NewKey(name="sb", role="caseworker", org_unit="20", clearance=Confidentiality.OFFEN)
        caseworker = create_key(session, new, clock=world.clock)
    denied = client.get(url, headers={"Authorization": f"Bearer {caseworker.secret}"})
    assert denied.status_code == 403


def eakte(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    from tests.fixtures.server import REPO, eakte_env

    return subprocess.run(
        [sys.executable, "-m", "api.cli", "evidence", *args],
        env=eakte_env(data_dir, **env),
        cwd=REPO,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def test_the_command_line_seals_exports_and_verifies(
    service: tuple[World, Any, Path], tmp_path: Path
) -> None:
    world, _, data_dir = service
    document_id = add_document(world, world.add(letter(1)), None)
    # The CLI runs on the real clock: the fake days lie in the past, so they are over.
    sealed = eakte(data_dir, "seal")
    assert sealed.returncode == 0, sealed.stderr
    assert f"{START.date()}: 1 objects, root " in sealed.stdout
    assert eakte(data_dir, "seal").stdout.strip() == "nothing to seal"

    record = tmp_path / "record.json"
    exported = eakte(data_dir, "export", document_id, "--version", "1", "-o", str(record))
    assert exported.returncode == 0, exported.stderr
    assert json.loads(record.read_text())["document"]["id"] == document_id
    assert eakte(data_dir, "export", document_id, "--rendition").returncode == 1

    good = tmp_path / "letter.pdf"
    good.write_bytes(letter(1))
    verified = eakte(data_dir, "verify", str(good), str(record))
    assert verified.returncode == 0, verified.stderr
    assert "verified:" in verified.stdout and "anchored as" in verified.stdout

    bad = tmp_path / "changed.pdf"
    bad.write_bytes(letter(1)[:-1] + b"!")
    failed = eakte(data_dir, "verify", str(bad), str(record))
    assert failed.returncode == 1
    assert "not verified" in failed.stderr and "SHA-256" in failed.stderr

    forged_record = json.loads(record.read_text())
    leaf = bytes.fromhex(forged_record["object"]["sha256"])
    forged = build([leaf, hashlib.sha256(b"never stored").digest()])
    forged_record["reduced_hash_tree"] = [[v.hex() for v in group] for group in forged.paths[0]]
    forged_record["tree"]["root"] = forged.root.hex()
    forged_file = tmp_path / "forged.json"
    forged_file.write_text(json.dumps(forged_record))
    assert eakte(data_dir, "verify", str(good), str(forged_file), "--offline").returncode == 0
    online = eakte(data_dir, "verify", str(good), str(forged_file))
    assert online.returncode == 1
    assert "says root" in online.stderr


def test_the_command_line_time_stamps_when_a_tsa_is_configured(
    service: tuple[World, Any, Path],
) -> None:
    from tests.fixtures.tsa import LocalTsa, serve_tsa

    world, _, data_dir = service
    world.add(letter(1))
    tsa = LocalTsa()
    tsa.refuse = True
    with serve_tsa(tsa) as url:
        refused = eakte(data_dir, "seal", EAKTE_EVIDENCE__TSA_URL=url)
        assert refused.returncode == 1
        assert f"{START.date()}: 1 objects" in refused.stdout
        assert "time-stamping failed" in refused.stderr and "sealed and anchored" in refused.stderr
        tsa.refuse = False
        stamped = eakte(data_dir, "seal", EAKTE_EVIDENCE__TSA_URL=url)
    assert stamped.returncode == 0, stamped.stderr
    assert stamped.stdout.splitlines() == [
        "nothing to seal",
        f"{START.date()}: time-stamped by {url}",
    ]
