"""Web interface: server time of the list, search and validation pages at 100,000 documents.

    python -m benchmarks.ui_pages [--size 100000] [--quick] [--requests 60]

The corpus is :mod:`benchmarks.access_scoping`'s (Akten over every unit of the default
file plan, shares, VS-NfD objects, unfiled mail) on the embedded default (SQLite, FTS5),
plus open review tasks of unit 63 made by the real classifier.  A real ``eakte`` server
(uvicorn on 127.0.0.1, the same app as ``make run``) answers the pages; the case worker of
unit 63 and the admin take turns.  Each request is timed from sending to the last byte of
the HTML on loopback, so the figure is the server's time plus a fraction of a millisecond.

"Übernehmen & nächstes" is the decision (``POST`` to the review API, as the page's script
sends it: here a correction to 521.01 in a new Akte) followed by the next task's
validation page; both are timed together, and the page alone.  Goal (issue 11): p95
under 300 ms for every page.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, update

from benchmarks.access_scoping import build
from benchmarks.search_latency import build_vocabulary, percentile, queries
from benchmarks.table import print_table
from services.bootstrap import Container, build_container, prepare
from services.db.models import Document, DocumentVersion, IntakeItem, ObjectPurpose
from services.db.session import unit_of_work
from services.records.file_plans import active_plan
from services.storage.objects import minimum_protection, register_object, store_content
from tests.fixtures.app import make_settings
from tests.fixtures.browser import UiServer, serve
from tests.fixtures.records import classify_now, insert_document

GOAL_MS = 300.0
TASK_TEXTS = (
    "Antrag auf Baugenehmigung für ein Einfamilienhaus, Flurstück {n}, Gemarkung Hagen",
    "Widerspruch gegen den Gebührenbescheid vom {n}. März, Aktenzeichen unbekannt",
    "Anfrage zur Nutzungsänderung einer Garage in Wohnraum, Grundstück Nr. {n}",
)


@dataclass
class Timings:
    by_page: dict[str, list[float]] = field(default_factory=dict)

    def add(self, label: str, milliseconds: float) -> None:
        self.by_page.setdefault(label, []).append(milliseconds)


def timed_get(client: httpx.Client, path: str) -> float:
    began = time.perf_counter()
    response = client.get(path)
    response.read()
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise AssertionError(f"GET {path}: {response.status_code} {response.text[:300]}")
    return elapsed


def populate(data_dir: Path, size: int, tasks: int) -> str:
    """The access-scoping corpus and ``tasks`` open review tasks of unit 63; the admin key."""
    settings = make_settings(data_dir)
    container = build_container(settings)
    created = prepare(container, migrate=True)
    assert created is not None
    build(container.session_factory, container.search, size, datetime.now(UTC).date())
    register_corpus_content(container)
    with unit_of_work(container.session_factory, write=False) as session:
        active_plan(session)  # the plan the classifier files against exists
    for n in range(tasks):
        text = TASK_TEXTS[n % len(TASK_TEXTS)].format(n=n)
        classify_now(container, insert_document(container, text, org_unit="63"))
    container.close()
    return created.secret


def register_corpus_content(container: Container) -> None:
    """Give the corpus' rows one real stored object and their version 1.

    The generated rows name a placeholder blob; without this, the server's start-up
    would adopt all of them as content stored before revision-safe storage existed.
    """
    now = container.clock.now()
    retention = container.settings.retention
    blob = store_content(
        container.store,
        b"%PDF-1.4 bench",
        media_type="application/pdf",
        settings=retention,
        now=now,
    )
    with unit_of_work(container.session_factory) as session:
        stored = register_object(
            session,
            blob,
            media_type="application/pdf",
            purpose=ObjectPurpose.ORIGINAL,
            retain_until=minimum_protection(retention, now).retain_until,
            now=now,
        )
        session.flush()
        session.execute(
            update(IntakeItem).where(IntakeItem.blob_key == "bench").values(blob_key=blob.key)
        )
        session.execute(
            update(Document)
            .where(Document.content_blob_key == "bench")
            .values(content_blob_key=blob.key, content_sha256=blob.sha256)
        )
        versioned = select(DocumentVersion.document_id)
        unversioned = session.scalars(select(Document.id).where(Document.id.not_in(versioned)))
        session.execute(
            insert(DocumentVersion),
            [
                {
                    "document_id": document_id,
                    "number": 1,
                    "content_object_id": stored.id,
                    "media_type": "application/pdf",
                    "created_at": now,
                    "created_by": "bench",
                }
                for document_id in unversioned
            ],
        )


def open_tasks(server: UiServer, key: str) -> list[str]:
    """The open review tasks ``key`` sees, oldest first."""
    response = server.api.get(
        "/api/v1/review-queue",
        params={"limit": 500},
        headers={"Authorization": f"Bearer {key}"},
    )
    response.raise_for_status()
    return [task["id"] for task in response.json()["items"]]


def decision(n: int) -> dict[str, Any]:
    """What the clerk of unit 63 sends: Baugenehmigungsverfahren, in a new Akte.

    (521.01 keeps one Akte per object, so a new one is opened for each letter.)
    """
    return {"action": "correct", "code": "521.01", "new_akte": {"title": f"Bauvorhaben {n}"}}


def measure(server: UiServer, requests: int, timings: Timings) -> None:
    caseworker = server.key("caseworker", "63")
    people = {"caseworker 63": caseworker, "admin": server.admin_key}
    rng = random.Random(11)
    words = [q for _, q in queries(build_vocabulary(), max(requests, 20))]
    pages: list[tuple[str, Callable[[int], str]]] = [
        ("Postkorb", lambda n: "/ui/postkorb"),
        ("Prüfen (Liste)", lambda n: "/ui/pruefen"),
        ("Posteingang", lambda n: f"/ui/posteingang?offset={rng.randrange(0, 2000, 50)}"),
        ("Suche", lambda n: f"/ui/suche?q={words[n % len(words)]}"),
        ("Suche mit Filtern", lambda n: f"/ui/suche?q={words[n % len(words)]}&status=filed"),
        ("Akten", lambda n: f"/ui/akten?offset={rng.randrange(0, 100, 20)}"),
        ("E-Rechnungen", lambda n: "/ui/e-rechnungen"),
        ("Protokoll", lambda n: "/ui/verwaltung/protokoll"),
    ]
    for who, key in people.items():
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60
        ) as client:
            for label, path_of in pages:
                if label == "Protokoll" and who != "admin":
                    continue
                timed_get(client, path_of(0))  # warm
                for n in range(requests):
                    timings.add(f"{label} ({who})", timed_get(client, path_of(n)))
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {caseworker}"}, timeout=60
    ) as client:
        tasks = open_tasks(server, caseworker)
        timed_get(client, f"/ui/pruefen/{tasks[0]}")
        for n, (current, following) in enumerate(zip(tasks, tasks[1:], strict=False)):
            began = time.perf_counter()
            decided = client.post(f"/api/v1/review-queue/{current}/decision", json=decision(n))
            if decided.status_code != 200:
                raise AssertionError(decided.text)
            page_ms = timed_get(client, f"/ui/pruefen/{following}")
            timings.add("Übernehmen & nächstes (beides)", (time.perf_counter() - began) * 1000)
            timings.add("nächstes Dokument (Seite)", page_ms)


def report(size: int, timings: Timings) -> None:
    rows = []
    for label, values in timings.by_page.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        ok = "yes" if p95 < GOAL_MS else "NO"
        rows.append([label, str(len(values)), f"{p50:.1f}", f"{p95:.1f}", ok])
    print(
        f"\nWeb interface at {size:,} documents (ms per page, server on loopback; goal p95 < 300)"
    )
    print_table(["page", "requests", "p50", "p95", "goal"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--tasks", type=int, default=61)
    parser.add_argument("--quick", action="store_true", help="10,000 documents, 20 requests")
    args = parser.parse_args()
    if args.quick:
        args.size, args.requests, args.tasks = 10_000, 20, 21
    with tempfile.TemporaryDirectory(prefix="eakte-bench-ui-") as workdir:
        data_dir = Path(workdir) / "data"
        admin_key = populate(data_dir, args.size, args.tasks)
        timings = Timings()
        for server in serve(make_settings(data_dir), admin_key):
            measure(server, args.requests, timings)
        report(args.size, timings)


if __name__ == "__main__":
    main()
