"""Jobs that run on a schedule: each run enqueues the next one.

The schedule lives in the job table like every other job, so it survives restarts and
is shared by all workers.  ``enqueue_coalesced`` keeps at most one waiting run per kind,
so two workers finishing runs at the same time do not double the schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from services.db.session import unit_of_work
from services.jobs.queue import enqueue_coalesced
from services.jobs.runner import JobHandler
from services.ports import Clock
from services.settings import JobSettings


@dataclass(frozen=True)
class Schedule:
    kind: str
    interval: timedelta


class PeriodicHandler:
    """Runs ``inner`` and then schedules its next run, also after a failed attempt."""

    def __init__(
        self,
        inner: JobHandler,
        interval: timedelta,
        factory: sessionmaker[Session],
        clock: Clock,
        settings: JobSettings,
    ) -> None:
        self.kind = inner.kind
        self.schedule = Schedule(inner.kind, interval)
        self._inner = inner
        self._factory = factory
        self._clock = clock
        self._settings = settings

    def run(self, payload: Mapping[str, Any]) -> None:
        try:
            self._inner.run(payload)
        finally:
            with unit_of_work(self._factory) as session:
                schedule(session, [self.schedule], clock=self._clock, settings=self._settings)

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        self._inner.on_give_up(payload, reason)


def schedule(
    session: Session,
    schedules: Iterable[Schedule],
    *,
    clock: Clock,
    settings: JobSettings,
    at_once: bool = False,
) -> None:
    """Make sure each schedule has a waiting run (``at_once``: due now, else after its interval)."""
    for item in schedules:
        delay = timedelta(0) if at_once else item.interval
        enqueue_coalesced(session, item.kind, clock=clock, settings=settings, delay=delay)
