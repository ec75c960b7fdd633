"""The ``backend`` fixture: one :class:`Backend` per search backend for the contract suites."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.backends.postgres_search import PostgresSearchIndex
from services.backends.sqlite_search import SqliteFtsSearchIndex
from services.db.migrate import upgrade
from services.db.session import make_engine, make_session_factory
from services.ports import SearchIndex
from tests.contract.search_backends import Backend


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    index: SearchIndex
    if request.param == "sqlite":
        path = tmp_path / "eakte.db"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        url, index = f"sqlite:///{path}", SqliteFtsSearchIndex()
    else:
        url, index = request.getfixturevalue("postgres_url"), PostgresSearchIndex()
    engine = make_engine(url)
    yield Backend(index, make_session_factory(engine))
    engine.dispose()
