"""The cost of scoping: search and list latency of a case worker seeing ~5 % against an admin.

    python -m benchmarks.access_scoping [--sizes 100000] [--quick] [--backends sqlite,postgres]

The corpus is :mod:`benchmarks.search_latency`'s (its letters, rows and query mix), filed
in Akten spread over the units of the default file plan.  A few Akten of other units are
shared with unit 63 (some of those shares expired, revoked or given to another unit), and
some Akten and documents are VS-NfD (002).  Every request is timed as the API serves it:
``build_scope`` in its own read transaction, then the query in another; the admin
(clearance 004) and the case worker of unit 63 (clearance 003) take turns.

While it runs, the case worker's totals are checked (not timed) against what the generator
says they may see, computed in Python from the generated rows: list totals on every call,
search totals for each distinct query with at most ``--verify-cap`` hits (the admin's hits,
who sees everything, intersected with that set).  Goal (issue): within 10 %, ratio <= 1.10.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text, update
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.search_latency import (
    build_vocabulary,
    insert_document_rows,
    letter,
    percentile,
    queries,
)
from benchmarks.table import print_table
from services.access.confidentiality import Confidentiality
from services.access.principal import Principal, PrincipalKind
from services.access.roles import RoleCatalog
from services.access.scope import Scope, build_scope
from services.backends.postgres_search import PostgresSearchIndex
from services.backends.sqlite_search import SqliteFtsSearchIndex
from services.clock import SystemClock
from services.db.migrate import upgrade
from services.db.models import Akte, AkteShare, Document, ShareGrantee
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.documents.queries import list_documents
from services.ports import SearchIndex
from services.records.file_plans import active_plan, ensure_plan
from services.records.queries import list_akten
from tests.fixtures.pg_cluster import PostgresCluster

UNIT = "63"
OPEN, VS_NFD = "003", "002"
DOCS_PER_AKTE = 50


def person(name: str, role: str, units: set[str], clearance: Confidentiality) -> Principal:
    return Principal(
        name, PrincipalKind.PERSON, name, frozenset({role}), frozenset(units), clearance
    )


ADMIN = person("bench-admin", "admin", set(), Confidentiality.STRENG_GEHEIM)
CASEWORKER = person("bench-caseworker-63", "caseworker", {UNIT}, Confidentiality.OFFEN)
PRINCIPALS = {"admin": ADMIN, "caseworker": CASEWORKER}
SHARE_VARIANTS: list[tuple[ShareGrantee, str, int | None, bool]] = [
    # grantee kind, grantee, valid until (days from today), revoked
    (ShareGrantee.UNIT, UNIT, None, False),
    (ShareGrantee.UNIT, UNIT, 30, False),
    (ShareGrantee.UNIT, UNIT, 0, False),  # its last day: still valid
    (ShareGrantee.PERSON, CASEWORKER.id, None, False),
    (ShareGrantee.UNIT, UNIT, -1, False),  # expired yesterday
    (ShareGrantee.UNIT, UNIT, None, True),  # revoked
    (ShareGrantee.UNIT, "32", None, False),  # another unit
    (ShareGrantee.PERSON, "someone-else", None, False),
]


@dataclass(frozen=True, slots=True)
class AkteSpec:
    id: str
    unit: str
    level: str


@dataclass(frozen=True, slots=True)
class ShareSpec:
    akte: int
    kind: ShareGrantee
    grantee: str
    valid_until: date | None
    revoked: bool


@dataclass(frozen=True, slots=True)
class DocSpec:
    id: str
    unit: str | None
    akte: int | None
    level: str


@dataclass
class Corpus:
    akten: list[AkteSpec]
    shares: list[ShareSpec]
    documents: list[DocSpec]


def own_unit(unit: str | None) -> bool:
    return unit is not None and (unit == UNIT or unit.startswith(UNIT + "."))


def generate(size: int, units: list[str], today: date) -> Corpus:
    """Akten of ~4.5 % in unit 63, 5 % of Akten and 3 % of documents VS-NfD, 4 % unfiled."""
    rng = random.Random(size + 63)
    others = [u for u in units if not own_unit(u)]
    akten = [
        AkteSpec(
            str(uuid.UUID(int=(1 << 96) + i)),
            UNIT if rng.random() < 0.045 else rng.choice(others),
            VS_NFD if rng.random() < 0.05 else OPEN,
        )
        for i in range(max(len(units), size // DOCS_PER_AKTE))
    ]
    foreign = [i for i, a in enumerate(akten) if not own_unit(a.unit)]
    shared = rng.sample(foreign, max(len(SHARE_VARIANTS), len(akten) // 50))
    shares = []
    for n, index in enumerate(shared):
        kind, grantee, days, revoked = SHARE_VARIANTS[n % len(SHARE_VARIANTS)]
        until = None if days is None else today + timedelta(days=days)
        shares.append(ShareSpec(index, kind, grantee, until, revoked))
    documents = []
    for n in range(size):
        if rng.random() < 0.04:  # unfiled mail, half of it with a target unit
            akte, unit = None, rng.choice(units) if rng.random() < 0.5 else None
        else:
            akte = rng.randrange(len(akten))
            unit = akten[akte].unit
        level = VS_NFD if rng.random() < 0.03 else OPEN
        documents.append(DocSpec(uuid.UUID(int=n).hex, unit, akte, level))
    return Corpus(akten, shares, documents)


def caseworker_view(corpus: Corpus, today: date) -> tuple[frozenset[str], frozenset[str]]:
    """(document ids, Akte ids) the case worker of unit 63 with clearance 003 may see."""
    shared = {
        s.akte
        for s in corpus.shares
        if not s.revoked
        and (s.valid_until is None or s.valid_until >= today)
        and (
            (s.kind is ShareGrantee.UNIT and own_unit(s.grantee))
            or (s.kind is ShareGrantee.PERSON and s.grantee == CASEWORKER.id)
        )
    }
    akten = frozenset(
        a.id
        for i, a in enumerate(corpus.akten)
        if a.level == OPEN and (own_unit(a.unit) or i in shared)
    )
    documents = frozenset(
        d.id
        for d in corpus.documents
        if d.level == OPEN
        and (d.akte is None or corpus.akten[d.akte].level == OPEN)
        and (own_unit(d.unit) or d.akte in shared)
    )
    return documents, akten


def build(factory: sessionmaker[Session], backend: SearchIndex, size: int, today: date) -> Corpus:
    """Plan, Akten, shares, documents and the search index; returns what was generated."""
    with unit_of_work(factory) as session:
        ensure_plan(session, clock=SystemClock())
    with unit_of_work(factory, write=False) as session:
        plan = active_plan(session)
    units = sorted(plan.org_units)
    code_of = {item.org_unit: item.code for item in reversed(plan.leaves()) if item.org_unit}
    any_code = plan.leaves()[0].code
    corpus = generate(size, units, today)
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        session.execute(
            insert(Akte),
            [
                {
                    "id": a.id,
                    "aktenzeichen": f"{code_of.get(a.unit, any_code)}-{i}/2025",
                    "file_plan_code": code_of.get(a.unit, any_code),
                    "year": 2025,
                    "running_number": i,
                    "title": f"Bench-Akte {i}",
                    "org_unit": a.unit,
                    "confidentiality": a.level,
                    "opened_at": now,
                    "created_at": now - timedelta(minutes=i),
                    "updated_at": now,
                }
                for i, a in enumerate(corpus.akten)
            ],
        )
        session.execute(
            insert(AkteShare),
            [
                {
                    "akte_id": corpus.akten[s.akte].id,
                    "grantee_kind": s.kind,
                    "grantee": s.grantee,
                    "valid_until": s.valid_until,
                    "created_at": now,
                    "created_by": "bench",
                    "revoked_at": now if s.revoked else None,
                }
                for s in corpus.shares
            ],
        )
    insert_document_rows(factory, size)
    for start in range(0, size, 5000):
        with unit_of_work(factory) as session:
            session.execute(
                update(Document),
                [
                    {
                        "id": d.id,
                        "org_unit": d.unit,
                        "akte_id": None if d.akte is None else corpus.akten[d.akte].id,
                        "filing_status": "unfiled" if d.akte is None else "filed",
                        "confidentiality": d.level,
                        "created_at": now - timedelta(seconds=n),
                    }
                    for n, d in enumerate(corpus.documents[start : start + 5000], start)
                ],
            )
    vocab, rng = build_vocabulary(), random.Random(size)
    for start in range(0, size, 1000):
        with unit_of_work(factory) as session:
            for n in range(start, min(size, start + 1000)):
                backend.index_document(session, letter(rng, vocab, n))
    if backend.name == "postgres":  # as autovacuum would; eakte never ANALYZEs SQLite
        with unit_of_work(factory) as session:
            session.execute(text("ANALYZE"))
    return corpus


Outcome = tuple[int, list[str]]
"""What a request returned: its total and the ids on its page."""
Operation = Callable[[Session, Scope], Outcome]


@dataclass
class Result:
    backend: str
    size: int
    visible_documents: int
    visible_akten: int
    latencies: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    """(operation, principal) -> milliseconds per request, scope building included."""
    scope_ms: dict[str, list[float]] = field(default_factory=dict)
    verified_searches: int = 0


class Bench:
    """Runs requests as the API would and records their latency."""

    def __init__(self, factory: sessionmaker[Session], result: Result, today: date) -> None:
        self.factory, self.result, self.today = factory, result, today
        self.catalog = RoleCatalog()

    def request(self, who: str, operation: Operation, labels: tuple[str, ...]) -> Outcome:
        began = time.perf_counter()
        with unit_of_work(self.factory, write=False) as session:
            scope = build_scope(session, PRINCIPALS[who], self.catalog, today=self.today)
        scoped = time.perf_counter()
        with unit_of_work(self.factory, write=False) as session:
            outcome = operation(session, scope)
        ended = time.perf_counter()
        for label in labels:  # none: a warm-up request
            self.result.latencies.setdefault((label, who), []).append((ended - began) * 1000)
        if labels:
            self.result.scope_ms.setdefault(who, []).append((scoped - began) * 1000)
        return outcome

    def pair(
        self, turn: int, labels: tuple[str, ...], ops: dict[str, Operation]
    ) -> dict[str, Outcome]:
        """The admin's and the case worker's request, in alternating order."""
        order = list(ops) if turn % 2 == 0 else list(reversed(ops))
        return {who: self.request(who, ops[who], labels) for who in order}


def search_op(backend: SearchIndex, query: str, limit: int = 20) -> Operation:
    def run(session: Session, scope: Scope) -> Outcome:
        page = backend.search(session, scope, query, limit=limit, offset=0)
        return page.total, [hit.document_id for hit in page.hits]

    return run


def documents_op(offset: int) -> Operation:
    def run(session: Session, scope: Scope) -> Outcome:
        page = list_documents(session, scope, limit=20, offset=offset)
        return page.total, [d.id for d in page.items]

    return run


def akten_op(session: Session, scope: Scope) -> Outcome:
    page = list_akten(session, scope, limit=20, offset=0)
    return page.total, [a.id for a in page.items]


def measure(backend: SearchIndex, url: str, size: int, args: argparse.Namespace) -> Result:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    today = datetime.now(UTC).date()
    corpus = build(factory, backend, size, today)
    seen, seen_akten = caseworker_view(corpus, today)
    result = Result(backend.name, size, len(seen), len(seen_akten))
    bench = Bench(factory, result, today)
    expected = {"admin": (size, len(corpus.akten)), "caseworker": (len(seen), len(seen_akten))}

    def check(who: str, outcome: Outcome, total: int | None, visible: frozenset[str]) -> None:
        assert total is None or outcome[0] == total, f"{who}: total {outcome[0]}, not {total}"
        if who == "caseworker":
            assert visible.issuperset(outcome[1]), f"{who} was shown what they may not see"

    query_mix = queries(build_vocabulary(), args.queries)
    for turn, (_, query) in enumerate(query_mix[::20]):  # warm the caches
        bench.pair(turn, (), {who: search_op(backend, query) for who in PRINCIPALS})
    totals: dict[str, tuple[int, int]] = {}
    for turn, (kind, query) in enumerate(query_mix):
        ops = {who: search_op(backend, query) for who in PRINCIPALS}
        outcomes = bench.pair(turn, ("search: all", f"search: {kind}"), ops)
        for who, outcome in outcomes.items():
            check(who, outcome, None, seen)
        totals[query] = (outcomes["admin"][0], outcomes["caseworker"][0])
    lists: list[tuple[str, Callable[[str], Operation], int]] = [
        # label, the operation for a principal, which expected total (documents, Akten)
        ("list documents, page 1", lambda who: documents_op(0), 0),
        ("list documents, deep", lambda who: documents_op(expected[who][0] * 9 // 10), 0),
        ("list Akten, page 1", lambda who: akten_op, 1),
    ]
    for turn in range(args.list_requests):
        for label, operation, index in lists:
            outcomes = bench.pair(turn, (label,), {who: operation(who) for who in PRINCIPALS})
            for who, outcome in outcomes.items():
                check(who, outcome, expected[who][index], (seen, seen_akten)[index])
    with unit_of_work(factory, write=False) as session:  # search totals, against the generator
        for query, (admin_total, caseworker_total) in totals.items():
            if admin_total > args.verify_cap:
                continue
            everything = search_op(backend, query, limit=admin_total + 1)(
                session, build_scope(session, ADMIN, bench.catalog, today=today)
            )
            assert everything[0] == admin_total == len(everything[1])
            wanted = len(seen.intersection(everything[1]))
            assert caseworker_total == wanted, f"{query!r}: {caseworker_total}, not {wanted}"
            result.verified_searches += 1
    engine.dispose()
    return result


def run_all(backends: list[str], sizes: list[int], args: argparse.Namespace) -> Iterator[Result]:
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory(prefix="eakte-bench-") as workdir:
            for size in sizes:
                url = f"sqlite:///{Path(workdir) / f'scoping-{size}.db'}"
                yield measure(SqliteFtsSearchIndex(), url, size, args)
    if "postgres" in backends:
        with PostgresCluster() as cluster:
            for size in sizes:
                url = cluster.create_database(f"scoping_{size}")
                yield measure(PostgresSearchIndex(), url, size, args)
                cluster.drop_database(f"scoping_{size}")


def p50_p95(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 0.95)


def report(results: list[Result]) -> None:
    print("\nThe cost of scoping: admin (sees all) against a case worker of unit 63")
    print("(ms per request, build_scope included; ratio = case worker / admin; goal <= 1.10)")
    rows = []
    for r in results:
        for label in dict.fromkeys(label for label, _ in r.latencies):  # in the order run
            (a50, a95), (w50, w95) = (p50_p95(r.latencies[(label, who)]) for who in PRINCIPALS)
            ok = "yes" if w50 <= 1.10 * a50 and w95 <= 1.10 * a95 else "NO"
            cells = [f"{ms:.1f}" for ms in (a50, a95, w50, w95)]
            rows.append([r.backend, f"{r.size:,}", label, *cells])
            rows[-1] += [f"{w50 / a50:.2f}", f"{w95 / a95:.2f}", ok]
    header = ["backend", "docs", "operation", "admin p50", "admin p95", "cw p50", "cw p95"]
    print_table([*header, "ratio p50", "ratio p95", "within 10 %"], rows)
    print("\nWhat the case worker sees, and build_scope alone (p50 / p95 ms)")
    header = ["backend", "docs", "cw documents", "cw Akten", "scope admin", "scope cw"]
    rows = []
    for r in results:
        share = f"{r.visible_documents:,} ({r.visible_documents / r.size:.1%})"
        rows.append([r.backend, f"{r.size:,}", share, f"{r.visible_akten:,}"])
        rows[-1] += ["{:.2f} / {:.2f}".format(*p50_p95(r.scope_ms[w])) for w in PRINCIPALS]
        rows[-1].append(f"{r.verified_searches} distinct queries")
    print_table([*header, "search totals checked"], rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="100000", help="corpus sizes, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite and/or postgres")
    parser.add_argument("--queries", type=int, default=200, help="searches per principal")
    parser.add_argument("--list-requests", type=int, default=50, help="list calls of each kind")
    parser.add_argument(
        "--verify-cap", type=int, default=5000, help="check search totals up to this many hits"
    )
    parser.add_argument("--quick", action="store_true", help="10,000 documents")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else [int(size) for size in args.sizes.split(",")]
    backends = [name.strip() for name in args.backends.split(",")]
    results = []
    for result in run_all(backends, sizes, args):
        results.append(result)
        print(f"done: {result.backend} {result.size:,} docs", flush=True)
    report(results)


if __name__ == "__main__":
    main()
