"""Search latency of the OpenSearch backend, on osmem-server or a real cluster.

    python -m benchmarks.search_opensearch [--sizes 10000,100000] [--quick] [--url URL]

The corpus and query mix are those of :mod:`benchmarks.search_latency` (synthetic
municipal letters of 250-500 words; common and rare terms, two terms, phrases, misses).
Documents are indexed through the real path: ``index_document`` in transactions of
1,000 (search text and outbox rows in SQLite), delivered to the cluster after each
commit in bulk requests.  Each search is the backend's whole answer with ``limit=20``:
the OpenSearch request with the access filter inside, the texts read back from the
database and the snippets cut.  Two callers: an administrator (no filter) and a case
worker of one of 20 units (visibility filter in the query).

Without ``--url`` the cluster is osmem-server on 127.0.0.1: an in-memory Go server
speaking OpenSearch's REST API on bleve, not Lucene.  Its latencies and memory say little
about a real OpenSearch cluster; they show that the backend's requests stay cheap.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.search_latency import (
    build_vocabulary,
    insert_document_rows,
    letter,
    percentile,
    queries,
)
from benchmarks.table import print_table
from services.access.scope import Scope, system_scope
from services.backends.opensearch import build_opensearch
from services.db.migrate import upgrade
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.ports import SearchIndex
from services.settings import OpenSearchSettings
from tests.contract.search_backends import unit_scope

UNITS = 20


@contextmanager
def cluster(url: str | None) -> Iterator[tuple[str, int | None]]:
    """(url, pid of osmem or None) of the cluster to measure."""
    if url:
        yield url, None
        return
    from osmem_server import OsmemServer

    with OsmemServer.start(japanese=False, addr="127.0.0.1:0") as server:
        yield server.url, server.pid


def rss_mib(pid: int | None) -> str:
    if pid is None:
        return "-"
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return f"{int(line.split()[1]) / 1024:,.0f}"
    return "?"


def build(index: SearchIndex, factory: sessionmaker[Session], size: int) -> float:
    """Index ``size`` letters through the backend; return the seconds it took."""
    insert_document_rows(factory, size)
    with unit_of_work(factory) as session:  # spread the letters over the units
        session.execute(
            text("UPDATE documents SET org_unit = CAST(abs(random()) % :n AS TEXT)"),
            {"n": UNITS},
        )
    vocab = build_vocabulary()
    rng = random.Random(size)
    started = time.perf_counter()
    for start in range(0, size, 1000):
        batch = [letter(rng, vocab, n) for n in range(start, min(size, start + 1000))]
        with unit_of_work(factory) as session:
            for document in batch:
                index.index_document(session, document)
        if start and start % 50_000 == 0:
            rate = start / (time.perf_counter() - started)
            print(f"  {start:,} indexed, {rate:,.0f} documents/s", flush=True)
    return time.perf_counter() - started


def measure(
    index: SearchIndex,
    factory: sessionmaker[Session],
    scope: Scope,
    query_mix: list[tuple[str, str]],
) -> dict[str, list[float]]:
    """Milliseconds per query, by kind, after a warm-up with every 20th query."""
    latencies: dict[str, list[float]] = {}
    with factory() as session:
        for _, query in query_mix[::20]:
            index.search(session, scope, query, limit=20, offset=0)
        for kind, query in query_mix:
            began = time.perf_counter()
            index.search(session, scope, query, limit=20, offset=0)
            latencies.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
    return latencies


def run(size: int, url: str | None, query_count: int, workdir: str) -> list[list[str]]:
    rows = []
    query_mix = queries(build_vocabulary(), query_count)
    with cluster(url) as (cluster_url, pid):
        engine = make_engine(f"sqlite:///{Path(workdir) / f'opensearch-{size}.db'}")
        upgrade(engine)
        factory = make_session_factory(engine)
        settings = OpenSearchSettings(
            urls=[cluster_url], alias=f"bench-{size}", bulk_size=1000, timeout_seconds=120
        )
        index = build_opensearch(settings, factory).index
        seconds = build(index, factory, size)
        kind = "osmem" if pid else "opensearch"
        callers = {"admin": system_scope(), "unit": unit_scope("7")}
        for caller, scope in callers.items():
            latencies = measure(index, factory, scope, query_mix)
            every = [ms for values in latencies.values() for ms in values]
            common = latencies.get("common", [])
            rows.append(
                [
                    kind,
                    f"{size:,}",
                    caller,
                    f"{size / seconds:,.0f}",
                    f"{percentile(every, 0.5):.1f}",
                    f"{percentile(every, 0.95):.1f}",
                    f"{percentile(common, 0.95):.1f}" if common else "-",
                    f"{max(every):.1f}",
                    rss_mib(pid),
                ]
            )
        engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000", help="corpus sizes, comma-separated")
    parser.add_argument("--queries", type=int, default=200, help="queries per run and caller")
    parser.add_argument("--quick", action="store_true", help="1,000 documents, 50 queries")
    parser.add_argument("--url", help="a real OpenSearch cluster (default: osmem-server)")
    args = parser.parse_args(argv)
    sizes = [1000] if args.quick else [int(size) for size in args.sizes.split(",")]
    query_count = 50 if args.quick else args.queries
    load_before = os.getloadavg()[0]
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="eakte-bench-") as workdir:
        for size in sizes:
            rows += run(size, args.url, query_count, workdir)
    load_after = os.getloadavg()[0]
    print_table(
        [
            "cluster",
            "documents",
            "caller",
            "indexed/s",
            "p50 ms",
            "p95 ms",
            "p95 common ms",
            "max ms",
            "server RSS MiB",
        ],
        rows,
    )
    print(f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after")


if __name__ == "__main__":
    main()
