"""The job queue contract, run against SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.db.models import Job, JobStatus
from services.db.session import unit_of_work
from services.errors import PermanentJobError
from services.jobs.queue import JobQueue, enqueue
from services.jobs.runner import Worker
from services.settings import JobSettings
from tests.contract.job_clock import FakeClock

SETTINGS = JobSettings(lease_seconds=60, max_attempts=3, backoff_base_seconds=10)


def add_job(factory: sessionmaker[Session], clock: FakeClock, n: int = 0, **kwargs: Any) -> None:
    with unit_of_work(factory) as session:
        enqueue(session, "test", {"n": n}, clock=clock, settings=SETTINGS, **kwargs)


def job_rows(factory: sessionmaker[Session]) -> list[Job]:
    with unit_of_work(factory) as session:
        return list(session.scalars(select(Job).order_by(Job.id)))


def test_claim_complete_and_empty(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    assert queue.claim("w1") is None
    add_job(factory, clock, 7)
    job = queue.claim("w1")
    assert job is not None and job.payload == {"n": 7} and job.attempts == 1
    assert queue.claim("w2") is None, "a leased job must not be handed out twice"
    queue.complete(job.id, "w1")
    assert job_rows(factory)[0].status == JobStatus.DONE
    assert queue.pending_count() == 0


def test_enqueue_is_part_of_the_callers_transaction(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    with pytest.raises(RuntimeError), unit_of_work(factory) as session:
        enqueue(session, "test", {}, clock=clock, settings=SETTINGS)
        raise RuntimeError("the request failed after enqueueing")
    assert job_rows(factory) == []


def test_dedupe_key_enqueues_once(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    add_job(factory, clock, dedupe_key="item:1")
    add_job(factory, clock, dedupe_key="item:1")
    assert len(job_rows(factory)) == 1


def test_expired_lease_makes_the_job_claimable_again(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    add_job(factory, clock)
    first = queue.claim("dead-worker")
    assert first is not None
    clock.advance(30)
    assert queue.claim("w2") is None
    clock.advance(31)
    second = queue.claim("w2")
    assert second is not None and second.id == first.id and second.attempts == 2
    queue.complete(second.id, "w2")
    queue.complete(first.id, "dead-worker")  # a late completion of the lost lease is ignored
    assert job_rows(factory)[0].locked_by == "w2"


def test_renew_extends_the_lease(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    add_job(factory, clock)
    job = queue.claim("w1")
    assert job is not None
    clock.advance(50)
    assert queue.renew(job.id, "w1")
    clock.advance(50)
    assert queue.claim("w2") is None
    assert not queue.renew(job.id, "w2")


def test_transient_failure_backs_off_then_retries(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    add_job(factory, clock)
    job = queue.claim("w1")
    assert job is not None
    outcome = queue.fail(job, "w1", "database hiccup", permanent=False)
    assert outcome.will_retry
    assert queue.claim("w1") is None
    clock.advance(SETTINGS.backoff_base_seconds + 1)
    again = queue.claim("w1")
    assert again is not None and again.attempts == 2
    outcome = queue.fail(again, "w1", "again", permanent=False)
    clock.advance(SETTINGS.backoff_base_seconds + 1)
    assert queue.claim("w1") is None, "the second back-off is twice as long"
    clock.advance(SETTINGS.backoff_base_seconds)
    assert queue.claim("w1") is not None


def test_concurrent_workers_never_run_a_job_twice(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    for n in range(40):
        add_job(factory, clock, n)
    claimed: list[int] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while (job := queue.claim(name)) is not None:
            with lock:
                claimed.append(job.payload["n"])
            queue.complete(job.id, name)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == list(range(40))


class RecordingHandler:
    kind = "test"

    def __init__(self, fail_with: Exception | None = None) -> None:
        self.fail_with = fail_with
        self.runs: list[int] = []
        self.gave_up: list[str] = []

    def run(self, payload: Mapping[str, Any]) -> None:
        self.runs.append(int(payload["n"]))
        if self.fail_with is not None and payload["n"] == 0:
            raise self.fail_with

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        self.gave_up.append(reason)


def test_worker_survives_a_failing_job_and_goes_on(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    handler = RecordingHandler(fail_with=PermanentJobError("corrupt input"))
    worker = Worker(queue, {"test": handler}, "w1", poll_interval=0.01)
    add_job(factory, clock, 0)
    add_job(factory, clock, 1)
    assert worker.run_once() and worker.run_once()
    assert not worker.run_once()
    assert handler.runs == [0, 1]
    assert handler.gave_up == ["corrupt input"]
    rows = job_rows(factory)
    assert [r.status for r in rows] == [JobStatus.FAILED, JobStatus.DONE]
    assert rows[0].last_error == "corrupt input"


def test_worker_gives_up_after_max_attempts(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    handler = RecordingHandler(fail_with=RuntimeError("flaky"))
    worker = Worker(queue, {"test": handler}, "w1", poll_interval=0.01)
    add_job(factory, clock, 0)
    for _ in range(SETTINGS.max_attempts):
        assert worker.run_once()
        clock.advance(1000)
    assert handler.runs == [0, 0, 0]
    assert handler.gave_up == ["flaky"]
    assert job_rows(factory)[0].status == JobStatus.FAILED


def test_job_whose_workers_keep_dying_is_given_up(factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    queue = JobQueue(factory, clock, SETTINGS)
    add_job(factory, clock, 5)
    for n in range(SETTINGS.max_attempts):
        assert queue.claim(f"dying-{n}") is not None
        clock.advance(SETTINGS.lease_seconds + 1)
    handler = RecordingHandler()
    assert Worker(queue, {"test": handler}, "w", poll_interval=0.01).run_once()
    assert handler.runs == [], "the poisoned job must not run again"
    assert handler.gave_up and "worker was lost" in handler.gave_up[0]
    assert job_rows(factory)[0].status == JobStatus.FAILED
