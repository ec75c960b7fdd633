"""Process bookkeeping: items by state, releasing Akten, completing a process.

An Akte stays in its process (and read-only) while any of its items still waits for
something: the archive's appraisal, the 0503, the 0506, an approval or its deletion.
Items that end ``kept`` or ``failed`` stay in eakte; the Akte is released then.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import akte_visible
from services.audit.trail import record_event
from services.db.models import (
    Akte,
    ArchiveProcess,
    ArchiveProcessItem,
    ItemKind,
    ItemState,
    ProcessStatus,
)
from services.errors import NotFoundError
from services.ports import Clock

FINAL_STATES = frozenset({ItemState.DESTROYED, ItemState.KEPT, ItemState.FAILED})
"""Nothing more happens to an item in these states within its process."""


def get_process(session: Session, scope: Scope, process_id: str) -> ArchiveProcess:
    """A process with at least one Akte the caller can see; else as if it did not exist."""
    process = session.get(ArchiveProcess, process_id)
    visible = session.scalar(
        select(ArchiveProcessItem.id)
        .join(Akte, Akte.id == ArchiveProcessItem.akte_id)
        .where(ArchiveProcessItem.process_id == process_id, akte_visible(scope))
        .limit(1)
    )
    if process is None or visible is None:
        raise NotFoundError(f"archive process {process_id} does not exist")
    return process


def items_of(
    session: Session,
    process_id: str,
    *,
    kind: ItemKind | None = None,
    states: Iterable[ItemState] | None = None,
    akte_id: str | None = None,
) -> list[ArchiveProcessItem]:
    query = select(ArchiveProcessItem).where(ArchiveProcessItem.process_id == process_id)
    if kind is not None:
        query = query.where(ArchiveProcessItem.kind == kind)
    if states is not None:
        query = query.where(ArchiveProcessItem.state.in_([s.value for s in states]))
    if akte_id is not None:
        query = query.where(ArchiveProcessItem.akte_id == akte_id)
    return list(session.scalars(query.order_by(ArchiveProcessItem.id)))


def set_state(items: Sequence[ArchiveProcessItem], state: ItemState) -> None:
    for item in items:
        item.state = state


def settle(session: Session, process: ArchiveProcess, *, actor: str, clock: Clock) -> None:
    """Release the Akten nothing waits for any more; complete the process when all are."""
    items = items_of(session, process.id)
    waiting = {item.akte_id for item in items if item.state not in FINAL_STATES}
    done = {item.akte_id for item in items} - waiting
    if done:
        session.execute(
            update(Akte)
            .where(Akte.id.in_(done), Akte.transfer_process_id == process.id)
            .values(transfer_process_id=None)
        )
    if waiting or not ProcessStatus(process.status).running:
        return
    now = clock.now()
    process.status = ProcessStatus.COMPLETED
    process.completed_at = now
    process.updated_at = now
    counts: dict[str, int] = {}
    for item in items:
        counts[item.state] = counts.get(item.state, 0) + 1
    record_event(
        session,
        actor=actor,
        action="archive.process_completed",
        object_type="archive_process",
        object_id=process.id,
        details={"items": counts},
        clock=clock,
    )
