"""The figures ``/metrics`` reports from the database, read at scrape time.

Workers run in other processes and on other hosts, so counting in memory would see only
this process's share: the database holds the truth for all of them.  Every figure is an
aggregate over one table; the job figures for waiting and running jobs go through the
claim index (status, run_after), the audit figures through the chain's sequence index
and the fixity times through the fixity index.  Totals over documents, classification
results and stored objects read the whole table: docs/monitoring.md has what a scrape
costs at 100,000 documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from services.audit.verification import TRAIL_OBJECT, VERIFIED
from services.db.models import (
    AuditAnchor,
    AuditEvent,
    ClassificationResult,
    Document,
    FixityStatus,
    Job,
    JobStatus,
    ReviewStatus,
    ReviewTask,
    StoredObject,
)


@dataclass(frozen=True)
class JobFigures:
    """One job kind: what waits, what runs, what ended."""

    due: int = 0
    """Queued and due: waiting for a free worker."""
    oldest_due: datetime | None = None
    """When the longest-waiting due job became due."""
    scheduled: int = 0
    """Queued for later: a periodic run, a delayed job, a retry backing off."""
    retrying: int = 0
    """Queued after at least one failed attempt (due or not)."""
    running: int = 0
    lease_expired: int = 0
    """Running, but its worker stopped renewing the lease: a lost worker's job."""
    done: int = 0
    failed: int = 0


@dataclass(frozen=True)
class AuditFigures:
    length: int = 0
    """Events in the hash chain (the head's sequence number)."""
    head_at: datetime | None = None
    unchained: int = 0
    """Events recorded but not chained yet (chaining runs right after each commit)."""
    last_anchor_seq: int | None = None
    last_anchor_at: datetime | None = None
    last_verification_at: datetime | None = None
    last_verification_ok: bool | None = None


@dataclass(frozen=True)
class FixityFigures:
    objects: int = 0
    """Live stored object versions (not destroyed)."""
    never_checked: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    """Objects whose last check found them ``corrupt`` or ``missing``."""
    last_check: datetime | None = None
    oldest_check: datetime | None = None


@dataclass(frozen=True)
class Figures:
    now: datetime
    """The service clock's time the figures were read at (ages are measured from it)."""
    jobs: dict[str, JobFigures]
    documents: dict[str, int]
    """Documents by processing status (received, processing, ocr_done, failed)."""
    ocr_pages: dict[str, int]
    """Pages that went through OCR, by engine (text-layer PDFs are not counted)."""
    ocr_documents: dict[str, int]
    classifications: dict[tuple[str, str], int]
    """(decision, method) -> count: auto/routed/review, reference/model."""
    review_open: int
    fixity: FixityFigures
    audit: AuditFigures


def read_figures(session: Session, now: datetime) -> Figures:
    return Figures(
        now=now,
        jobs=_jobs(session, now),
        documents=_counts(session, Document.status),
        ocr_pages=_ocr(session, func.sum(Document.page_count)),
        ocr_documents=_ocr(session, func.count()),
        classifications={
            (decision, method): count
            for decision, method, count in session.execute(
                select(
                    ClassificationResult.decision, ClassificationResult.method, func.count()
                ).group_by(ClassificationResult.decision, ClassificationResult.method)
            )
        },
        review_open=session.scalar(
            select(func.count())
            .select_from(ReviewTask)
            .where(ReviewTask.status == ReviewStatus.OPEN)
        )
        or 0,
        fixity=_fixity(session),
        audit=_audit(session),
    )


def _jobs(session: Session, now: datetime) -> dict[str, JobFigures]:
    queued = Job.status == JobStatus.QUEUED
    due = and_(queued, Job.run_after <= now)
    running = Job.status == JobStatus.RUNNING
    waiting = select(
        Job.kind,
        func.sum(case((due, 1), else_=0)),
        func.min(case((due, Job.run_after))),
        func.sum(case((and_(queued, Job.run_after > now), 1), else_=0)),
        func.sum(case((and_(queued, Job.attempts > 0), 1), else_=0)),
        func.sum(case((running, 1), else_=0)),
        func.sum(case((and_(running, Job.lease_expires_at < now), 1), else_=0)),
    ).where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
    figures: dict[str, dict[str, object]] = {}
    for kind, n_due, oldest, scheduled, retrying, n_running, expired in session.execute(
        waiting.group_by(Job.kind)
    ):
        figures[kind] = {
            "due": int(n_due or 0),
            "oldest_due": oldest,
            "scheduled": int(scheduled or 0),
            "retrying": int(retrying or 0),
            "running": int(n_running or 0),
            "lease_expired": int(expired or 0),
        }
    ended = (
        select(Job.kind, Job.status, func.count())
        .where(Job.status.in_([JobStatus.DONE, JobStatus.FAILED]))
        .group_by(Job.kind, Job.status)
    )
    for kind, status, count in session.execute(ended):
        figures.setdefault(kind, {})[str(status)] = int(count)
    return {kind: JobFigures(**values) for kind, values in figures.items()}  # type: ignore[arg-type]


def _counts(session: Session, column: object) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column))  # type: ignore[call-overload]
    return {str(value): int(count) for value, count in rows}


def _ocr(session: Session, aggregate: object) -> dict[str, int]:
    rows = session.execute(
        select(Document.ocr_engine, aggregate)  # type: ignore[call-overload]
        .where(Document.ocr_performed.is_(True))
        .group_by(Document.ocr_engine)
    )
    return {str(engine or "unknown"): int(value or 0) for engine, value in rows}


def _fixity(session: Session) -> FixityFigures:
    live = StoredObject.destroyed_at.is_(None)
    objects, never, last, oldest = session.execute(
        select(
            func.count(),
            func.sum(case((StoredObject.fixity_checked_at.is_(None), 1), else_=0)),
            func.max(StoredObject.fixity_checked_at),
            func.min(StoredObject.fixity_checked_at),
        ).where(live)
    ).one()
    failures = {
        str(status): int(count)
        for status, count in session.execute(
            select(StoredObject.fixity_status, func.count())
            .where(
                live,
                StoredObject.fixity_status.in_([FixityStatus.CORRUPT, FixityStatus.MISSING]),
            )
            .group_by(StoredObject.fixity_status)
        )
    }
    return FixityFigures(
        objects=int(objects or 0),
        never_checked=int(never or 0),
        failures=failures,
        last_check=last,
        oldest_check=oldest,
    )


def _audit(session: Session) -> AuditFigures:
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.occurred_at)
        .where(AuditEvent.seq.is_not(None))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    unchained = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.seq.is_(None))
    )
    anchor = session.execute(
        select(AuditAnchor.seq, AuditAnchor.anchored_at).order_by(AuditAnchor.seq.desc()).limit(1)
    ).first()
    verification = session.execute(
        select(AuditEvent.occurred_at, AuditEvent.details)
        .where(
            AuditEvent.object_type == TRAIL_OBJECT[0],
            AuditEvent.object_id == TRAIL_OBJECT[1],
            AuditEvent.action == VERIFIED,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return AuditFigures(
        length=(head[0] or 0) if head else 0,
        head_at=head[1] if head else None,
        unchained=int(unchained or 0),
        last_anchor_seq=anchor[0] if anchor else None,
        last_anchor_at=anchor[1] if anchor else None,
        last_verification_at=verification[0] if verification else None,
        last_verification_ok=bool(verification[1].get("ok")) if verification else None,
    )
