"""Outbox rows for every change the index must learn of, in the changing transaction.

Session events on the session factory, so no write path has to remember the index:

* a document's unit, level, Akte, filing status or time of receipt changes, or it is
  deleted (one row for the document);
* an Akte's level, plan code or Aktenzeichen changes (one row for the Akte: every
  document in it is rewritten when the row is delivered);
* ``index_document``/``remove_document`` write their own row.

ORM flushes and ORM bulk ``update()``/``delete()`` statements are seen; raw SQL text is
not (``eakte search reindex`` repairs that).  Shares need no row: the Akten shared with
a caller are part of the query (:mod:`.query`).  After a commit that wrote rows, the
``after_commit`` callback delivers them (:class:`.sync.Delivery`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from services.backends.opensearch.tables import search_outbox
from services.db.models import Akte, Document

DOCUMENT_FIELDS = ("org_unit", "confidentiality", "akte_id", "filing_status", "created_at")
AKTE_FIELDS = ("confidentiality", "file_plan_code", "aktenzeichen")

_WRITTEN = "eakte_search_outbox_written"


def enqueue(session: Session, *, documents: Iterable[str] = (), akten: Iterable[str] = ()) -> None:
    """Write outbox rows into the session's transaction."""
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = [
        {"document_id": document_id, "akte_id": None, "created_at": now, "attempts": 0}
        for document_id in dict.fromkeys(documents)
    ]
    rows += [
        {"document_id": None, "akte_id": akte_id, "created_at": now, "attempts": 0}
        for akte_id in dict.fromkeys(akten)
    ]
    if rows:
        session.connection().execute(insert(search_outbox), rows)
        session.info[_WRITTEN] = True


def install_outbox(factory: sessionmaker[Session], after_commit: Callable[[], None]) -> None:
    """Watch every session of ``factory``; call ``after_commit`` when one committed rows."""
    event.listen(factory, "before_flush", _changed_rows)
    event.listen(factory, "do_orm_execute", _bulk_statement)

    def committed(session: Session) -> None:
        if session.info.pop(_WRITTEN, False):
            after_commit()

    def rolled_back(session: Session) -> None:
        session.info.pop(_WRITTEN, None)

    event.listen(factory, "after_commit", committed)
    event.listen(factory, "after_rollback", rolled_back)


def _changed_rows(session: Session, _context: Any, _instances: Any) -> None:
    documents = [d.id for d in session.deleted if isinstance(d, Document)]
    akten: list[str] = []
    for instance in session.dirty:
        if isinstance(instance, Document) and _changed(instance, DOCUMENT_FIELDS):
            documents.append(instance.id)
        elif isinstance(instance, Akte) and _changed(instance, AKTE_FIELDS):
            akten.append(instance.id)
    enqueue(session, documents=documents, akten=akten)


def _changed(instance: object, fields: tuple[str, ...]) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _bulk_statement(state: ORMExecuteState) -> None:
    """ORM ``update(Document)``/``delete(Document)``/``update(Akte)``: the rows they hit."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    entity = mapper.class_ if mapper is not None else None
    if entity is not Document and entity is not Akte:
        return
    where = getattr(state.statement, "whereclause", None)
    ids = select(entity.id)
    if where is not None:
        ids = ids.where(where)
    hit = list(state.session.connection().scalars(ids))
    if entity is Document:
        enqueue(state.session, documents=hit)
    else:
        enqueue(state.session, akten=hit)
