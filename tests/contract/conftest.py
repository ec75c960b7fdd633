"""Fixtures of the contract suites.

``backend``: one per search backend; ``factory``: a migrated database per job-queue backend.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from services.backends.postgres_search import PostgresSearchIndex
from services.backends.sqlite_search import SqliteFtsSearchIndex
from services.db.migrate import upgrade
from services.db.session import make_engine, make_session_factory
from services.ports import SearchIndex
from services.settings import OpenSearchSettings
from tests.contract.search_backends import Backend, OpenSearchCluster
from tests.fixtures.availability import unavailable


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def opensearch_cluster() -> Iterator[OpenSearchCluster]:
    """osmem-server on 127.0.0.1 for the session, or the cluster of EAKTE_TEST_OPENSEARCH_URL."""
    cluster = OpenSearchCluster()
    try:
        cluster.start()
    except Exception as exc:  # not installed, no binary for this platform, did not start
        unavailable("osmem-server", str(exc))
    try:
        yield cluster
    finally:
        cluster.stop()


def _sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    path = tmp_path / "eakte.db"
    shutil.copy(request.getfixturevalue("_sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        "opensearch",
        pytest.param("opensearch-on-postgres", marks=pytest.mark.postgres),
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    index: SearchIndex
    if request.param == "sqlite":
        url, index = _sqlite_url(request, tmp_path), SqliteFtsSearchIndex()
    elif request.param == "postgres":
        url, index = request.getfixturevalue("postgres_url"), PostgresSearchIndex()
    else:
        yield from _opensearch_backend(request, tmp_path)
        return
    engine = make_engine(url)
    yield Backend(index, make_session_factory(engine))
    engine.dispose()


def _opensearch_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """OpenSearch with the database it keeps its text and outbox in (SQLite or PostgreSQL)."""
    from services.backends.opensearch import build_opensearch

    cluster: OpenSearchCluster = request.getfixturevalue("opensearch_cluster")
    on_postgres = request.param == "opensearch-on-postgres"
    url = request.getfixturevalue("postgres_url") if on_postgres else _sqlite_url(request, tmp_path)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with cluster.fresh() as (cluster_url, alias):
        built = build_opensearch(OpenSearchSettings(urls=[cluster_url], alias=alias), factory)
        yield Backend(built.index, factory, transactional=False)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'jobs.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()
