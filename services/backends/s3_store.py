"""Write-once blob store on S3 with Object Lock (production: SeaweedFS, MinIO, Ceph RGW).

Every object version is written with COMPLIANCE retention (and a legal hold when asked),
so the S3 server itself refuses to delete or overwrite-in-place the version until its
retention ends, whoever asks: this store, an administrator or a raw S3 client.  The
bucket is versioned, so a later PUT to the same key adds a version and leaves the
locked one readable by its version id; refs carry the version id and reads use it.

Objects carry their SHA-256 in the user metadata ``x-amz-meta-sha256``.  Content blobs
are checked against their key as well, named objects (``anchors/...``) against the
metadata; every read checks the bytes.

The minio SDK offers no exclusive create (``If-None-Match: *``), so ``put`` and
``put_named`` look for the object first and are serialised inside one process.  Two
processes racing on the same new content may both upload it, which leaves an identical
second version and never different bytes; two racing on one name with different bytes
are detected after the upload and get a ConflictError.

Retention ends have second granularity on S3; they are rounded up before sending.  S3
checks retention against the server's clock, so a delete is simply attempted and an
``AccessDenied`` is explained by reading the version's retention and hold.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, BinaryIO, cast

from services.backends.blob_keys import (
    check_name,
    check_name_prefix,
    deletion_refusal,
    describe,
    digest_of_key,
    expected_digest,
    is_name,
    key_for_digest,
    new_protection,
    retention_instant,
    sha256_hex,
    shortening_refusal,
)
from services.backends.s3_client import MISSING_OBJECT, make_client, translated
from services.backends.streams import BlobChunks, VerifyingReader, check_range, copy_verified
from services.errors import (
    ConflictError,
    IntegrityError,
    InvalidInputError,
    NotFoundError,
    StorageError,
)
from services.ports import BlobRef, ListedKey, Protection

if TYPE_CHECKING:
    from minio.datatypes import Object
    from urllib3 import BaseHTTPResponse

SHA256_METADATA = "sha256"
_SHA256_HEADER = "x-amz-meta-sha256"
_LOCK_STRIPES = 64


class S3BlobStore:
    """Blobs as locked object versions in one S3 bucket, verified on every read."""

    name = "s3"

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        region: str = "us-east-1",
        secure: bool = True,
        *,
        connect_timeout_seconds: float = 10.0,
        read_timeout_seconds: float = 120.0,
    ) -> None:
        self._endpoint = endpoint
        self._bucket = bucket
        self._region = region
        self._client = make_client(
            endpoint,
            access_key,
            secret_key,
            region,
            secure,
            connect_timeout_seconds,
            read_timeout_seconds,
        )
        self._put_locks = tuple(threading.Lock() for _ in range(_LOCK_STRIPES))

    def put(
        self,
        data: bytes,
        *,
        protection: Protection,
        content_type: str = "application/octet-stream",
    ) -> BlobRef:
        return self._put_content(
            sha256_hex(data),
            len(data),
            lambda: io.BytesIO(data),
            from_caller=False,
            protection=protection,
            content_type=content_type,
        )

    def put_file(
        self,
        file: IO[bytes],
        *,
        sha256: str,
        size: int,
        protection: Protection,
        content_type: str = "application/octet-stream",
    ) -> BlobRef:
        digest_of_key(key_for_digest(sha256))  # refuses a malformed digest before any request
        start = file.tell()

        def reader() -> BinaryIO:
            file.seek(start)
            what = f"upload of {key_for_digest(sha256)}"
            checked = VerifyingReader(file, sha256=sha256, size=size, what=what)
            return cast("BinaryIO", checked)  # minio only calls read(n)

        return self._put_content(
            sha256, size, reader, from_caller=True, protection=protection, content_type=content_type
        )

    def put_named(
        self,
        name: str,
        data: bytes,
        *,
        protection: Protection,
        content_type: str = "application/json",
    ) -> BlobRef:
        check_name(name)
        protection = new_protection(protection, datetime.now(UTC))
        digest = sha256_hex(data)
        with self._lock(sha256_hex(name.encode())), self._translated(name):
            existing = self._stat(name)
            if existing is not None:
                ref = BlobRef(name, digest, len(data), existing.version_id)
                if _recorded_digest(existing) != digest or existing.size != len(data):
                    raise ConflictError(f"{describe(name)} already exists with other content")
                self.get(name, existing.version_id)  # IntegrityError if the bytes are damaged
                self._strengthen(ref, protection)
                return ref
            ref = self._upload(name, io.BytesIO(data), len(data), digest, protection, content_type)
            self._check_no_rival(ref)
        return ref

    def get(self, key: str, version_id: str | None = None) -> bytes:
        digest = expected_digest(key)
        with self._translated(key, version_id):
            response = self._client.get_object(self._bucket, key, version_id=version_id)
            try:
                data = response.read()
                recorded = response.headers.get(_SHA256_HEADER)
            finally:
                response.close()
                response.release_conn()
        where = describe(key, version_id)
        if recorded is None or (digest is not None and recorded != digest):
            raise IntegrityError(f"{where} carries SHA-256 metadata {recorded!r}")
        if sha256_hex(data) != recorded:
            raise IntegrityError(f"{where} does not match its SHA-256")
        return data

    def get_named(self, name: str, version_id: str | None = None) -> bytes:
        return self.get(check_name(name), version_id)

    def open_range(
        self,
        key: str,
        version_id: str | None = None,
        offset: int = 0,
        length: int | None = None,
    ) -> BlobChunks:
        """Stat the version (its size and recorded hash), then GET exactly the range.

        The GET names the version the stat found, so a newer version written meanwhile
        cannot mix into the read.
        """
        digest = expected_digest(key)
        where = describe(key, version_id)
        with self._translated(key, version_id):
            stat = self._require(key, version_id)
            recorded = _recorded_digest(stat)
            if recorded is None or (digest is not None and recorded != digest):
                raise IntegrityError(f"{where} carries SHA-256 metadata {recorded!r}")
            size = stat.size or 0
            readable = check_range(offset, length, size, where)
            whole = offset == 0 and readable == size
            if readable == 0:
                return BlobChunks(
                    lambda _n: b"", lambda: None, length=0, expected_sha256=None, what=where
                )
            response = self._client.get_object(
                self._bucket, key, offset=offset, length=readable, version_id=stat.version_id
            )

        def read(n: int) -> bytes:
            with self._translated(key, version_id):
                return response.read(n)

        return BlobChunks(
            read,
            lambda: _release(response),
            length=readable,
            expected_sha256=recorded if whole else None,
            what=where,
        )

    def exists(self, key: str, version_id: str | None = None) -> bool:
        expected_digest(key)
        with self._translated(key, version_id):
            return self._stat(key, version_id) is not None

    def verify(self, key: str, version_id: str | None = None) -> bool:
        """Read the whole version in chunks (never all at once) and check its hash."""
        try:
            with self.open_range(key, version_id) as chunks:
                for _chunk in chunks:
                    pass
        except (NotFoundError, IntegrityError):
            return False
        return True

    def protection(self, key: str, version_id: str | None = None) -> Protection:
        expected_digest(key)
        with self._translated(key, version_id):
            version_id = self._require(key, version_id).version_id
            return self._read_protection(key, version_id)

    def extend_retention(self, key: str, version_id: str | None, until: datetime) -> None:
        expected_digest(key)
        until = retention_instant(until)
        with self._translated(key, version_id):
            version_id = self._require(key, version_id).version_id
            current = self._retention(key, version_id)
            if current is not None and until < current:
                raise shortening_refusal(key, version_id, current, until)
            if current != until:
                self._set_retention(key, version_id, until)

    def set_legal_hold(self, key: str, version_id: str | None, active: bool) -> None:
        expected_digest(key)
        with self._translated(key, version_id):
            version_id = self._require(key, version_id).version_id
            if active:
                self._client.enable_object_legal_hold(self._bucket, key, version_id)
            else:
                self._client.disable_object_legal_hold(self._bucket, key, version_id)

    def delete(self, key: str, version_id: str | None) -> None:
        """Remove exactly one version; None resolves to the latest one's id first.

        Removing by id never leaves a delete marker: what is deleted is gone, and what
        is not deleted stays readable.
        """
        from minio.error import S3Error

        expected_digest(key)
        with self._translated(key, version_id):
            version_id = self._require(key, version_id).version_id
            if version_id is None:
                raise StorageError(
                    f"bucket {self._bucket!r} returned no version id for {describe(key)}; "
                    "is versioning enabled?"
                )
            try:
                self._client.remove_object(self._bucket, key, version_id=version_id)
            except S3Error as exc:
                if exc.code == "AccessDenied":
                    protection = self._read_protection(key, version_id)
                    if refusal := deletion_refusal(key, version_id, protection, _now()):
                        raise refusal from exc
                raise

    def list_named(self, prefix: str) -> list[str]:
        check_name_prefix(prefix)
        with self._translated():
            names = [
                item.object_name
                for item in self._client.list_objects(self._bucket, prefix=prefix, recursive=True)
                if item.object_name is not None and is_name(item.object_name)
            ]
        return sorted(names)

    def iter_keys(self) -> Iterator[ListedKey]:
        """The latest version of every content key, as the bucket listing pages in."""
        with self._translated():
            for item in self._client.list_objects(self._bucket, prefix="sha256/", recursive=True):
                key, modified = item.object_name, item.last_modified
                if key is None or modified is None:
                    continue
                try:
                    digest_of_key(key)
                except InvalidInputError:
                    continue  # not ours: the bucket is eakte's, but a person may drop files
                yield ListedKey(key=key, stored_at=modified.astimezone(UTC))

    def check_object_lock(self) -> None:
        """Refuse to run unless the bucket has Object Lock and versioning Enabled."""
        from minio.error import S3Error

        with self._translated():
            try:
                self._client.get_object_lock_config(self._bucket)
            except S3Error as exc:
                if exc.code != "ObjectLockConfigurationNotFoundError":
                    raise
                raise StorageError(
                    f"S3 bucket {self._bucket!r} at {self._endpoint} has no Object Lock "
                    "configuration, so it cannot enforce retention; Object Lock can only be "
                    "enabled when a bucket is created: use a new bucket"
                ) from exc
            status = self._client.get_bucket_versioning(self._bucket).status
        if status != "Enabled":
            raise StorageError(
                f"S3 bucket {self._bucket!r} at {self._endpoint} has versioning "
                f"{status or 'off'}; Object Lock needs versioning Enabled"
            )

    def ensure_bucket(self) -> None:
        """Create the bucket with Object Lock if missing; refuse an existing one without it."""
        from minio.error import S3Error

        with self._translated():
            if not self._client.bucket_exists(self._bucket):
                try:
                    self._client.make_bucket(self._bucket, location=self._region, object_lock=True)
                except S3Error as exc:
                    if exc.code != "BucketAlreadyOwnedByYou":  # lost a creation race
                        raise
            try:
                self._client.get_object_lock_config(self._bucket)
            except S3Error as exc:
                if exc.code != "ObjectLockConfigurationNotFoundError":
                    raise
                raise StorageError(
                    f"S3 bucket {self._bucket!r} exists without Object Lock, which can only be "
                    "enabled when a bucket is created; use a new bucket"
                ) from exc

    def check_health(self) -> None:
        with self._translated():
            found = self._client.bucket_exists(self._bucket)
        if not found:
            raise StorageError(f"S3 bucket {self._bucket!r} does not exist at {self._endpoint}")

    def _put_content(
        self,
        digest: str,
        size: int,
        source: Callable[[], BinaryIO],
        *,
        from_caller: bool,
        protection: Protection,
        content_type: str,
    ) -> BlobRef:
        """Store ``size`` bytes hashing to ``digest``, read from a fresh ``source()``.

        ``from_caller``: the digest is the caller's claim about a file, not computed here;
        when the content is already stored, the file is still read through once to check
        that it holds the content its digest names.
        """
        protection = new_protection(protection, datetime.now(UTC))
        key = key_for_digest(digest)
        with self._lock(digest), self._translated(key):
            existing = self._stat(key)
            if existing is not None and _recorded_digest(existing) == digest:
                ref = BlobRef(key, digest, size, existing.version_id)
                # Read it back once: a forged latest version (our metadata, other bytes)
                # must never be handed out as the ref of these bytes.
                if self.verify(key, existing.version_id):
                    if from_caller:
                        what = f"upload of {key}"
                        copy_verified(source(), None, sha256=digest, size=size, what=what)
                    self._strengthen(ref, protection)
                    return ref
            # Absent, damaged, or not written by eakte: upload a good, locked version.
            return self._upload(key, source(), size, digest, protection, content_type)

    def _upload(
        self,
        key: str,
        data: BinaryIO,
        size: int,
        digest: str,
        protection: Protection,
        content_type: str,
    ) -> BlobRef:
        """PUT (multipart above 5 MiB, one part at a time so memory stays at one part)."""
        from minio.commonconfig import COMPLIANCE
        from minio.retention import Retention

        result = self._client.put_object(
            self._bucket,
            key,
            data,
            size,
            content_type=content_type,
            metadata={SHA256_METADATA: digest},
            retention=Retention(COMPLIANCE, protection.retain_until),
            legal_hold=protection.legal_hold,
            num_parallel_uploads=1,
        )
        return BlobRef(key, digest, size, result.version_id)

    def _strengthen(self, ref: BlobRef, protection: Protection) -> None:
        """Extend an existing version's retention and set its hold as ``protection`` asks."""
        current = self._retention(ref.key, ref.version_id)
        if current is None or current < protection.retain_until:
            self._set_retention(ref.key, ref.version_id, protection.retain_until)
        if protection.legal_hold and not self._legal_hold(ref.key, ref.version_id):
            self._client.enable_object_legal_hold(self._bucket, ref.key, ref.version_id)

    def _check_no_rival(self, ref: BlobRef) -> None:
        """After creating a name, make sure no other process created it with other bytes."""
        for item in self._client.list_objects(self._bucket, prefix=ref.key, include_version=True):
            if item.object_name != ref.key or item.version_id in (None, ref.version_id):
                continue
            rival = self._stat(ref.key, item.version_id)
            if rival is not None and _recorded_digest(rival) != ref.sha256:
                raise ConflictError(
                    f"{describe(ref.key)} was created concurrently with other content "
                    f"(versions {item.version_id} and {ref.version_id})"
                )

    def _read_protection(self, key: str, version_id: str | None) -> Protection:
        until = self._retention(key, version_id)
        if until is None:
            raise StorageError(f"{describe(key, version_id)} carries no retention")
        return Protection(retain_until=until, legal_hold=self._legal_hold(key, version_id))

    def _retention(self, key: str, version_id: str | None) -> datetime | None:
        retention = self._client.get_object_retention(self._bucket, key, version_id)
        if retention is None or retention.retain_until_date is None:
            return None
        return retention_instant(retention.retain_until_date)

    def _set_retention(self, key: str, version_id: str | None, until: datetime) -> None:
        from minio.commonconfig import COMPLIANCE
        from minio.error import S3Error
        from minio.retention import Retention

        try:
            self._client.set_object_retention(
                self._bucket, key, Retention(COMPLIANCE, until), version_id
            )
        except S3Error as exc:
            current = self._retention(key, version_id) if exc.code == "AccessDenied" else None
            if current is not None and until < current:  # lost a race with an extension
                raise shortening_refusal(key, version_id, current, until) from exc
            raise

    def _legal_hold(self, key: str, version_id: str | None) -> bool:
        from minio.error import S3Error

        try:
            return self._client.is_object_legal_hold_enabled(self._bucket, key, version_id)
        except S3Error as exc:
            if exc.code == "NoSuchObjectLegalHold":  # never set on this version
                return False
            raise

    def _require(self, key: str, version_id: str | None) -> Object:
        stat = self._stat(key, version_id)
        if stat is None:
            raise NotFoundError(f"{describe(key, version_id)} does not exist")
        return stat

    def _stat(self, key: str, version_id: str | None = None) -> Object | None:
        from minio.error import S3Error

        try:
            return self._client.stat_object(self._bucket, key, version_id=version_id)
        except S3Error as exc:
            if exc.code in MISSING_OBJECT:
                return None
            raise

    def _lock(self, digest: str) -> threading.Lock:
        return self._put_locks[int(digest[:4], 16) % _LOCK_STRIPES]

    def _translated(
        self, key: str | None = None, version_id: str | None = None
    ) -> AbstractContextManager[None]:
        return translated(self._endpoint, self._bucket, key, version_id)


def _now() -> datetime:
    """Local time, used only to word a refusal that the server's clock already decided."""
    return datetime.now(UTC)


def _release(response: BaseHTTPResponse) -> None:
    response.close()
    response.release_conn()


def _recorded_digest(stat: Object) -> str | None:
    metadata = stat.metadata
    return None if metadata is None else metadata.get(_SHA256_HEADER)
