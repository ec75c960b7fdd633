"""The BlobStore contract, run against every backend.

Each backend comes with probes that look behind the store's back: how many stored
copies (files, temp files, object versions) exist for a key, a way to corrupt a stored
object while keeping its key, and a way to let time pass (a fake clock on the fs store,
real seconds on S3, whose server clock decides).  Backend-specific behaviour follows
the contract; the raw-S3 view of Object Lock is in tests/integration/test_s3_object_lock.py.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from minio import Minio

from services.backends.fs_ledger import LEDGER_FILE, RetentionLedger
from services.backends.fs_store import FsBlobStore
from services.backends.s3_store import SHA256_METADATA, S3BlobStore
from services.errors import (
    ConflictError,
    IntegrityError,
    InvalidInputError,
    NotFoundError,
    RetentionViolationError,
    StorageError,
)
from services.ports import BlobStore, Protection
from tests.fixtures.s3 import store_for
from tests.fixtures.seaweed import S3ServerInfo

HOUR = timedelta(hours=1)
SHORT = timedelta(seconds=3)
"""Retention short enough to wait out on S3, where only the server's clock counts."""


class FakeClock:
    def __init__(self) -> None:
        self.current = datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self.current


@dataclass(frozen=True)
class Backend:
    store: BlobStore
    versioned: bool
    copies: Callable[[str], int]
    corrupt: Callable[[str], None]
    now: Callable[[], datetime]
    pass_time: Callable[[datetime], None]
    """Let time pass until after the given instant."""

    def protection(self, after: timedelta = HOUR, *, hold: bool = False) -> Protection:
        return Protection(retain_until=self.now() + after, legal_hold=hold)


def _fs_backend(root: Path) -> Backend:
    clock = FakeClock()
    store = FsBlobStore(root, clock)

    def copies(key: str) -> int:
        directory = (root / key).parent
        name = key.rsplit("/", 1)[1]
        return len(list(directory.glob(f"*{name}*"))) if directory.is_dir() else 0

    def corrupt(key: str) -> None:
        path = root / key
        path.chmod(0o644)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))

    def pass_time(until: datetime) -> None:
        clock.current = max(clock.current, until + timedelta(seconds=1))

    return Backend(store, False, copies, corrupt, clock.now, pass_time)


