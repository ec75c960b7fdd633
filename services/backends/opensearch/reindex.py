"""Rebuilding the index from the database without a moment of downtime.

1. A new physical index is created and recorded in ``search_reindex``: from then on
   every outbox delivery writes to the alias (the old index) and to the new one.
2. The database's search text is bulk-loaded into it in batches; each batch holds the
   delivery lock while it reads and writes, so a delivery never overtakes it with newer
   state that the batch would then overwrite with older.
3. Under the same lock the alias is switched to the new index in one atomic request and
   the record is removed; then the old index is dropped.

Searches go to the old index until the switch and to the complete new one after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session, sessionmaker

from services.backends.opensearch.client import SearchUnavailableError
from services.backends.opensearch.documents import entries_after, indexed_count
from services.backends.opensearch.mapping import Alias, index_body, indices_of, physical_name
from services.backends.opensearch.sync import lock_deliveries, write_entries
from services.backends.opensearch.tables import search_reindex
from services.db.session import unit_of_work

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called with (documents loaded so far, documents to load)."""


@dataclass(frozen=True)
class ReindexResult:
    index: str
    documents: int
    dropped: list[str]


def reindex(
    alias: Alias,
    factory: sessionmaker[Session],
    *,
    batch: int,
    progress: Progress | None = None,
) -> ReindexResult:
    """Build a new index from the database, switch the alias to it, drop the old one."""
    client = alias.client
    alias.ensure()
    new = physical_name(alias.name)
    _call(client.indices.create, index=new, body=index_body(loading=True))
    try:
        with unit_of_work(factory) as session:
            lock_deliveries(session)
            session.execute(delete(search_reindex))
            session.execute(
                insert(search_reindex).values(id=1, target_index=new, started_at=_now())
            )
        loaded = _load(alias, factory, new, batch, progress)
        _call(client.indices.put_settings, index=new, body={"refresh_interval": None})
        _call(client.indices.refresh, index=new)
        with unit_of_work(factory) as session:
            lock_deliveries(session)
            old = indices_of(client, alias.name)
            actions: list[dict[str, Any]] = [
                {"remove": {"index": name, "alias": alias.name}} for name in old
            ]
            actions.append({"add": {"index": new, "alias": alias.name}})
            _call(client.indices.update_aliases, body={"actions": actions})
            session.execute(delete(search_reindex))
    except BaseException:
        _abandon(alias, factory, new)
        raise
    for name in old:
        _call(client.indices.delete, index=name)
    return ReindexResult(new, loaded, old)


def _load(
    alias: Alias, factory: sessionmaker[Session], new: str, batch: int, progress: Progress | None
) -> int:
    with unit_of_work(factory, write=False) as session:
        total = indexed_count(session)
    loaded, last = 0, ""
    if progress is not None:
        progress(0, total)
    while True:
        with unit_of_work(factory) as session:
            lock_deliveries(session)
            chunk = entries_after(session, last, batch)
            if not chunk:
                return loaded
            write_entries(alias.client, [new], chunk, refresh=False)
        loaded += len(chunk)
        last = chunk[-1].document_id
        if progress is not None:
            progress(loaded, max(total, loaded))


def _abandon(alias: Alias, factory: sessionmaker[Session], new: str) -> None:
    """Forget a failed reindex: deliveries go to the alias alone, the half index goes.

    A cluster that is gone keeps the half index (``eakte search status`` lists the
    alias's indices; an orphan ``<alias>-<timestamp>`` may be deleted by hand).
    """
    with unit_of_work(factory) as session:
        session.execute(delete(search_reindex))
    try:
        if new not in indices_of(alias.client, alias.name):
            alias.client.indices.delete(index=new, params={"ignore_unavailable": "true"})
    except Exception as exc:  # the original error is the one to report
        log.warning("could not delete the unfinished index %s: %s", new, exc)


def _call(method: Callable[..., Any], **arguments: Any) -> Any:
    try:
        return method(**arguments)
    except Exception as exc:  # opensearch-py's transport and HTTP errors
        raise SearchUnavailableError(f"OpenSearch: {exc}") from exc


def _now() -> datetime:
    return datetime.now(UTC)
