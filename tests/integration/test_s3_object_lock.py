"""What Object Lock guarantees at the storage layer, seen with the raw minio SDK.

The objects are written by S3BlobStore; the attacks and checks use a plain minio client
on the same SeaweedFS server, as an administrator with the S3 credentials could.  The
last tests kill a writer in the middle of an upload (S3) or a write (fs store) and check
that no partial object becomes visible.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from minio import Minio
from minio.commonconfig import COMPLIANCE, ENABLED, GOVERNANCE
from minio.error import S3Error
from minio.retention import Retention
from minio.versioningconfig import VersioningConfig

from services.backends.blob_keys import key_for_digest, sha256_hex
from services.backends.fs_store import FsBlobStore
from services.backends.s3_store import S3BlobStore
from services.errors import IntegrityError, NotFoundError, RetentionViolationError, StorageError
from services.ports import BlobRef, Protection
from tests.fixtures.s3 import new_bucket_name, store_for
from tests.fixtures.seaweed import S3ServerInfo

REPO = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024
SHORT = timedelta(seconds=3)


def _put(store: S3BlobStore, after: timedelta = timedelta(hours=1), hold: bool = False) -> BlobRef:
    until = datetime.now(UTC) + after
    return store.put(os.urandom(4096), protection=Protection(until, legal_hold=hold))


def _read(client: Minio, bucket: str, key: str, version_id: str | None) -> bytes:
    response = client.get_object(bucket, key, version_id=version_id)
    try:
        return response.read()
    finally:
        response.close()
        response.release_conn()


def _versions(client: Minio, bucket: str, key: str) -> list[tuple[str | None, bool]]:
    """(version id, is delete marker) of every version of exactly ``key``."""
    return [
        (item.version_id, item.is_delete_marker)
        for item in client.list_objects(bucket, prefix=key, include_version=True)
        if item.object_name == key
    ]


def _wait_past(until: datetime) -> None:
    time.sleep(max(0.0, (until - datetime.now(UTC)).total_seconds()) + 1.0)


# --- locked versions against the raw API -----------------------------------------------


@pytest.mark.s3
def test_overwriting_a_locked_key_leaves_the_locked_version_unchanged(
    s3_blob_store: S3BlobStore, s3_client: Minio, s3_bucket: str
) -> None:
    ref = _put(s3_blob_store)
    data = s3_blob_store.get(ref.key, ref.version_id)
    before = s3_client.stat_object(s3_bucket, ref.key, version_id=ref.version_id)

    forged = os.urandom(len(data))
    written = s3_client.put_object(
        s3_bucket, ref.key, io.BytesIO(forged), len(forged), metadata={"sha256": ref.sha256}
    )

    assert written.version_id != ref.version_id
    assert _read(s3_client, s3_bucket, ref.key, ref.version_id) == data
    after = s3_client.stat_object(s3_bucket, ref.key, version_id=ref.version_id)
    assert (after.etag, after.size, after.last_modified) == (
        before.etag,
        before.size,
        before.last_modified,
    )
    retention = s3_client.get_object_retention(s3_bucket, ref.key, ref.version_id)
    assert retention is not None and retention.mode == COMPLIANCE
    # The service reads the pinned version and notices the forged latest one.
    assert s3_blob_store.get(ref.key, ref.version_id) == data
    with pytest.raises(IntegrityError):
        s3_blob_store.get(ref.key)


@pytest.mark.s3
def test_removing_a_locked_version_is_refused_by_the_server(
    s3_blob_store: S3BlobStore, s3_client: Minio, s3_bucket: str
) -> None:
    ref = _put(s3_blob_store)
    data = s3_blob_store.get(ref.key, ref.version_id)

    with pytest.raises(S3Error) as refused:
        s3_client.remove_object(s3_bucket, ref.key, version_id=ref.version_id)
    assert refused.value.code == "AccessDenied"
    assert _read(s3_client, s3_bucket, ref.key, ref.version_id) == data

    # The service gets the same refusal from the server and says why.
    with pytest.raises(RetentionViolationError, match="is retained until"):
        s3_blob_store.delete(ref.key, ref.version_id)
    assert _read(s3_client, s3_bucket, ref.key, ref.version_id) == data


@pytest.mark.s3
def test_a_raw_delete_without_version_only_hides_the_locked_version(
    s3_blob_store: S3BlobStore, s3_client: Minio, s3_bucket: str
) -> None:
    ref = _put(s3_blob_store)
    data = s3_blob_store.get(ref.key, ref.version_id)

    s3_client.remove_object(s3_bucket, ref.key)  # adds a delete marker on a versioned bucket

    assert not s3_blob_store.exists(ref.key)
    assert s3_blob_store.get(ref.key, ref.version_id) == data
    assert (ref.version_id, False) in _versions(s3_client, s3_bucket, ref.key)
    # Storing the content again makes it current again, as a new locked version.
    again = s3_blob_store.put(data, protection=Protection(datetime.now(UTC) + SHORT))
    assert again.version_id != ref.version_id
    assert s3_blob_store.get(ref.key) == data


@pytest.mark.s3
def test_retention_can_be_extended_but_not_shortened_or_weakened(
    s3_blob_store: S3BlobStore, s3_client: Minio, s3_bucket: str
) -> None:
    until = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    ref = s3_blob_store.put(os.urandom(100), protection=Protection(until))

    for attempt in (
        Retention(COMPLIANCE, until - timedelta(minutes=30)),
        Retention(GOVERNANCE, until),
    ):
        with pytest.raises(S3Error) as refused:
            s3_client.set_object_retention(s3_bucket, ref.key, attempt, ref.version_id)
        assert refused.value.code == "AccessDenied"
    with pytest.raises(RetentionViolationError, match="cannot be shortened"):
        s3_blob_store.extend_retention(ref.key, ref.version_id, until - timedelta(minutes=30))

    s3_blob_store.extend_retention(ref.key, ref.version_id, until + timedelta(hours=1))
    retention = s3_client.get_object_retention(s3_bucket, ref.key, ref.version_id)
    assert retention is not None
    assert (retention.mode, retention.retain_until_date) == (COMPLIANCE, until + timedelta(hours=1))

    s3_client.set_object_retention(
        s3_bucket, ref.key, Retention(COMPLIANCE, until + timedelta(hours=2)), ref.version_id
    )
    assert s3_blob_store.protection(ref.key, ref.version_id).retain_until == until + timedelta(
        hours=2
    )


@pytest.mark.s3
def test_legal_hold_blocks_deletion_after_the_retention_ended(
    s3_blob_store: S3BlobStore, s3_client: Minio, s3_bucket: str
) -> None:
    ref = _put(s3_blob_store, SHORT, hold=True)
    assert s3_client.is_object_legal_hold_enabled(s3_bucket, ref.key, ref.version_id)
    _wait_past(s3_blob_store.protection(ref.key, ref.version_id).retain_until)

    with pytest.raises(S3Error) as refused:
        s3_client.remove_object(s3_bucket, ref.key, version_id=ref.version_id)
    assert refused.value.code == "AccessDenied"
    with pytest.raises(RetentionViolationError, match="is under legal hold$"):
        s3_blob_store.delete(ref.key, ref.version_id)

    s3_blob_store.set_legal_hold(ref.key, ref.version_id, False)
    assert not s3_client.is_object_legal_hold_enabled(s3_bucket, ref.key, ref.version_id)
    s3_blob_store.delete(ref.key, ref.version_id)
    assert _versions(s3_client, s3_bucket, ref.key) == []


@pytest.mark.s3
def test_after_a_short_retention_the_service_deletes_exactly_that_version(
    s3_blob_store: S3BlobStore, s3_client: Minio, s3_bucket: str
) -> None:
    ref = _put(s3_blob_store, SHORT)
    newer = s3_blob_store.put(os.urandom(10), protection=Protection(datetime.now(UTC) + SHORT))
    _wait_past(s3_blob_store.protection(ref.key, ref.version_id).retain_until)

    s3_blob_store.delete(ref.key, ref.version_id)

    assert _versions(s3_client, s3_bucket, ref.key) == []  # gone, and no delete marker
    with pytest.raises(S3Error) as missing:
        s3_client.stat_object(s3_bucket, ref.key, version_id=ref.version_id)
    assert missing.value.code in {"NoSuchKey", "NoSuchVersion"}
    with pytest.raises(NotFoundError):
        s3_blob_store.get(ref.key, ref.version_id)
    assert s3_blob_store.exists(newer.key, newer.version_id)


# --- refusing a bucket that cannot enforce retention ------------------------------------


@pytest.mark.s3
@pytest.mark.parametrize("versioning", [False, True], ids=["plain", "versioned"])
def test_check_object_lock_refuses_a_bucket_without_object_lock(
    s3_server: S3ServerInfo, s3_client: Minio, versioning: bool
) -> None:
    """SeaweedFS (like AWS) refuses suspending versioning on a lock bucket, so a bucket
    with Object Lock but without versioning cannot be built here; both buckets below lack
    the lock configuration.
    """
    bucket = new_bucket_name()
    s3_client.make_bucket(bucket)
    if versioning:
        s3_client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))
    store = store_for(s3_server, bucket)
    store.check_health()
    with pytest.raises(StorageError, match="has no Object Lock configuration"):
        store.check_object_lock()


@pytest.mark.s3
def test_check_object_lock_accepts_a_bucket_made_by_ensure_bucket(
    s3_server: S3ServerInfo, s3_client: Minio
) -> None:
    bucket = new_bucket_name()
    store = store_for(s3_server, bucket)
    with pytest.raises(StorageError, match="NoSuchBucket"):
        store.check_object_lock()
    store.ensure_bucket()
    store.check_object_lock()
    assert s3_client.get_bucket_versioning(bucket).status == "Enabled"


# --- killed writers ----------------------------------------------------------------------


class _StallingProxy:
    """A loopback TCP relay to the S3 server that stops forwarding uploads after ``limit``.

    Once that many request bytes have passed, nothing more reaches the server, so the
    writer is provably in the middle of its upload when the test kills it.  Closing the
    proxy then drops every connection, as the kernel does for a killed process.
    """

    def __init__(self, target: str, limit: int) -> None:
        host, port = target.rsplit(":", 1)
        self._target = (host, int(port))
        self._limit = limit
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._sockets: list[socket.socket] = []
        self.forwarded = 0
        self.stalled = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closing.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                sock.close()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
                upstream = socket.create_connection(self._target)
            except OSError:
                return
            with self._lock:
                self._sockets += [client, upstream]
            for source, destination, request in (
                (client, upstream, True),
                (upstream, client, False),
            ):
                threading.Thread(
                    target=self._pipe, args=(source, destination, request), daemon=True
                ).start()

    def _pipe(self, source: socket.socket, destination: socket.socket, request: bool) -> None:
        try:
            while chunk := source.recv(256 * 1024):
                if request and not self._admit(len(chunk)):
                    self._closing.wait()
                    return
                destination.sendall(chunk)
        except OSError:
            return

    def _admit(self, size: int) -> bool:
        with self._lock:
            if self.forwarded + size > self._limit:
                self.stalled.set()
                return False
            self.forwarded += size
            return True


_S3_WRITER = """
import io, os, sys
from datetime import UTC, datetime, timedelta
from services.backends.blob_keys import key_for_digest, sha256_hex
from services.ports import Protection

