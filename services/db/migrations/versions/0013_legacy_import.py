"""The legacy import's ledger (resumable bulk import of old files).

Revision ID: 0013_legacy_import
Revises: 0012_archive_transfer
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_legacy_import"
down_revision = "0012_archive_transfer"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legacy_import_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source_key", sa.String(length=700), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
    )
    op.create_index("ix_legacy_import_entries_object_id", "legacy_import_entries", ["object_id"])
    op.create_index("ix_legacy_import_entries_run_id", "legacy_import_entries", ["run_id"])


def downgrade() -> None:
    op.drop_table("legacy_import_entries")
