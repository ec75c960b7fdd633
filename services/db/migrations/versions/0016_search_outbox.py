"""The OpenSearch backend's tables: search text, outbox of index changes, reindex marker.

The database stays the source of truth: ``search_texts`` keeps what was indexed, and a
change reaches OpenSearch through ``search_outbox``, written in the same transaction as
the change and delivered afterwards (see :mod:`services.backends.opensearch.sync`).  The
tables exist on every backend but are used by ``EAKTE_SEARCH_BACKEND=opensearch`` only.

Revision ID: 0016_search_outbox
Revises: 0015_search_words
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.db.models.base import UtcDateTime

revision = "0016_search_outbox"
down_revision = "0015_search_words"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_texts",
        sa.Column(
            "document_id",
            sa.String(36),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("metadata_text", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(36)),
        sa.Column("akte_id", sa.String(36)),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text()),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "search_reindex",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("target_index", sa.String(255), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("search_reindex")
    op.drop_table("search_outbox")
    op.drop_table("search_texts")
