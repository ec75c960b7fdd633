"""Search latency of the SQLite FTS5 and PostgreSQL backends on a synthetic German corpus.

    python -m benchmarks.search_latency [--sizes 10000,100000] [--quick] [--backends ...]

Generates deterministic municipal letters (about one to two pages each), writes the
document rows in bulk, indexes every letter through the real backend (one transaction
per 1,000 documents) and then runs a fixed mix of ~200 queries (common and rare single
terms, two terms, phrases, misses) with ``limit=20``: each search includes the total
count and the snippets.  SQLite uses a file in a temporary directory; PostgreSQL a
throwaway cluster on loopback, ANALYZEd after the build as autovacuum would.  For repeated
query runs while tuning, ``--sqlite-dir`` keeps the SQLite files and ``--postgres-url``
builds into a database that is kept; a database already holding the corpus is reused.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.table import print_table
from services.access.scope import system_scope
from services.backends.postgres_search import PostgresSearchIndex
from services.backends.sqlite_search import SqliteFtsSearchIndex
from services.db.migrate import upgrade
from services.db.models import Document, IntakeItem
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.ports import IndexableDocument, SearchIndex
from tests.fixtures.pg_cluster import PostgresCluster

NOUNS = str.split(
    """
    Antrag Bescheid Widerspruch Gebühr Frist Zahlung Mahnung Unterlagen Nachweis Genehmigung
    Anhörung Stellungnahme Grundstück Gebäude Straße Fahrzeug Hund Kind Schule Kindergarten
    Wohnung Miete Einkommen Rechnung Vertrag Satzung Verordnung Behörde Verwaltung Stadt
    Gemeinde Landkreis Bürgermeister Sachbearbeiter Abteilung Sachgebiet Termin Sprechzeit
    Auskunft Akteneinsicht Anschrift Aufenthalt Ausweis Reisepass Führerschein Urkunde
    Geburt Eheschließung Sterbefall Einbürgerung Gewerbe Betrieb Veranstaltung Erlaubnis
    Baum Fällung Lärm Abfall Wasser Abwasser Strom Heizung Dach Fassade Zufahrt Parkplatz
    Förderung Zuschuss Leistung Bedarf Ermäßigung Befreiung Erstattung Vollstreckung
    Ordnungswidrigkeit Bußgeld Verwarnung Anordnung Auflage Prüfung Entscheidung Beschluss
    Ausschuss Sitzung Niederschrift Protokoll Haushalt Steuer Grundsteuer Hundesteuer
    Kostenbeitrag Elternbeitrag Wohngeld Sozialhilfe Unterhalt Vormundschaft Pflege
    """
)
PREFIXES = str.split(
    """
    Bau Abfall Grund Hunde Gewerbe Kita Wasser Abwasser Straßen Park Melde Sozial Wohn
    Personal Ausländer Ordnungs Verkehrs Friedhofs Schul Sport Kultur Jugend Senioren
    Umwelt Natur Denkmal Feuerwehr Vermessungs Kataster Bebauungs Sondernutzungs Fischerei
    Jagd Spielplatz Markt Gaststätten Schornstein Winterdienst
    """
)
SUFFIXES = str.split(
    """
    antrag bescheid gebühr verfahren satzung genehmigung anmeldung abmeldung erlaubnis
    vertrag plan akte bescheinigung nachweis auskunft beitrag abgabe kosten amt behörde
    kontrolle prüfung ordnung verzeichnis register
    """
)
VERBS = str.split(
    """
    beantragen bewilligen ablehnen prüfen übersenden mitteilen erheben festsetzen zahlen
    erstatten einreichen nachreichen vorlegen bearbeiten entscheiden anhören widersprechen
    genehmigen versagen verlängern ändern aufheben zustellen erteilen benötigen beachten
    """
)
VERB_FORMS = str.split(
    """
    wird wurde wurden werden ist sind bitten teilen geben haben liegt liegen erfolgt
    beantragt bewilligt abgelehnt geprüft übersandt mitgeteilt erhoben festgesetzt gezahlt
    erstattet eingereicht vorgelegt bearbeitet entschieden angehört genehmigt verlängert
    """
)
ADJECTIVES = str.split(
    """
    fristgerecht vollständig unvollständig zuständig erforderlich zulässig unzulässig
    begründet unbegründet rechtskräftig vorläufig endgültig schriftlich mündlich
    städtisch öffentlich privat gewerblich monatlich jährlich einmalig zusätzlich
    """
)
FUNCTION_WORDS = str.split(
    """
    der die das den dem des ein eine einen einem und oder mit für von zu zur zum auf in im
    an am bei nach aus über unter wegen gemäß innerhalb bis sowie nicht auch bereits noch
    Ihr Ihre Ihren Ihnen wir uns sie es hiermit daher jedoch
    """
)
SURNAMES = str.split("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann")
STREETS = str.split("Hauptstraße Schulstraße Gartenweg Bahnhofstraße Lindenallee Marktplatz")


@dataclass(frozen=True)
class Vocabulary:
    words: list[str]
    cum_weights: list[float]
    compounds: list[str]
    """Compounds ordered from most to least frequent (Zipf ranks)."""


def build_vocabulary() -> Vocabulary:
    compounds = [p + s for p in PREFIXES for s in SUFFIXES]
    random.Random(7).shuffle(compounds)
    weighted: list[tuple[str, float]] = []
    weighted += [(w, 40.0) for w in FUNCTION_WORDS]
    weighted += [(w, 30.0 / (rank + 1) ** 0.8) for rank, w in enumerate(NOUNS)]
    weighted += [(w, 8.0 / (rank + 1)) for rank, w in enumerate(compounds)]
    weighted += [(w, 3.0) for w in VERB_FORMS + VERBS]
    weighted += [(w, 2.0) for w in ADJECTIVES]
    total = 0.0
    cum_weights = []
    for _, weight in weighted:
        total += weight
        cum_weights.append(total)
    return Vocabulary([w for w, _ in weighted], cum_weights, compounds)


def letter(rng: random.Random, vocab: Vocabulary, number: int) -> IndexableDocument:
    """One synthetic letter of 250-500 words; the title is its subject line."""
    subject = rng.choices(vocab.compounds, cum_weights=_zipf(len(vocab.compounds)))[0]
    name = rng.choice(SURNAMES)
    address = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
    reference = f"{rng.randint(10, 99)}-{number:06d}/{rng.randint(2019, 2025)}"
    paragraphs = [f"Sehr geehrte Damen und Herren, {subject} {address}, Aktenzeichen {reference}."]
    remaining = rng.randint(250, 500)
    while remaining > 0:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            length = rng.randint(8, 18)
            sentence = rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=length)
            sentences.append(" ".join(sentence).capitalize() + ".")
            remaining -= length
        paragraphs.append(" ".join(sentences))
    paragraphs.append(f"Mit freundlichen Grüßen\nIm Auftrag\n{name}")
    body = "\n\n".join(paragraphs)
    pages = [body[: len(body) // 2], body[len(body) // 2 :]] if len(body) > 2500 else [body]
    metadata = f"Absender: {name}, {address}; Aktenzeichen: {reference}"
    return IndexableDocument(uuid.UUID(int=number).hex, f"{subject} {address}", metadata, pages)


_ZIPF_CACHE: dict[int, list[float]] = {}


def _zipf(size: int) -> list[float]:
    if size not in _ZIPF_CACHE:
        total, cum = 0.0, []
        for rank in range(size):
            total += 1.0 / (rank + 1)
            cum.append(total)
        _ZIPF_CACHE[size] = cum
    return _ZIPF_CACHE[size]


def queries(vocab: Vocabulary, count: int) -> list[tuple[str, str]]:
    """(kind, query) pairs: a fixed mix of common, rare, two-term, phrase and miss."""
    rng = random.Random(11)
    common = NOUNS[:20]
    rare = vocab.compounds[len(vocab.compounds) // 2 :]
    kinds = {
        "common": lambda: rng.choice(common),
        "rare": lambda: rng.choice(rare),
        "two terms": lambda: f"{rng.choice(common)} {rng.choice(NOUNS[20:])}",
        "phrase": lambda: f'"Aktenzeichen {rng.randint(10, 99)}"',
        "miss": lambda: f"Zeppelin{rng.randint(1, 999)}",
    }
    shares = {"common": 0.3, "rare": 0.3, "two terms": 0.25, "phrase": 0.1, "miss": 0.05}
    return [
        (kind, kinds[kind]()) for kind, share in shares.items() for _ in range(round(count * share))
    ]


@dataclass
class Result:
    backend: str
    size: int
    build_seconds: float
    latencies: dict[str, list[float]]

    def all_latencies(self) -> list[float]:
        return [ms for values in self.latencies.values() for ms in values]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def insert_document_rows(factory: sessionmaker[Session], size: int) -> None:
    now = datetime.now(UTC)
    for start in range(0, size, 5000):
        numbers = range(start, min(size, start + 5000))
        items = [
            {
                "id": uuid.UUID(int=n).hex,
                "sha256": f"{n:064x}",
                "blob_key": "bench",
                "size": 1,
                "media_type": "application/pdf",
                "page_count": 2,
                "received_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for n in numbers
        ]
        documents = [
            {
                "id": uuid.UUID(int=n).hex,
                "item_id": uuid.UUID(int=n).hex,
                "part_index": 0,
                "first_page": 1,
                "last_page": 2,
                "title": "bench",
                "content_blob_key": "bench",
                "content_sha256": f"{n:064x}",
                "content_size": 1,
                "content_media_type": "application/pdf",
                "page_count": 2,
                "created_at": now,
                "updated_at": now,
            }
            for n in numbers
        ]
        with unit_of_work(factory) as session:
            session.execute(insert(IntakeItem), items)
            session.execute(insert(Document), documents)


def run(backend: SearchIndex, url: str, size: int, query_mix: list[tuple[str, str]]) -> Result:
    """Build the corpus at ``url`` (unless a kept database already holds it) and query it."""
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        held = session.execute(text("SELECT count(*) FROM search_documents")).scalar_one()
    if held == size:
        print(f"reusing the {size:,} documents kept at {engine.url!r}", flush=True)
        latencies = measure(backend, factory, query_mix)
        engine.dispose()
        return Result(backend.name, size, float("nan"), latencies)
    if held:
        raise SystemExit(f"{engine.url!r} holds {held:,} documents, not {size:,}")
    insert_document_rows(factory, size)
    vocab = build_vocabulary()
    rng = random.Random(size)
    build_seconds = 0.0
    for start in range(0, size, 1000):
        batch = [letter(rng, vocab, n) for n in range(start, min(size, start + 1000))]
        started = time.perf_counter()
        with unit_of_work(factory) as session:
            for document in batch:
                backend.index_document(session, document)
        build_seconds += time.perf_counter() - started
    if backend.name == "postgres":
        started = time.perf_counter()
        with unit_of_work(factory) as session:
            session.execute(text("ANALYZE search_documents"))
        build_seconds += time.perf_counter() - started
    latencies = measure(backend, factory, query_mix)
    engine.dispose()
    return Result(backend.name, size, build_seconds, latencies)


def measure(
    backend: SearchIndex, factory: sessionmaker[Session], query_mix: list[tuple[str, str]]
) -> dict[str, list[float]]:
    """Milliseconds per query, by kind, after a warm-up with every 20th query."""
    latencies: dict[str, list[float]] = {}
    everything = system_scope()  # the cost of scoping: benchmarks/access_scoping.py
    with factory() as session:
        for _, query in query_mix[::20]:  # warm the caches
            backend.search(session, everything, query, limit=20, offset=0)
        for kind, query in query_mix:
            began = time.perf_counter()
            backend.search(session, everything, query, limit=20, offset=0)
            latencies.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
    return latencies


def run_all(
    backends: list[str],
    sizes: list[int],
    query_count: int,
    *,
    sqlite_dir: str | None = None,
    postgres_url: str | None = None,
) -> Iterator[Result]:
    query_mix = queries(build_vocabulary(), query_count)
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory(prefix="eakte-bench-") as workdir:
            for size in sizes:
                url = f"sqlite:///{Path(sqlite_dir or workdir) / f'search-{size}.db'}"
                yield run(SqliteFtsSearchIndex(), url, size, query_mix)
    if "postgres" in backends and postgres_url:
        for size in sizes:
            yield run(PostgresSearchIndex(), postgres_url, size, query_mix)
    elif "postgres" in backends:
        with PostgresCluster() as cluster:
            for size in sizes:
                url = cluster.create_database(f"search_{size}")
                yield run(PostgresSearchIndex(), url, size, query_mix)
                cluster.drop_database(f"search_{size}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000", help="corpus sizes, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite and/or postgres")
    parser.add_argument("--queries", type=int, default=200, help="queries per run")
    parser.add_argument("--quick", action="store_true", help="1,000 documents, 50 queries")
    parser.add_argument(
        "--sqlite-dir", help="keep the SQLite files here and reuse them (for repeated runs)"
    )
    parser.add_argument(
        "--postgres-url", help="build in (or reuse) this database instead of a throwaway cluster"
    )
    args = parser.parse_args(argv)
    if args.postgres_url and len(args.sizes.split(",")) > 1 and not args.quick:
        parser.error("--postgres-url takes one size")
    sizes = [1000] if args.quick else [int(size) for size in args.sizes.split(",")]
    query_count = 50 if args.quick else args.queries
    backends = [name.strip() for name in args.backends.split(",")]

    load_before = os.getloadavg()[0]
    results = []
    runs = run_all(
        backends, sizes, query_count, sqlite_dir=args.sqlite_dir, postgres_url=args.postgres_url
    )
    for result in runs:
        results.append(result)
        print(f"done: {result.backend} {result.size} docs", flush=True)

    print(
        f"\nSearch latency (limit 20, with total and snippets; load average "
        f"{load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end, {os.cpu_count()} CPUs)"
    )
    print_table(
        ["backend", "docs", "build s", "docs/s", "p50 ms", "p95 ms", "max ms"],
        [
            [
                r.backend,
                f"{r.size:,}",
                "kept" if math.isnan(r.build_seconds) else f"{r.build_seconds:.1f}",
                "kept" if math.isnan(r.build_seconds) else f"{r.size / r.build_seconds:,.0f}",
                f"{statistics.median(r.all_latencies()):.1f}",
                f"{percentile(r.all_latencies(), 0.95):.1f}",
                f"{max(r.all_latencies()):.1f}",
            ]
            for r in results
        ],
    )
    kinds = list(results[0].latencies) if results else []
    print("\nBy query kind: p50 / p95 ms")
    print_table(
        ["backend", "docs", *kinds],
        [
            [r.backend, f"{r.size:,}"]
            + [
                f"{statistics.median(r.latencies[k]):.1f} / {percentile(r.latencies[k], 0.95):.1f}"
                for k in kinds
            ]
            for r in results
        ],
    )


if __name__ == "__main__":
    main()
