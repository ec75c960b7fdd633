"""What an operator does with the index (``eakte search ...``), on the service's settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from services.backends.opensearch.client import SearchUnavailableError, make_client
from services.backends.opensearch.documents import indexed_count
from services.backends.opensearch.mapping import Alias, indices_of
from services.backends.opensearch.reindex import Progress, ReindexResult
from services.backends.opensearch.reindex import reindex as rebuild
from services.backends.opensearch.sync import Delivery, outbox_size, reindex_target
from services.db.session import unit_of_work
from services.settings import OpenSearchSettings


@dataclass(frozen=True)
class IndexStatus:
    alias: str
    indices: list[str]
    in_index: int
    in_database: int
    outbox: int
    reindexing: str | None


def reindex(
    settings: OpenSearchSettings,
    factory: sessionmaker[Session],
    *,
    progress: Progress | None = None,
) -> ReindexResult:
    alias = Alias(make_client(settings), settings.alias)
    return rebuild(alias, factory, batch=settings.bulk_size, progress=progress)


def catch_up(settings: OpenSearchSettings, factory: sessionmaker[Session]) -> int:
    return Delivery(Alias(make_client(settings), settings.alias), settings, factory).drain()


def status(settings: OpenSearchSettings, factory: sessionmaker[Session]) -> IndexStatus:
    client = make_client(settings)
    with unit_of_work(factory, write=False) as session:
        in_database, outbox = indexed_count(session), outbox_size(session)
        target = reindex_target(session)
    try:
        indices = indices_of(client, settings.alias)
        in_index = int(client.count(index=settings.alias)["count"]) if indices else 0
    except Exception as exc:  # opensearch-py's transport and HTTP errors
        raise SearchUnavailableError(f"OpenSearch: {exc}") from exc
    return IndexStatus(settings.alias, indices, in_index, in_database, outbox, target)
