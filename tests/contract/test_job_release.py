"""Releasing a job at shutdown, and stale workers that lost their lease (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.db.models import Job, JobStatus
from services.db.session import unit_of_work
from services.jobs.queue import JobQueue, enqueue
from services.jobs.runner import ShutdownInterrupt, Worker
from services.settings import JobSettings
from tests.contract.job_clock import FakeClock

SETTINGS = JobSettings(lease_seconds=600, max_attempts=3)


def add_job(factory: sessionmaker[Session], clock: FakeClock) -> None:
    with unit_of_work(factory) as session:
        enqueue(session, "test", {}, clock=clock, settings=SETTINGS)


def the_job(factory: sessionmaker[Session]) -> Job:
    with unit_of_work(factory, write=False) as session:
        [job] = session.scalars(select(Job))
        return job


def test_a_released_job_is_claimable_at_once_without_counting_the_attempt(
    factory: sessionmaker[Session],
) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    add_job(factory, clock)
    first = queue.claim("stopping")
    assert first is not None and first.attempts == 1
    assert queue.release(first.id, "stopping")
    job = the_job(factory)
    assert (job.status, job.locked_by, job.lease_expires_at, job.attempts) == (
        JobStatus.QUEUED,
        None,
        None,
        0,
    )
    second = queue.claim("other")  # no clock advance: the lease did not have to run out
    assert second is not None and second.id == first.id and second.attempts == 1
    assert not queue.release(first.id, "stopping"), "the job is no longer the stopping worker's"
    queue.complete(first.id, "stopping")
    assert the_job(factory).status == JobStatus.RUNNING
    queue.complete(second.id, "other")
    assert the_job(factory).status == JobStatus.DONE


def test_a_worker_whose_lease_ran_out_cannot_complete_the_job_another_runs(
    factory: sessionmaker[Session],
) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    add_job(factory, clock)
    lost = queue.claim("cut-off")
    assert lost is not None
    clock.advance(SETTINGS.lease_seconds + 1)
    taken = queue.claim("survivor")
    assert taken is not None and taken.id == lost.id
    queue.complete(lost.id, "cut-off")
    assert not queue.renew(lost.id, "cut-off")
    assert not queue.release(lost.id, "cut-off")
    job = the_job(factory)
    assert (job.status, job.locked_by) == (JobStatus.RUNNING, "survivor")


class BlockingHandler:
    """A handler that runs until the test lets it go (an OCR job in progress)."""

    kind = "test"

    def __init__(self) -> None:
        self.started = threading.Event()
        self.go_on = threading.Event()
        self.runs = 0

    def run(self, payload: Mapping[str, Any]) -> None:
        self.runs += 1
        self.started.set()
        if not self.go_on.wait(30):
            raise AssertionError("never let go")

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        raise AssertionError(f"must not give up: {reason}")


def test_an_embedded_worker_releases_its_job_and_a_late_finish_is_not_recorded(
    factory: sessionmaker[Session],
) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    add_job(factory, clock)
    handler = BlockingHandler()
    stopping = Worker(queue, {"test": handler}, "embedded", poll_interval=0.01)
    stop = threading.Event()
    thread = threading.Thread(target=stopping.run_forever, args=(stop,))
    thread.start()
    try:
        assert handler.started.wait(10)
        stop.set()
        assert stopping.busy
        assert stopping.release_current()
        assert the_job(factory).status == JobStatus.QUEUED
    finally:
        handler.go_on.set()
        thread.join(10)
    assert the_job(factory).status == JobStatus.QUEUED, "the abandoned run must not complete it"
    other = Worker(queue, {"test": handler}, "other", poll_interval=0.01)
    assert other.run_once()
    job = the_job(factory)
    assert (job.status, job.locked_by, job.attempts) == (JobStatus.DONE, "other", 1)


class InterruptedHandler:
    kind = "test"

    def run(self, payload: Mapping[str, Any]) -> None:
        raise ShutdownInterrupt

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        raise AssertionError(f"must not give up: {reason}")


def test_an_interrupted_handler_releases_its_job(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    add_job(factory, clock)
    worker = Worker(queue, {"test": InterruptedHandler()}, "w", poll_interval=0.01)
    with pytest.raises(ShutdownInterrupt):
        worker.run_once()
    assert not worker.busy
    job = the_job(factory)
    assert (job.status, job.locked_by, job.attempts, job.last_error) == (
        JobStatus.QUEUED,
        None,
        0,
        None,
    )
