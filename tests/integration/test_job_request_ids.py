"""A job runs under the request id of the request that enqueued it (SQLite queue, real worker)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.db.migrate import upgrade
from services.db.models import Job
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.jobs.queue import JobQueue, enqueue
from services.jobs.runner import Worker
from services.observability.logs import RequestIdFilter
from services.observability.request_context import bound_request_id
from services.settings import JobSettings

SETTINGS = JobSettings()


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


class LoggingHandler:
    """Logs one line per job, as real handlers do while they work."""

    kind = "test"

    def run(self, payload: Mapping[str, Any]) -> None:
        logging.getLogger("tests.job").info("working on %s", payload["n"])

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        raise AssertionError(reason)


def test_a_job_logs_under_the_id_of_the_request_that_enqueued_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    clock = FixedClock()
    with unit_of_work(factory) as session, bound_request_id("req-upload-42"):
        enqueue(session, "test", {"n": 1}, clock=clock, settings=SETTINGS)
    with unit_of_work(factory) as session:  # outside any request
        enqueue(session, "test", {"n": 2}, clock=clock, settings=SETTINGS)
    with unit_of_work(factory, write=False) as session:
        payloads = [job.payload for job in session.scalars(select(Job).order_by(Job.id))]
    assert payloads == [{"n": 1, "request_id": "req-upload-42"}, {"n": 2}]

    worker = Worker(
        JobQueue(factory, clock, SETTINGS), {"test": LoggingHandler()}, "w1", poll_interval=0.1
    )
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="tests.job"):
        assert worker.run_once() and worker.run_once()
    lines = {record.getMessage(): record.__dict__.get("request_id") for record in caplog.records}
    assert lines == {"working on 1": "req-upload-42", "working on 2": None}
    engine.dispose()
