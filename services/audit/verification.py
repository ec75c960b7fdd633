"""Verification runs of the trail, on request, recorded in the trail itself.

``eakte audit verify`` checks the chain from the command line; a records manager or an
auditor starts the same check from the web interface.  Each run is an event
(``audit.verified``) with its result, so the trail shows when it was last checked and
what was found, and the integrity page can show it without recomputing every hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.roles import Permission
from services.access.scope import Scope
from services.access.visibility import audit_event_visible
from services.audit.trail import record_event
from services.audit.verify import VerificationReport, verify_trail
from services.db.models import AuditAnchor, AuditEvent
from services.ports import BlobStore, Clock

VERIFIED = "audit.verified"
TRAIL_OBJECT = ("audit_trail", "chain")
"""The object a verification event is about: the trail as a whole."""


@dataclass(frozen=True)
class TrailStatus:
    last_verification: AuditEvent | None
    """The latest ``audit.verified`` event; its details hold the result."""
    last_anchor: AuditAnchor | None
    head_seq: int | None


def verify_and_record(
    session: Session, store: BlobStore, scope: Scope, *, clock: Clock
) -> VerificationReport:
    """Recompute the chain, compare it with the anchors, and record the result."""
    scope.require(Permission.READ_AUDIT)
    report = verify_trail(session, store)
    first = report.first_break
    record_event(
        session,
        actor=scope.actor,
        action=VERIFIED,
        object_type=TRAIL_OBJECT[0],
        object_id=TRAIL_OBJECT[1],
        details={
            "ok": report.ok,
            "events": report.events,
            "anchors": report.anchors,
            "head_seq": report.head_seq,
            "head_hash": report.head_hash,
            "last_anchored_seq": report.last_anchored_seq,
            "breaks": len(report.breaks),
            "first_break": first.describe() if first else None,
            "restores": report.restores,
        },
        clock=clock,
    )
    return report


def trail_status(session: Session, scope: Scope) -> TrailStatus:
    """The last verification, the last anchor and the chain's head."""
    scope.require(Permission.READ_AUDIT)
    last = session.scalar(
        select(AuditEvent)
        .where(
            audit_event_visible(scope),
            AuditEvent.action == VERIFIED,
            AuditEvent.object_type == TRAIL_OBJECT[0],
        )
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    anchor = session.scalar(select(AuditAnchor).order_by(AuditAnchor.seq.desc()).limit(1))
    head = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    return TrailStatus(last_verification=last, last_anchor=anchor, head_seq=head)