def _s3_backend(store: S3BlobStore, client: Minio, bucket: str) -> Backend:
    def copies(key: str) -> int:
        return sum(
            1
            for obj in client.list_objects(bucket, prefix=key, include_version=True)
            if obj.object_name == key
        )

    def corrupt(key: str) -> None:
        """Add a newer version with one flipped byte and the original hash metadata."""
        original = client.get_object(bucket, key)
        try:
            data = bytearray(original.read())
            digest = original.headers["x-amz-meta-sha256"]
        finally:
            original.close()
            original.release_conn()
        data[len(data) // 2] ^= 0x01
        client.put_object(
            bucket, key, io.BytesIO(data), len(data), metadata={SHA256_METADATA: digest}
        )

    def pass_time(until: datetime) -> None:
        time.sleep(max(0.0, (until - datetime.now(UTC)).total_seconds()) + 1.0)

    return Backend(store, True, copies, corrupt, lambda: datetime.now(UTC), pass_time)


@pytest.fixture(params=["fs", pytest.param("s3", marks=pytest.mark.s3)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "fs":
        return _fs_backend(tmp_path / "blobs")
    return _s3_backend(
        request.getfixturevalue("s3_blob_store"),
        request.getfixturevalue("s3_client"),
        request.getfixturevalue("s3_bucket"),
    )


def _content(size: int = 4096) -> bytes:
    """Random bytes, so tests sharing a bucket never share a key."""
    return os.urandom(size)


def _anchor_dir() -> str:
    """A fresh directory of names, so tests sharing a bucket never share a name."""
    return f"anchors/test-{uuid.uuid4().hex[:12]}/"


def _key_of(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"


# --- storing and reading ---------------------------------------------------------------


def test_put_then_get_returns_the_same_bytes(backend: Backend) -> None:
    data = _content()
    ref = backend.store.put(data, protection=backend.protection(), content_type="application/pdf")
    assert backend.store.get(ref.key) == data
    assert backend.store.get(ref.key, ref.version_id) == data
    assert ref.size == len(data)
    assert ref.sha256 == hashlib.sha256(data).hexdigest()
    assert (ref.version_id is not None) == backend.versioned


def test_key_is_the_content_address(backend: Backend) -> None:
    data = _content()
    ref = backend.store.put(data, protection=backend.protection())
    assert ref.key == _key_of(data)
    assert backend.store.exists(ref.key)
    assert backend.store.exists(ref.key, ref.version_id)


def test_empty_content_is_a_valid_blob(backend: Backend) -> None:
    """Rejecting empty uploads is intake's job; storage stores any bytes."""
    ref = backend.store.put(b"", protection=backend.protection())
    assert ref.sha256 == hashlib.sha256(b"").hexdigest()
    assert ref.size == 0
    assert backend.store.get(ref.key) == b""
    assert backend.store.verify(ref.key)


def test_storing_existing_content_returns_the_same_ref_and_keeps_one_copy(
    backend: Backend,
) -> None:
    data = _content()
    first = backend.store.put(data, protection=backend.protection())
    second = backend.store.put(data, protection=backend.protection(), content_type="text/plain")
    assert second == first
    assert backend.copies(first.key) == 1


def test_unknown_key_is_not_found(backend: Backend) -> None:
    key = _key_of(_content())
    with pytest.raises(NotFoundError):
        backend.store.get(key)
    assert not backend.store.exists(key)
    assert not backend.store.verify(key)
    with pytest.raises(NotFoundError):
        backend.store.protection(key)
    with pytest.raises(NotFoundError):
        backend.store.extend_retention(key, None, backend.now() + HOUR)
    with pytest.raises(NotFoundError):
        backend.store.set_legal_hold(key, None, True)
    with pytest.raises(NotFoundError):
        backend.store.delete(key, None)


def test_unknown_version_is_not_found(backend: Backend) -> None:
    data = _content()
    ref = backend.store.put(data, protection=backend.protection())
    other = "3HL4kqCxf3vjVBH40Nrjfkd0lMw6bvJR"
    with pytest.raises(NotFoundError):
        backend.store.get(ref.key, other)
    assert not backend.store.exists(ref.key, other)
    assert not backend.store.verify(ref.key, other)
    with pytest.raises(NotFoundError):
        backend.store.delete(ref.key, other)
    assert backend.store.get(ref.key) == data


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "sha256/ab/cd/../../../etc/passwd",
        "/sha256/e3/b0/" + "e3b0" + "0" * 60,
        "sha256/00/00/" + "e3b0" + "0" * 60,  # fan-out does not match the digest
        "sha256/E3/B0/E3B0" + "0" * 60,
        "sha256/e3/b0/" + "e3b0" + "0" * 59,
        "sha256/e3/b0/" + "e3b0" + "0" * 60 + "\n",
        "anchors/../sha256/e3/b0/" + "e3b0" + "0" * 60,
        "anchors/.hidden",
        "",
    ],
)
def test_malformed_keys_are_rejected(backend: Backend, key: str) -> None:
    until = backend.now() + HOUR
    operations: list[Callable[[], object]] = [
        lambda: backend.store.get(key),
        lambda: backend.store.exists(key),
        lambda: backend.store.verify(key),
        lambda: backend.store.protection(key),
        lambda: backend.store.extend_retention(key, None, until),
        lambda: backend.store.set_legal_hold(key, None, True),
        lambda: backend.store.delete(key, None),
    ]
    for operation in operations:
        with pytest.raises(InvalidInputError):
            operation()


def test_verify_accepts_an_intact_blob(backend: Backend) -> None:
    ref = backend.store.put(_content(), protection=backend.protection())
    assert backend.store.verify(ref.key)
    assert backend.store.verify(ref.key, ref.version_id)


def test_corrupted_blob_fails_get_and_verify(backend: Backend) -> None:
    ref = backend.store.put(_content(), protection=backend.protection())
    backend.corrupt(ref.key)
    with pytest.raises(IntegrityError):
        backend.store.get(ref.key)
    assert not backend.store.verify(ref.key)


def test_large_blob_roundtrip_keeps_its_protection(backend: Backend) -> None:
    data = _content(20 * 1024 * 1024)
    protection = backend.protection(hold=True)
    ref = backend.store.put(data, protection=protection)
    assert ref.size == len(data)
    assert backend.store.get(ref.key, ref.version_id) == data
    assert backend.store.verify(ref.key)
    stored = backend.store.protection(ref.key, ref.version_id)
    assert stored.legal_hold
    assert protection.retain_until <= stored.retain_until < protection.retain_until + SHORT


def test_check_health_and_object_lock_pass(backend: Backend) -> None:
    backend.store.check_health()
    backend.store.check_object_lock()


def test_concurrent_puts_of_the_same_content_store_one_copy(backend: Backend) -> None:
    data = _content(1024 * 1024)
    protection = backend.protection()
    threads = 8
    barrier = threading.Barrier(threads)
    refs: list[object] = []
    errors: list[BaseException] = []

    def put() -> None:
        barrier.wait()
        try:
            refs.append(backend.store.put(data, protection=protection))
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=put) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert len(refs) == threads and len(set(refs)) == 1
    key = backend.store.put(data, protection=protection).key
    assert backend.store.get(key) == data
    assert backend.copies(key) == 1


# --- protection on put -------------------------------------------------------------------


def test_put_records_the_retention_rounded_up_to_the_second(backend: Backend) -> None:
    whole = (backend.now() + HOUR).replace(microsecond=0)
    asked = whole + timedelta(microseconds=250_000)
    ref = backend.store.put(_content(), protection=Protection(retain_until=asked))
    stored = backend.store.protection(ref.key, ref.version_id)
    assert stored == Protection(retain_until=whole + timedelta(seconds=1), legal_hold=False)
    assert stored.retain_until.utcoffset() == timedelta(0)


def test_retention_in_another_time_zone_means_the_same_instant(backend: Backend) -> None:
    until = (backend.now() + HOUR).replace(microsecond=0)
    berlin_summer = until.astimezone(timezone(timedelta(hours=2)))
    ref = backend.store.put(_content(), protection=Protection(retain_until=berlin_summer))
    assert backend.store.protection(ref.key).retain_until == until


def test_put_with_legal_hold(backend: Backend) -> None:
    ref = backend.store.put(_content(), protection=backend.protection(hold=True))
    assert backend.store.protection(ref.key, ref.version_id).legal_hold


@pytest.mark.parametrize(
    "until",
    [
        pytest.param(lambda now: now.replace(tzinfo=None) + HOUR, id="naive"),
        pytest.param(lambda now: now - timedelta(seconds=5), id="past"),
    ],
)
def test_put_refuses_a_retention_that_is_naive_or_over(
    backend: Backend, until: Callable[[datetime], datetime]
) -> None:
    data = _content()
    with pytest.raises(InvalidInputError):
        backend.store.put(data, protection=Protection(retain_until=until(backend.now())))
    with pytest.raises(InvalidInputError):
        backend.store.put_named(
            _anchor_dir() + "x", data, protection=Protection(retain_until=until(backend.now()))
        )
    assert not backend.store.exists(_key_of(data))


def test_put_of_existing_content_extends_but_never_shortens_retention(backend: Backend) -> None:
    data = _content()
    now = backend.now().replace(microsecond=0)
    first = backend.store.put(data, protection=Protection(now + HOUR))

    again = backend.store.put(data, protection=Protection(now + 2 * HOUR))
    assert again == first
    assert backend.store.protection(first.key).retain_until == now + 2 * HOUR

    backend.store.put(data, protection=Protection(now + HOUR / 2))
    assert backend.store.protection(first.key).retain_until == now + 2 * HOUR
    assert backend.copies(first.key) == 1


def test_put_of_existing_content_sets_but_never_clears_the_hold(backend: Backend) -> None:
    data = _content()
    ref = backend.store.put(data, protection=backend.protection())
    assert not backend.store.protection(ref.key).legal_hold

    backend.store.put(data, protection=backend.protection(hold=True))
    assert backend.store.protection(ref.key).legal_hold

    backend.store.put(data, protection=backend.protection(hold=False))
    assert backend.store.protection(ref.key).legal_hold


# --- deleting ------------------------------------------------------------------------------


def test_delete_is_refused_while_retained(backend: Backend) -> None:
    data = _content()
    until = (backend.now() + HOUR).replace(microsecond=0)
    ref = backend.store.put(data, protection=Protection(until))

    with pytest.raises(RetentionViolationError) as refused:
        backend.store.delete(ref.key, ref.version_id)

    assert ref.key in refused.value.detail
    assert f"is retained until {until.isoformat()}" in refused.value.detail
    assert "legal hold" not in refused.value.detail
    assert isinstance(refused.value, ConflictError)  # the API answers 409
    assert backend.store.get(ref.key, ref.version_id) == data


def test_delete_is_refused_under_legal_hold_after_the_retention_ended(backend: Backend) -> None:
    data = _content()
    protection = backend.protection(SHORT, hold=True)
    ref = backend.store.put(data, protection=protection)
    backend.pass_time(protection.retain_until)

    with pytest.raises(RetentionViolationError, match="is under legal hold$"):
        backend.store.delete(ref.key, ref.version_id)
    assert backend.store.get(ref.key, ref.version_id) == data

    backend.store.set_legal_hold(ref.key, ref.version_id, False)
    backend.store.delete(ref.key, ref.version_id)
    assert not backend.store.exists(ref.key)


def test_hold_and_retention_are_both_named(backend: Backend) -> None:
    ref = backend.store.put(_content(), protection=backend.protection(hold=True))
    with pytest.raises(RetentionViolationError, match="is under legal hold and is retained until"):
        backend.store.delete(ref.key, ref.version_id)


def test_delete_after_the_retention_removes_exactly_that_object(backend: Backend) -> None:
    data = _content()
    protection = backend.protection(SHORT)
    ref = backend.store.put(data, protection=protection)
    backend.pass_time(protection.retain_until)

    backend.store.delete(ref.key, ref.version_id)

    assert not backend.store.exists(ref.key)
    assert not backend.store.exists(ref.key, ref.version_id)
    assert backend.copies(ref.key) == 0  # no delete marker, no leftover
    with pytest.raises(NotFoundError):
        backend.store.get(ref.key)
    with pytest.raises(NotFoundError):
        backend.store.protection(ref.key)
    with pytest.raises(NotFoundError):
        backend.store.delete(ref.key, ref.version_id)

    again = backend.store.put(data, protection=backend.protection())
    assert again.key == ref.key
    assert backend.store.get(again.key) == data
    assert backend.store.protection(again.key, again.version_id).retain_until > backend.now()


# --- retention and hold changes ------------------------------------------------------------


def test_retention_can_be_extended_but_never_shortened(backend: Backend) -> None:
    now = backend.now().replace(microsecond=0)
    ref = backend.store.put(_content(), protection=Protection(now + HOUR))

    backend.store.extend_retention(ref.key, ref.version_id, now + 3 * HOUR)
    assert backend.store.protection(ref.key, ref.version_id).retain_until == now + 3 * HOUR

    backend.store.extend_retention(ref.key, ref.version_id, now + 3 * HOUR)  # equal: no-op

    with pytest.raises(RetentionViolationError, match="cannot be shortened") as refused:
        backend.store.extend_retention(ref.key, ref.version_id, now + 2 * HOUR)
    assert (now + 3 * HOUR).isoformat() in refused.value.detail
    assert backend.store.protection(ref.key, ref.version_id).retain_until == now + 3 * HOUR


def test_a_sub_second_extension_is_rounded_like_the_put(backend: Backend) -> None:
    whole = (backend.now() + HOUR).replace(microsecond=0)
    ref = backend.store.put(_content(), protection=Protection(whole + timedelta(milliseconds=10)))
    # Asking for the same instant again (or anything in the same second) changes nothing.
    backend.store.extend_retention(ref.key, None, whole + timedelta(milliseconds=900))
    assert backend.store.protection(ref.key).retain_until == whole + timedelta(seconds=1)


def test_extend_retention_refuses_a_naive_datetime(backend: Backend) -> None:
    ref = backend.store.put(_content(), protection=backend.protection())
    with pytest.raises(InvalidInputError):
        backend.store.extend_retention(ref.key, None, datetime.now() + 2 * HOUR)  # noqa: DTZ005


def test_legal_hold_can_be_set_and_released(backend: Backend) -> None:
    ref = backend.store.put(_content(), protection=backend.protection())
    backend.store.set_legal_hold(ref.key, ref.version_id, True)
    assert backend.store.protection(ref.key, ref.version_id).legal_hold
    backend.store.set_legal_hold(ref.key, ref.version_id, True)  # idempotent
    backend.store.set_legal_hold(ref.key, ref.version_id, False)
    assert not backend.store.protection(ref.key, ref.version_id).legal_hold


# --- named objects -------------------------------------------------------------------------


def test_named_object_roundtrip(backend: Backend) -> None:
    name = _anchor_dir() + "audit/000001.json"
    data = b'{"seq": 1}'
    ref = backend.store.put_named(name, data, protection=backend.protection())
    assert ref.key == name
    assert ref.sha256 == hashlib.sha256(data).hexdigest()
    assert ref.size == len(data)
    assert (ref.version_id is not None) == backend.versioned
    assert backend.store.get_named(name) == data
    assert backend.store.get_named(name, ref.version_id) == data
    assert backend.store.get(name) == data
    assert backend.store.exists(name)
    assert backend.store.verify(name)


def test_named_object_is_created_exclusively(backend: Backend) -> None:
    name = _anchor_dir() + "head"
    ref = backend.store.put_named(name, b"first", protection=backend.protection())

    assert backend.store.put_named(name, b"first", protection=backend.protection()) == ref
    with pytest.raises(ConflictError, match="other content"):
        backend.store.put_named(name, b"second", protection=backend.protection())

    assert backend.store.get_named(name) == b"first"
    assert backend.copies(name) == 1


def test_named_object_put_again_strengthens_its_protection(backend: Backend) -> None:
    name = _anchor_dir() + "root"
    now = backend.now().replace(microsecond=0)
    ref = backend.store.put_named(name, b"root", protection=Protection(now + HOUR))
    backend.store.put_named(name, b"root", protection=Protection(now + 2 * HOUR, legal_hold=True))
    assert backend.store.protection(name, ref.version_id) == Protection(now + 2 * HOUR, True)


def test_named_object_is_protected_like_a_blob(backend: Backend) -> None:
    name = _anchor_dir() + "anchor"
    ref = backend.store.put_named(name, b"anchor", protection=backend.protection())
    with pytest.raises(RetentionViolationError, match=f"named object {name}.* is retained until"):
        backend.store.delete(name, ref.version_id)
    assert backend.store.get_named(name) == b"anchor"


def test_corrupted_named_object_fails_get_and_verify(backend: Backend) -> None:
    name = _anchor_dir() + "anchor"
    backend.store.put_named(name, b"anchor-bytes", protection=backend.protection())
    backend.corrupt(name)
    with pytest.raises(IntegrityError):
        backend.store.get_named(name)
    assert not backend.store.verify(name)


def test_list_named_returns_sorted_names_under_the_prefix(backend: Backend) -> None:
    base = _anchor_dir()
    names = [base + "b/2", base + "a", base + "b/1", base + "c.json"]
    for name in names:
        backend.store.put_named(name, name.encode(), protection=backend.protection())
    backend.store.put_named(_anchor_dir() + "elsewhere", b"x", protection=backend.protection())

    assert backend.store.list_named(base) == sorted(names)
    assert backend.store.list_named(base + "b/") == [base + "b/1", base + "b/2"]
    assert backend.store.list_named(base + "nothing-here/") == []


@pytest.mark.parametrize(
    "name",
    [
        "anchors/",
        "anchors/../etc/passwd",
        "anchors/a/../../b",
        "anchors/a..b",
        "anchors/A",
        "anchors/a//b",
        "anchors/a/",
        "anchors/a/.tmp",
        "anchors/a b",
        "anchors/" + "a" * 182,
        "sha256/ab/cd/x",
        "other/a",
        "/anchors/a",
    ],
)
def test_malformed_names_are_rejected(backend: Backend, name: str) -> None:
    with pytest.raises(InvalidInputError):
        backend.store.put_named(name, b"x", protection=backend.protection())
    with pytest.raises(InvalidInputError):
        backend.store.get_named(name)


@pytest.mark.parametrize("prefix", ["", "anchor", "sha256/", "anchors/../", "anchors//", "/"])
def test_list_named_refuses_prefixes_outside_anchors(backend: Backend, prefix: str) -> None:
    with pytest.raises(InvalidInputError):
        backend.store.list_named(prefix)


# --- S3 specifics --------------------------------------------------------------------------

S3Setup = tuple[S3BlobStore, Minio, str]


@pytest.fixture
def s3(s3_blob_store: S3BlobStore, s3_client: Minio, s3_bucket: str) -> S3Setup:
    return s3_blob_store, s3_client, s3_bucket


@pytest.mark.s3
def test_s3_overwritten_latest_version_leaves_the_ref_readable_and_put_repairs(
    s3: S3Setup,
) -> None:
    store, client, bucket = s3
    data = _content()
    ref = store.put(data, protection=Protection(datetime.now(UTC) + HOUR))
    forged = _content()
    client.put_object(
        bucket, ref.key, io.BytesIO(forged), len(forged), metadata={"sha256": ref.sha256}
    )

    with pytest.raises(IntegrityError):
        store.get(ref.key)
    assert store.get(ref.key, ref.version_id) == data

    repaired = store.put(data, protection=Protection(datetime.now(UTC) + HOUR))
    assert repaired.version_id not in (None, ref.version_id)
    assert store.get(ref.key) == data
    assert store.protection(ref.key, repaired.version_id).retain_until > datetime.now(UTC)


@pytest.mark.s3
def test_s3_delete_without_a_version_removes_only_the_latest(s3: S3Setup) -> None:
    store, client, bucket = s3
    data = _content()
    ref = store.put(data, protection=Protection(datetime.now(UTC) + HOUR))
    unlocked = client.put_object(
        bucket, ref.key, io.BytesIO(data), len(data), metadata={"sha256": ref.sha256}
    )

    store.delete(ref.key, None)  # the raw, unlocked version on top

    assert not store.exists(ref.key, unlocked.version_id)
    assert store.get(ref.key) == data  # the locked version is the latest again
    assert store.put(data, protection=Protection(datetime.now(UTC) + HOUR)) == ref


@pytest.mark.s3
def test_s3_named_object_written_concurrently_with_other_bytes_is_a_conflict(
    s3_server: S3ServerInfo, s3_bucket: str
) -> None:
    """Two processes (here: two stores, each with its own locks) race to create a name."""
    for _ in range(3):
        outcomes = _race_for_name(
            [store_for(s3_server, s3_bucket) for _ in range(2)], _anchor_dir() + "raced"
        )
        assert len(outcomes) == 2
        assert any(isinstance(outcome, ConflictError) for outcome in outcomes)


def _race_for_name(stores: list[S3BlobStore], name: str) -> list[object]:
    barrier = threading.Barrier(len(stores))
    outcomes: list[object] = []

    def create(store: S3BlobStore, data: bytes) -> None:
        barrier.wait()
        try:
            until = datetime.now(UTC) + HOUR
            outcomes.append(store.put_named(name, data, protection=Protection(until)))
        except ConflictError as exc:
            outcomes.append(exc)

    threads = [
        threading.Thread(target=create, args=(store, f"rival {i}".encode()))
        for i, store in enumerate(stores)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


# --- FsBlobStore specifics -----------------------------------------------------------------


def _fs(tmp_path: Path) -> tuple[FsBlobStore, FakeClock]:
    clock = FakeClock()
    return FsBlobStore(tmp_path, clock), clock


def _protection(clock: FakeClock, after: timedelta = HOUR, hold: bool = False) -> Protection:
    return Protection(retain_until=clock.now() + after, legal_hold=hold)


def test_fs_blob_files_are_read_only(tmp_path: Path) -> None:
    store, clock = _fs(tmp_path)
    ref = store.put(_content(), protection=_protection(clock))
    named = store.put_named("anchors/a", b"a", protection=_protection(clock))
    assert (tmp_path / ref.key).stat().st_mode & 0o777 == 0o444
    assert (tmp_path / named.key).stat().st_mode & 0o777 == 0o444


def test_fs_leftover_temp_file_of_a_killed_upload_is_invisible_and_harmless(
    tmp_path: Path,
) -> None:
    store, clock = _fs(tmp_path)
    data = _content()
    key = _key_of(data)
    digest = key.rsplit("/", 1)[1]
    # What a process killed between writing and publishing leaves behind.
    leftover = tmp_path / key.rsplit("/", 1)[0] / f".{digest}.k1ll3d.tmp"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(data[: len(data) // 2])

    assert not store.exists(key)
    with pytest.raises(NotFoundError):
        store.get(key)

    assert store.put(data, protection=_protection(clock)).key == key
    assert store.get(key) == data
    assert leftover.read_bytes() == data[: len(data) // 2]


def test_fs_put_refuses_to_overwrite_a_corrupt_blob(tmp_path: Path) -> None:
    backend = _fs_backend(tmp_path)
    data = _content()
    ref = backend.store.put(data, protection=backend.protection())
    backend.corrupt(ref.key)
    corrupted = (tmp_path / ref.key).read_bytes()

    with pytest.raises(IntegrityError):
        backend.store.put(data, protection=backend.protection())
    assert (tmp_path / ref.key).read_bytes() == corrupted


def test_fs_ledger_keeps_the_history_of_every_change(tmp_path: Path) -> None:
    store, clock = _fs(tmp_path)
    ref = store.put(_content(), protection=_protection(clock, SHORT))
    store.put(_content(), protection=_protection(clock))  # another key: not in this history
    store.extend_retention(ref.key, None, clock.now() + HOUR)
    store.set_legal_hold(ref.key, None, True)
    store.set_legal_hold(ref.key, None, False)
    clock.current += 2 * HOUR
    store.delete(ref.key, None)

    history = store.ledger.history(ref.key)
    assert [entry.action for entry in history] == [
        "created",
        "retention_extended",
        "legal_hold_set",
        "legal_hold_released",
        "deleted",
    ]
    assert history[1].retain_until == history[0].retain_until - SHORT + HOUR
    assert history[2].legal_hold and not history[3].legal_hold
    assert history[-1].at == clock.now()


def test_fs_ledger_refuses_rewriting_its_history_or_shortening(tmp_path: Path) -> None:
    store, clock = _fs(tmp_path)
    ref = store.put(_content(), protection=_protection(clock))
    with sqlite3.connect(tmp_path / LEDGER_FILE) as connection:
        for statement in (
            "UPDATE history SET retain_until = '2000-01-01T00:00:00+00:00'",
            "DELETE FROM history",
            "DELETE FROM objects",
            "UPDATE objects SET retain_until = '2000-01-01T00:00:00+00:00'",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                connection.execute(statement)
    with pytest.raises(RetentionViolationError):
        store.delete(ref.key, None)


def test_fs_blob_without_a_ledger_record_is_never_deleted(tmp_path: Path) -> None:
    """What a crash between publishing the file and committing its record leaves behind."""
    store, clock = _fs(tmp_path)
    data = _content()
    ref = store.put(data, protection=_protection(clock, SHORT))
    with sqlite3.connect(tmp_path / LEDGER_FILE) as connection:
        connection.execute("DROP TRIGGER objects_no_delete")
        connection.execute("DELETE FROM objects")
    clock.current += HOUR

    with pytest.raises(RetentionViolationError, match="no retention record"):
        store.delete(ref.key, None)
    with pytest.raises(StorageError, match="no retention record"):
        store.protection(ref.key)
    assert store.get(ref.key) == data  # the key itself still proves the content

    store.put(data, protection=_protection(clock))  # putting it again registers it
    assert store.protection(ref.key).retain_until == clock.now() + HOUR


def test_fs_named_object_without_a_recorded_hash_cannot_be_read(tmp_path: Path) -> None:
    store, clock = _fs(tmp_path)
    store.put_named("anchors/x", b"x", protection=_protection(clock))
    with sqlite3.connect(tmp_path / LEDGER_FILE) as connection:
        connection.execute("DROP TRIGGER objects_no_delete")
        connection.execute("DELETE FROM objects")
    with pytest.raises(IntegrityError, match="no recorded SHA-256"):
        store.get_named("anchors/x")
    assert not store.verify("anchors/x")


def test_fs_named_object_whose_file_vanished_stays_taken(tmp_path: Path) -> None:
    store, clock = _fs(tmp_path)
    store.put_named("anchors/head", b"first", protection=_protection(clock))
    (tmp_path / "anchors/head").unlink()

    with pytest.raises(ConflictError, match="recorded with other content"):
        store.put_named("anchors/head", b"second", protection=_protection(clock))
    assert not (tmp_path / "anchors/head").exists()

    store.put_named("anchors/head", b"first", protection=_protection(clock))  # restores it
    assert store.get_named("anchors/head") == b"first"


def test_fs_corrupt_named_object_is_not_mistaken_for_a_conflict(tmp_path: Path) -> None:
    backend = _fs_backend(tmp_path)
    backend.store.put_named("anchors/head", b"first", protection=backend.protection())
    backend.corrupt("anchors/head")
    with pytest.raises(IntegrityError, match="corrupt"):
        backend.store.put_named("anchors/head", b"first", protection=backend.protection())


def test_fs_busy_ledger_is_a_storage_error_and_recovers(tmp_path: Path) -> None:
    ledger = RetentionLedger(tmp_path / LEDGER_FILE, busy_timeout_seconds=0.2)
    holder = sqlite3.connect(tmp_path / LEDGER_FILE, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(StorageError, match="locked"), ledger.transaction():
        pass
    holder.execute("COMMIT")
    holder.close()
    with ledger.transaction() as transaction:
        assert transaction.record("anchors/x") is None


def test_fs_stores_on_one_root_share_the_ledger(tmp_path: Path) -> None:
    first, clock = _fs(tmp_path)
    second = FsBlobStore(tmp_path, clock)
    ref = first.put(_content(), protection=_protection(clock, hold=True))
    clock.current += 2 * HOUR
    with pytest.raises(RetentionViolationError, match="legal hold"):
        second.delete(ref.key, None)


def test_fs_puts_from_several_processes_share_the_ledger(tmp_path: Path) -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    FsBlobStore(tmp_path)
    with context.Pool(4) as pool:
        keys = pool.map(_put_in_child, [(tmp_path, worker) for worker in range(4)])
    store = FsBlobStore(tmp_path)
    for worker_keys in keys:
        for key in worker_keys:
            assert store.protection(key).retain_until > datetime.now(UTC)
            assert store.verify(key)
    assert len({key for worker_keys in keys for key in worker_keys}) == 4 * 20 + 1


def _put_in_child(arguments: tuple[Path, int]) -> list[str]:
    root, worker = arguments
    store = FsBlobStore(root)
    protection = Protection(datetime.now(UTC) + HOUR)
    keys = [store.put(b"shared by all", protection=protection).key]
    keys += [store.put(os.urandom(64 * 1024), protection=protection).key for _ in range(20)]
    return keys


def test_fs_check_object_lock_fails_without_a_usable_ledger(tmp_path: Path) -> None:
    store, _ = _fs(tmp_path)
    store.check_object_lock()
    with sqlite3.connect(tmp_path / LEDGER_FILE) as connection:
        connection.execute("PRAGMA user_version = 7")
    with pytest.raises(StorageError, match="schema 7"):
        store.check_object_lock()


def test_fs_deleted_ledger_is_not_silently_recreated(tmp_path: Path) -> None:
    store, clock = _fs(tmp_path)
    ref = store.put(_content(), protection=_protection(clock))
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / (LEDGER_FILE + suffix)).unlink(missing_ok=True)
    with pytest.raises(StorageError, match="retention ledger"):
        store.check_object_lock()
    with pytest.raises(StorageError, match="retention ledger"):
        store.delete(ref.key, None)
    assert not (tmp_path / LEDGER_FILE).exists()


def test_fs_check_health_fails_when_the_root_is_gone(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    store, _ = _fs(root)
    shutil.rmtree(root)
    root.write_bytes(b"not a directory")
    with pytest.raises(StorageError, match="does not exist"):
        store.check_health()


def test_fs_root_that_cannot_be_created_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(StorageError, match="cannot create"):
        FsBlobStore(tmp_path / "file" / "blobs")
