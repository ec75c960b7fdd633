"""Fixity: re-read stored objects and compare them with their recorded hashes.

Each scheduled run checks a share of the live objects, those checked longest ago
first, so that every object is re-read once per cycle (share 5 %, hourly: 20 hours).
A mismatch or a missing object is an alert: it shows at ``/api/v1/health/storage``
and in the audit trail, and stays until a later check finds the object intact again
(restored from a backup, say).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from services.audit.trail import SYSTEM_ACTOR, record_event
from services.db.models import FixityStatus, StoredObject
from services.db.session import unit_of_work
from services.errors import IntegrityError, NotFoundError, StorageError
from services.ports import BlobStore, Clock
from services.settings import FixitySettings

RUN_FIXITY = "storage.fixity"
_BATCH = 50


@dataclass(frozen=True)
class FixityFailure:
    object_id: int
    key: str
    version_id: str | None
    status: FixityStatus
    detail: str


@dataclass
class FixityReport:
    checked: int = 0
    failures: list[FixityFailure] = field(default_factory=list)
    restored: int = 0


@dataclass(frozen=True)
class StorageHealth:
    objects: int
    never_checked: int
    oldest_check: datetime | None
    failures: list[FixityFailure]

    @property
    def alert(self) -> bool:
        return bool(self.failures)


def run_fixity(
    factory: sessionmaker[Session],
    store: BlobStore,
    clock: Clock,
    *,
    share: float | None,
    actor: str = SYSTEM_ACTOR,
) -> FixityReport:
    """Check ``share`` of the live objects (None: all of them), oldest checks first.

    Works in small transactions so that a long run neither holds locks nor loses its
    progress when the worker dies.
    """
    with unit_of_work(factory, write=False) as session:
        live = (
            session.scalar(
                select(func.count())
                .select_from(StoredObject)
                .where(StoredObject.destroyed_at.is_(None))
            )
            or 0
        )
    quota = live if share is None else max(1, math.ceil(live * share))
    report = FixityReport()
    started = clock.now()
    while report.checked < quota:
        with unit_of_work(factory) as session:
            batch = _next_batch(session, started, min(_BATCH, quota - report.checked))
            if not batch:
                break
            for stored in batch:
                _check(session, store, stored, report, clock, actor)
    return report


def storage_health(session: Session) -> StorageHealth:
    live = StoredObject.destroyed_at.is_(None)
    objects = session.scalar(select(func.count()).select_from(StoredObject).where(live)) or 0
    never = (
        session.scalar(
            select(func.count())
            .select_from(StoredObject)
            .where(live, StoredObject.fixity_checked_at.is_(None))
        )
        or 0
    )
    oldest = session.scalar(select(func.min(StoredObject.fixity_checked_at)).where(live))
    failing = session.scalars(
        select(StoredObject)
        .where(live, StoredObject.fixity_status.in_([FixityStatus.CORRUPT, FixityStatus.MISSING]))
        .order_by(StoredObject.id)
    ).all()
    return StorageHealth(
        objects=objects,
        never_checked=never,
        oldest_check=oldest,
        failures=[_failure(stored) for stored in failing],
    )


class FixityHandler:
    """The scheduled fixity run; it schedules its next run itself."""

    kind = RUN_FIXITY

    def __init__(
        self,
        factory: sessionmaker[Session],
        store: BlobStore,
        clock: Clock,
        settings: FixitySettings,
    ) -> None:
        self._factory = factory
        self._store = store
        self._clock = clock
        self._settings = settings

    def run(self, payload: Mapping[str, Any]) -> None:
        run_fixity(self._factory, self._store, self._clock, share=self._settings.share_per_run)

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        """Nothing to mark: the next scheduled run starts where this one stopped."""


def _next_batch(session: Session, started: datetime, limit: int) -> list[StoredObject]:
    """Objects not checked in this run yet, never-checked first, then the oldest checks."""
    not_this_run = (StoredObject.fixity_checked_at.is_(None)) | (
        StoredObject.fixity_checked_at < started
    )
    return list(
        session.scalars(
            select(StoredObject)
            .where(StoredObject.destroyed_at.is_(None), not_this_run)
            .order_by(
                StoredObject.fixity_checked_at.is_not(None),
                StoredObject.fixity_checked_at,
                StoredObject.id,
            )
            .limit(limit)
        )
    )


def _check(
    session: Session,
    store: BlobStore,
    stored: StoredObject,
    report: FixityReport,
    clock: Clock,
    actor: str,
) -> None:
    status, detail = _probe(store, stored)
    previous = stored.fixity_status
    stored.fixity_status = status
    stored.fixity_detail = detail
    stored.fixity_checked_at = clock.now()
    report.checked += 1
    if status is FixityStatus.OK:
        if previous in (FixityStatus.CORRUPT, FixityStatus.MISSING):
            report.restored += 1
            _record(session, stored, "fixity.restored", actor, clock)
        return
    report.failures.append(_failure(stored))
    if previous != status:
        _record(session, stored, "fixity.failed", actor, clock)


def _probe(store: BlobStore, stored: StoredObject) -> tuple[FixityStatus, str | None]:
    try:
        store.get(stored.blob_key, stored.version_id)
    except NotFoundError:
        return FixityStatus.MISSING, "the object is missing from the store"
    except IntegrityError as exc:
        return FixityStatus.CORRUPT, exc.detail
    except StorageError:
        raise  # the store is unreachable: not a verdict on this object; retry the run
    return FixityStatus.OK, None


def _failure(stored: StoredObject) -> FixityFailure:
    return FixityFailure(
        object_id=stored.id,
        key=stored.blob_key,
        version_id=stored.version_id,
        status=FixityStatus(stored.fixity_status),
        detail=stored.fixity_detail or "",
    )


def _record(session: Session, stored: StoredObject, action: str, actor: str, clock: Clock) -> None:
    record_event(
        session,
        actor=actor,
        action=action,
        object_type="stored_object",
        object_id=str(stored.id),
        details={
            "key": stored.blob_key,
            "version_id": stored.version_id,
            "sha256": stored.sha256,
            "status": stored.fixity_status,
            "detail": stored.fixity_detail,
        },
        clock=clock,
    )
