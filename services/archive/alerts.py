"""Alerts a records manager must see: failed imports, missing replies, refused messages.

One open alert per cause (``dedupe_key``), however often the scheduled job notices it;
it is resolved when the cause is gone (e.g. the 0506 arrived after all).  Raising one is
audited and logged at WARNING, so monitoring that reads the log sees it too.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.audit.trail import record_event
from services.db.models import ArchiveAlert
from services.ports import Clock

log = logging.getLogger(__name__)


def raise_alert(
    session: Session,
    *,
    process_id: str | None,
    kind: str,
    message: str,
    cause: str,
    actor: str,
    clock: Clock,
) -> ArchiveAlert:
    key = f"{kind}:{cause}"[:200]
    existing = session.scalar(select(ArchiveAlert).where(ArchiveAlert.dedupe_key == key))
    if existing is not None and existing.resolved_at is None:
        return existing
    if existing is not None:
        existing.resolved_at = None
        existing.resolved_by = None
        existing.message = message
        existing.raised_at = clock.now()
        alert = existing
    else:
        alert = ArchiveAlert(
            process_id=process_id,
            kind=kind,
            message=message,
            dedupe_key=key,
            raised_at=clock.now(),
        )
        session.add(alert)
    session.flush()
    log.warning("archive alert %s (process %s): %s", kind, process_id, message)
    record_event(
        session,
        actor=actor,
        action="archive.alert_raised",
        object_type="archive_process",
        object_id=process_id or "-",
        details={"kind": kind, "message": message},
        clock=clock,
    )
    return alert


def resolve_alerts(session: Session, *, kind: str, cause: str, actor: str, clock: Clock) -> None:
    key = f"{kind}:{cause}"[:200]
    alert = session.scalar(select(ArchiveAlert).where(ArchiveAlert.dedupe_key == key))
    if alert is not None and alert.resolved_at is None:
        alert.resolved_at = clock.now()
        alert.resolved_by = actor
