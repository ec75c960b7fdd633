"""The database side of the OpenSearch backend (migration ``0016_search_outbox``).

* ``search_texts``: the text of every indexed document, the source of truth the
  index is built from (``eakte search reindex``) and the snippets are cut from.
* ``search_outbox``: one row per change the index has not been told of yet, written in
  the transaction of the change; delivered after commit and by a periodic job.
* ``search_reindex``: while a reindex runs, the physical index it builds, so that
  deliveries reach the new index too.

Core tables with their own metadata: the ORM models do not need to know of them.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text

from services.db.models.base import UtcDateTime

metadata = MetaData()

search_texts = Table(
    "search_texts",
    metadata,
    Column(
        "document_id",
        String(36),
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("title", Text(), nullable=False),
    Column("metadata_text", Text(), nullable=False),
    Column("body", Text(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

search_outbox = Table(
    "search_outbox",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    # A document whose entry is to be rewritten (or removed when it is gone) ...
    Column("document_id", String(36)),
    # ... or an Akte whose documents' entries are (its level or plan code changed).
    Column("akte_id", String(36)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("attempts", Integer(), nullable=False, default=0),
    Column("last_error", Text()),
    sqlite_autoincrement=True,
)

search_reindex = Table(
    "search_reindex",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("target_index", String(255), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
)
