"""Append events to the audit trail, in the caller's transaction.

Every state-changing action writes one event in the same transaction as the change, so
the trail is complete by construction.  Tamper evidence (hash chaining and anchoring in
the Object-Lock bucket) builds on these rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.auth.keys import Principal
from services.db.models import AuditEvent
from services.ports import Clock

SYSTEM_ACTOR = "system"


def actor_of(principal: Principal | None) -> str:
    """How a caller appears in the trail: the key's id and name, or eakte itself."""
    if principal is None:
        return SYSTEM_ACTOR
    return f"key:{principal.key_id} ({principal.name})"


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    details: dict[str, Any],
    clock: Clock,
) -> AuditEvent:
    event = AuditEvent(
        occurred_at=clock.now(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    session.add(event)
    session.flush()
    return event


def events_for(session: Session, object_type: str, object_id: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
        )
    )
