"""Write-once blob store on a local file system (embedded mode), with a retention ledger.

A blob is published so that a crash can never expose a partial object under its final
name: the bytes go to a temporary file in the target directory, are fsynced, and the
file is then hard-linked to its final name and the directory fsynced.  ``os.link``
fails when the name exists, so it is an exclusive create that also settles races
between concurrent writers.  Temporary files start with a dot and never match a key or
a name.  Files are read-only (0444).

Retention and legal hold live in :mod:`services.backends.fs_ledger`.  Files are
published and removed while the ledger's write lock is held, so a delete cannot race a
put of the same content, and a blob is on disk before its ledger row commits: a crash
in between leaves a blob without a record, which is refused deletion until it is put
again.  All of this is tamper-evident, not tamper-proof: root can change files and the
ledger alike.  Production belongs on S3 Object Lock.

There is one version per key: ``version_id`` is always None here, and any other value
names a version that does not exist.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from services.backends.blob_keys import (
    ANCHOR_PREFIX,
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
from services.backends.fs_ledger import (
    LEDGER_FILE,
    LedgerRecord,
    RetentionLedger,
)
from services.backends.streams import BlobChunks, check_range, copy_verified
from services.clock import SystemClock
from services.errors import (
    ConflictError,
    IntegrityError,
    InvalidInputError,
    NotFoundError,
    RetentionViolationError,
    StorageError,
)
from services.ports import BlobRef, Clock, ListedKey, Protection

_READ_ONLY = 0o444
_CHUNK = 1024 * 1024


class FsBlobStore:
    """Blobs under ``root/sha256/ab/cd/<digest>``, named objects under ``root/anchors/``."""

    name = "fs"

    def __init__(self, root: Path, clock: Clock | None = None) -> None:
        self._root = root
        self._clock: Clock = clock or SystemClock()
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create blob directory {root}: {exc}") from exc
        self._ledger = RetentionLedger(root / LEDGER_FILE)

    @property
    def ledger(self) -> RetentionLedger:
        return self._ledger

    def put(
        self,
        data: bytes,
        *,
        protection: Protection,
        content_type: str = "application/octet-stream",
    ) -> BlobRef:
        # content_type is not stored: on disk a blob is bytes only; the database row
        # records what they are.
        digest = sha256_hex(data)
        ref = BlobRef(key=key_for_digest(digest), sha256=digest, size=len(data))
        self._publish(ref, lambda target: target.write(data), protection, named=False)
        return ref

    def put_file(
        self,
        file: IO[bytes],
        *,
        sha256: str,
        size: int,
        protection: Protection,
        content_type: str = "application/octet-stream",
    ) -> BlobRef:
        key = key_for_digest(sha256)
        digest_of_key(key)  # refuses a malformed digest before anything is read
        ref = BlobRef(key=key, sha256=sha256, size=size)
        start = file.tell()

        def copy(target: IO[bytes] | None) -> None:
            file.seek(start)
            copy_verified(file, target, sha256=sha256, size=size, what=f"upload of {key}")

        if (self._root / key).exists():
            copy(None)  # the stored copy stays, but only for the content it names
        self._publish(ref, copy, protection, named=False)
        return ref

    def put_named(
        self,
        name: str,
        data: bytes,
        *,
        protection: Protection,
        content_type: str = "application/json",
    ) -> BlobRef:
        check_name(name)
        ref = BlobRef(key=name, sha256=sha256_hex(data), size=len(data))
        self._publish(ref, lambda target: target.write(data), protection, named=True)
        return ref

    def get(self, key: str, version_id: str | None = None) -> bytes:
        path, digest = self._locate(key, version_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"{describe(key)} does not exist") from exc
        except OSError as exc:
            raise StorageError(f"cannot read {describe(key)}: {exc}") from exc
        if sha256_hex(data) != (digest or self._recorded_digest(key)):
            raise IntegrityError(f"{describe(key)} does not match its SHA-256")
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
        path, digest = self._locate(key, version_id)
        try:
            file = path.open("rb")
        except FileNotFoundError as exc:
            raise NotFoundError(f"{describe(key)} does not exist") from exc
        except OSError as exc:
            raise StorageError(f"cannot read {describe(key)}: {exc}") from exc
        try:
            size = os.fstat(file.fileno()).st_size
            readable = check_range(offset, length, size, describe(key))
            whole = offset == 0 and readable == size
            expected = (digest or self._recorded_digest(key)) if whole else None
            file.seek(offset)
        except BaseException:
            file.close()
            raise

        def read(n: int) -> bytes:
            try:
                return file.read(n)
            except OSError as exc:
                raise StorageError(f"cannot read {describe(key)}: {exc}") from exc

        return BlobChunks(
            read, file.close, length=readable, expected_sha256=expected, what=describe(key)
        )

    def exists(self, key: str, version_id: str | None = None) -> bool:
        expected_digest(key)
        return version_id is None and (self._root / key).is_file()

    def verify(self, key: str, version_id: str | None = None) -> bool:
        digest = expected_digest(key)
        path = self._root / key
        try:
            if version_id is not None:
                return False
            expected = digest or self._recorded_digest(key)
            return _hash_file(path) == expected
        except (FileNotFoundError, NotFoundError, IntegrityError):
            return False
        except OSError as exc:
            raise StorageError(f"cannot read {describe(key)}: {exc}") from exc

    def protection(self, key: str, version_id: str | None = None) -> Protection:
        path, _ = self._locate(key, version_id)
        self._require_file(path, key)
        return self._require_record(self._ledger.record(key), key).protection

    def extend_retention(self, key: str, version_id: str | None, until: datetime) -> None:
        path, _ = self._locate(key, version_id)
        until = retention_instant(until)
        with self._ledger.transaction() as ledger:
            self._require_file(path, key)
            record = self._require_record(ledger.record(key), key)
            if until < record.retain_until:
                raise shortening_refusal(key, None, record.retain_until, until)
            if until > record.retain_until:
                ledger.extend(record, until, self._clock.now())

    def set_legal_hold(self, key: str, version_id: str | None, active: bool) -> None:
        path, _ = self._locate(key, version_id)
        with self._ledger.transaction() as ledger:
            self._require_file(path, key)
            record = self._require_record(ledger.record(key), key)
            if record.legal_hold != active:
                ledger.set_hold(record, active, self._clock.now())

    def delete(self, key: str, version_id: str | None) -> None:
        path, _ = self._locate(key, version_id)
        with self._ledger.transaction() as ledger:
            self._require_file(path, key)
            record = ledger.record(key)
            if record is None or record.deleted_at is not None:
                raise RetentionViolationError(
                    f"{describe(key)} has no retention record; refusing to delete it"
                )
            now = self._clock.now()
            if refusal := deletion_refusal(key, None, record.protection, now):
                raise refusal
            try:
                path.unlink()
                _fsync_dir(path.parent)
            except OSError as exc:
                raise StorageError(f"cannot delete {describe(key)}: {exc}") from exc
            ledger.mark_deleted(record, now)

    def list_named(self, prefix: str) -> list[str]:
        check_name_prefix(prefix)
        base = self._root / ANCHOR_PREFIX
        names = []
        for directory, subdirectories, files in os.walk(base):
            subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
            relative = Path(directory).relative_to(self._root).as_posix()
            for file in files:
                name = f"{relative}/{file}"
                if name.startswith(prefix) and is_name(name):
                    names.append(name)
        return sorted(names)

    def iter_keys(self) -> Iterator[ListedKey]:
        """Content files under ``sha256/``; temporary files (dot-named) are skipped."""
        base = self._root / "sha256"
        for directory, subdirectories, files in os.walk(base):
            subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
            relative = Path(directory).relative_to(self._root).as_posix()
            for file in files:
                key = f"{relative}/{file}"
                try:
                    digest_of_key(key)
                    modified = (Path(directory) / file).stat().st_mtime
                except (InvalidInputError, FileNotFoundError):
                    continue  # not a content file, or deleted while listing
                yield ListedKey(key=key, stored_at=datetime.fromtimestamp(modified, UTC))

    def check_object_lock(self) -> None:
        """The fs store enforces retention only through its ledger; prove it is usable."""
        self._ledger.check()

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

    def _publish(
        self, ref: BlobRef, write: _Writer, protection: Protection, *, named: bool
    ) -> None:
        """Write the file if absent, then register or strengthen its ledger row.

        ``write`` puts the content into the open temporary file.

        The temporary file is written before taking the ledger lock (the slow part); the
        link, the check of an existing file and the ledger row happen under it.
        """
        now = self._clock.now()
        protection = new_protection(protection, now)
        final = self._root / ref.key
        try:
            with (
                self._temp_file(final, ref.sha256, write) as temp,
                self._ledger.transaction() as ledger,
            ):
                record = ledger.record(ref.key)
                recorded = record is not None and record.deleted_at is None
                if record is not None and recorded and record.sha256 != ref.sha256:
                    # A name whose file went missing stays taken; content keys never get here.
                    raise (ConflictError if named else IntegrityError)(
                        f"{describe(ref.key)} is recorded with other content "
                        f"(SHA-256 {record.sha256})"
                    )
                if not final.exists() and _link(temp(), final):
                    _fsync_dir(final.parent)
                else:
                    _check_existing(ref, final, named_without_record=named and not recorded)
                ledger.register(ref.key, ref.sha256, ref.size, protection, now)
        except OSError as exc:
            raise StorageError(f"cannot store {describe(ref.key)}: {exc}") from exc

    @contextlib.contextmanager
    def _temp_file(self, final: Path, digest: str, write: _Writer) -> Iterator[_LazyTemp]:
        """Yield a getter for a durable temporary copy of the content; remove it afterwards.

        When the final file already exists the copy is only written if it vanishes
        before the lock is taken (a concurrent delete).
        """
        temp = _LazyTemp(final.parent, digest, write)
        if not final.exists():
            temp()
        try:
            yield temp
        finally:
            temp.remove()

    def _locate(self, key: str, version_id: str | None) -> tuple[Path, str | None]:
        """Validate ``key`` (nothing else ever becomes a path); return its file and digest.

        The digest is None for named objects, whose hash is in the ledger.
        """
        digest = expected_digest(key)
        if version_id is not None:
            raise NotFoundError(
                f"{describe(key, version_id)} does not exist: the fs store keeps one version"
            )
        return self._root / key, digest

    def _recorded_digest(self, key: str) -> str:
        record = self._ledger.record(key)
        if record is None or record.deleted_at is not None:
            raise IntegrityError(f"{describe(key)} has no recorded SHA-256 to check it against")
        return record.sha256

    @staticmethod
    def _require_file(path: Path, key: str) -> None:
        if not path.is_file():
            raise NotFoundError(f"{describe(key)} does not exist")

    @staticmethod
    def _require_record(record: LedgerRecord | None, key: str) -> LedgerRecord:
        if record is None or record.deleted_at is not None:
            raise StorageError(f"{describe(key)} has no retention record")
        return record


_Writer = Callable[[IO[bytes]], object]
"""Writes a blob's content into an open file (bytes at once, or a file chunk by chunk)."""


