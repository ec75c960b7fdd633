"""Running job workers: threads inside the server (embedded mode) or separate processes.

OCR runs one job per process (ocrmypdf itself runs in a child process of the worker),
so N worker processes OCR N documents at once.  With PostgreSQL, workers on several
hosts share the queue.

Workers run at a lower CPU priority (``EAKTE_JOBS__WORKER_NICE``, default 10) and so do
the OCR processes they start, which inherit it: on cores shared with ``eakte serve`` the
web requests -- a scanning station waiting for its acknowledgement -- get the CPU first,
and OCR uses what is left.  A worker process lowers its own priority; an embedded worker
thread lowers only its own thread's (on Linux the nice value belongs to a thread, and a
child process inherits the value of the thread that started it), never the web threads'.

Shutdown (SIGTERM/SIGINT, or the server's shutdown in embedded mode): no new job is
taken; a running job may finish within ``EAKTE_JOBS__SHUTDOWN_GRACE_SECONDS``, after which
it is released to the queue so that another worker takes it over at once.  A worker
process interrupts its handler (the OCR process group is killed); an embedded thread
cannot be interrupted, so its job is released and the thread ends with the process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from types import FrameType

from services.bootstrap import Container, build_container
from services.jobs.runner import ShutdownInterrupt, Worker
from services.observability.logs import configure_process_logging
from services.settings import Settings

log = logging.getLogger(__name__)

_RELEASE_MARGIN_SECONDS = 10.0
"""Time after the grace period for a worker to release its job and close its connections."""


def worker_id(suffix: str) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{suffix}"


class InProcessWorkers:
    """Worker threads in the server process, for the embedded mode."""

    def __init__(self, container: Container, count: int) -> None:
        self._container = container
        self._count = count
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._workers: list[Worker] = []

    def start(self) -> None:
        handlers = self._container.handlers()
        for index in range(self._count):
            worker = Worker(
                self._container.queue,
                handlers,
                worker_id(f"t{index}"),
                poll_interval=self._container.settings.jobs.poll_interval_seconds,
            )
            thread = threading.Thread(
                target=_run_lowered,
                args=(worker, self._stop, self._container.settings.jobs.worker_nice),
                name=f"worker-{index}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
            self._workers.append(worker)

    def stop(self, grace: float | None = None) -> None:
        """Take no new jobs; wait up to ``grace`` seconds, then release the unfinished ones."""
        if grace is None:
            grace = self._container.settings.jobs.shutdown_grace_seconds
        self._stop.set()
        deadline = time.monotonic() + grace
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0.0))
        for worker in self._workers:
            if worker.busy:
                try:
                    worker.release_current()
                except Exception:  # the database may be gone; the lease then runs out
                    log.exception("worker %s: could not release its job", worker.worker_id)


def _run_lowered(worker: Worker, stop: threading.Event, nice: int) -> None:
    """An embedded worker thread's loop, at ``nice`` below the server's priority."""
    lower_thread_priority(nice)
    worker.run_forever(stop)


def lower_thread_priority(nice: int) -> None:
    """Add ``nice`` to the calling thread's nice value (Linux; elsewhere a no-op).

    On Linux ``setpriority`` with a thread id changes that thread only.  Other systems
    keep the nice value per process, where lowering it would slow the web requests too.
    """
    if nice <= 0 or not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + nice)
    except OSError as exc:  # e.g. a seccomp profile without setpriority
        log.warning("could not lower the priority of worker thread %d: %s", thread, exc)


def run_worker_process(settings: Settings, index: int) -> None:
    """Entry point of one worker process: one job at a time until SIGTERM/SIGINT.

    The worker loop runs in the main thread, where signal handlers run: SIGTERM stops
    the loop and starts the grace period; when it ends during a job, the handler is
    interrupted and the job released.
    """
    configure_process_logging(settings.log)
    stop = threading.Event()
    if settings.jobs.worker_nice:
        os.nice(settings.jobs.worker_nice)
    container = build_container(settings)
    try:
        worker = Worker(
            container.queue,
            container.handlers(),
            worker_id(f"p{index}"),
            poll_interval=settings.jobs.poll_interval_seconds,
        )
        _install_shutdown(worker, stop, settings.jobs.shutdown_grace_seconds)
        log.info("worker %s: taking jobs", worker.worker_id)
        try:
            worker.run_forever(stop)
        except ShutdownInterrupt:
            log.info("worker %s: grace period over; its job was released", worker.worker_id)
    finally:
        container.close()


def _install_shutdown(worker: Worker, stop: threading.Event, grace: float) -> None:
    """SIGTERM/SIGINT: stop taking jobs; interrupt a running one after ``grace`` seconds."""

    def _request_stop(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            return
        stop.set()
        if worker.busy:
            log.info("worker %s: stopping; %.0f s to finish its job", worker.worker_id, grace)
            signal.setitimer(signal.ITIMER_REAL, max(grace, 0.001))

    def _grace_over(signum: int, _frame: FrameType | None) -> None:
        if worker.busy:
            raise ShutdownInterrupt

    signal.signal(signal.SIGALRM, _grace_over)
    signal.signal(signal.SIGTERM, _request_stop)
    signal.signal(signal.SIGINT, _request_stop)


def supervise(settings: Settings, count: int) -> None:
    """Run ``count`` worker processes and restart any that dies, until SIGTERM/SIGINT.

    On shutdown every worker process gets SIGTERM and the grace period (plus a margin
    to release its job and close its connections); one that is still alive then is killed.
    """
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def _request_stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, _request_stop)
    signal.signal(signal.SIGINT, _request_stop)
    processes = {}
    for index in range(count):
        processes[index] = _spawn(context, settings, index)
    while not stopping.wait(1.0):
        for index, process in list(processes.items()):
            if not process.is_alive():
                log.warning("worker process %d exited (%s); restarting", index, process.exitcode)
                processes[index] = _spawn(context, settings, index)
    for process in processes.values():
        process.terminate()
    deadline = time.monotonic() + settings.jobs.shutdown_grace_seconds + _RELEASE_MARGIN_SECONDS
    for process in processes.values():
        process.join(max(deadline - time.monotonic(), 0.0))
    for process in processes.values():
        if process.is_alive():
            log.warning("worker process %s did not stop in time; killing it", process.pid)
            process.kill()
            process.join()


def _spawn(
    context: multiprocessing.context.SpawnContext, settings: Settings, index: int
) -> multiprocessing.process.BaseProcess:
    process = context.Process(
        target=run_worker_process, args=(settings, index), name=f"eakte-worker-{index}"
    )
    process.start()
    return process
