"""German compounds by their parts, and the vocabulary behind "did you mean".

Both backends index the parts of compounds ("Baugenehmigung" -> bau, genehmigung) in a
field of their own: SQLite gets a fourth FTS5 column ``parts`` (FTS5 tables cannot gain
a column, so ``search_fts`` is rebuilt), PostgreSQL a fourth tsvector weight D and a
small ``head_tsv`` of title and metadata (their matches are always ranked when a query
has more hits than are counted).  The new table ``search_words`` holds every indexed
word once.  Existing rows are re-derived from the text kept in ``search_documents``.

Revision ID: 0015_search_words
Revises: 0014_subject_key_fold
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from services.backends.postgres_search import HEAD_TSV_SQL, TSV_SQL, tsv_params
from services.backends.sqlite_search import fts_columns, words_json

revision = "0015_search_words"
down_revision = "0014_subject_key_fold"
branch_labels = None
depends_on = None

_BATCH = 500
_FTS_COLUMNS = "title, metadata, body"
_TOKENIZE = "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\""


def upgrade() -> None:
    op.create_table("search_words", sa.Column("word", sa.Text(), primary_key=True))
    if op.get_bind().dialect.name == "postgresql":
        _rederive_postgresql()
    else:
        _rebuild_sqlite(_FTS_COLUMNS + ", parts")


def downgrade() -> None:
    op.drop_table("search_words")
    if op.get_bind().dialect.name != "postgresql":
        _rebuild_sqlite(_FTS_COLUMNS)
        return
    op.drop_index("ix_search_documents_head_tsv", table_name="search_documents")
    op.drop_column("search_documents", "head_tsv")
    # The D-weighted parts stay in tsv: 0014's code ranks them like body words.


def _rebuild_sqlite(columns: str) -> None:
    op.execute("DROP TRIGGER search_documents_delete_fts")
    op.execute("DROP TABLE search_fts")
    op.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, {_TOKENIZE})")
    op.execute(
        "CREATE TRIGGER search_documents_delete_fts AFTER DELETE ON search_documents "
        "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END"
    )
    names = [name.strip() for name in columns.split(",")]
    insert = sa.text(
        f"INSERT INTO search_fts (rowid, {columns}) "
        f"VALUES (:id, {', '.join(':' + name for name in names)})"
    )
    words = sa.text("INSERT OR IGNORE INTO search_words (word) SELECT value FROM json_each(:w)")
    connection = op.get_bind()
    with_words = "parts" in names
    for rows in _batches("id"):
        values = []
        for row_id, title, metadata, body in rows:
            columns_of = fts_columns(title, metadata, body)
            values.append({"id": row_id, **{name: columns_of[name] for name in names}})
            if with_words:
                connection.execute(words, {"w": words_json(title, metadata, body)})
        connection.execute(insert, values)


def _rederive_postgresql() -> None:
    op.add_column(
        "search_documents",
        sa.Column("head_tsv", postgresql.TSVECTOR(), nullable=False, server_default=""),
    )
    update = sa.text(
        f"UPDATE search_documents SET tsv = {TSV_SQL}, head_tsv = {HEAD_TSV_SQL} "
        "WHERE document_id = :id"
    )
    words = sa.text(
        "INSERT INTO search_words (word) SELECT value FROM "
        "json_array_elements_text(CAST(:w AS json)) AS value ON CONFLICT DO NOTHING"
    )
    connection = op.get_bind()
    for rows in _batches("document_id"):
        connection.execute(
            update, [{"id": row[0], **tsv_params(row[1], row[2], row[3])} for row in rows]
        )
        for _, title, metadata, body in rows:
            connection.execute(words, {"w": words_json(title, metadata, body)})
    op.alter_column("search_documents", "head_tsv", server_default=None)
    op.create_index(
        "ix_search_documents_head_tsv", "search_documents", ["head_tsv"], postgresql_using="gin"
    )


def _batches(key: str) -> Iterator[list[tuple[Any, str, str, str]]]:
    """(key, title, metadata_text, body) of every indexed document, in key order."""
    query = sa.text(
        f"SELECT {key}, title, metadata_text, body FROM search_documents "
        f"WHERE {key} > :last ORDER BY {key} LIMIT {_BATCH}"
    )
    last: object = "" if key == "document_id" else -1
    while rows := op.get_bind().execute(query, {"last": last}).all():
        yield [(row[0], row[1], row[2], row[3]) for row in rows]
        last = rows[-1][0]
