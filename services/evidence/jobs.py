"""The daily sealing job: seal the days that are over, then queue tomorrow's run.

One job per UTC day (dedupe key ``evidence.seal:<YYYY-MM-DD>``), due a few minutes after
midnight so that transactions begun before midnight have committed.  Each run queues the
next day's; :func:`schedule_sealing` at start-up queues today's if the chain was never
started (or was lost), and a run that is given up still queues the next one.  Days
missed while nothing ran are sealed by the next run: sealing covers every day before
today that has unsealed objects.

With a time-stamp authority configured (``EAKTE_EVIDENCE__TSA_URL``), each run then asks
it for a time-stamp over every root that has none yet, outside any transaction.  A TSA
that fails leaves the roots sealed and anchored but unstamped; the next run asks again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.db.models import EvidenceTree
from services.db.session import unit_of_work
from services.evidence.sealing import day_start, seal_days, utc_day
from services.evidence.timestamps import HttpTimeStamper, TimeStamper, TimestampError
from services.jobs.queue import enqueue
from services.ports import BlobStore, Clock
from services.settings import JobSettings, Settings

log = logging.getLogger(__name__)

SEAL_EVIDENCE = "evidence.seal"
AFTER_MIDNIGHT = timedelta(minutes=5)


@dataclass
class StampReport:
    stamped: list[date] = field(default_factory=list)
    error: str | None = None
    """Why the TSA gave no time-stamp; the remaining roots wait for the next run."""


def timestamper_for(settings: Settings) -> TimeStamper | None:
    url = settings.evidence.tsa_url
    return HttpTimeStamper(url) if url else None


def stamp_unstamped(factory: sessionmaker[Session], timestamper: TimeStamper) -> StampReport:
    """Get a time-stamp for every sealed root without one, oldest first; stop at a failure.

    The TSA is asked outside any transaction; each token is saved in its own.
    """
    with unit_of_work(factory, write=False) as session:
        pending = session.execute(
            select(EvidenceTree.id, EvidenceTree.day, EvidenceTree.root_hash)
            .where(EvidenceTree.timestamp_token.is_(None))
            .order_by(EvidenceTree.day)
        ).all()
    report = StampReport()
    for tree_id, day, root in pending:
        try:
            token = timestamper.stamp(bytes.fromhex(root))
        except TimestampError as exc:
            log.warning("evidence tree of %s not time-stamped: %s", day, exc.detail)
            report.error = exc.detail
            return report
        with unit_of_work(factory) as session:
            tree = session.get_one(EvidenceTree, tree_id)
            if tree.timestamp_token is None:  # a concurrent run may have been faster
                tree.timestamp_token = token
                tree.tsa_url = timestamper.url
        report.stamped.append(day)
    return report


def anchor_retention(settings: Settings) -> timedelta:
    """At least ``retention.anchor_years`` years (366 days each, leap days included)."""
    return timedelta(days=366 * settings.retention.anchor_years)


def schedule_sealing(
    session: Session,
    *,
    clock: Clock,
    jobs: JobSettings,
    run_on: date | None = None,
    after_midnight: timedelta = AFTER_MIDNIGHT,
) -> None:
    """Queue the sealing run of ``run_on`` (default: today, UTC) unless it exists already."""
    now = clock.now()
    day = run_on or utc_day(now)
    due = day_start(day) + after_midnight
    enqueue(
        session,
        SEAL_EVIDENCE,
        {"run_on": day.isoformat()},
        clock=clock,
        settings=jobs,
        dedupe_key=f"{SEAL_EVIDENCE}:{day.isoformat()}",
        delay=max(due - now, timedelta(0)),
    )


class SealEvidenceHandler:
    """Seal every finished day that has unsealed content; safe to run twice."""

    kind = SEAL_EVIDENCE

    def __init__(
        self,
        factory: sessionmaker[Session],
        store: BlobStore,
        clock: Clock,
        settings: Settings,
        *,
        after_midnight: timedelta = AFTER_MIDNIGHT,
    ) -> None:
        self._factory = factory
        self._store = store
        self._clock = clock
        self._jobs = settings.jobs
        self._anchor_retention = anchor_retention(settings)
        self._after_midnight = after_midnight
        self._timestamper = timestamper_for(settings)

    def run(self, payload: Mapping[str, Any]) -> None:
        with unit_of_work(self._factory) as session:
            seal_days(session, self._store, self._clock, anchor_retention=self._anchor_retention)
            self._schedule_next(session)
        if self._timestamper is not None:
            stamp_unstamped(self._factory, self._timestamper)

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        """The days stay unsealed until the next run, which must therefore still be queued."""
        with unit_of_work(self._factory) as session:
            self._schedule_next(session)

    def _schedule_next(self, session: Session) -> None:
        schedule_sealing(
            session,
            clock=self._clock,
            jobs=self._jobs,
            run_on=utc_day(self._clock.now()) + timedelta(days=1),
            after_midnight=self._after_midnight,
        )
