"""Blobs in the store that no database row refers to (orphans), found and reported.

A blob is written before its row, outside the transaction (see
:mod:`services.storage.objects`), so a process killed in between (``kill -9`` during an
upload, a failed transaction) leaves a blob nobody knows: it is locked like every
blob, so it cannot be removed before its lock ends, and fixity never looks at it since
fixity checks registered objects only.  Such orphans are reported instead of silently
kept: each once as a ``storage.orphan_found`` audit event, and while they stay
unreferenced in ``GET /api/v1/health/storage`` and ``eakte fixity check``.

A blob younger than the grace period is skipped: its row may be about to commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.audit.trail import record_event
from services.db.models import (
    AuditEvent,
    ClassifierModelVersion,
    Document,
    IntakeItem,
    StoredObject,
)
from services.errors import EAkteError
from services.ports import BlobStore, Clock

ORPHAN_FOUND = "storage.orphan_found"
ORPHAN_OBJECT_TYPE = "orphan_blob"
DEFAULT_GRACE = timedelta(minutes=15)
"""Far longer than any blob waits for its row (seconds), far shorter than a lock."""
_BATCH = 500
T = TypeVar("T")

_REFERENCES: tuple[InstrumentedAttribute[Any], ...] = (
    StoredObject.blob_key,
    IntakeItem.blob_key,
    Document.content_blob_key,
    Document.rendition_blob_key,
    ClassifierModelVersion.blob_key,
)


@dataclass(frozen=True)
class Orphan:
    key: str
    stored_at: datetime
    locked_until: datetime | None = None
    """What the store enforces; None when unknown (the fs store refuses deleting a blob
    without a ledger record at all)."""


def find_orphans(
    session: Session, store: BlobStore, *, now: datetime, grace: timedelta = DEFAULT_GRACE
) -> list[Orphan]:
    """Content blobs older than ``grace`` that no row refers to, sorted by key.

    Listed keys are looked up in batches, so memory does not grow with the store.
    """
    cutoff = now - grace
    orphans: list[Orphan] = []
    for batch in _batches(listed for listed in store.iter_keys() if listed.stored_at <= cutoff):
        known = _referenced(session, [listed.key for listed in batch])
        orphans += [
            Orphan(key=listed.key, stored_at=listed.stored_at)
            for listed in batch
            if listed.key not in known
        ]
    return sorted(orphans, key=lambda orphan: orphan.key)


def record_orphans(
    session: Session,
    store: BlobStore,
    orphans: Iterable[Orphan],
    *,
    clock: Clock,
    actor: str,
) -> list[Orphan]:
    """Write an audit event for each orphan not reported before; return those."""
    new: list[Orphan] = []
    for orphan in orphans:
        if _reported_event(session, orphan.key) is not None:
            continue
        found = Orphan(orphan.key, orphan.stored_at, _lock_end(store, orphan.key))
        record_event(
            session,
            actor=actor,
            action=ORPHAN_FOUND,
            object_type=ORPHAN_OBJECT_TYPE,
            object_id=found.key,
            details={
                "stored_at": found.stored_at.isoformat(),
                "locked_until": found.locked_until.isoformat() if found.locked_until else None,
                "detail": "no database row refers to this blob (a write interrupted between "
                "blob and row); it stays locked and is reported until referenced",
            },
            clock=clock,
        )
        new.append(found)
    return new


def reported_orphans(session: Session) -> list[Orphan]:
    """Orphans reported by earlier scans that are still not referenced, sorted by key."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == ORPHAN_OBJECT_TYPE, AuditEvent.action == ORPHAN_FOUND)
        .order_by(AuditEvent.object_id)
    ).all()
    known: set[str] = set()
    for batch in _batches(iter(events)):
        known |= _referenced(session, [event.object_id for event in batch])
    return [_from_event(event) for event in events if event.object_id not in known]


def _from_event(event: AuditEvent) -> Orphan:
    locked = event.details.get("locked_until")
    return Orphan(
        key=event.object_id,
        stored_at=datetime.fromisoformat(event.details["stored_at"]),
        locked_until=datetime.fromisoformat(locked) if locked else None,
    )


def _reported_event(session: Session, key: str) -> AuditEvent | None:
    return session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == ORPHAN_OBJECT_TYPE,
            AuditEvent.object_id == key,
            AuditEvent.action == ORPHAN_FOUND,
        )
        .limit(1)
    )


def _referenced(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    if not keys:
        return found
    for column in _REFERENCES:
        found.update(session.scalars(select(column).where(column.in_(keys)).distinct()))
    return found


def _lock_end(store: BlobStore, key: str) -> datetime | None:
    try:
        return store.protection(key).retain_until
    except EAkteError:
        return None


def _batches(items: Iterator[T]) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
