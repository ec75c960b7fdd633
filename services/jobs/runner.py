"""The worker loop: claim a job, run its handler under a renewed lease, record the outcome.

A failing job never stops the loop: every exception is caught and recorded on the job,
and handlers record permanent failures on their own rows (``on_give_up``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any, Protocol

from services.errors import (
    IntegrityError,
    InvalidInputError,
    LimitExceededError,
    OcrError,
    PermanentJobError,
    UnsupportedMediaTypeError,
)
from services.jobs.queue import ClaimedJob, JobQueue

log = logging.getLogger(__name__)

PERMANENT_ERRORS = (
    PermanentJobError,
    IntegrityError,
    InvalidInputError,
    LimitExceededError,
    UnsupportedMediaTypeError,
)


class JobHandler(Protocol):
    """Does the work of one job kind. ``run`` must be idempotent: it may run twice."""

    kind: str

    def run(self, payload: Mapping[str, Any]) -> None: ...

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        """Record a permanent failure on the affected rows (e.g. item status ``failed``)."""
        ...


def is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, OcrError):
        return exc.permanent
    return isinstance(exc, PERMANENT_ERRORS)


class Worker:
    def __init__(
        self,
        queue: JobQueue,
        handlers: Mapping[str, JobHandler],
        worker_id: str,
        *,
        poll_interval: float,
    ) -> None:
        self._queue = queue
        self._handlers = handlers
        self._worker_id = worker_id
        self._poll_interval = poll_interval

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                worked = self.run_once()
            except Exception:  # the database may be briefly unavailable; keep going
                log.exception("worker %s: could not claim a job", self._worker_id)
                worked = False
            if not worked:
                stop.wait(self._poll_interval)

    def run_once(self) -> bool:
        """Run at most one job; return whether there was one."""
        job = self._queue.claim(self._worker_id, kinds=list(self._handlers))
        if job is None:
            return False
        handler = self._handlers[job.kind]
        if job.attempts > job.max_attempts:
            # Its previous workers died while running it (lease expired each time).
            reason = f"gave up after {job.max_attempts} attempts: the worker was lost each time"
            self._give_up(handler, job, reason)
            return True
        heartbeat = _LeaseHeartbeat(self._queue, job.id, self._worker_id)
        heartbeat.start()
        try:
            handler.run(job.payload)
        except Exception as exc:
            heartbeat.stop()
            self._record_failure(handler, job, exc)
        else:
            heartbeat.stop()
            self._queue.complete(job.id, self._worker_id)
        return True

    def _record_failure(self, handler: JobHandler, job: ClaimedJob, exc: Exception) -> None:
        reason = str(exc) or type(exc).__name__
        permanent = is_permanent(exc)
        if not permanent:
            log.warning("job %s (%s) attempt %d failed: %s", job.id, job.kind, job.attempts, reason)
        if permanent or job.attempts >= job.max_attempts:
            self._give_up(handler, job, reason)
        else:
            self._queue.fail(job, self._worker_id, reason, permanent=False)

    def _give_up(self, handler: JobHandler, job: ClaimedJob, reason: str) -> None:
        log.error("job %s (%s) failed permanently: %s", job.id, job.kind, reason)
        try:
            handler.on_give_up(job.payload, reason)
        except Exception:
            log.exception("job %s: recording the failure failed", job.id)
        self._queue.fail(job, self._worker_id, reason, permanent=True)


class _LeaseHeartbeat:
    """Renews a job's lease in the background while its handler runs."""

    def __init__(self, queue: JobQueue, job_id: int, worker_id: str) -> None:
        self._queue = queue
        self._job_id = job_id
        self._worker_id = worker_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"lease-{job_id}")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        interval = max(self._queue.lease.total_seconds() / 3, 0.5)
        while not self._stop.wait(interval):
            try:
                if not self._queue.renew(self._job_id, self._worker_id):
                    log.warning("job %s: lease lost", self._job_id)
                    return
            except Exception:
                log.exception("job %s: lease renewal failed", self._job_id)
