"""The audit trail, for records managers and auditors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import ScopeDep, SessionDep
from api.schemas.audit import AuditEventOut, AuditObjectOut
from api.schemas.common import Offset, PageOut, page_out
from services.access.roles import Permission
from services.audit.queries import EventFilter, list_events
from services.db.models import AuditEvent
from services.errors import InvalidInputError

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=PageOut[AuditEventOut], summary="Events of the audit trail")
def audit_events(
    session: SessionDep,
    scope: ScopeDep,
    object_ref: Annotated[
        str | None, Query(alias="object", description="'<type>:<id>', e.g. 'document:3f2a...'")
    ] = None,
    object_type: Annotated[str | None, Query(max_length=50)] = None,
    object_id: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=100, description="e.g. document.filed")] = None,
    since: Annotated[
        datetime | None, Query(description="events at or after this time (with zone)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> PageOut[AuditEventOut]:
    """Oldest first, in chain order; each event carries its chain hashes.

    Auditing roles see the whole trail; case workers the events of what they may see.
    """
    if not (scope.may(Permission.READ_AUDIT) or scope.may(Permission.READ_RECORDS)):
        scope.require(Permission.READ_AUDIT)
    if object_ref is not None:
        if object_type is not None or object_id is not None:
            raise InvalidInputError("give either object=<type>:<id> or object_type/object_id")
        object_type, object_id = EventFilter.parse_object(object_ref)
    where = EventFilter(object_type=object_type, object_id=object_id, action=action, since=since)
    return page_out(list_events(session, scope, where, limit=limit, offset=offset), _out)


def _out(event: AuditEvent) -> AuditEventOut:
    return AuditEventOut(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor=event.actor,
        action=event.action,
        object=AuditObjectOut(type=event.object_type, id=event.object_id),
        details=event.details,
        prev_hash=event.prev_hash,
        event_hash=event.event_hash,
    )
