"""Near keys of subject keys: near-miss reference lookups as indexed equality lookups.

Revision ID: 0014_subject_key_fold
Revises: 0013_legacy_import
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.classification.references.folding import near_key

revision = "0014_subject_key_fold"
down_revision = "0013_legacy_import"
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    op.add_column("akte_subject_keys", sa.Column("near_key", sa.String(length=300)))
    keys = sa.table(
        "akte_subject_keys",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("value", sa.String()),
        sa.column("near_key", sa.String()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(keys.c.id, keys.c.kind, keys.c.value)).all()
    update = (
        keys.update().where(keys.c.id == sa.bindparam("row_id")).values(near_key=sa.bindparam("nk"))
    )
    for start in range(0, len(rows), _BATCH):
        connection.execute(
            update,
            [
                {"row_id": row_id, "nk": near_key(kind, value)}
                for row_id, kind, value in rows[start : start + _BATCH]
            ],
        )
    op.create_index("ix_akte_subject_keys_near", "akte_subject_keys", ["kind", "near_key"])


def downgrade() -> None:
    op.drop_index("ix_akte_subject_keys_near", table_name="akte_subject_keys")
    with op.batch_alter_table("akte_subject_keys") as batch:
        batch.drop_column("near_key")
