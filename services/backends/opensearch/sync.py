"""Delivering the outbox to OpenSearch: after each commit, and by a periodic job.

One delivery at a time per database: it holds a lock (PostgreSQL: an advisory
transaction lock; SQLite: its write lock) while it reads outbox rows and the current
state of their documents, writes them to OpenSearch and deletes the rows.  Deliveries
therefore never overtake each other with older state, and a row is deleted only once
OpenSearch accepted what it stood for.  When the cluster cannot be reached the rows
stay, the commit that wrote them is not affected, and the delivery after a commit
pauses for ``catch_up_seconds`` while the periodic job (:class:`CatchUpHandler`) keeps
trying.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from services.backends.opensearch.client import SearchUnavailableError
from services.backends.opensearch.documents import Entry, documents_of_akten, entries
from services.backends.opensearch.mapping import Alias
from services.backends.opensearch.tables import search_outbox, search_reindex
from services.db.session import unit_of_work
from services.settings import OpenSearchSettings

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

log = logging.getLogger(__name__)

CATCH_UP = "search_catch_up"
LOCK_KEY = 0x5EA4C1
"""The PostgreSQL advisory lock of deliveries and of a reindex's loading batches."""


def lock_deliveries(session: Session, *, timeout_seconds: float | None = None) -> None:
    """Take the delivery lock for the session's transaction (SQLite: its write lock)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    if timeout_seconds is not None:
        millis = max(1, int(timeout_seconds * 1000))
        session.execute(text(f"SET LOCAL lock_timeout = {millis}"))
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def write_entries(
    client: OpenSearch, indices: Sequence[str], batch: Sequence[Entry], *, refresh: bool
) -> None:
    """Index or remove ``batch`` in every one of ``indices``; raise unless all succeeded."""
    body: list[dict[str, Any]] = []
    for entry in batch:
        for index in indices:
            meta = {"_index": index, "_id": entry.document_id}
            if entry.source is None:
                body.append({"delete": meta})
            else:
                body += [{"index": meta}, entry.source]
    if not body:
        return
    try:
        answer = client.bulk(body=body, refresh="wait_for" if refresh else "false")
    except Exception as exc:  # opensearch-py's transport and HTTP errors
        raise SearchUnavailableError(f"OpenSearch bulk request failed: {exc}") from exc
    if answer.get("errors"):
        for item in answer["items"]:
            (action, result), *_ = item.items()
            if result.get("error") and not (action == "delete" and result.get("status") == 404):
                raise SearchUnavailableError(f"OpenSearch refused {action}: {result['error']}")


def reindex_target(session: Session) -> str | None:
    """The physical index a running reindex builds, if one runs."""
    return session.scalar(select(search_reindex.c.target_index).limit(1))


def outbox_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(search_outbox)) or 0


class Delivery:
    """Delivers outbox rows; shared by the commit hook, the periodic job and the CLI."""

    def __init__(
        self, alias: Alias, settings: OpenSearchSettings, factory: sessionmaker[Session]
    ) -> None:
        self._alias = alias
        self._settings = settings
        self._factory = factory
        self._paused_until = 0.0
        self._pause_lock = threading.Lock()

    def after_commit(self) -> None:
        """Deliver what a commit wrote, unless the cluster was just found down."""
        if time.monotonic() < self._paused_until:
            return
        try:
            self.drain(lock_timeout_seconds=self._settings.timeout_seconds)
        except Exception as exc:  # never fail the commit that already happened
            log.warning("search index not updated now, the outbox keeps it: %s", exc)

    def drain(self, *, lock_timeout_seconds: float | None = None) -> int:
        """Deliver the whole outbox in batches; return the number of rows delivered."""
        delivered = 0
        while True:
            count = self._deliver_batch(lock_timeout_seconds)
            delivered += count
            if count < self._settings.bulk_size:
                return delivered

    def _deliver_batch(self, lock_timeout_seconds: float | None) -> int:
        try:
            with unit_of_work(self._factory) as session:
                lock_deliveries(session, timeout_seconds=lock_timeout_seconds)
                rows = session.execute(
                    select(search_outbox.c.id, search_outbox.c.document_id, search_outbox.c.akte_id)
                    .order_by(search_outbox.c.id)
                    .limit(self._settings.bulk_size)
                ).all()
                if not rows:
                    return 0
                documents = [row.document_id for row in rows if row.document_id]
                akten = [row.akte_id for row in rows if row.akte_id]
                documents += documents_of_akten(session, akten)
                self._alias.ensure()
                indices = [self._alias.name]
                target = reindex_target(session)
                if target is not None:
                    indices.append(target)
                batch = entries(session, documents)
                for start in range(0, len(batch), self._settings.bulk_size):
                    part = batch[start : start + self._settings.bulk_size]
                    write_entries(self._alias.client, indices, part, refresh=True)
                session.execute(
                    delete(search_outbox).where(search_outbox.c.id.in_([row.id for row in rows]))
                )
        except SearchUnavailableError as exc:
            self._pause()
            self._record_failure(str(exc))
            raise
        self._paused_until = 0.0
        return len(rows)

    def _pause(self) -> None:
        with self._pause_lock:
            self._paused_until = time.monotonic() + self._settings.catch_up_seconds

    def _record_failure(self, error: str) -> None:
        with unit_of_work(self._factory) as session:
            oldest = select(search_outbox.c.id).order_by(search_outbox.c.id)
            ids = list(session.scalars(oldest.limit(self._settings.bulk_size)))
            session.execute(
                update(search_outbox)
                .where(search_outbox.c.id.in_(ids))
                .values(attempts=search_outbox.c.attempts + 1, last_error=error[:2000])
            )


class CatchUpHandler:
    """The periodic job that delivers what the outbox still holds (after an outage)."""

    kind = CATCH_UP

    def __init__(self, delivery: Delivery) -> None:
        self._delivery = delivery

    def run(self, payload: Mapping[str, Any]) -> None:
        delivered = self._delivery.drain()
        if delivered:
            log.info("search index caught up with %d outbox rows", delivered)

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        """Nothing to mark: the rows stay in the outbox for the next scheduled run."""
