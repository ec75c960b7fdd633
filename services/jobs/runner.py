"""The worker loop: claim a job, run its handler under a renewed lease, record the outcome.

A failing job never stops the loop: every exception is caught and recorded on the job,
and handlers record permanent failures on their own rows (``on_give_up``).

Shutting down: once ``stop`` is set the loop takes no new job.  A job that is still
running when the shutdown grace period ends is released (:meth:`JobQueue.release`):
either the handler is interrupted by :class:`ShutdownInterrupt` (a worker process's
main thread) or, for a thread that cannot be interrupted, :meth:`Worker.release_current`
gives the job back while the handler is abandoned with its process.  Handlers are
idempotent, so the worker that takes the job over finishes it exactly once.
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
from services.observability.request_context import JOB_PAYLOAD_KEY, bound_request_id

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


class ShutdownInterrupt(BaseException):
    """Raised into a running handler when the shutdown grace period is over.

    A ``BaseException`` so that handlers' ``except Exception`` do not swallow it; their
    ``finally`` blocks and transactions' rollbacks still run (and ``run_in_process_group``
    kills the OCR process group it was waiting for).
    """


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
        self._current: ClaimedJob | None = None

    @property
    def worker_id(self) -> str:
        return self._worker_id

    @property
    def busy(self) -> bool:
        """Whether a handler is running now."""
        return self._current is not None

    def release_current(self) -> bool:
        """Give the running job back to the queue (shutdown of a thread that cannot be stopped).

        The handler may still finish afterwards; its outcome is then not recorded by this
        worker (the lease is no longer ours), and the next worker's run finds the work done.
        """
        job = self._current
        if job is None:
            return False
        released = self._queue.release(job.id, self._worker_id)
        if released:
            log.warning("job %s (%s) released at shutdown", job.id, job.kind)
        return released

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
        with bound_request_id(job.payload.get(JOB_PAYLOAD_KEY)):
            self._run(handler, job)
        return True

    def _run(self, handler: JobHandler, job: ClaimedJob) -> None:
        heartbeat = _LeaseHeartbeat(self._queue, job.id, self._worker_id)
        heartbeat.start()
        try:
            self._current = job
            handler.run(job.payload)
            self._current = None
        except Exception as exc:
            self._current = None
            heartbeat.stop()
            self._record_failure(handler, job, exc)
        except BaseException:  # ShutdownInterrupt, KeyboardInterrupt: not the job's fault
            self._current = None
            heartbeat.stop()
            if self._queue.release(job.id, self._worker_id):
                log.warning("job %s (%s) interrupted by shutdown; released", job.id, job.kind)
            raise
        else:
            heartbeat.stop()
            self._queue.complete(job.id, self._worker_id)

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
