"""A durable job queue in the application database.

Jobs are rows enqueued in the caller's transaction, so data and the work on it commit
together or not at all.  Workers claim a job by taking a lease; a worker that dies
stops renewing its lease and the job becomes claimable again when the lease runs out.
On PostgreSQL the claim uses ``FOR UPDATE SKIP LOCKED`` so that many workers on many
hosts share the queue; on SQLite ``BEGIN IMMEDIATE`` serialises claims.  In both cases
the claim is a compare-and-set on (status, lease), so a job is never run twice at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from services.db.models import Job, JobStatus
from services.db.session import unit_of_work
from services.observability.request_context import JOB_PAYLOAD_KEY, current_request_id
from services.ports import Clock
from services.settings import JobSettings


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


@dataclass(frozen=True)
class JobOutcome:
    """What happened to a job after a failed attempt."""

    will_retry: bool
    run_after: datetime | None


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    clock: Clock,
    settings: JobSettings,
    dedupe_key: str | None = None,
    delay: timedelta = timedelta(0),
) -> None:
    """Add a job to the caller's transaction; a job with the same dedupe key is not added twice.

    A job enqueued while serving a request carries the request's id, under which it runs.
    """
    if dedupe_key is not None:
        existing = session.scalar(select(Job.id).where(Job.dedupe_key == dedupe_key))
        if existing is not None:
            return
    request_id = current_request_id()
    if request_id is not None:
        payload = {**payload, JOB_PAYLOAD_KEY: request_id}
    now = clock.now()
    session.add(
        Job(
            kind=kind,
            payload=payload,
            dedupe_key=dedupe_key,
            status=JobStatus.QUEUED,
            attempts=0,
            max_attempts=settings.max_attempts,
            run_after=now + delay,
            created_at=now,
        )
    )
    session.flush()


def enqueue_coalesced(
    session: Session,
    kind: str,
    *,
    clock: Clock,
    settings: JobSettings,
    delay: timedelta,
) -> None:
    """Enqueue a payload-less job unless one of its kind is still waiting to start.

    Many triggers within ``delay`` (say, a burst of review decisions) then cause one run.
    """
    waiting = session.scalar(
        select(Job.id).where(Job.kind == kind, Job.status == JobStatus.QUEUED).limit(1)
    )
    if waiting is None:
        enqueue(session, kind, {}, clock=clock, settings=settings, delay=delay)


class JobQueue:
    """Claim, renew, complete and fail jobs. Each method is its own short transaction."""

    def __init__(self, factory: sessionmaker[Session], clock: Clock, settings: JobSettings) -> None:
        self._factory = factory
        self._clock = clock
        self._settings = settings

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self._settings.lease_seconds)

    def claim(self, worker_id: str, kinds: Sequence[str] | None = None) -> ClaimedJob | None:
        """Lease the next due job, or return None when there is none."""
        with unit_of_work(self._factory) as session:
            now = self._clock.now()
            due = or_(
                and_(Job.status == JobStatus.QUEUED, Job.run_after <= now),
                and_(Job.status == JobStatus.RUNNING, Job.lease_expires_at < now),
            )
            query = select(Job).where(due).order_by(Job.run_after, Job.id).limit(1)
            if kinds:
                query = query.where(Job.kind.in_(kinds))
            job = session.scalar(query.with_for_update(skip_locked=True))
            if job is None:
                return None
            claimed = session.execute(
                update(Job)
                .where(Job.id == job.id, Job.status == job.status, due)
                .values(
                    status=JobStatus.RUNNING,
                    attempts=Job.attempts + 1,
                    locked_by=worker_id,
                    lease_expires_at=now + self.lease,
                )
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return ClaimedJob(
                id=job.id,
                kind=job.kind,
                payload=dict(job.payload),
                attempts=job.attempts + 1,
                max_attempts=job.max_attempts,
            )

    def renew(self, job_id: int, worker_id: str) -> bool:
        """Extend the lease; False when the job is no longer ours (lease lost)."""
        with unit_of_work(self._factory) as session:
            result = session.execute(
                update(Job)
                .where(
                    Job.id == job_id, Job.locked_by == worker_id, Job.status == JobStatus.RUNNING
                )
                .values(lease_expires_at=self._clock.now() + self.lease)
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def complete(self, job_id: int, worker_id: str) -> None:
        """Mark the job done, unless its lease has passed to another worker meanwhile."""
        with unit_of_work(self._factory) as session:
            session.execute(
                update(Job)
                .where(
                    Job.id == job_id, Job.locked_by == worker_id, Job.status == JobStatus.RUNNING
                )
                .values(
                    status=JobStatus.DONE,
                    finished_at=self._clock.now(),
                    lease_expires_at=None,
                    last_error=None,
                )
            )

    def release(self, job_id: int, worker_id: str) -> bool:
        """Give a running job back at once: due now, this attempt not counted.

        A worker that shuts down calls this for the job it cannot finish within its grace
        period, so that another worker takes it over without waiting for the lease to run
        out.  False when the job was no longer ours.
        """
        with unit_of_work(self._factory) as session:
            result = session.execute(
                update(Job)
                .where(
                    Job.id == job_id, Job.locked_by == worker_id, Job.status == JobStatus.RUNNING
                )
                .values(
                    status=JobStatus.QUEUED,
                    attempts=Job.attempts - 1,  # a running job's claim counted one
                    run_after=self._clock.now(),
                    lease_expires_at=None,
                    locked_by=None,
                )
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def fail(self, job: ClaimedJob, worker_id: str, error: str, *, permanent: bool) -> JobOutcome:
        """Record a failed attempt: back off and retry, or give up for good."""
        give_up = permanent or job.attempts >= job.max_attempts
        now = self._clock.now()
        with unit_of_work(self._factory) as session:
            if give_up:
                values: dict[str, Any] = {
                    "status": JobStatus.FAILED,
                    "finished_at": now,
                    "lease_expires_at": None,
                    "last_error": error,
                }
                run_after = None
            else:
                delay = self._settings.backoff_base_seconds * 2 ** (job.attempts - 1)
                run_after = now + timedelta(seconds=delay)
                values = {
                    "status": JobStatus.QUEUED,
                    "run_after": run_after,
                    "lease_expires_at": None,
                    "locked_by": None,
                    "last_error": error,
                }
            session.execute(
                update(Job).where(Job.id == job.id, Job.locked_by == worker_id).values(**values)
            )
        return JobOutcome(will_retry=not give_up, run_after=run_after)

    def pending_count(self) -> int:
        with unit_of_work(self._factory, write=False) as session:
            return (
                session.scalar(
                    select(func.count(Job.id)).where(
                        Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])
                    )
                )
                or 0
            )