size, how = int(sys.argv[1]), sys.argv[2]
names = ("ENDPOINT", "ACCESS", "SECRET", "BUCKET")
endpoint, access, secret, bucket = (os.environ[f"TEST_S3_{name}"] for name in names)
data = os.urandom(size)
key = key_for_digest(sha256_hex(data))
print(key, flush=True)
until = datetime.now(UTC) + timedelta(minutes=10)
if how == "store":
    from services.backends.s3_store import S3BlobStore
    store = S3BlobStore(endpoint, access, secret, bucket, secure=False)
    store.put(data, protection=Protection(until))
else:  # one single PUT request, no multipart
    from minio import Minio
    from minio.commonconfig import COMPLIANCE
    from minio.retention import Retention
    Minio(endpoint, access_key=access, secret_key=secret, secure=False).put_object(
        bucket, key, io.BytesIO(data), size, part_size=size,
        metadata={"sha256": key.rsplit("/", 1)[1]}, retention=Retention(COMPLIANCE, until),
    )
print("finished", flush=True)
"""


@pytest.mark.s3
@pytest.mark.parametrize(
    ("how", "size"),
    [("store", 200 * MIB), ("single-put", 64 * MIB)],
    ids=["S3BlobStore.put-multipart", "raw-single-PUT"],
)
def test_a_killed_upload_leaves_no_object(
    s3_server: S3ServerInfo,
    s3_client: Minio,
    s3_bucket: str,
    tmp_path: Path,
    how: str,
    size: int,
) -> None:
    proxy = _StallingProxy(s3_server.endpoint, limit=size // 4)
    environment = os.environ | {
        "PYTHONPATH": str(REPO),
        "TEST_S3_ENDPOINT": proxy.endpoint,
        "TEST_S3_ACCESS": s3_server.access_key,
        "TEST_S3_SECRET": s3_server.secret_key,
        "TEST_S3_BUCKET": s3_bucket,
    }
    errors = tmp_path / "stderr"
    with errors.open("wb") as stderr:
        writer = subprocess.Popen(
            [sys.executable, "-c", _S3_WRITER, str(size), how],
            cwd=REPO,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        assert writer.stdout is not None
        key = writer.stdout.readline().strip()
        assert key.startswith("sha256/"), errors.read_text()
        assert proxy.stalled.wait(120), f"upload never got going: {errors.read_text()}"
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        proxy.close()

    assert writer.returncode == -signal.SIGKILL
    assert size // 8 < proxy.forwarded <= size // 4  # killed in the middle of the upload
    for _ in range(2):  # right away, and after the server had time to finish anything
        with pytest.raises(S3Error) as missing:
            s3_client.stat_object(s3_bucket, key)
        assert missing.value.code == "NoSuchKey"
        assert _versions(s3_client, s3_bucket, key) == []
        assert not store_for(s3_server, s3_bucket).exists(key)
        time.sleep(1)


_FS_WRITER = """
import os, resource, signal, sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from services.backends.fs_store import FsBlobStore
from services.ports import Protection

