"""Engine and session factories. Nothing is created at import time."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a generous busy timeout.

    WAL lets readers (API) and the single writer (intake or a worker) proceed together;
    the busy timeout makes concurrent writers wait instead of failing.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _configure_sqlite)
        # Let SQLAlchemy, not pysqlite, issue BEGIN so that BEGIN IMMEDIATE works.
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


_IMMEDIATE = "eakte_sqlite_immediate"


def _begin(connection: Any) -> None:
    """Writing transactions take SQLite's write lock at BEGIN.

    A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
    another writer committed in between; taking the lock up front makes it wait instead
    (busy timeout).  Read-only transactions stay deferred so that readers never queue.
    """
    immediate = connection.get_execution_options().get(_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, write: bool = True) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error.

    ``write=False`` marks a read-only transaction (on SQLite it does not take the write lock).
    """
    session = factory()
    with write_gate(session.get_bind()) if write else nullcontext():
        if write:
            session.connection(execution_options={_IMMEDIATE: True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


_BUSY_TIMEOUT_SECONDS = 30  # as the connections' own busy timeout


class WriteGate:
    """A queue for the writing transactions of one process's threads on one SQLite file.

    Not a ``threading.RLock``: a request's write session may be opened on one thread and
    closed on another (FastAPI runs a generator dependency's two halves on any threads of
    its pool), and an RLock may only be released by the thread that took it.  A thread
    that already holds the gate goes on without waiting, so that a nested write
    transaction meets SQLite's own lock and fails as before instead of waiting for itself.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: int | None = None

    @contextmanager
    def held(self, timeout: float) -> Iterator[None]:
        """Hold the gate if it comes free within ``timeout`` seconds, else go on without it."""
        if self._holder == threading.get_ident():
            yield
            return
        acquired = self._lock.acquire(timeout=timeout)
        if acquired:
            self._holder = threading.get_ident()
        try:
            yield
        finally:
            if acquired:
                self._holder = None
                self._lock.release()


_gates: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()
_gates_lock = threading.Lock()


def write_gate(bind: Engine | Connection) -> AbstractContextManager[object]:
    """For SQLite: the gate this process's writing transactions on that engine queue on.

    SQLite lets a writer that finds the database locked sleep and retry (1, 2, 5 ... up
    to 100 ms at a time), so a waiting writer often sleeps on long after the lock was
    released: under eight concurrent uploads that added 100-200 ms to the slowest
    acknowledgements.  Threads of one process queue on a :class:`WriteGate` instead and go
    on as soon as the previous transaction ends; other processes still meet SQLite's lock.
    The gate is given up after the busy timeout, so that a write transaction that waits
    for a stuck one fails as before instead of hanging.  PostgreSQL: no gate.
    """
    if bind.dialect.name != "sqlite":
        return nullcontext()
    with _gates_lock:
        gate = _gates.setdefault(bind.engine, WriteGate())
    return gate.held(_BUSY_TIMEOUT_SECONDS)
