"""Page work before filing: operations, derived pages, superseded documents.

Revision ID: 0009_pagework
Revises: 0008_key_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_pagework"
down_revision = "0008_key_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pagework_operations",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("kinds", sa.String(length=100), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
    )
    op.create_table(
        "derived_pages",
        sa.Column(
            "document_id", sa.String(length=36), sa.ForeignKey("documents.id"), primary_key=True
        ),
        sa.Column("page_number", sa.Integer(), primary_key=True),
        sa.Column(
            "operation_id",
            sa.String(length=36),
            sa.ForeignKey("pagework_operations.id"),
            nullable=False,
        ),
        sa.Column(
            "source_document_id",
            sa.String(length=36),
            sa.ForeignKey("documents.id"),
            nullable=False,
        ),
        sa.Column("source_page", sa.Integer(), nullable=False),
        sa.Column("rotated", sa.Integer(), nullable=False),
    )
    op.create_index("ix_derived_pages_operation_id", "derived_pages", ["operation_id"])
    op.create_index("ix_derived_pages_source_document_id", "derived_pages", ["source_document_id"])
    op.create_table(
        "document_supersessions",
        sa.Column(
            "document_id", sa.String(length=36), sa.ForeignKey("documents.id"), primary_key=True
        ),
        sa.Column(
            "operation_id",
            sa.String(length=36),
            sa.ForeignKey("pagework_operations.id"),
            nullable=False,
        ),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_by", sa.String(length=300), nullable=False),
    )
    op.create_index(
        "ix_document_supersessions_operation_id", "document_supersessions", ["operation_id"]
    )


def downgrade() -> None:
    op.drop_table("document_supersessions")
    op.drop_table("derived_pages")
    op.drop_table("pagework_operations")
