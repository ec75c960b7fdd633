"""Full-text search index.

SQLite: ``search_documents`` keeps the original text (for snippets) and an integer id
that is the rowid of the FTS5 table ``search_fts``, which holds the Snowball stems
computed in Python (FTS5 has no German stemmer).  A trigger keeps the two in step.

PostgreSQL: ``search_documents`` keeps the original text and a weighted ``tsvector``
built with the ``german`` configuration (title A, metadata B, body C), GIN-indexed.

Revision ID: 0002_search_index
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_search_index"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_search_documents_tsv", table_name="search_documents")
        op.drop_table("search_documents")
    else:
        op.execute("DROP TRIGGER search_documents_delete_fts")
        op.execute("DROP TABLE search_fts")
        op.drop_table("search_documents")


def _document_fk() -> sa.ForeignKey:
    # A deleted document must not remain findable.
    return sa.ForeignKey("documents.id", ondelete="CASCADE")


def _upgrade_postgresql() -> None:
    op.create_table(
        "search_documents",
        sa.Column("document_id", sa.String(36), _document_fk(), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("metadata_text", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tsv", postgresql.TSVECTOR(), nullable=False),
    )
    op.create_index("ix_search_documents_tsv", "search_documents", ["tsv"], postgresql_using="gin")


def _upgrade_sqlite() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.String(36), _document_fk(), nullable=False, unique=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("metadata_text", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    # "_" is a token character: the indexed text uses it as the stop-word placeholder.
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "title, metadata, body, tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
    )
    op.execute(
        "CREATE TRIGGER search_documents_delete_fts AFTER DELETE ON search_documents "
        "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END"
    )
