"""Read the trail: one page of events, filtered by object, action and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import audit_event_visible
from services.audit.chain import normal_time
from services.db.models import AuditEvent
from services.db.pagination import Page, paginate
from services.errors import InvalidInputError


@dataclass(frozen=True)
class EventFilter:
    object_type: str | None = None
    object_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    """Events at or after this time (aware)."""

    @classmethod
    def parse_object(cls, reference: str) -> tuple[str, str]:
        """``document:3f2a...`` -> (``document``, ``3f2a...``); ids may contain ``:``."""
        object_type, sep, object_id = reference.partition(":")
        if not sep or not object_type or not object_id:
            raise InvalidInputError(
                f"object must be '<type>:<id>', e.g. 'document:3f2a...', not {reference!r}"
            )
        return object_type, object_id


def list_events(
    session: Session, scope: Scope, where: EventFilter, *, limit: int, offset: int
) -> Page[AuditEvent]:
    """Events in chain order (oldest first), so that pages stay stable while events arrive."""
    query = (
        select(AuditEvent).where(audit_event_visible(scope)).order_by(AuditEvent.seq, AuditEvent.id)
    )
    if where.object_type is not None:
        query = query.where(AuditEvent.object_type == where.object_type)
    if where.object_id is not None:
        query = query.where(AuditEvent.object_id == where.object_id)
    if where.action is not None:
        query = query.where(AuditEvent.action == where.action)
    if where.since is not None:
        if where.since.tzinfo is None:
            raise InvalidInputError("since needs a time zone, e.g. 2026-03-03T09:00:00Z")
        query = query.where(AuditEvent.occurred_at >= normal_time(where.since))
    return paginate(session, query, limit=limit, offset=offset)
