"""The retention ledger of the fs store: what protects each stored object.

S3 Object Lock keeps retention and legal hold with each object version and the server
enforces them.  A local file system has nothing like it, so :class:`FsBlobStore` keeps
them in a SQLite file beside the blobs and refuses deletes and shortening by it.  The
ledger also records the SHA-256 of named objects, whose names do not contain it.

One current row per key, plus an append-only history of every change.  Triggers refuse
UPDATE and DELETE on the history, DELETE of current rows and shortening a live row's
retention, so a mistake in code cannot rewrite the past.  This is tamper-evident, not
tamper-proof: whoever can write the files can also edit or replace the ledger.
Production belongs on S3 Object Lock.

Each thread has its own connection, and every change runs in ``BEGIN IMMEDIATE``, so
threads and processes on one host serialise on SQLite's write lock (WAL journal, busy
timeout, full fsync on commit).  After the first open the file is only ever opened
read-write, never created again: a ledger deleted behind the store's back makes every
operation fail instead of silently starting an empty one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from services.db.session import WriteGate
from services.errors import IntegrityError, StorageError
from services.ports import Protection

LEDGER_FILE = "retention-ledger.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = (
    """CREATE TABLE objects (
        key TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        size INTEGER NOT NULL CHECK (size >= 0),
        retain_until TEXT NOT NULL,
        legal_hold INTEGER NOT NULL CHECK (legal_hold IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT
    ) STRICT""",
    """CREATE TABLE history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        retain_until TEXT NOT NULL,
        legal_hold INTEGER NOT NULL
    ) STRICT""",
    """CREATE TRIGGER history_no_update BEFORE UPDATE ON history
       BEGIN SELECT RAISE(ABORT, 'the retention history is append-only'); END""",
    """CREATE TRIGGER history_no_delete BEFORE DELETE ON history
       BEGIN SELECT RAISE(ABORT, 'the retention history is append-only'); END""",
    """CREATE TRIGGER objects_no_delete BEFORE DELETE ON objects
       BEGIN SELECT RAISE(ABORT, 'retention records are marked deleted, never removed'); END""",
    # Timestamps are fixed-width ISO 8601 UTC, so text order is time order.
    """CREATE TRIGGER objects_no_shortening BEFORE UPDATE OF retain_until ON objects
       WHEN OLD.deleted_at IS NULL AND NEW.retain_until < OLD.retain_until
       BEGIN SELECT RAISE(ABORT, 'retention cannot be shortened'); END""",
)
_COLUMNS = {
    "objects": [
        "key",
        "sha256",
        "size",
        "retain_until",
        "legal_hold",
        "created_at",
        "updated_at",
        "deleted_at",
    ],
    "history": ["seq", "key", "at", "action", "sha256", "size", "retain_until", "legal_hold"],
}
_TRIGGERS = {"history_no_update", "history_no_delete", "objects_no_delete", "objects_no_shortening"}


@dataclass(frozen=True)
class LedgerRecord:
    """The current row of one key."""

    key: str
    sha256: str
    size: int
    retain_until: datetime
    legal_hold: bool
    deleted_at: datetime | None

    @property
    def protection(self) -> Protection:
        return Protection(retain_until=self.retain_until, legal_hold=self.legal_hold)


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    key: str
    at: datetime
    action: str
    """created, retention_extended, legal_hold_set, legal_hold_released or deleted."""
    retain_until: datetime
    legal_hold: bool


_gates: dict[Path, WriteGate] = {}
_gates_lock = threading.Lock()


def _gate(path: Path) -> WriteGate:
    with _gates_lock:
        return _gates.setdefault(path.resolve(), WriteGate())


class RetentionLedger:
    """The SQLite file ``root/retention-ledger.sqlite3``; created on first use."""

    def __init__(self, path: Path, *, busy_timeout_seconds: float = 60.0) -> None:
        self._path = path
        self._uri = path.resolve().as_uri() + "?mode=rw"
        self._busy_timeout = busy_timeout_seconds
        self._local = threading.local()
        self._write_gate = _gate(path)
        self._create()

    @property
    def path(self) -> Path:
        return self._path

    def check(self) -> None:
        """Raise StorageError unless the file is our ledger, intact and in WAL mode."""
        with self._connection() as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                raise StorageError(
                    f"retention ledger {self._path} has schema {version}, expected {SCHEMA_VERSION}"
                )
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                raise StorageError(f"retention ledger {self._path} is in {mode} mode, not WAL")
            for table, columns in _COLUMNS.items():
                found = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
                if found != columns:
                    raise StorageError(
                        f"retention ledger {self._path}: table {table} has columns {found}"
                    )
            triggers = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
            }
            if missing := _TRIGGERS - triggers:
                raise StorageError(
                    f"retention ledger {self._path} lacks the triggers {sorted(missing)}"
                )
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise StorageError(f"retention ledger {self._path} is damaged: {result}")

    def record(self, key: str) -> LedgerRecord | None:
        with self._connection() as connection:
            return _select(connection, key)

    def history(self, key: str) -> list[HistoryEntry]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT seq, key, at, action, retain_until, legal_hold FROM history "
                "WHERE key = ? ORDER BY seq",
                (key,),
            ).fetchall()
        return [
            HistoryEntry(seq, key, _parse(at), action, _parse(until), bool(hold))
            for seq, key, at, action, until, hold in rows
        ]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[LedgerTransaction]:
        """Hold the ledger's write lock; commit when the block ends without an error.

        Threads of this process queue on an in-process lock first (see
        :func:`services.db.session.write_gate` for why: SQLite's busy wait oversleeps).
        """
        with self._write_gate.held(self._busy_timeout), self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield LedgerTransaction(connection)
                connection.execute("COMMIT")
            finally:
                if connection.in_transaction:  # an error in the block, or a failed COMMIT
                    connection.execute("ROLLBACK")

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            yield self._thread_connection()
        except sqlite3.Error as exc:
            raise StorageError(f"retention ledger {self._path} failed: {exc}") from exc

    def _thread_connection(self) -> sqlite3.Connection:
        """Return the connection of the current thread, reopened after a fork or a file swap.

        Keeping it open saves the checkpoint SQLite runs when the last connection to a
        WAL database closes (two more fsyncs per put).  Comparing the file's identity on
        every use keeps a deleted or swapped ledger from going unnoticed.
        """
        try:
            stat = self._path.stat()
        except OSError as exc:
            raise StorageError(f"retention ledger {self._path} is missing: {exc}") from exc
        identity = (os.getpid(), stat.st_dev, stat.st_ino)
        current: _Open | None = getattr(self._local, "open", None)
        if current is not None and current.identity == identity:
            return current.connection
        if current is not None and current.identity[0] == identity[0]:
            current.connection.close()  # never close a connection inherited across fork
        try:
            connection = sqlite3.connect(
                self._uri, timeout=self._busy_timeout, isolation_level=None, uri=True
            )
            connection.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open retention ledger {self._path}: {exc}") from exc
        self._local.open = _Open(connection, identity)
        return connection

    def _create(self) -> None:
        try:
            connection = sqlite3.connect(
                self._path, timeout=self._busy_timeout, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open retention ledger {self._path}: {exc}") from exc
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("BEGIN IMMEDIATE")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                for statement in _SCHEMA:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot set up retention ledger {self._path}: {exc}") from exc
        finally:
            connection.close()
        if version not in (0, SCHEMA_VERSION):
            raise StorageError(
                f"retention ledger {self._path} has schema {version}, expected {SCHEMA_VERSION}"
            )


@dataclass(frozen=True)
class _Open:
    connection: sqlite3.Connection
    identity: tuple[int, int, int]
    """Process id, device and inode of the ledger file when the connection was opened."""


class LedgerTransaction:
    """Reads and writes inside one ``BEGIN IMMEDIATE`` transaction; each write is logged."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def record(self, key: str) -> LedgerRecord | None:
        return _select(self._connection, key)

    def register(
        self, key: str, sha256: str, size: int, protection: Protection, now: datetime
    ) -> None:
        """Record a published object, or strengthen the protection of a known one.

        A live row for other content means the key was reused, which never happens to
        content keys and is refused for named objects before this point.
        """
        current = self.record(key)
        if current is not None and current.deleted_at is None:
            if current.sha256 != sha256 or current.size != size:
                raise IntegrityError(
                    f"retention ledger records other content for {key} "
                    f"(SHA-256 {current.sha256}, {current.size} bytes)"
                )
            if protection.retain_until > current.retain_until:
                self.extend(current, protection.retain_until, now)
            if protection.legal_hold and not current.legal_hold:
                self.set_hold(current, True, now)
            return
        values = (sha256, size, _text(protection.retain_until), int(protection.legal_hold))
        stamp = _text(now)
        self._connection.execute(
            "INSERT INTO objects (key, sha256, size, retain_until, legal_hold, created_at, "
            "updated_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL) "
            "ON CONFLICT (key) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, "
            "retain_until = excluded.retain_until, legal_hold = excluded.legal_hold, "
            "created_at = excluded.created_at, updated_at = excluded.updated_at, "
            "deleted_at = NULL",
            (key, *values, stamp, stamp),
        )
        self._log(key, "created", now)

    def extend(self, record: LedgerRecord, until: datetime, now: datetime) -> None:
        self._update(record.key, "retention_extended", now, "retain_until = ?", _text(until))

    def set_hold(self, record: LedgerRecord, active: bool, now: datetime) -> None:
        action = "legal_hold_set" if active else "legal_hold_released"
        self._update(record.key, action, now, "legal_hold = ?", int(active))

    def mark_deleted(self, record: LedgerRecord, now: datetime) -> None:
        self._update(record.key, "deleted", now, "deleted_at = ?", _text(now))

    def _update(self, key: str, action: str, now: datetime, assignment: str, value: object) -> None:
        self._connection.execute(
            f"UPDATE objects SET {assignment}, updated_at = ? WHERE key = ?",
            (value, _text(now), key),
        )
        self._log(key, action, now)

    def _log(self, key: str, action: str, now: datetime) -> None:
        self._connection.execute(
            "INSERT INTO history (key, at, action, sha256, size, retain_until, legal_hold) "
            "SELECT key, ?, ?, sha256, size, retain_until, legal_hold FROM objects WHERE key = ?",
            (_text(now), action, key),
        )


def _select(connection: sqlite3.Connection, key: str) -> LedgerRecord | None:
    row = connection.execute(
        "SELECT sha256, size, retain_until, legal_hold, deleted_at FROM objects WHERE key = ?",
        (key,),
    ).fetchone()
    if row is None:
        return None
    sha256, size, until, hold, deleted = row
    return LedgerRecord(
        key=key,
        sha256=sha256,
        size=size,
        retain_until=_parse(until),
        legal_hold=bool(hold),
        deleted_at=None if deleted is None else _parse(deleted),
    )


def _text(value: datetime) -> str:
    """ISO 8601 UTC text.

    Retention ends are whole seconds and so all have the same width, which keeps text
    order equal to time order for the shortening trigger.
    """
    value = value.astimezone(UTC)
    return value.isoformat(timespec="seconds" if not value.microsecond else "microseconds")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)
