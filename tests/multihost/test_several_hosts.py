"""Several hosts: PostgreSQL, SeaweedFS, the API and two worker hosts in their own namespaces.

200 scans go in through the API; when a third of them are done and the first worker
host is in the middle of a job, that host is cut off (link down, every process SIGKILLed).
The other host takes its jobs over once their leases run out, and every scan ends as
exactly one document: checked in the database (items, documents, jobs, audit events)
and through the API.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api.cli.bootstrap_key import KEY_FILE
from services.db.models import AuditEvent, Document, IntakeItem, ItemStatus, Job, JobStatus
from services.db.session import make_engine
from tests.fixtures.availability import unavailable
from tests.fixtures.documents import letter_image, pdf_from_images
from tests.fixtures.seaweed import find_weed
from tests.fixtures.server import REPO, eakte_env
from tests.multihost.netns import NetworkUnavailable, PrivateNetwork, pids_in

pytestmark = [
    pytest.mark.slow,
    pytest.mark.ocr,
    pytest.mark.postgres,
    pytest.mark.s3,
    pytest.mark.timeout(1800),  # 200 OCR runs on two cores: minutes, more on a loaded machine
]

SCANS = 200
BATCH = 20
API_PORT = 8000
LEASE_SECONDS = 10
CUT_AFTER_DONE = SCANS // 3
WAIT_SECONDS = 1500
ROLES = ["pg", "s3", "api", "w1", "w2"]
PROCESS_ITEM = "process_item"
CLASSIFY = "classify_document"

CHEAP_OCR = {
    "EAKTE_OCR__LANGUAGES": '["deu"]',
    "EAKTE_OCR__DESKEW": "false",
    "EAKTE_OCR__CLEAN": "false",
    "EAKTE_OCR__ROTATE_PAGES": "false",
}


@dataclass
class Deployment:
    network: PrivateNetwork
    database_url: str
    api_url: str
    admin_key: str
    logs: Path

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.api_url,
            headers={"Authorization": f"Bearer {self.admin_key}"},
            timeout=60,
            trust_env=False,
        )


class Processes:
    """The processes a test starts in the host namespaces; stopped in reverse order."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self._started: list[tuple[subprocess.Popen[str], IO[str]]] = []

    def start(
        self, command: list[str], log_name: str, *, env: dict[str, str] | None = None
    ) -> subprocess.Popen[str]:
        log = (self.logs / log_name).open("a")
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE if env is None else log,
            stderr=log,
            text=True,
            cwd=REPO,
            env=env,
        )
        self._started.append((process, log))
        return process

    def stop_all(self) -> None:
        for process, log in reversed(self._started):
            if process.poll() is None:
                with contextlib.suppress(OSError):
                    assert process.stdin is not None
                    process.stdin.close()  # the in-namespace servers stop on EOF ...
                if process.stdout is None:
                    process.terminate()  # ... eakte on SIGTERM
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()


def start_server(processes: Processes, network: PrivateNetwork, role: str, workdir: Path) -> Any:
    """PostgreSQL or SeaweedFS inside its host; return what it printed about itself."""
    host = network.hosts[role]
    workdir.mkdir(parents=True)
    command = [sys.executable, "-m", "tests.multihost.hosts", role, host.address, str(workdir)]
    process = processes.start(host.command(command), f"{role}.log")
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        raise AssertionError(
            f"{role} did not start:\n{(processes.logs / f'{role}.log').read_text()}"
        )
    return json.loads(line)


def eakte_settings(data_dir: Path, database_url: str, s3: dict[str, str]) -> dict[str, str]:
    """What every host of the deployment needs: the same database, store and job settings."""
    data_dir.mkdir(parents=True)
    tmp = data_dir / "tmp"  # each host has its own temporary directory (OCR work)
    tmp.mkdir()
    return eakte_env(
        data_dir,
        TMPDIR=str(tmp),
        EAKTE_DATABASE_URL=database_url,
        EAKTE_SEARCH_BACKEND="postgres",
        EAKTE_STORAGE_BACKEND="s3",
        EAKTE_S3_ENDPOINT=s3["endpoint"],
        EAKTE_S3_ACCESS_KEY=s3["access_key"],
        EAKTE_S3_SECRET_KEY=s3["secret_key"],
        EAKTE_S3_BUCKET=s3["bucket"],
        EAKTE_S3_SECURE="false",
        EAKTE_EMBEDDED_WORKERS="false",
        EAKTE_WORKERS="1",
        EAKTE_JOBS__LEASE_SECONDS=str(LEASE_SECONDS),
        **CHEAP_OCR,
    )


