"""Graceful shutdown: a worker that gets SIGTERM in the middle of an OCR job.

With a long enough grace period the job finishes and the worker exits; with none, the
job goes back to the queue at once (not after its 10-minute lease) and the next worker
finishes it: one document either way.  The same for the embedded workers of
``eakte serve``, which stop with the server.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from services.db.models import Document, IntakeItem, ItemStatus, Job, JobStatus
from services.db.session import make_engine
from services.settings import Settings
from tests.fixtures.app import make_settings, start_service
from tests.fixtures.documents import BAUANTRAG, WIDERSPRUCH, letter_pdf
from tests.fixtures.server import REPO, eakte_env, run_server

pytestmark = [pytest.mark.ocr, pytest.mark.slow]

LONG_LEASE = "600"
"""Much longer than the test runs: a job taken over in time was released, not expired."""
PROCESS_ITEM = "process_item"


def three_page_scan(tag: str) -> bytes:
    """Long enough to OCR that SIGTERM lands in the middle of it."""
    return letter_pdf([tag, *BAUANTRAG], WIDERSPRUCH, BAUANTRAG)


def the_job(engine: Engine) -> Job:
    with Session(engine) as session:
        [job] = session.scalars(select(Job).where(Job.kind == PROCESS_ITEM))
        return job


def wait_for_job(engine: Engine, status: JobStatus, timeout: float = 300) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = the_job(engine)
        if job.status == status:
            return job
        time.sleep(0.05)
    raise AssertionError(f"the job did not reach {status} within {timeout} s")


def documents_of(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(Document.item_id)))


def item_status(engine: Engine) -> ItemStatus:
    with Session(engine) as session:
        [status] = session.scalars(select(IntakeItem.status))
        return status


class WorkerHost:
    """``eakte worker`` processes on a PostgreSQL database and a shared data directory."""

    def __init__(self, data_dir: Path, database_url: str, logs: Path) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.logs = logs
        self.tmp = logs / "tmp"  # the workers' temporary directory (OCR work)
        self.tmp.mkdir()
        self.started: list[subprocess.Popen[str]] = []

    def start(self, *, grace: float) -> subprocess.Popen[str]:
        env = eakte_env(
            self.data_dir,
            EAKTE_DATABASE_URL=self.database_url,
            EAKTE_SEARCH_BACKEND="postgres",
            EAKTE_WORKERS="1",
            EAKTE_JOBS__LEASE_SECONDS=LONG_LEASE,
            EAKTE_JOBS__SHUTDOWN_GRACE_SECONDS=str(grace),
            TMPDIR=str(self.tmp),
        )
        log = (self.logs / f"worker-{len(self.started)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker"],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        log.close()
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def world(tmp_path: Path, postgres_url: str) -> Iterator[tuple[Settings, WorkerHost, Engine]]:
    settings = make_settings(
        tmp_path / "data", database_url=postgres_url, search_backend="postgres"
    )
    engine = make_engine(postgres_url)
    host = WorkerHost(settings.data_dir, postgres_url, tmp_path)
    try:
        yield settings, host, engine
    finally:
        host.stop_all()
        engine.dispose()


def upload(settings: Settings, tag: str) -> None:
    """One scan through the API (no workers in this process)."""
    for service in start_service(settings, run_workers=False):
        response = service.client.post(
            "/api/v1/intake", files=[("files", (f"{tag}.pdf", three_page_scan(tag)))]
        )
        assert response.status_code == 202, response.text


def stop(process: subprocess.Popen[str], log: Path, timeout: float = 120) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the worker did not stop:\n{log.read_text()}") from None


@pytest.mark.postgres
def test_sigterm_lets_the_running_job_finish_within_the_grace_period(
    world: tuple[Settings, WorkerHost, Engine], tmp_path: Path
) -> None:
    settings, host, engine = world
    upload(settings, "finish")
    worker = host.start(grace=300)
    running = wait_for_job(engine, JobStatus.RUNNING)
    assert stop(worker, tmp_path / "worker-0.log") == 0
    assert "300 s to finish its job" in (tmp_path / "worker-0.log").read_text()
    job = the_job(engine)
    assert (job.id, job.status, job.attempts) == (running.id, JobStatus.DONE, 1)
    assert item_status(engine) == ItemStatus.DONE
    assert len(documents_of(engine)) == 1


@pytest.mark.postgres
def test_sigterm_past_the_grace_period_releases_the_job_for_another_worker(
    world: tuple[Settings, WorkerHost, Engine], tmp_path: Path
) -> None:
    settings, host, engine = world
    upload(settings, "release")
    worker = host.start(grace=0)
    wait_for_job(engine, JobStatus.RUNNING)
    assert stop(worker, tmp_path / "worker-0.log") == 0
    job = the_job(engine)
    assert (job.status, job.locked_by, job.lease_expires_at, job.attempts) == (
        JobStatus.QUEUED,
        None,
        None,
        0,
    ), "released, and the interrupted attempt is not counted"
    assert documents_of(engine) == []
    assert "released" in (tmp_path / "worker-0.log").read_text()
    assert list(host.tmp.glob("eakte-ocr-*")) == [], "the interrupted OCR run cleaned up"

    successor = host.start(grace=300)
    done = wait_for_job(engine, JobStatus.DONE)  # long before the 10-minute lease would end
    assert done.attempts == 1
    assert item_status(engine) == ItemStatus.DONE
    assert len(documents_of(engine)) == 1
    assert stop(successor, tmp_path / "worker-1.log") == 0


def test_embedded_workers_release_their_job_when_the_server_stops(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    engine = make_engine(f"sqlite:///{data_dir / 'eakte.db'}")
    embedded = {"EAKTE_WORKERS": "1", "EAKTE_JOBS__LEASE_SECONDS": LONG_LEASE}
    log = tmp_path / "serve.log"
    server = run_server(data_dir, log, EAKTE_JOBS__SHUTDOWN_GRACE_SECONDS="0", **embedded)
    try:
        with server.client() as client:
            response = client.post(
                "/api/v1/intake", files=[("files", ("embedded.pdf", three_page_scan("embedded")))]
            )
            assert response.status_code == 202, response.text
            item_id = response.json()["items"][0]["id"]
        wait_for_job(engine, JobStatus.RUNNING)
        server.process.send_signal(signal.SIGTERM)
        # uvicorn shuts down and then re-raises the signal it caught, as a process should
        assert server.process.wait(120) == -signal.SIGTERM
        output = log.read_text()
        assert "released at shutdown" in output and "Application shutdown complete" in output
        job = the_job(engine)
        assert (job.status, job.locked_by, job.attempts) == (JobStatus.QUEUED, None, 0)
        assert documents_of(engine) == []
    finally:
        server.stop()

    restarted = run_server(data_dir, log, admin_key=server.admin_key, **embedded)
    try:
        done = wait_for_job(engine, JobStatus.DONE)
        assert done.attempts == 1
        with restarted.client() as client:
            body = client.get(f"/api/v1/intake/items/{item_id}").json()
        assert body["status"] == "done" and len(body["documents"]) == 1
    finally:
        restarted.stop()
        engine.dispose()
