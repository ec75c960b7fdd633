"""CMIS: getChildren of a 10,000-document Akte, a property query over 100,000 documents,
and the server's memory while 100 MB go up and down.

    python -m benchmarks.cmis [--size 100000] [--folder 10000] [--requests 60] [--quick]

The corpus is :mod:`benchmarks.access_scoping`'s (Akten over every unit of the default
file plan, shares, VS-NfD objects, unfiled mail) on the embedded default (SQLite, FTS5),
with every document stored as version 1 (as :mod:`benchmarks.ui_pages` does); ``--folder``
of its documents are moved into one Bauakte of unit 63.  A real ``eakte serve`` process
(without job workers, so that nothing but the requests counts into its memory) answers
through the Browser binding.  The benchmark defines a document type ``bench:bauantrag``
with createType, as a specialist procedure would, and gives every document that type and
a ``bench:vorgangsnummer`` (ten documents per number) directly in the database.

Measured from sending to the last byte on loopback, as the case worker of unit 63 and the
admin: ``getChildren`` (``maxItems=100`` at random ``skipCount``), the query
``SELECT … WHERE bench:vorgangsnummer = '…'`` and a prefix ``LIKE``.  Goal (issue 12):
p95 <= 100 ms.  Memory: the server's RSS before, and its peak (VmHWM, reset before)
while a 100 MB PDF is uploaded (streamed multipart) and downloaded; goal: flat, i.e. the
growth far below the 100 MB moved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select, update

from benchmarks.access_scoping import build
from benchmarks.search_latency import percentile
from benchmarks.table import print_table
from benchmarks.ui_pages import register_corpus_content
from services.bootstrap import build_container, prepare
from services.db.models import Akte, Document
from services.db.models.cmis import CmisObjectType, CmisPropertyValue
from services.db.session import make_engine, make_session_factory, unit_of_work
from tests.fixtures.app import make_settings
from tests.fixtures.cmis import LargePdf, memory, multipart_upload, reset_peak
from tests.fixtures.server import ServerProcess, run_server

GOAL_MS = 100.0
MB = 1024 * 1024
TYPE_ID = "bench:bauantrag"
NUMBER_ID = "bench:vorgangsnummer"
PER_NUMBER = 10
BIG_AKTE = str(uuid.UUID(int=(2 << 96) + 1))


def populate(data_dir: Path, size: int, folder: int) -> str:
    """The access-scoping corpus, versioned, with ``folder`` documents in one Bauakte."""
    container = build_container(make_settings(data_dir))
    created = prepare(container, migrate=True)
    assert created is not None
    build(container.session_factory, container.search, size, datetime.now(UTC).date())
    register_corpus_content(container)
    now = datetime.now(UTC)
    with unit_of_work(container.session_factory) as session:
        session.execute(
            insert(Akte),
            [
                {
                    "id": BIG_AKTE,
                    "aktenzeichen": "521.01-9999/2025",
                    "file_plan_code": "521.01",
                    "year": 2025,
                    "running_number": 9999,
                    "title": "Gartenstraße 12, Neubau Mehrfamilienhaus",
                    "org_unit": "63",
                    "confidentiality": "003",
                    "opened_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
        filed = session.scalars(
            select(Document.id).where(Document.akte_id.is_not(None)).limit(folder)
        ).all()
        session.execute(
            update(Document),
            [
                {
                    "id": document_id,
                    "akte_id": BIG_AKTE,
                    "org_unit": "63",
                    "confidentiality": "003",
                    "title": f"Bauvorlage {n:05d}",
                }
                for n, document_id in enumerate(filed)
            ],
        )
    container.close()
    return created.secret


def give_custom_properties(database_url: str) -> int:
    """Every document becomes a ``bench:bauantrag`` with a Vorgangsnummer; the count."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory, write=False) as session:
        ids = session.scalars(select(Document.id).order_by(Document.id)).all()
    for start in range(0, len(ids), 5000):
        batch = ids[start : start + 5000]
        with unit_of_work(factory) as session:
            session.execute(
                insert(CmisObjectType),
                [
                    {"object_key": f"document:{d}", "type_id": TYPE_ID, "secondary_type_ids": []}
                    for d in batch
                ],
            )
            session.execute(
                insert(CmisPropertyValue),
                [
                    {
                        "object_key": f"document:{d}",
                        "property_id": NUMBER_ID,
                        "position": 0,
                        "value_string": number(n // PER_NUMBER),
                    }
                    for n, d in enumerate(batch, start)
                ],
            )
    engine.dispose()
    return len(ids)


def number(n: int) -> str:
    return f"BV-{n:06d}"


def type_definition() -> dict[str, Any]:
    prop = {
        "id": NUMBER_ID,
        "localName": "vorgangsnummer",
        "localNamespace": "urn:bench",
        "displayName": "Vorgangsnummer",
        "queryName": NUMBER_ID,
        "description": "Nummer im Fachverfahren",
        "propertyType": "string",
        "cardinality": "single",
        "updatability": "readwrite",
        "inherited": False,
        "required": False,
        "queryable": True,
        "orderable": True,
    }
    return {
        "id": TYPE_ID,
        "localName": "bauantrag",
        "localNamespace": "urn:bench",
        "displayName": "Bauantrag",
        "queryName": TYPE_ID,
        "description": "Bauanträge des Fachverfahrens",
        "baseId": "cmis:document",
        "parentId": "cmis:document",
        "creatable": True,
        "fileable": True,
        "queryable": True,
        "fulltextIndexed": False,
        "includedInSupertypeQuery": True,
        "controllablePolicy": False,
        "controllableACL": False,
        "versionable": True,
        "contentStreamAllowed": "required",
        "propertyDefinitions": {NUMBER_ID: prop},
    }


def make_key(api: httpx.Client, role: str, unit: str | None) -> str:
    response = api.post(
        "/api/v1/keys", json={"name": f"bench {role}", "role": role, "org_unit": unit}
    )
    response.raise_for_status()
    return str(response.json()["key"])


def timed(send: Callable[[], httpx.Response]) -> float:
    began = time.perf_counter()
    response = send()
    response.read()
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise AssertionError(f"{response.request.url}: {response.status_code} {response.text}")
    return elapsed


def latencies(
    server: ServerProcess, keys: dict[str, str], size: int, folder: int, requests: int
) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    for who, key in keys.items():
        with httpx.Client(base_url=server.url, auth=("bench", key), timeout=120) as http:
            for label, operation in operations(http, size, folder).items():
                timed(operation)  # warm
                values = results.setdefault(f"{label} ({who})", [])
                values.extend(timed(operation) for _ in range(requests))
    return results


def operations(
    http: httpx.Client, size: int, folder: int
) -> dict[str, Callable[[], httpx.Response]]:
    """The requests measured, each drawing its page or number at random."""
    rng = random.Random(12)
    info = next(iter(http.get("/cmis/browser").json().values()))
    root, repository = info["rootFolderUrl"], info["repositoryUrl"]
    pages, numbers = max(1, folder // 100), size // PER_NUMBER

    def children() -> httpx.Response:
        params = {
            "objectId": f"akte:{BIG_AKTE}",
            "cmisselector": "children",
            "maxItems": "100",
            "skipCount": str(rng.randrange(pages) * 100),
            "succinct": "true",
        }
        return http.get(root, params=params)

    def equal() -> httpx.Response:
        wanted = number(rng.randrange(numbers))
        return query(
            http,
            repository,
            f"SELECT cmis:objectId, cmis:name, {NUMBER_ID} FROM {TYPE_ID} "
            f"WHERE {NUMBER_ID} = '{wanted}'",
        )

    def prefix() -> httpx.Response:
        start = number(rng.randrange(numbers // 10) * 10)[:-1]
        return query(
            http,
            repository,
            f"SELECT cmis:objectId FROM {TYPE_ID} WHERE {NUMBER_ID} LIKE '{start}%'",
        )

    return {
        f"getChildren, Akte of {folder:,}, maxItems=100": children,
        f"query {NUMBER_ID} = '…' (≤ 10 of {size:,})": equal,
        f"query {NUMBER_ID} LIKE '…%' (≤ 100)": prefix,
    }


def verify(server: ServerProcess, admin_key: str, folder: int, database_url: str) -> None:
    """The measured requests answer what the corpus holds: the admin sees every filed
    document (unfiled mail is no CMIS object: the repository has no unfiling)."""
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine), write=False) as session:
        filed = session.scalar(
            select(func.count())
            .select_from(Document)
            .join(CmisPropertyValue, CmisPropertyValue.object_key == "document:" + Document.id)
            .where(CmisPropertyValue.value_string == number(7), Document.akte_id.is_not(None))
        )
    engine.dispose()
    with httpx.Client(base_url=server.url, auth=("bench", admin_key), timeout=120) as http:
        info = next(iter(http.get("/cmis/browser").json().values()))
        statement = f"SELECT cmis:objectId FROM {TYPE_ID} WHERE {NUMBER_ID} = '{number(7)}'"
        rows = query(http, info["repositoryUrl"], statement).json()["results"]
        children = http.get(
            info["rootFolderUrl"],
            params={"objectId": f"akte:{BIG_AKTE}", "cmisselector": "children", "maxItems": "1"},
        ).json()
    if not filed or len(rows) != filed or children.get("numItems") != folder:
        raise AssertionError(f"{len(rows)} of {filed} rows, {children.get('numItems')} children")


def query(http: httpx.Client, repository: str, statement: str) -> httpx.Response:
    return http.post(
        repository,
        data={"cmisaction": "query", "statement": statement, "maxItems": "100", "succinct": "true"},
    )


def stream_memory(server: ServerProcess, key: str, megabytes: int) -> list[list[str]]:
    """Upload and download ``megabytes`` through the Browser binding; rows for the table."""
    pid = server.process.pid
    with httpx.Client(base_url=server.url, auth=("bench", key), timeout=600) as http:
        info = next(iter(http.get("/cmis/browser").json().values()))
        root = info["rootFolderUrl"]
        warm = LargePdf(256 * 1024)
        download(http, root, upload(http, root, warm, "warm.pdf"))
        before = memory(pid)["VmRSS"]
        reset_peak(pid)
        content = LargePdf(megabytes * MB)
        began = time.perf_counter()
        document = upload(http, root, content, "Bauvorlagen.pdf")
        up = time.perf_counter() - began
        began = time.perf_counter()
        digest = download(http, root, document)
        down = time.perf_counter() - began
        peak = memory(pid)["VmHWM"]
    if digest != content.sha256:
        raise AssertionError("the downloaded content differs from the uploaded")
    growth = (peak - before) / MB
    flat = "yes" if growth < megabytes * 0.6 else "NO"
    return [
        [f"upload {megabytes} MB", f"{up:.1f} s", f"{megabytes / up:.0f} MB/s", "", ""],
        [f"download {megabytes} MB", f"{down:.1f} s", f"{megabytes / down:.0f} MB/s", "", ""],
        ["server RSS before / peak", "", "", f"{before / MB:.0f} / {peak / MB:.0f} MB", ""],
        ["server RSS growth", "", "", f"{growth:.1f} MB", flat],
    ]


def upload(http: httpx.Client, root: str, content: LargePdf, name: str) -> str:
    fields = {
        "cmisaction": "createDocument",
        "propertyId[0]": "cmis:objectTypeId",
        "propertyValue[0]": "cmis:document",
        "propertyId[1]": "cmis:name",
        "propertyValue[1]": name,
        "succinct": "true",
    }
    content_type, length, body = multipart_upload(fields, content, name)
    response = http.post(
        root,
        params={"objectId": f"akte:{BIG_AKTE}"},
        content=body,
        headers={"Content-Type": content_type, "Content-Length": str(length)},
    )
    if response.status_code != 201:
        raise AssertionError(f"createDocument: {response.status_code} {response.text}")
    object_id: str = response.json()["succinctProperties"]["cmis:objectId"]
    return object_id


def download(http: httpx.Client, root: str, object_id: str) -> str:
    digest = hashlib.sha256()
    params = {"objectId": object_id, "cmisselector": "content"}
    with http.stream("GET", root, params=params) as response:
        if response.status_code != 200:
            raise AssertionError(f"content: {response.status_code} {response.read()!r}")
        for chunk in response.iter_bytes(MB):
            digest.update(chunk)
    return digest.hexdigest()


def report(size: int, timings: dict[str, list[float]], memory_rows: list[list[str]]) -> None:
    rows = []
    for label, values in timings.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        ok = "yes" if p95 <= GOAL_MS else "NO"
        rows.append([label, str(len(values)), f"{p50:.1f}", f"{p95:.1f}", ok])
    print(f"\nCMIS Browser binding at {size:,} documents (ms per request; goal p95 <= 100)")
    print_table(["request", "requests", "p50", "p95", "goal"], rows)
    print("\nStreaming through the Browser binding (goal: server memory flat)")
    print_table(["what", "time", "rate", "memory", "flat"], memory_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--folder", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--stream-mb", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="20,000 documents, 20 requests")
    args = parser.parse_args()
    if args.quick:
        args.size, args.folder, args.requests, args.stream_mb = 20_000, 5_000, 20, 50
    with tempfile.TemporaryDirectory(prefix="eakte-bench-cmis-") as workdir:
        data_dir = Path(workdir) / "data"
        admin_key = populate(data_dir, args.size, args.folder)
        server = run_server(
            data_dir,
            Path(workdir) / "server.log",
            admin_key=admin_key,
            EAKTE_EMBEDDED_WORKERS="false",
        )
        try:
            with server.client() as api:
                keys = {"caseworker 63": make_key(api, "caseworker", "63"), "admin": admin_key}
            with httpx.Client(base_url=server.url, auth=("bench", admin_key), timeout=60) as http:
                repository = next(iter(http.get("/cmis/browser").json().values()))["repositoryUrl"]
                created = http.post(
                    repository,
                    data={"cmisaction": "createType", "type": json.dumps(type_definition())},
                )
                if created.status_code != 201:
                    raise AssertionError(f"createType: {created.status_code} {created.text}")
            database_url = make_settings(data_dir).effective_database_url
            give_custom_properties(database_url)
            verify(server, admin_key, args.folder, database_url)
            timings = latencies(server, keys, args.size, args.folder, args.requests)
            memory_rows = stream_memory(server, keys["caseworker 63"], args.stream_mb)
        finally:
            server.stop()
        report(args.size, timings, memory_rows)


if __name__ == "__main__":
    main()
