"""Start the next fixity run now, on request (from the integrity page).

Fixity runs on a schedule (:class:`services.storage.fixity.FixityHandler` wrapped as a
periodic job).  A request brings the waiting run forward instead of adding a second
kind of run: it checks the same share of objects, those checked longest ago first,
and schedules its successor as usual.  The request itself is recorded in the trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.roles import Permission
from services.access.scope import Scope
from services.audit.trail import record_event
from services.db.models import Job, JobStatus
from services.jobs.queue import enqueue
from services.ports import Clock
from services.settings import JobSettings
from services.storage.fixity import RUN_FIXITY

FIXITY_REQUESTED = "fixity.requested"


def request_fixity_run(
    session: Session, scope: Scope, *, clock: Clock, settings: JobSettings
) -> datetime:
    """Make the next fixity run due now; returns the time it is due."""
    scope.require(Permission.READ_AUDIT)
    now = clock.now()
    waiting = session.scalars(
        select(Job).where(Job.kind == RUN_FIXITY, Job.status == JobStatus.QUEUED)
    ).all()
    for job in waiting:
        job.run_after = min(job.run_after, now)
    if not waiting:
        enqueue(session, RUN_FIXITY, {}, clock=clock, settings=settings)
    session.flush()
    record_event(
        session,
        actor=scope.actor,
        action=FIXITY_REQUESTED,
        object_type="storage",
        object_id="fixity",
        details={"brought_forward": len(waiting)},
        clock=clock,
    )
    return now
