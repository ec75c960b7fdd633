"""Retention to the end: plan events of Akten and the appraisal of plan value B.

Revision ID: 0011_retention_events
Revises: 0010_cmis
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_retention_events"
down_revision = "0010_cmis"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "akte_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("akte_id", sa.String(length=36), sa.ForeignKey("akten.id"), nullable=False),
        sa.Column("event", sa.String(length=200), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("recorded_by", sa.String(length=300), nullable=False),
    )
    op.create_index("ix_akte_events_akte_id", "akte_events", ["akte_id"])
    with op.batch_alter_table("akten") as batch:
        batch.add_column(sa.Column("appraisal", sa.String(length=1)))
        batch.add_column(sa.Column("appraisal_reason", sa.Text()))
        batch.add_column(sa.Column("appraised_by", sa.String(length=300)))
        batch.add_column(sa.Column("appraised_at", _TS))


def downgrade() -> None:
    with op.batch_alter_table("akten") as batch:
        for column in ("appraised_at", "appraised_by", "appraisal_reason", "appraisal"):
            batch.drop_column(column)
    op.drop_table("akte_events")
