"""Append events to the audit trail, in the caller's transaction.

Every state-changing action writes one event in the same transaction as the change, so
the trail is complete by construction.  Each event takes the next position in a SHA-256
hash chain (:mod:`services.audit.chain`); the chain head is anchored in the write-once
store (:mod:`services.audit.anchors`) so that rewriting history shows.

Appenders are serialised: two transactions must never both read head *n* and write
*n + 1*.  PostgreSQL takes a transaction-scoped advisory lock before reading the head; on
SQLite a writing unit of work already holds the database write lock (``BEGIN
IMMEDIATE``).  The unique index on ``seq`` is the last line of defence: a racing append
fails instead of forking the chain.  The lock is held until the caller commits, so
audited writes commit one at a time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.principal import Principal
from services.audit.chain import GENESIS_HASH, ChainFields, chain_hash, normal_details, normal_time
from services.audit.head import CHAIN_LOCK, ChainHead, chain_head, take_lock
from services.audit.jobs import enqueue_anchor
from services.audit.policy import policy_of
from services.db.models import AuditEvent
from services.ports import Clock

SYSTEM_ACTOR = "system"


def actor_of(principal: Principal | None) -> str:
    """How a caller appears in the trail: the key's or person's id and name, or eakte."""
    if principal is None:
        return SYSTEM_ACTOR
    return principal.audit_name


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
    """Append one event at the head of the chain (flushed, committed with the caller)."""
    take_lock(session, CHAIN_LOCK)
    event = _append(
        session,
        AuditEvent(
            occurred_at=normal_time(clock.now()),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=normal_details(details),
        ),
        chain_head(session),
    )
    policy = policy_of(session)
    assert event.seq is not None
    if event.seq % policy.anchor_every_events == 0:
        enqueue_anchor(session, seq=event.seq, clock=clock, jobs=policy.jobs)
    return event


def chain_unchained(session: Session, clock: Clock) -> int:
    """Give rows from before the hash chain (``seq`` NULL) their positions, in id order.

    Called at start-up.  The rows are chained as they are now: the chain can only vouch
    for them from this moment on, which the trail itself then says with one
    ``audit.legacy_chained`` event.  Returns how many rows were chained.
    """
    take_lock(session, CHAIN_LOCK)
    legacy = list(
        session.scalars(select(AuditEvent).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id))
    )
    if not legacy:
        return 0
    head = chain_head(session)
    for event in legacy:
        event.occurred_at = normal_time(event.occurred_at)
        event.details = normal_details(event.details)
        head = _head_of(_append(session, event, head))
    record_event(
        session,
        actor=SYSTEM_ACTOR,
        action="audit.legacy_chained",
        object_type="audit_trail",
        object_id="events",
        details={
            "count": len(legacy),
            "first_seq": legacy[0].seq,
            "last_seq": legacy[-1].seq,
            "first_id": legacy[0].id,
            "last_id": legacy[-1].id,
        },
        clock=clock,
    )
    return len(legacy)


def _append(session: Session, event: AuditEvent, head: ChainHead | None) -> AuditEvent:
    seq = head.seq + 1 if head else 1
    prev_hash = head.event_hash if head else GENESIS_HASH
    event.seq = seq
    event.prev_hash = prev_hash
    event.event_hash = chain_hash(ChainFields.of(event, seq=seq, prev_hash=prev_hash))
    session.add(event)
    session.flush()
    return event


def _head_of(event: AuditEvent) -> ChainHead:
    assert event.seq is not None and event.event_hash is not None
    return ChainHead(seq=event.seq, event_hash=event.event_hash)


def events_for(session: Session, object_type: str, object_id: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.seq, AuditEvent.id)
        )
    )
