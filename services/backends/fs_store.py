"""Write-once, content-addressed blob store on a local file system (embedded mode).

A blob is published in a way that a crash can never expose a partial object under its
final name: the bytes go to a temporary file in the target directory, are fsynced,
and the file is then hard-linked to its final name.  ``os.link`` fails when the name
exists, so it is an exclusive create that also settles races between concurrent
writers of the same content.  Temporary files start with a dot and never match a key.

Deleting blobs is deliberately not offered: removal will go through the retention
ledger and legal holds (later issue), which belong next to :meth:`FsBlobStore.put`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from services.backends.blob_keys import digest_of_key, key_for_digest, sha256_hex
from services.errors import IntegrityError, NotFoundError, StorageError
from services.ports import BlobRef

_READ_ONLY = 0o444
_CHUNK = 1024 * 1024


class FsBlobStore:
    """Blobs as read-only files under ``root/sha256/ab/cd/<digest>``."""

    name = "fs"

    def __init__(self, root: Path) -> None:
        self._root = root
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create blob directory {root}: {exc}") from exc

    def put(self, data: bytes, *, content_type: str = "application/octet-stream") -> BlobRef:
        # content_type is not stored: on disk a blob is bytes only; the document row
        # records what they are.
        digest = sha256_hex(data)
        ref = BlobRef(key=key_for_digest(digest), sha256=digest, size=len(data))
        final = self._root / ref.key
        try:
            if final.exists():
                self._check_existing(final, digest)
                return ref
            _make_dirs(final.parent)
            temp = _write_temp(final.parent, digest, data)
            try:
                os.link(temp, final)
            except FileExistsError:
                # Another writer published the same content first.
                self._check_existing(final, digest)
            finally:
                temp.unlink()
                _fsync_dir(final.parent)
        except OSError as exc:
            raise StorageError(f"cannot store blob {ref.key}: {exc}") from exc
        return ref

    def get(self, key: str) -> bytes:
        path, digest = self._locate(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"blob {key} does not exist") from exc
        except OSError as exc:
            raise StorageError(f"cannot read blob {key}: {exc}") from exc
        if sha256_hex(data) != digest:
            raise IntegrityError(f"blob {key} does not match its SHA-256")
        return data

    def exists(self, key: str) -> bool:
        path, _ = self._locate(key)
        return path.is_file()

    def verify(self, key: str) -> bool:
        path, digest = self._locate(key)
        try:
            return _hash_file(path) == digest
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StorageError(f"cannot read blob {key}: {exc}") from exc

    def check_health(self) -> None:
        """Prove the root is a writable directory by creating and removing a probe file."""
        if not self._root.is_dir():
            raise StorageError(f"blob directory {self._root} does not exist")
        try:
            fd, probe = tempfile.mkstemp(prefix=".health-", dir=self._root)
            os.close(fd)
            Path(probe).unlink()
        except OSError as exc:
            raise StorageError(f"blob directory {self._root} is not writable: {exc}") from exc

    def _locate(self, key: str) -> tuple[Path, str]:
        """Validate ``key`` (nothing else ever becomes a path) and return its file and digest."""
        digest = digest_of_key(key)
        return self._root / key, digest

    def _check_existing(self, path: Path, digest: str) -> None:
        if _hash_file(path) != digest:
            raise IntegrityError(f"stored blob {path.name} is corrupt; refusing to overwrite it")


def _write_temp(directory: Path, digest: str, data: bytes) -> Path:
    """Write ``data`` durably to a read-only temporary file in ``directory``."""
    fd, name = tempfile.mkstemp(prefix=f".{digest}.", suffix=".tmp", dir=directory)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fchmod(file.fileno(), _READ_ONLY)
            os.fsync(file.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def _make_dirs(directory: Path) -> None:
    """Create missing fan-out directories and fsync each parent so they survive a crash."""
    missing: list[Path] = []
    current = directory
    while not current.is_dir():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # a concurrent writer was faster
            path.mkdir()
        _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _hash_file(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            sha.update(chunk)
    return sha.hexdigest()
