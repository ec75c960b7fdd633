"""One archive run at a time, across workers, hosts and the command line.

A run spans several transactions and file operations (a message is written, recorded,
then renamed), so a database transaction cannot serialise it.  On PostgreSQL a
session-level advisory lock on a connection of its own is held for the run; with the
embedded SQLite database (one host) a lock file in the data directory does the same.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

from services.archive.context import ArchiveContext

_ADVISORY_KEY = 0x65616B74_61726331  # "eaktarc1"
"""A fixed 64-bit key for the archive runs' advisory lock."""


@contextmanager
def archive_run(context: ArchiveContext) -> Iterator[None]:
    engine: Engine = context.factory.kw["bind"]
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _ADVISORY_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
                connection.commit()
        return
    path = context.settings.data_dir / "archive-run.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
