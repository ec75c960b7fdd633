"""OCR pages per minute against the number of worker processes (1, 2, 3, 4).

    .venv/bin/python -m benchmarks.worker_scaling [--quick] [--workers 1,2,3,4]

The deployment with separate workers (what ``make worker`` runs next to ``eakte serve``
on PostgreSQL): for each worker count a fresh PostgreSQL database gets the same
distinct one-page letters (A4, 200 dpi, default OCR settings: deu+eng, rotation,
deskew, clean) through the API of an in-process service without workers; then
``eakte worker -n N`` starts.  The first N jobs done are the warm-up (a process's first
OCR run also finds out whether ocrmypdf accepts the installed Ghostscript, and on this
machine runs twice); the clock runs from then until the last ``process_item`` job is
done, and pages per minute = the pages recognised meanwhile / that time.
Classification jobs that follow run too but are not waited for.

One OCR job runs per worker process, and ocrmypdf runs one page on one core, so the
rate grows with the processes only up to the number of cores: on a 2-core machine it
saturates at 2.  The load average before each run is printed: other work on the same
cores moves the numbers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from benchmarks.table import print_table
from services.db.migrate import upgrade
from services.db.models import Job, JobStatus
from services.db.session import make_engine
from tests.fixtures.app import make_settings, start_service
from tests.fixtures.documents import letter_image, pdf_from_images
from tests.fixtures.pg_cluster import PostgresCluster
from tests.fixtures.server import REPO, eakte_env

PROCESS_ITEM = "process_item"
LINES = [
    "Stadt Musterstadt - Bauordnungsamt",
    "Antrag auf Erteilung einer Baugenehmigung",
    "Sehr geehrte Damen und Herren,",
    "hiermit beantrage ich die Genehmigung für den Anbau",
    "an das Wohnhaus Gartenstraße 12, Flurstück 345.",
    "Die Bauvorlagen liegen diesem Schreiben bei.",
    "Mit freundlichen Grüßen",
]


def letters(count: int, run: str) -> list[tuple[str, bytes]]:
    return [
        (
            f"{run}-{n:03d}.pdf",
            pdf_from_images([letter_image([f"Vorgang {run}-{n:03d}", *LINES])]),
        )
        for n in range(count)
    ]


def count_jobs(engine: Engine, *statuses: JobStatus) -> int:
    with Session(engine) as session:
        query = select(func.count(Job.id)).where(Job.kind == PROCESS_ITEM, Job.status.in_(statuses))
        return int(session.scalar(query) or 0)


def measure(
    cluster: PostgresCluster, workers: int, documents: int, workdir: Path
) -> tuple[int, float]:
    """Pages recognised after the warm-up, and the seconds they took."""
    url = cluster.create_database(f"bench_{uuid.uuid4().hex[:12]}")
    engine = make_engine(url)
    upgrade(engine)
    data_dir = workdir / f"data-{workers}"
    settings = make_settings(data_dir, database_url=url, search_backend="postgres")
    for service in start_service(settings, run_workers=False):
        for name, data in letters(documents, f"w{workers}"):
            response = service.client.post("/api/v1/intake", files=[("files", (name, data))])
            response.raise_for_status()
    tmp = workdir / f"tmp-{workers}"
    tmp.mkdir()
    env = eakte_env(
        data_dir,
        EAKTE_DATABASE_URL=url,
        EAKTE_SEARCH_BACKEND="postgres",
        EAKTE_JOBS__LEASE_SECONDS="120",
        EAKTE_JOBS__SHUTDOWN_GRACE_SECONDS="0",
        TMPDIR=str(tmp),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker", "-n", str(workers)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while (warm := count_jobs(engine, JobStatus.DONE, JobStatus.FAILED)) < workers:
            _check_alive(process)
            time.sleep(0.05)
        started = time.monotonic()
        while count_jobs(engine, JobStatus.DONE, JobStatus.FAILED) < documents:
            _check_alive(process)
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        if failed := count_jobs(engine, JobStatus.FAILED):
            raise SystemExit(f"{failed} OCR jobs failed with {workers} workers")
        return documents - warm, elapsed
    finally:
        process.terminate()
        process.wait(120)
        engine.dispose()


def _check_alive(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        raise SystemExit(f"eakte worker exited with {process.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer letters per run")
    parser.add_argument("--workers", default="1,2,3,4", help="worker counts to measure")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    rows = []
    with PostgresCluster() as cluster, tempfile.TemporaryDirectory() as tmp:
        for workers in counts:
            documents = (4 if args.quick else 12) * max(workers, 2)
            load = os.getloadavg()[0]
            pages, seconds = measure(cluster, workers, documents, Path(tmp))
            rows.append(
                [
                    str(workers),
                    str(pages),
                    f"{seconds:.1f}",
                    f"{pages / seconds * 60:.1f}",
                    f"{load:.2f}",
                ]
            )
            print(f"  {workers} worker processes: {pages} pages in {seconds:.1f} s", flush=True)
    print(f"\n{os.cpu_count()} cores; one-page letters, 200 dpi, default OCR settings")
    print_table(["workers", "pages", "seconds", "pages/min", "load before"], rows)


if __name__ == "__main__":
    main()
