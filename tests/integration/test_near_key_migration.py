"""Migration 0014 fills the near keys of the subject keys that were there before it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, select

from services.bootstrap import build_container, prepare
from services.db.migrate import alembic_config, current_revision, head_revision, upgrade
from services.db.models import AkteSubjectKey
from services.db.session import unit_of_work
from services.records.akten import NewAkte, create_akte
from services.records.file_plans import active_plan
from services.records.subject_keys import subject_key
from services.settings import SearchBackend
from tests.fixtures.app import make_settings

BEFORE = "0013_legacy_import"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'near.db'}"
    else:
        yield request.getfixturevalue("postgres_empty_url")


def _downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_near_keys_of_existing_subject_keys_are_backfilled(
    database_url: str, tmp_path: Path
) -> None:
    search = SearchBackend.SQLITE if database_url.startswith("sqlite") else SearchBackend.POSTGRES
    container = build_container(
        make_settings(tmp_path, database_url=database_url, search_backend=search)
    )
    prepare(container, migrate=True)
    with unit_of_work(container.session_factory) as session:
        keys = [
            subject_key("person", "Yilmaz, Ayse, 03.04.1985"),
            subject_key("kassenzeichen", "5.0123.456789.0"),
            subject_key("bauantrag", "BA-2026-0173"),
            subject_key("sender_reference", "RA-2026/0815"),
        ]
        new = NewAkte("122.04", "Yilmaz", subject_keys=keys)
        create_akte(session, active_plan(session), new, actor="t", clock=container.clock)

    _downgrade(container.engine, BEFORE)
    columns = {c["name"] for c in inspect(container.engine).get_columns("akte_subject_keys")}
    assert "near_key" not in columns
    upgrade(container.engine)

    assert current_revision(container.engine) == head_revision()
    with container.session_factory() as session:
        rows = dict(session.execute(select(AkteSubjectKey.kind, AkteSubjectKey.near_key)).all())
    assert rows == {
        "person": "1985-04-03",
        "kassenzeichen": "501234567890",
        "bauantrag": "8A226173",
        "sender_reference": "RA20260815",
    }
    container.close()
