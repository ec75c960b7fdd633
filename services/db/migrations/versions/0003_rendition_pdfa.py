"""Record whether a document's rendition is PDF/A.

Revision ID: 0003_rendition_pdfa
Revises: 0002_search_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_rendition_pdfa"
down_revision = "0002_search_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("rendition_is_pdfa", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_column("rendition_is_pdfa")
