"""S3BlobStore against a real SeaweedFS: metadata, tampering, bucket setup, failures."""

from __future__ import annotations

import io
import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from minio import Minio

from services.backends.s3_store import S3BlobStore
from services.errors import IntegrityError, NotFoundError, StorageError
from services.ports import Protection
from tests.fixtures.seaweed import S3ServerInfo

pytestmark = pytest.mark.s3


def _store(server: S3ServerInfo, bucket: str, *, secret_key: str | None = None) -> S3BlobStore:
    return S3BlobStore(
        endpoint=server.endpoint,
        access_key=server.access_key,
        secret_key=secret_key or server.secret_key,
        bucket=bucket,
        region=server.region,
        secure=False,
    )


def _lock() -> Protection:
    return Protection(retain_until=datetime.now(UTC) + timedelta(days=1))


def _new_bucket_name() -> str:
    return f"eakte-test-{uuid.uuid4().hex[:12]}"


def test_sha256_and_content_type_are_stored_with_the_object(
    s3_blob_store: S3BlobStore, s3_client: Minio, s3_bucket: str
) -> None:
    ref = s3_blob_store.put(os.urandom(1000), protection=_lock(), content_type="application/pdf")
    stat = s3_client.stat_object(s3_bucket, ref.key)
    assert stat.metadata is not None
    assert stat.metadata["x-amz-meta-sha256"] == ref.sha256
    assert stat.content_type == "application/pdf"
    assert stat.size == ref.size


def test_object_overwritten_with_other_bytes_fails_get_and_verify(
    s3_blob_store: S3BlobStore, s3_client: Minio, s3_bucket: str
) -> None:
    ref = s3_blob_store.put(os.urandom(1000), protection=_lock())
    forged = os.urandom(1000)
    s3_client.put_object(
        s3_bucket, ref.key, io.BytesIO(forged), len(forged), metadata={"sha256": ref.sha256}
    )
    with pytest.raises(IntegrityError, match="does not match"):
        s3_blob_store.get(ref.key)
    assert not s3_blob_store.verify(ref.key)


def test_object_without_hash_metadata_fails_get_until_put_again(
    s3_blob_store: S3BlobStore, s3_client: Minio, s3_bucket: str
) -> None:
    data = os.urandom(1000)
    ref = s3_blob_store.put(data, protection=_lock())
    s3_client.put_object(s3_bucket, ref.key, io.BytesIO(data), len(data))  # no metadata

    with pytest.raises(IntegrityError, match="metadata"):
        s3_blob_store.get(ref.key)
    assert not s3_blob_store.verify(ref.key)

    again = s3_blob_store.put(data, protection=_lock())
    assert (again.key, again.sha256) == (ref.key, ref.sha256)  # a new, locked version
    assert s3_blob_store.get(ref.key) == data


def test_get_from_a_missing_bucket_is_a_storage_error_not_a_missing_blob(
    s3_server: S3ServerInfo, s3_blob_store: S3BlobStore
) -> None:
    ref = s3_blob_store.put(os.urandom(100), protection=_lock())
    store = _store(s3_server, _new_bucket_name())
    with pytest.raises(StorageError) as raised:
        store.get(ref.key)
    assert not isinstance(raised.value, NotFoundError)
    assert "NoSuchBucket" in raised.value.detail


def test_ensure_bucket_creates_the_bucket_with_object_lock(
    s3_server: S3ServerInfo, s3_client: Minio
) -> None:
    bucket = _new_bucket_name()
    store = _store(s3_server, bucket)
    with pytest.raises(StorageError, match="does not exist"):
        store.check_health()

    store.ensure_bucket()
    store.ensure_bucket()  # idempotent

    store.check_health()
    s3_client.get_object_lock_config(bucket)  # raises when Object Lock is off
    assert store.get(store.put(b"first blob", protection=_lock()).key) == b"first blob"


def test_ensure_bucket_refuses_a_bucket_without_object_lock(
    s3_server: S3ServerInfo, s3_client: Minio
) -> None:
    bucket = _new_bucket_name()
    s3_client.make_bucket(bucket)
    with pytest.raises(StorageError, match="without Object Lock"):
        _store(s3_server, bucket).ensure_bucket()


def test_wrong_credentials_are_a_readable_storage_error(
    s3_server: S3ServerInfo, s3_bucket: str
) -> None:
    store = _store(s3_server, s3_bucket, secret_key="not-the-secret")
    with pytest.raises(StorageError, match="refused the request") as raised:
        store.check_health()
    assert s3_server.endpoint in raised.value.detail


def test_unreachable_endpoint_fails_health_check_quickly_and_readably() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        endpoint = f"127.0.0.1:{sock.getsockname()[1]}"
    store = S3BlobStore(endpoint, "key", "secret-key", "eakte", secure=False)

    started = time.monotonic()
    with pytest.raises(StorageError) as raised:
        store.check_health()

    assert time.monotonic() - started < 10
    assert raised.value.detail == (
        f"S3 endpoint {endpoint} is unreachable (bucket 'eakte'): Connection refused"
    )
