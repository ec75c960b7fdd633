"""The minio client for :mod:`services.backends.s3_store`: its construction and its errors.

Every S3 call of the store runs inside :func:`translated`, so that callers only ever see
eakte's domain errors, worded for an operator.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from services.backends.blob_keys import describe
from services.errors import ConfigurationError, NotFoundError, StorageError

if TYPE_CHECKING:
    from minio import Minio

MISSING_OBJECT = frozenset({"NoSuchKey", "NoSuchVersion"})


def make_client(
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


@contextmanager
def translated(
    endpoint: str, bucket: str, key: str | None = None, version_id: str | None = None
) -> Iterator[None]:
    """Turn minio and urllib3 exceptions into domain errors with a readable message."""
    from minio.error import MinioException, S3Error
    from urllib3.exceptions import HTTPError

    where = f"bucket {bucket!r}" + (f", {describe(key, version_id)}" if key else "")
    try:
        yield
    except S3Error as exc:
        if key is not None and exc.code in MISSING_OBJECT:
            raise NotFoundError(f"{describe(key, version_id)} does not exist") from exc
        raise StorageError(
            f"S3 at {endpoint} refused the request ({where}): {exc.code}: {exc.message}"
        ) from exc
    except MinioException as exc:
        raise StorageError(f"S3 at {endpoint} failed ({where}): {exc}") from exc
    except HTTPError as exc:
        raise StorageError(
            f"S3 endpoint {endpoint} is unreachable ({where}): {root_cause(exc)}"
        ) from exc


def root_cause(exc: BaseException) -> str:
    """Return the innermost OS-level reason ("Connection refused"), not urllib3's repr chain."""
    reason = getattr(exc, "reason", None) or exc
    cause: BaseException | None = reason
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__ or cause.__context__
    return str(reason)
