"""The BlobStore contract, run against every backend.

Each backend comes with two probes that look behind the store's back: how many stored
copies (files, temp files, object versions) exist for a key, and a way to corrupt a
stored blob while keeping its key.  Backend-specific behaviour follows the contract.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from minio import Minio

from services.backends.fs_store import FsBlobStore
from services.backends.s3_store import SHA256_METADATA, S3BlobStore
from services.errors import IntegrityError, InvalidInputError, NotFoundError, StorageError
from services.ports import BlobStore


@dataclass(frozen=True)
class Backend:
    store: BlobStore
    copies: Callable[[str], int]
    corrupt: Callable[[str], None]


def _fs_backend(root: Path) -> Backend:
    def copies(key: str) -> int:
        directory = (root / key).parent
        digest = key.rsplit("/", 1)[1]
        return len(list(directory.glob(f"*{digest}*"))) if directory.is_dir() else 0

    def corrupt(key: str) -> None:
        path = root / key
        path.chmod(0o644)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))

    return Backend(FsBlobStore(root), copies, corrupt)


def _s3_backend(store: S3BlobStore, client: Minio, bucket: str) -> Backend:
    def copies(key: str) -> int:
        return sum(
            1
            for obj in client.list_objects(bucket, prefix=key, include_version=True)
            if obj.object_name == key
        )

    def corrupt(key: str) -> None:
        original = client.get_object(bucket, key)
        try:
            data = bytearray(original.read())
        finally:
            original.close()
            original.release_conn()
        data[len(data) // 2] ^= 0x01
        digest = key.rsplit("/", 1)[1]
        client.put_object(
            bucket, key, io.BytesIO(data), len(data), metadata={SHA256_METADATA: digest}
        )

    return Backend(store, copies, corrupt)


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


def test_put_then_get_returns_the_same_bytes(backend: Backend) -> None:
    data = _content()
    ref = backend.store.put(data, content_type="application/pdf")
    assert backend.store.get(ref.key) == data
    assert ref.size == len(data)
    assert ref.sha256 == hashlib.sha256(data).hexdigest()


def test_key_is_the_content_address(backend: Backend) -> None:
    data = _content()
    digest = hashlib.sha256(data).hexdigest()
    ref = backend.store.put(data)
    assert ref.key == f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"
    assert backend.store.exists(ref.key)


def test_empty_content_is_a_valid_blob(backend: Backend) -> None:
    """Rejecting empty uploads is intake's job; storage stores any bytes."""
    ref = backend.store.put(b"")
    assert ref.sha256 == hashlib.sha256(b"").hexdigest()
    assert ref.size == 0
    assert backend.store.get(ref.key) == b""
    assert backend.store.verify(ref.key)


def test_storing_existing_content_returns_the_same_ref_and_keeps_one_copy(
    backend: Backend,
) -> None:
    data = _content()
    first = backend.store.put(data)
    second = backend.store.put(data, content_type="text/plain")
    assert second == first
    assert backend.copies(first.key) == 1


def test_unknown_key_is_not_found(backend: Backend) -> None:
    digest = hashlib.sha256(_content()).hexdigest()
    key = f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"
    with pytest.raises(NotFoundError):
        backend.store.get(key)
    assert not backend.store.exists(key)
    assert not backend.store.verify(key)


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
        "",
    ],
)
def test_malformed_keys_are_rejected(backend: Backend, key: str) -> None:
    for operation in (backend.store.get, backend.store.exists, backend.store.verify):
        with pytest.raises(InvalidInputError):
            operation(key)


def test_verify_accepts_an_intact_blob(backend: Backend) -> None:
    ref = backend.store.put(_content())
    assert backend.store.verify(ref.key)


def test_corrupted_blob_fails_get_and_verify(backend: Backend) -> None:
    ref = backend.store.put(_content())
    backend.corrupt(ref.key)
    with pytest.raises(IntegrityError):
        backend.store.get(ref.key)
    assert not backend.store.verify(ref.key)


def test_large_blob_roundtrip(backend: Backend) -> None:
    data = _content(20 * 1024 * 1024)
    ref = backend.store.put(data)
    assert ref.size == len(data)
    assert backend.store.get(ref.key) == data
    assert backend.store.verify(ref.key)


def test_check_health_passes(backend: Backend) -> None:
    backend.store.check_health()


def test_concurrent_puts_of_the_same_content_store_one_copy(backend: Backend) -> None:
    data = _content(1024 * 1024)
    threads = 8
    barrier = threading.Barrier(threads)
    refs: list[object] = []
    errors: list[BaseException] = []

    def put() -> None:
        barrier.wait()
        try:
            refs.append(backend.store.put(data))
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=put) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert len(refs) == threads and len(set(refs)) == 1
    key = backend.store.put(data).key
    assert backend.store.get(key) == data
    assert backend.copies(key) == 1


# --- FsBlobStore specifics -------------------------------------------------------------


def test_fs_blob_files_are_read_only(tmp_path: Path) -> None:
    ref = FsBlobStore(tmp_path).put(_content())
    assert (tmp_path / ref.key).stat().st_mode & 0o777 == 0o444


def test_fs_leftover_temp_file_of_a_killed_upload_is_invisible_and_harmless(
    tmp_path: Path,
) -> None:
    store = FsBlobStore(tmp_path)
    data = _content()
    digest = hashlib.sha256(data).hexdigest()
    key = f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"
    # What a process killed between writing and publishing leaves behind.
    leftover = tmp_path / key.rsplit("/", 1)[0] / f".{digest}.k1ll3d.tmp"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(data[: len(data) // 2])

    assert not store.exists(key)
    with pytest.raises(NotFoundError):
        store.get(key)

    assert store.put(data).key == key
    assert store.get(key) == data
    assert leftover.read_bytes() == data[: len(data) // 2]


def test_fs_put_refuses_to_overwrite_a_corrupt_blob(tmp_path: Path) -> None:
    backend = _fs_backend(tmp_path)
    data = _content()
    ref = backend.store.put(data)
    backend.corrupt(ref.key)
    corrupted = (tmp_path / ref.key).read_bytes()

    with pytest.raises(IntegrityError):
        backend.store.put(data)
    assert (tmp_path / ref.key).read_bytes() == corrupted


def test_fs_check_health_fails_when_the_root_is_gone(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    store = FsBlobStore(root)
    root.rmdir()
    root.write_bytes(b"not a directory")
    with pytest.raises(StorageError, match="does not exist"):
        store.check_health()


def test_fs_root_that_cannot_be_created_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(StorageError, match="cannot create"):
        FsBlobStore(tmp_path / "file" / "blobs")
