"""Every migration upgrades to head and downgrades to base on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from services.db.migrate import alembic_config, current_revision, upgrade
from services.db.models import Base
from services.db.session import make_engine


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    else:
        url = request.getfixturevalue("postgres_empty_url")
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_head_creates_schema_and_search_index(empty_engine: Engine) -> None:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()

    upgrade(empty_engine)

    assert current_revision(empty_engine) == head
    tables = _tables(empty_engine)
    assert set(Base.metadata.tables) <= tables
    assert "search_documents" in tables
    if empty_engine.dialect.name == "sqlite":
        assert "search_fts" in tables


def test_downgrade_to_base_removes_everything_and_upgrades_again(empty_engine: Engine) -> None:
    upgrade(empty_engine)

    _downgrade(empty_engine, "base")

    assert current_revision(empty_engine) is None
    assert _tables(empty_engine) == set()

    upgrade(empty_engine)
    assert "search_documents" in _tables(empty_engine)


MAIL_ROOM_TABLES = {"api_keys", "jobs", "intake_items", "documents", "document_pages"}


def test_search_index_migration_downgrades_alone(empty_engine: Engine) -> None:
    upgrade(empty_engine)

    _downgrade(empty_engine, "0001_initial")

    assert current_revision(empty_engine) == "0001_initial"
    assert not any(name.startswith("search_") for name in _tables(empty_engine))
    assert _tables(empty_engine) >= MAIL_ROOM_TABLES


def test_records_migration_downgrades_alone(empty_engine: Engine) -> None:
    upgrade(empty_engine)

    _downgrade(empty_engine, "0003_rendition_pdfa")

    tables = _tables(empty_engine)
    assert tables >= MAIL_ROOM_TABLES and "search_documents" in tables
    assert not tables & {"akten", "vorgaenge", "review_tasks", "audit_events", "classifier_models"}
    upgrade(empty_engine)
    assert set(Base.metadata.tables) <= _tables(empty_engine)
