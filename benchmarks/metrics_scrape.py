"""What one ``/metrics`` scrape costs the database, at a given number of documents.

``python -m benchmarks.metrics_scrape --sizes 10000 100000`` fills a fresh SQLite
database and a throwaway PostgreSQL cluster with documents (each OCRed and classified),
two stored objects and three finished jobs per document, one audit event per document
and a small waiting queue, then times :func:`services.observability.figures.read_figures`
(everything a scrape reads; the dependency checks are extra and cost the same at every
size).  The median of 7 reads after one warm-up read, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.table import print_table
from services.db.migrate import upgrade
from services.db.models import (
    AuditEvent,
    ClassificationResult,
    Document,
    IntakeItem,
    Job,
    StoredObject,
)
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.observability.figures import read_figures
from tests.fixtures.pg_cluster import PostgresCluster

BATCH = 5000
READS = 7


def fill(factory: sessionmaker[Session], size: int) -> None:
    now = datetime.now(UTC)
    for start in range(0, size, BATCH):
        numbers = range(start, min(size, start + BATCH))
        with unit_of_work(factory) as session:
            session.execute(insert(IntakeItem), [_item(n, now) for n in numbers])
            session.execute(insert(Document), [_document(n, now) for n in numbers])
            session.execute(insert(ClassificationResult), [_classified(n, now) for n in numbers])
            session.execute(
                insert(StoredObject), [_stored(n, part, now) for n in numbers for part in (0, 1)]
            )
            session.execute(
                insert(Job), [_job(n, kind, now) for n in numbers for kind in ("a", "b", "c")]
            )
            session.execute(insert(AuditEvent), [_event(n, now) for n in numbers])
    with unit_of_work(factory) as session:
        session.execute(insert(Job), [_job(n, "a", now, waiting=True) for n in range(50)])


def _id(n: int, salt: int = 0) -> str:
    return str(uuid.UUID(int=n * 4 + salt))


def _item(n: int, now: datetime) -> dict[str, Any]:
    return {
        "id": _id(n),
        "sha256": f"{n:064x}",
        "blob_key": "bench",
        "size": 1,
        "media_type": "application/pdf",
        "page_count": 2,
        "received_at": now,
        "created_at": now,
        "updated_at": now,
    }


def _document(n: int, now: datetime) -> dict[str, Any]:
    return {
        "id": _id(n),
        "item_id": _id(n),
        "part_index": 0,
        "first_page": 1,
        "last_page": 2,
        "title": "bench",
        "status": "ocr_done",
        "content_blob_key": "bench",
        "content_sha256": f"{n:064x}",
        "content_size": 1,
        "content_media_type": "application/pdf",
        "page_count": 2,
        "ocr_performed": True,
        "ocr_engine": "ocrmypdf",
        "created_at": now,
        "updated_at": now,
    }


def _classified(n: int, now: datetime) -> dict[str, Any]:
    return {
        "id": _id(n, 1),
        "document_id": _id(n),
        "method": "model",
        "decision": ("auto", "routed", "review")[n % 3],
        "reason": "bench",
        "suggestions": [],
        "references": [],
        "created_at": now,
    }


def _stored(n: int, part: int, now: datetime) -> dict[str, Any]:
    return {
        "blob_key": f"sha256/{n:062x}{part:02x}",
        "sha256": f"{n:062x}{part:02x}",
        "size": 1,
        "media_type": "application/pdf",
        "purpose": "content",
        "stored_at": now,
        "retain_until": now + timedelta(days=365),
        "fixity_status": "ok",
        "fixity_checked_at": now - timedelta(minutes=n % 1000),
    }


def _job(n: int, kind: str, now: datetime, *, waiting: bool = False) -> dict[str, Any]:
    return {
        "kind": kind,
        "payload": {"n": n},
        "status": "queued" if waiting else "done",
        "attempts": 0 if waiting else 1,
        "max_attempts": 5,
        "run_after": now - timedelta(seconds=n),
        "created_at": now,
        "finished_at": None if waiting else now,
    }


def _event(n: int, now: datetime) -> dict[str, Any]:
    return {
        "occurred_at": now,
        "actor": "system",
        "action": "bench",
        "object_type": "document",
        "object_id": _id(n),
        "details": {},
        "seq": n + 1,
        "prev_hash": f"{n:064x}",
        "event_hash": f"{n + 1:064x}",
    }


def time_reads(url: str, size: int) -> float:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    fill(factory, size)
    if url.startswith("postgresql"):
        with unit_of_work(factory) as session:
            session.execute(text("ANALYZE"))
    timings = []
    for _ in range(READS + 1):
        started = time.perf_counter()
        with unit_of_work(factory, write=False) as session:
            read_figures(session, datetime.now(UTC))
        timings.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return statistics.median(timings[1:])


def run_all(sizes: list[int], backends: list[str]) -> Iterator[list[str]]:
    load = os.getloadavg()[0]
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory(prefix="eakte-bench-") as workdir:
            for size in sizes:
                ms = time_reads(f"sqlite:///{Path(workdir) / f'metrics-{size}.db'}", size)
                yield ["sqlite", f"{size:,}", f"{ms:.0f}", f"{load:.1f}"]
    if "postgres" in backends:
        with PostgresCluster() as cluster:
            for size in sizes:
                ms = time_reads(cluster.create_database(f"metrics_{size}"), size)
                yield ["postgres", f"{size:,}", f"{ms:.0f}", f"{os.getloadavg()[0]:.1f}"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--quick", action="store_true", help="1,000 documents only")
    args = parser.parse_args(argv)
    rows = list(run_all([1_000] if args.quick else args.sizes, args.backends))
    print_table(["database", "documents", "scrape figures ms (median)", "load (1 min)"], rows)


if __name__ == "__main__":
    main()