def wait_for_api(url: str, data_dir: Path, process: subprocess.Popen[str], log: Path) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"eakte serve exited:\n{log.read_text()}")
        key_file = data_dir / KEY_FILE
        if key_file.exists() and (key := key_file.read_text().strip()):
            with contextlib.suppress(httpx.TransportError):
                response = httpx.get(
                    f"{url}/api/v1/health",
                    headers={"Authorization": f"Bearer {key}"},
                    trust_env=False,
                )
                if response.status_code == 200:
                    return key
        time.sleep(0.3)
    raise AssertionError(f"eakte serve did not come up:\n{log.read_text()}")


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    if find_weed() is None:
        unavailable("SeaweedFS", "no 'weed' binary next to the interpreter or on PATH")
    logs = tmp_path / "logs"
    logs.mkdir()
    network = PrivateNetwork(ROLES)
    try:
        network.open()
    except NetworkUnavailable as exc:
        unavailable("network namespaces", str(exc))
    processes = Processes(logs)
    try:
        database_url = start_server(processes, network, "pg", tmp_path / "pg")["url"]
        s3 = start_server(processes, network, "s3", tmp_path / "s3")
        api = network.hosts["api"]
        api_dir = tmp_path / "api"
        env = eakte_settings(api_dir, database_url, s3)
        env.update(EAKTE_HOST=api.address, EAKTE_PORT=str(API_PORT))
        migrate = subprocess.run(
            api.command([sys.executable, "-m", "api.cli", "db", "upgrade"]),
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        server = processes.start(
            api.command([sys.executable, "-m", "api.cli", "serve", "--no-workers"]),
            "api.log",
            env=env,
        )
        api_url = f"http://{api.address}:{API_PORT}"
        key = wait_for_api(api_url, api_dir, server, logs / "api.log")
        for role in ("w1", "w2"):
            host = network.hosts[role]
            processes.start(
                host.command([sys.executable, "-m", "api.cli", "worker"]),
                f"{role}.log",
                env=eakte_settings(tmp_path / role, database_url, s3),
            )
        yield Deployment(network, database_url, api_url, key, logs)
    finally:
        processes.stop_all()
        network.close()


def scan(number: int) -> bytes:
    """A small one-page letter whose text (and so its checksum) is its own."""
    lines = [f"Stadt Musterstadt Vorgang {number:04d}", "Antrag auf Baugenehmigung"]
    return pdf_from_images([letter_image(lines, dpi=100, size_pt=16)], dpi=100)


def upload_all(client: httpx.Client) -> list[str]:
    item_ids: list[str] = []
    for first in range(0, SCANS, BATCH):
        files = [
            ("files", (f"scan-{n:04d}.pdf", scan(n), "application/pdf"))
            for n in range(first, min(first + BATCH, SCANS))
        ]
        response = client.post("/api/v1/intake", files=files)
        assert response.status_code == 202, response.text
        items = response.json()["items"]
        assert not any(item["duplicate"] for item in items)
        item_ids.extend(item["id"] for item in items)
    return item_ids


def count(engine: Engine, query: Any) -> int:
    with Session(engine) as session:
        return int(session.scalar(query) or 0)


def wait_until(condition: Any, what: str, logs: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            tails = {p.name: p.read_text()[-3000:] for p in logs.iterdir()}
            raise AssertionError(f"not reached within {WAIT_SECONDS} s: {what}\n{tails}")
        time.sleep(0.5)


def items_done(engine: Engine) -> int:
    return count(
        engine,
        select(func.count(IntakeItem.id)).where(
            IntakeItem.status.in_([ItemStatus.DONE, ItemStatus.FAILED])
        ),
    )


def running_on(engine: Engine, role: str) -> list[int]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(Job.id).where(
                    Job.kind == PROCESS_ITEM,
                    Job.status == JobStatus.RUNNING,
                    Job.locked_by.startswith(f"eakte-{role}:"),
                )
            )
        )


