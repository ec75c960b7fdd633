"""The OpenSearch index follows the database: filing, levels, outages, reindex.

Runs against osmem-server on 127.0.0.1 (or the cluster of ``EAKTE_TEST_OPENSEARCH_URL``).
An outage is a TCP relay between eakte and the cluster that is closed and reopened: the
cluster keeps its data, as a real one would over a network cut or a restart.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from services.access.confidentiality import Confidentiality
from services.access.levels import set_akte_level, set_document_level
from services.access.principal import Principal, PrincipalKind
from services.access.roles import role_catalog
from services.access.scope import Scope, build_scope, system_scope
from services.access.shares import NewShare, share_akte
from services.backends.opensearch import OpenSearchBackend, build_opensearch
from services.backends.opensearch.client import SearchUnavailableError, make_client
from services.backends.opensearch.mapping import indices_of
from services.backends.opensearch.operations import reindex
from services.backends.opensearch.sync import reindex_target
from services.backends.opensearch.tables import search_outbox
from services.bootstrap import build_container
from services.clock import SystemClock
from services.db.migrate import upgrade
from services.db.models import Akte, Document, FilingStatus, ShareGrantee
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.records.akten import general_akte
from services.records.file_plans import active_plan, ensure_plan
from services.records.filing import file_document
from services.search.filters import SearchFilters
from services.settings import AccessSettings, OpenSearchSettings, SearchBackend, Settings
from tests.contract.search_backends import (
    Backend,
    OpenSearchCluster,
    add_document_rows,
    unit_scope,
)
from tests.fixtures.availability import unavailable

CLOCK = SystemClock()


class Relay:
    """A TCP relay on 127.0.0.1 to ``target`` that can be cut and restored."""

    def __init__(self, target: str) -> None:
        host, port = target.removeprefix("http://").split(":")
        self._target = (host, int(port))
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        if self._listener is not None:
            self.cut()

    def cut(self) -> None:
        assert self._listener is not None
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept(); close alone does not
        self._listener.close()
        self._listener = None
        for connection in self._open:
            connection.close()
        self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self._target)
            self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)


@pytest.fixture(scope="module")
def cluster() -> Iterator[OpenSearchCluster]:
    found = OpenSearchCluster()
    try:
        found.start()
    except Exception as exc:  # not installed, no binary for this platform, did not start
        unavailable("osmem-server", str(exc))
    yield found
    found.stop()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("opensearch-template") / "eakte.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_plan(session, clock=CLOCK)
    engine.dispose()
    return path


@pytest.fixture
def database(template: Path, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    path = tmp_path / "eakte.db"
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def relay(cluster: OpenSearchCluster) -> Iterator[tuple[Relay, str]]:
    with cluster.fresh() as (url, alias):
        relay = Relay(url)
        relay.start()
        yield relay, alias
        relay.close()


def _settings(url: str, alias: str) -> OpenSearchSettings:
    return OpenSearchSettings(urls=[url], alias=alias, timeout_seconds=5, catch_up_seconds=60)


def _store(relay: tuple[Relay, str], factory: sessionmaker[Session]) -> OpenSearchBackend:
    return build_opensearch(_settings(relay[0].url, relay[1]), factory)


def _ids(backend: Backend, query: str, scope: Scope | None = None) -> set[str]:
    """The hits; their total comes from the index, so a stale entry shows in it."""
    page = backend.search(query, scope=scope, limit=100)
    assert page.total == len(page.hits)
    return {hit.document_id for hit in page.hits}


def _outbox(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(search_outbox)) or 0


def test_filing_moves_the_document_into_the_akte_units_sight(
    relay: tuple[Relay, str], database: sessionmaker[Session]
) -> None:
    backend = Backend(_store(relay, database).index, database, transactional=False)
    letter = backend.add("Rechnung", "Rechnung der Stadtwerke", org_unit="POST")
    assert _ids(backend, "Rechnung", unit_scope("20")) == set()

    with unit_of_work(database) as session:
        akte = general_akte(session, active_plan(session), "111.07", clock=CLOCK)
        document = session.get_one(Document, letter)
        file_document(
            session, document, akte, status=FilingStatus.FILED, reason="t", actor="t", clock=CLOCK
        )
        unit, code = akte.org_unit, akte.file_plan_code

    assert _ids(backend, "Rechnung", unit_scope(unit)) == {letter}
    with backend.sessions() as session:
        page = backend.index.search(
            session,
            system_scope(),
            "Rechnung",
            limit=10,
            offset=0,
            filters=SearchFilters.of(code=code),
        )
    assert [hit.document_id for hit in page.hits] == [letter]
    assert _outbox(database) == 0


def test_raising_the_akte_level_hides_its_documents(
    relay: tuple[Relay, str], database: sessionmaker[Session]
) -> None:
    backend = Backend(_store(relay, database).index, database, transactional=False)
    letter = backend.add("Rechnung", "Rechnung der Stadtwerke")
    with unit_of_work(database) as session:
        akte = general_akte(session, active_plan(session), "111.07", clock=CLOCK)
        file_document(
            session,
            session.get_one(Document, letter),
            akte,
            status=FilingStatus.FILED,
            reason="t",
            actor="t",
            clock=CLOCK,
        )
        akte_id, unit = akte.id, akte.org_unit
    assert _ids(backend, "Rechnung", unit_scope(unit)) == {letter}

    with unit_of_work(database) as session:
        akte = session.get_one(Akte, akte_id)
        set_akte_level(
            session,
            system_scope(),
            active_plan(session),
            akte,
            Confidentiality.VERTRAULICH,
            reason="Personalsache",
            clock=CLOCK,
        )

    assert _ids(backend, "Rechnung", unit_scope(unit)) == set()
    cleared = unit_scope(unit, clearance=Confidentiality.STRENG_GEHEIM)
    assert _ids(backend, "Rechnung", cleared) == {letter}


def test_changes_made_while_the_cluster_is_unreachable_arrive_when_it_is_back(
    relay: tuple[Relay, str], database: sessionmaker[Session]
) -> None:
    store = _store(relay, database)
    backend = Backend(store.index, database, transactional=False)
    before = backend.add("Bescheid", "Wohngeld bewilligt")

    relay[0].cut()
    during = [backend.add("Bescheid", f"Wohngeld Nachtrag {n}") for n in range(3)]
    backend.reindex(before, "Bescheid", "Wohngeld abgelehnt")
    assert _outbox(database) == 4  # every commit went through; the outbox holds the changes
    with pytest.raises(SearchUnavailableError):
        backend.search("Wohngeld")
    with pytest.raises(SearchUnavailableError):
        store.catch_up.run({})  # the periodic job fails and is retried later
    assert _outbox(database) == 4

    relay[0].start()
    store.catch_up.run({})

    assert _outbox(database) == 0
    assert _ids(backend, "Wohngeld") == {before, *during}
    assert _ids(backend, "abgelehnt") == {before}
    assert _ids(backend, "bewilligt") == set()


def test_reindex_switches_the_alias_to_a_complete_new_index(
    relay: tuple[Relay, str], database: sessionmaker[Session]
) -> None:
    settings = _settings(relay[0].url, relay[1]).model_copy(update={"bulk_size": 2})
    backend = Backend(build_opensearch(settings, database).index, database, transactional=False)
    letters = [backend.add("Mahnung", f"Zahlungserinnerung {n}") for n in range(5)]
    client = make_client(settings)
    (old,) = indices_of(client, settings.alias)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 2:  # a change while loading reaches the new index as well
            backend.reindex(letters[0], "Mahnung", "Zahlungserinnerung Vollstreckung")
            assert _ids(backend, "Vollstreckung") == {letters[0]}  # still the old index

    result = reindex(settings, database, progress=progress)

    assert result.documents == 5 and result.dropped == [old]
    assert indices_of(client, settings.alias) == [result.index] != [old]
    assert not client.indices.exists(index=old)
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    assert _ids(backend, "Zahlungserinnerung") == set(letters)
    assert _ids(backend, "Vollstreckung") == {letters[0]}


def test_the_catch_up_job_is_scheduled_with_the_opensearch_backend(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        search_backend=SearchBackend.OPENSEARCH,
        opensearch=OpenSearchSettings(urls=["http://127.0.0.1:9"]),
    )
    container = build_container(settings)
    try:
        kinds = {schedule.kind for schedule in container.schedules()}
        assert "search_catch_up" in kinds
        assert "search_catch_up" in container.handlers()
    finally:
        container.close()


def test_documents_rows_need_no_search_text(database: sessionmaker[Session]) -> None:
    """A document without search text is simply not in the index (no outbox row)."""
    with unit_of_work(database) as session:
        add_document_rows(session, "Ohne Text")
    assert _outbox(database) == 0


def test_a_shared_akte_is_searchable_by_the_unit_it_is_shared_with(
    relay: tuple[Relay, str], database: sessionmaker[Session]
) -> None:
    backend = Backend(_store(relay, database).index, database, transactional=False)
    letter = backend.add("Rechnung", "Rechnung der Stadtwerke")
    with unit_of_work(database) as session:
        akte = general_akte(session, active_plan(session), "111.07", clock=CLOCK)
        file_document(
            session,
            session.get_one(Document, letter),
            akte,
            status=FilingStatus.FILED,
            reason="t",
            actor="t",
            clock=CLOCK,
        )
        share_akte(session, system_scope(), akte, NewShare(ShareGrantee.UNIT, "32"), clock=CLOCK)
    principal = Principal(
        id="p",
        kind=PrincipalKind.KEY,
        name="Ordnungsamt",
        roles=frozenset({"caseworker"}),
        org_units=frozenset({"32"}),
        clearance=Confidentiality.OFFEN,
    )
    catalog = role_catalog(AccessSettings())
    with database() as session:
        shared = build_scope(session, principal, catalog, today=CLOCK.now().date())
    assert shared.shared_read  # the share is part of the caller's scope ...

    assert _ids(backend, "Rechnung", shared) == {letter}  # ... and of the query
    assert _ids(backend, "Rechnung", unit_scope("32")) == set()


def test_raising_a_documents_own_level_hides_it(
    relay: tuple[Relay, str], database: sessionmaker[Session]
) -> None:
    backend = Backend(_store(relay, database).index, database, transactional=False)
    letter = backend.add("Personalakte", "Beurteilung", org_unit="10")
    assert _ids(backend, "Beurteilung", unit_scope("10")) == {letter}

    with unit_of_work(database) as session:
        set_document_level(
            session,
            system_scope(),
            session.get_one(Document, letter),
            Confidentiality.VS_NFD,
            reason="Personalsache",
            clock=CLOCK,
        )

    assert _ids(backend, "Beurteilung", unit_scope("10")) == set()
    cleared = unit_scope("10", clearance=Confidentiality.VS_NFD)
    assert _ids(backend, "Beurteilung", cleared) == {letter}


def test_a_reindex_cut_off_leaves_the_old_index_in_use(
    relay: tuple[Relay, str], database: sessionmaker[Session]
) -> None:
    settings = _settings(relay[0].url, relay[1]).model_copy(update={"bulk_size": 2})
    backend = Backend(build_opensearch(settings, database).index, database, transactional=False)
    letters = {backend.add("Mahnung", f"Zahlungserinnerung {n}") for n in range(5)}
    client = make_client(settings)
    (old,) = indices_of(client, settings.alias)

    def progress(done: int, _total: int) -> None:
        if done == 2:
            relay[0].cut()

    with pytest.raises(SearchUnavailableError):
        reindex(settings, database, progress=progress)

    relay[0].start()
    assert indices_of(client, settings.alias) == [old]
    with database() as session:
        assert reindex_target(session) is None  # deliveries go to the alias alone again
    assert _ids(backend, "Zahlungserinnerung") == letters