root, payload, how = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
store = FsBlobStore(root)
data = payload.read_bytes()
print("writing", flush=True)
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
if how == "mid-write":
    # The kernel kills the process (SIGXFSZ) when the file reaches the limit.
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    limit = len(data) // 4
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
else:
    # SIGKILL after the file is written and fsynced, instead of publishing it.
    os.link = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
store.put(data, protection=Protection(datetime.now(UTC) + timedelta(hours=1)))
print("finished", flush=True)
"""


@pytest.mark.parametrize(
    ("how", "signal_number"),
    [("mid-write", signal.SIGXFSZ), ("before-publishing", signal.SIGKILL)],
)
def test_a_killed_fs_writer_leaves_no_file_under_the_key(
    tmp_path: Path, how: str, signal_number: int
) -> None:
    root = tmp_path / "blobs"
    payload = tmp_path / "payload"
    data = os.urandom(64 * MIB)
    payload.write_bytes(data)
    key = key_for_digest(sha256_hex(data))

    writer = subprocess.run(
        [sys.executable, "-c", _FS_WRITER, str(root), str(payload), how],
        cwd=REPO,
        env=os.environ | {"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert writer.returncode == -signal_number, writer.stderr
    assert writer.stdout == "writing\n"
    directory = root / key.rsplit("/", 1)[0]
    leftovers = list(directory.iterdir())
    assert leftovers, "the writer never got to write"
    assert all(path.name.startswith(".") for path in leftovers), leftovers
    store = FsBlobStore(root)
    assert not store.exists(key)
    with pytest.raises(NotFoundError):
        store.get(key)
    assert store.ledger.record(key) is None
    # The ledger was not left locked, and the content can be stored after all.
    started = time.monotonic()
    assert store.put(data, protection=Protection(datetime.now(UTC) + SHORT)).key == key
    assert time.monotonic() - started < 10
    assert store.get(key) == data
