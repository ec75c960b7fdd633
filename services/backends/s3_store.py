"""Write-once, content-addressed blob store on S3 (production: SeaweedFS, MinIO, AWS).

Objects use the same keys as the file-system store and carry their SHA-256 in the user
metadata ``x-amz-meta-sha256``; both the metadata and the bytes are checked against
the key on every read.  The bucket is created with Object Lock so that a later issue
can put COMPLIANCE retention and legal holds on the objects (Object Lock can only be
switched on when a bucket is created).

The minio SDK does not offer an exclusive create (``If-None-Match: *``), so ``put``
checks for the object first.  Puts of the same content are serialised inside one
process; two processes racing on the same new content may both upload it, which
leaves an identical second version in the versioned bucket and never different bytes.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from services.backends.blob_keys import digest_of_key, key_for_digest, sha256_hex
from services.errors import ConfigurationError, IntegrityError, NotFoundError, StorageError
from services.ports import BlobRef

if TYPE_CHECKING:
    from minio import Minio
    from minio.datatypes import Object

SHA256_METADATA = "sha256"
_SHA256_HEADER = "x-amz-meta-sha256"
_MISSING_OBJECT = frozenset({"NoSuchKey", "NoSuchVersion"})
_LOCK_STRIPES = 64


class S3BlobStore:
    """Blobs as objects in one S3 bucket, verified against their key on every read."""

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
        self._client = _make_client(
            endpoint,
            access_key,
            secret_key,
            region,
            secure,
            connect_timeout_seconds,
            read_timeout_seconds,
        )
        self._put_locks = tuple(threading.Lock() for _ in range(_LOCK_STRIPES))

    def put(self, data: bytes, *, content_type: str = "application/octet-stream") -> BlobRef:
        digest = sha256_hex(data)
        ref = BlobRef(key=key_for_digest(digest), sha256=digest, size=len(data))
        with self._put_locks[int(digest[:4], 16) % _LOCK_STRIPES], self._translated(ref.key):
            existing = self._stat(ref.key)
            if existing is not None and _recorded_digest(existing) == digest:
                if existing.size != ref.size:
                    raise IntegrityError(
                        f"stored blob {ref.key} has {existing.size} bytes, expected {ref.size}"
                    )
                return ref
            # Absent, or present without our metadata (not written by eakte): upload.
            self._client.put_object(
                self._bucket,
                ref.key,
                io.BytesIO(data),
                len(data),
                content_type=content_type,
                metadata={SHA256_METADATA: digest},
            )
        return ref

    def get(self, key: str) -> bytes:
        digest = digest_of_key(key)
        with self._translated(key):
            response = self._client.get_object(self._bucket, key)
            try:
                data = response.read()
                recorded = response.headers.get(_SHA256_HEADER)
            finally:
                response.close()
                response.release_conn()
        if recorded != digest:
            raise IntegrityError(f"blob {key} carries SHA-256 metadata {recorded!r}")
        if sha256_hex(data) != digest:
            raise IntegrityError(f"blob {key} does not match its SHA-256")
        return data

    def exists(self, key: str) -> bool:
        digest_of_key(key)
        with self._translated(key):
            return self._stat(key) is not None

    def verify(self, key: str) -> bool:
        try:
            self.get(key)
        except (NotFoundError, IntegrityError):
            return False
        return True

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

    def _stat(self, key: str) -> Object | None:
        from minio.error import S3Error

        try:
            return self._client.stat_object(self._bucket, key)
        except S3Error as exc:
            if exc.code in _MISSING_OBJECT:
                return None
            raise

    @contextmanager
    def _translated(self, key: str | None = None) -> Iterator[None]:
        """Turn minio and urllib3 exceptions into domain errors with a readable message."""
        from minio.error import MinioException, S3Error
        from urllib3.exceptions import HTTPError

        where = f"bucket {self._bucket!r}" + (f", blob {key}" if key else "")
        try:
            yield
        except S3Error as exc:
            if key is not None and exc.code in _MISSING_OBJECT:
                raise NotFoundError(f"blob {key} does not exist") from exc
            raise StorageError(
                f"S3 at {self._endpoint} refused the request ({where}): {exc.code}: {exc.message}"
            ) from exc
        except MinioException as exc:
            raise StorageError(f"S3 at {self._endpoint} failed ({where}): {exc}") from exc
        except HTTPError as exc:
            raise StorageError(
                f"S3 endpoint {self._endpoint} is unreachable ({where}): {_root_cause(exc)}"
            ) from exc


def _make_client(
    endpoint: str,
    access_key: str,
    secret_key: str,
    region: str,
    secure: bool,
    connect_timeout: float,
    read_timeout: float,
) -> Minio:
    try:
        import certifi
        import urllib3
        from minio import Minio
    except ImportError as exc:
        raise ConfigurationError(
            "EAKTE_STORAGE_BACKEND=s3 needs the 'minio' package; install it into this "
            "environment (pip install minio)"
        ) from exc
    # minio's default pool waits five minutes to connect; a health check must fail sooner.
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )
    try:
        return Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            region=region,
            secure=secure,
            http_client=http,
        )
    except ValueError as exc:
        raise ConfigurationError(f"invalid S3 endpoint {endpoint!r}: {exc}") from exc


def _recorded_digest(stat: Object) -> str | None:
    metadata = stat.metadata
    return None if metadata is None else metadata.get(_SHA256_HEADER)


def _root_cause(exc: BaseException) -> str:
    """Return the innermost OS-level reason ("Connection refused"), not urllib3's repr chain."""
    reason = getattr(exc, "reason", None) or exc
    cause: BaseException | None = reason
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__ or cause.__context__
    return str(reason)
