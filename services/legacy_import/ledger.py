"""The import ledger: which source entries became which eakte objects.

A ledger row is added in the same transaction as the object it names, so after a crash
either both exist or neither: the next run skips exactly what was done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.db.models import LegacyImportEntry

_CHUNK = 500


def done(session: Session, keys: Iterable[str]) -> dict[str, LegacyImportEntry]:
    """The ledger rows of ``keys`` that exist, by key."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, LegacyImportEntry] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for entry in session.scalars(
            select(LegacyImportEntry).where(LegacyImportEntry.source_key.in_(chunk))
        ):
            found[entry.source_key] = entry
    return found


def record(
    session: Session,
    *,
    key: str,
    kind: str,
    object_id: str,
    sha256: str,
    run_id: str,
    actor: str,
    now: datetime,
) -> LegacyImportEntry:
    entry = LegacyImportEntry(
        source_key=key,
        kind=kind,
        object_id=object_id,
        sha256=sha256,
        run_id=run_id,
        created_at=now,
        created_by=actor,
    )
    session.add(entry)
    session.flush()
    return entry
