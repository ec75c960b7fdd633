"""Acknowledge a database restore: say in the store and in the trail what the restore lost.

After a restore the store still holds the audit anchors written after the backup, and
``eakte audit verify`` rightly reports the trail as cut off.  Carrying on as is would be
worse: new events would take the positions those anchors name, and every later check
would report history as rewritten.  Acknowledging the restore

1. checks that the restored trail is intact and that its only breaks are anchors beyond
   its head (anything else is not explained by a restore, and is refused);
2. writes a write-once restore marker (:mod:`services.audit.restores`) naming the
   restored head, the lost anchors and the position where the chain resumes;
3. appends ``audit.restore_acknowledged`` at that position, one past the last lost
   anchor, linked to the restored head.

``eakte audit verify`` then passes and prints the restore, on every run, for good.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.audit.anchors import AnchorDocument, stored_anchor_names
from services.audit.chain import GENESIS_HASH, ChainFields, chain_hash, normal_details, normal_time
from services.audit.head import ANCHOR_LOCK, CHAIN_LOCK, chain_head, take_lock
from services.audit.policy import AuditPolicy
from services.audit.restores import RESTORE_ACKNOWLEDGED, RestoreMarker, read_markers
from services.audit.verify import VerificationReport, verify_trail
from services.db.models import AuditEvent
from services.errors import ConflictError, IntegrityError
from services.ports import BlobStore, Clock, Protection


@dataclass(frozen=True)
class Acknowledged:
    marker: RestoreMarker
    event_id: int


def acknowledge_restore(
    session: Session, store: BlobStore, clock: Clock, policy: AuditPolicy, *, actor: str
) -> Acknowledged:
    """Record that the database was restored and the trail's end is lost (caller commits).

    ConflictError when there is nothing to acknowledge (no anchor beyond the head);
    IntegrityError when the trail has breaks that a restore does not explain.
    """
    take_lock(session, CHAIN_LOCK)
    take_lock(session, ANCHOR_LOCK)
    report = verify_trail(session, store)
    _require_only_lost_end(report)
    head = chain_head(session)
    restored_seq, restored_hash = (head.seq, head.event_hash) if head else (0, GENESIS_HASH)
    lost = _anchors_beyond(store, restored_seq)
    if not lost:
        raise ConflictError(
            "no anchor in the store names a position beyond the restored head "
            f"(seq {restored_seq}): the restore lost no anchored events, nothing to acknowledge"
        )
    now = normal_time(clock.now())
    marker = RestoreMarker(
        restored_seq=restored_seq,
        restored_hash=restored_hash,
        resume_seq=max(seq for _, seq in lost) + 1,
        lost_anchors=tuple(name for name, _ in lost),
        acknowledged_at=now,
        actor=actor,
    )
    store.put_named(
        marker.name,
        marker.to_bytes(),
        protection=Protection(retain_until=policy.anchor_retain_until(now), legal_hold=False),
    )
    event = AuditEvent(
        occurred_at=now,
        actor=actor,
        action=RESTORE_ACKNOWLEDGED,
        object_type="audit_trail",
        object_id="chain",
        details=normal_details(
            {
                "restored_seq": restored_seq,
                "restored_hash": restored_hash,
                "lost_anchors": list(marker.lost_anchors),
                "marker": marker.name,
            }
        ),
        seq=marker.resume_seq,
        prev_hash=restored_hash,
    )
    event.event_hash = chain_hash(
        ChainFields.of(event, seq=marker.resume_seq, prev_hash=restored_hash)
    )
    session.add(event)
    session.flush()
    return Acknowledged(marker=marker, event_id=event.id)


def _require_only_lost_end(report: VerificationReport) -> None:
    if report.ok:
        raise ConflictError(
            "the audit trail agrees with every anchor in the store: nothing to acknowledge"
        )
    unexplained = [b for b in report.breaks if b.problem != "anchor_beyond_head"]
    if unexplained:
        first = min(unexplained, key=lambda b: (b.seq is None, b.seq or 0))
        raise IntegrityError(
            "the audit trail has breaks a restore does not explain, so the restore is not "
            f"acknowledged: {first.describe()} ({len(unexplained)} in all; "
            "'eakte audit verify --json' lists them)"
        )


def _anchors_beyond(store: BlobStore, head_seq: int) -> list[tuple[str, int]]:
    """Anchors and restore markers naming positions past ``head_seq``, by position.

    A marker counts when a restore from an even older backup lost its acknowledgement too.
    """
    found = []
    for name in stored_anchor_names(store):
        document = AnchorDocument.parse(store.get_named(name))
        if document.seq > head_seq:
            found.append((name, document.seq))
    markers, _ = read_markers(store)
    found += [(m.name, m.resume_seq) for m in markers.values() if m.resume_seq > head_seq]
    return sorted(found, key=lambda item: item[1])
