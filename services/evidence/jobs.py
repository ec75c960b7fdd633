"""The daily sealing job: seal the days that are over, then queue tomorrow's run.

One job per UTC day (dedupe key ``evidence.seal:<YYYY-MM-DD>``), due a few minutes after
midnight so that transactions begun before midnight have committed.  Each run queues the
next day's; :func:`schedule_sealing` at start-up queues today's if the chain was never
started (or was lost), and a run that is given up still queues the next one.  Days
missed while nothing ran are sealed by the next run: sealing covers every day before
today that has unsealed objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from services.db.session import unit_of_work
from services.evidence.sealing import day_start, seal_days, utc_day
from services.jobs.queue import enqueue
from services.ports import BlobStore, Clock
from services.settings import JobSettings, Settings

SEAL_EVIDENCE = "evidence.seal"
AFTER_MIDNIGHT = timedelta(minutes=5)


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

    def run(self, payload: Mapping[str, Any]) -> None:
        with unit_of_work(self._factory) as session:
            seal_days(session, self._store, self._clock, anchor_retention=self._anchor_retention)
            self._schedule_next(session)

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