def unfinished(engine: Engine) -> int:
    return count(
        engine,
        select(func.count(Job.id)).where(
            Job.kind.in_([PROCESS_ITEM, CLASSIFY]),
            Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        ),
    )


def test_every_scan_is_finished_exactly_once_when_a_worker_host_is_cut_off(
    deployment: Deployment,
) -> None:
    engine = make_engine(deployment.database_url)
    logs = deployment.logs
    try:
        started = time.monotonic()
        with deployment.client() as client:
            item_ids = upload_all(client)
        assert len(set(item_ids)) == SCANS

        wait_until(
            lambda: items_done(engine) >= CUT_AFTER_DONE and running_on(engine, "w1"),
            f"{CUT_AFTER_DONE} scans done and the first worker host in the middle of one",
            logs,
        )
        interrupted = running_on(engine, "w1")
        done_before_cut = items_done(engine)
        killed = deployment.network.cut_off("w1")
        cut_at = time.monotonic()
        assert killed, "the worker host had processes to kill"
        assert pids_in(deployment.network.hosts["w1"].netns) == []

        wait_until(
            lambda: items_done(engine) == SCANS and unfinished(engine) == 0,
            "every scan processed and classified",
            logs,
        )
        finished = time.monotonic()
        check_database(engine, set(item_ids), interrupted)
        check_api(deployment, item_ids)
        print(
            f"\n{SCANS} scans, {done_before_cut} done when w1 was cut off "
            f"({cut_at - started:.0f} s), all done after {finished - started:.0f} s; "
            f"jobs taken over from w1: {interrupted}"
        )
    finally:
        engine.dispose()


def check_database(engine: Engine, item_ids: set[str], interrupted: list[int]) -> None:
    with Session(engine) as session:
        items = session.execute(select(IntakeItem.id, IntakeItem.status)).all()
        assert {item_id for item_id, _ in items} == item_ids
        assert {status for _, status in items} == {ItemStatus.DONE}

        documents = session.execute(select(Document.id, Document.item_id)).all()
        assert len(documents) == len(item_ids), "one document per scan, no more"
        assert {item_id for _, item_id in documents} == item_ids
        document_ids = {document_id for document_id, _ in documents}

        processing = session.scalars(select(Job).where(Job.kind == PROCESS_ITEM)).all()
        assert sorted(str(job.payload["item_id"]) for job in processing) == sorted(item_ids)
        assert {job.status for job in processing} == {JobStatus.DONE}
        classifying = session.scalars(select(Job).where(Job.kind == CLASSIFY)).all()
        assert sorted(str(job.payload["document_id"]) for job in classifying) == sorted(
            document_ids
        )
        assert {job.status for job in classifying} == {JobStatus.DONE}

        recognised = session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "ocr.done")
        ).all()
        assert sorted(recognised) == sorted(document_ids), "OCR recorded once per document"

        by_host = {
            role: sum(1 for job in processing if (job.locked_by or "").startswith(f"eakte-{role}:"))
            for role in ("w1", "w2")
        }
        assert by_host["w1"] > 0 and by_host["w2"] > 0, by_host
        assert by_host["w1"] + by_host["w2"] == len(item_ids)
        taken_over = {job.id: job for job in processing if job.id in interrupted}
        assert set(taken_over) == set(interrupted)
        for job in taken_over.values():
            assert (job.locked_by or "").startswith("eakte-w2:"), job.locked_by
            assert job.attempts == 2, "claimed by w1, then once more by w2 after the lease ran out"


def check_api(deployment: Deployment, item_ids: list[str]) -> None:
    seen: set[str] = set()
    with deployment.client() as client:
        for item_id in item_ids:
            response = client.get(f"/api/v1/intake/items/{item_id}")
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["status"] == "done", body
            [document] = body["documents"]
            assert document["pages"] == 1
            assert document["id"] not in seen
            seen.add(document["id"])
