"""Migration 0015 re-derives compound parts and the vocabulary of documents indexed before it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from services.backends.postgres_search import PostgresSearchIndex
from services.backends.sqlite_search import SqliteFtsSearchIndex
from services.db.migrate import alembic_config, upgrade
from services.db.session import make_engine, make_session_factory
from services.ports import SearchIndex
from tests.contract.search_backends import Backend

BEFORE = "0014_subject_key_fold"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'search.db'}"
    else:
        url = request.getfixturevalue("postgres_empty_url")
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_documents_indexed_before_0015_are_found_by_compound_parts(engine: Engine) -> None:
    index: SearchIndex = (
        PostgresSearchIndex() if engine.dialect.name == "postgresql" else SqliteFtsSearchIndex()
    )
    backend = Backend(index, make_session_factory(engine))
    compound = backend.add("Bescheid", "Die Baugenehmigung wird erteilt.")
    plain = backend.add("Bescheid", "Die Genehmigung liegt vor.")

    _downgrade(engine, BEFORE)
    with engine.connect() as connection:
        assert "search_words" not in engine.dialect.get_table_names(connection)
        # Before 0015 parts were not indexed: the old index finds only the plain word.
        if engine.dialect.name == "sqlite":
            found = connection.execute(
                text("SELECT rowid FROM search_fts WHERE search_fts MATCH 'genehm'")
            ).all()
            assert len(found) == 1
    upgrade(engine)

    assert set(backend.ids("Genehmigung")) == {compound, plain}
    assert backend.search("Genehrnigung").did_you_mean == "genehmigung"
