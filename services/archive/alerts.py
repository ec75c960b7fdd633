"""Alerts a records manager must see: failed imports, missing replies, refused messages.

One open alert per cause (``dedupe_key``), however often the scheduled job notices it;
it is resolved when the cause is gone (e.g. the 0506 arrived after all).  Raising one is
audited and logged at WARNING, so monitoring that reads the log sees it too.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.roles import Permission
from services.access.scope import Scope
from services.archive.processes import get_process
from services.audit.trail import record_event
from services.db.models import ArchiveAlert
from services.errors import ConflictError, InvalidInputError, NotFoundError
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


def acknowledge_alert(
    session: Session, scope: Scope, *, alert_id: int, note: str, clock: Clock
) -> ArchiveAlert:
    """A records manager closes an alert whose cause they dealt with (audited, with a note).

    An alert of a process the caller cannot see is as missing as one that does not exist.
    """
    scope.require(Permission.MANAGE_RETENTION)
    actor = scope.actor
    note = note.strip()
    if not note:
        raise InvalidInputError("acknowledging an alert needs a note on what was done")
    alert = session.get(ArchiveAlert, alert_id)
    if alert is None:
        raise NotFoundError(f"archive alert {alert_id} does not exist")
    if alert.process_id is not None:
        try:
            get_process(session, scope, alert.process_id)
        except NotFoundError:
            raise NotFoundError(f"archive alert {alert_id} does not exist") from None
    if alert.resolved_at is not None:
        raise ConflictError(f"archive alert {alert_id} was resolved already")
    alert.resolved_at = clock.now()
    alert.resolved_by = actor
    record_event(
        session,
        actor=actor,
        action="archive.alert_resolved",
        object_type="archive_process",
        object_id=alert.process_id or "-",
        details={"alert": alert.id, "kind": alert.kind, "note": note},
        clock=clock,
    )
    return alert