class _LazyTemp:
    """A temporary file in the target directory, written (durably) on first call."""

    def __init__(self, directory: Path, digest: str, write: _Writer) -> None:
        self._directory = directory
        self._digest = digest
        self._write = write
        self._path: Path | None = None

    def __call__(self) -> Path:
        if self._path is None:
            _make_dirs(self._directory)
            self._path = _write_temp(self._directory, self._digest, self._write)
        return self._path

    def remove(self) -> None:
        if self._path is not None:
            with contextlib.suppress(FileNotFoundError):
                self._path.unlink()


def _check_existing(ref: BlobRef, final: Path, *, named_without_record: bool) -> None:
    """Accept an existing file only if it holds exactly the bytes being stored."""
    if _hash_file(final) == ref.sha256:
        return
    if named_without_record:
        raise ConflictError(f"{describe(ref.key)} already exists with other content")
    raise IntegrityError(f"stored {describe(ref.key)} is corrupt; refusing to overwrite it")


def _link(temp: Path, final: Path) -> bool:
    """Publish ``temp`` as ``final``; False when ``final`` exists already."""
    try:
        os.link(temp, final)
    except FileExistsError:
        return False
    return True


def _write_temp(directory: Path, digest: str, write: _Writer) -> Path:
    """Write the content durably to a read-only temporary file in ``directory``."""
    fd, name = tempfile.mkstemp(prefix=f".{digest}.", suffix=".tmp", dir=directory)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fchmod(file.fileno(), _READ_ONLY)
            os.fsync(file.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def _make_dirs(directory: Path) -> None:
    """Create missing directories and fsync each parent so they survive a crash."""
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
