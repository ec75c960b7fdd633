"""Search the trail for the protocol view: by object, actor, action and a date range.

Newest first (a reader looks for what happened lately); the same visibility as
:func:`services.audit.queries.list_events`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import audit_event_visible
from services.audit.chain import normal_time
from services.db.models import AuditEvent
from services.db.pagination import Page, paginate
from services.errors import InvalidInputError


@dataclass(frozen=True)
class TrailFilter:
    object_type: str | None = None
    object_id: str | None = None
    actor: str | None = None
    """A part of the actor's name or key id, case-insensitive."""
    action: str | None = None
    """An action (``document.filed``) or a family (``legal_hold``: every ``legal_hold.*``)."""
    from_day: date | None = None
    until_day: date | None = None
    """Inclusive; whole days in UTC."""


def search_events(
    session: Session, scope: Scope, where: TrailFilter, *, limit: int, offset: int
) -> Page[AuditEvent]:
    if where.from_day and where.until_day and where.from_day > where.until_day:
        raise InvalidInputError("the date range ends before it begins")
    query = select(AuditEvent).where(audit_event_visible(scope))
    if where.object_type:
        query = query.where(AuditEvent.object_type == where.object_type)
    if where.object_id:
        query = query.where(AuditEvent.object_id == where.object_id)
    if where.actor:
        pattern = "%" + _escape(where.actor.lower()) + "%"
        query = query.where(AuditEvent.actor.ilike(pattern, escape="\\"))
    if where.action:
        family = _escape(where.action) + ".%"
        query = query.where(
            (AuditEvent.action == where.action) | AuditEvent.action.like(family, escape="\\")
        )
    if where.from_day:
        query = query.where(AuditEvent.occurred_at >= _start(where.from_day))
    if where.until_day:
        query = query.where(AuditEvent.occurred_at < _start(where.until_day + timedelta(days=1)))
    query = query.order_by(AuditEvent.seq.desc(), AuditEvent.id.desc())
    return paginate(session, query, limit=limit, offset=offset)


def _start(day: date) -> datetime:
    return normal_time(datetime.combine(day, time(0), tzinfo=UTC))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
