"""Browser sessions opened with an API key (the web sign-in without a provider).

Revision ID: 0008_key_sessions
Revises: 0007_access_control
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0008_key_sessions"
down_revision = "0007_access_control"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("browser_sessions") as batch:
        batch.alter_column("person_id", existing_type=sa.String(length=36), nullable=True)
        batch.add_column(sa.Column("api_key_id", sa.String(length=36), nullable=True))
        batch.create_foreign_key(
            "fk_browser_sessions_api_key_id", "api_keys", ["api_key_id"], ["id"]
        )
        batch.create_index("ix_browser_sessions_api_key_id", ["api_key_id"])


def downgrade() -> None:
    op.execute("DELETE FROM browser_sessions WHERE person_id IS NULL")
    with op.batch_alter_table("browser_sessions") as batch:
        batch.drop_index("ix_browser_sessions_api_key_id")
        batch.drop_constraint("fk_browser_sessions_api_key_id", type_="foreignkey")
        batch.drop_column("api_key_id")
        batch.alter_column("person_id", existing_type=sa.String(length=36), nullable=False)
