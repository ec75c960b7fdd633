"""CMIS: folders, client-defined types and properties, version labels, check-outs.

Documents gain the metadata CMIS clients set: letter date, direction, sender.

Revision ID: 0010_cmis
Revises: 0009_pagework
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_cmis"
down_revision = "0009_pagework"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "record_folders",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("akte_id", sa.String(length=36), sa.ForeignKey("akten.id"), nullable=False),
        sa.Column("vorgang_id", sa.String(length=36), sa.ForeignKey("vorgaenge.id")),
        sa.Column("parent_id", sa.String(length=36), sa.ForeignKey("record_folders.id")),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_record_folders_akte_id", "record_folders", ["akte_id"])
    op.create_index(
        "ix_record_folders_parent", "record_folders", ["akte_id", "vorgang_id", "parent_id"]
    )
    with op.batch_alter_table("vorgaenge") as batch:
        batch.add_column(sa.Column("updated_at", _TS))
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("folder_id", sa.String(length=36)))
        batch.add_column(sa.Column("letter_date", sa.Date()))
        batch.add_column(sa.Column("direction", sa.String(length=16)))
        batch.add_column(sa.Column("sender", sa.String(length=500)))
        batch.add_column(sa.Column("description", sa.Text()))
        batch.add_column(sa.Column("created_by", sa.String(length=300)))
        batch.create_foreign_key(
            "fk_documents_folder_id", "record_folders", ["folder_id"], ["id"]
        )
        batch.create_index("ix_documents_folder_id", ["folder_id"])
    op.create_table(
        "cmis_types",
        sa.Column("id", sa.String(length=200), primary_key=True),
        sa.Column("base_id", sa.String(length=50), nullable=False),
        sa.Column("parent_id", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_cmis_types_parent_id", "cmis_types", ["parent_id"])
    op.create_table(
        "cmis_object_types",
        sa.Column("object_key", sa.String(length=80), primary_key=True),
        sa.Column("type_id", sa.String(length=200)),
        sa.Column("secondary_type_ids", sa.JSON(), nullable=False),
    )
    op.create_index("ix_cmis_object_types_type_id", "cmis_object_types", ["type_id"])
    op.create_table(
        "cmis_property_values",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("object_key", sa.String(length=80), nullable=False),
        sa.Column("property_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value_string", sa.String(length=4000)),
        sa.Column("value_number", sa.Numeric(38, 10)),
        sa.Column("value_datetime", _TS),
        sa.Column("value_bool", sa.Boolean()),
    )
    op.create_index(
        "ix_cmis_property_values_object", "cmis_property_values", ["object_key", "property_id"]
    )
    for column in ("string", "number", "datetime"):
        op.create_index(
            f"ix_cmis_property_values_{column}",
            "cmis_property_values",
            ["property_id", f"value_{column}"],
        )
    op.create_table(
        "document_version_labels",
        sa.Column(
            "version_id",
            sa.String(length=36),
            sa.ForeignKey("document_versions.id"),
            primary_key=True,
        ),
        sa.Column("major", sa.Integer(), nullable=False),
        sa.Column("minor", sa.Integer(), nullable=False),
        sa.Column("is_major", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "document_checkouts",
        sa.Column(
            "document_id", sa.String(length=36), sa.ForeignKey("documents.id"), primary_key=True
        ),
        sa.Column("checked_out_by", sa.String(length=300), nullable=False),
        sa.Column("checked_out_at", _TS, nullable=False),
        sa.Column("content_object_id", sa.Integer(), sa.ForeignKey("stored_objects.id")),
        sa.Column("content_filename", sa.String(length=500)),
        sa.Column("content_changed", sa.Boolean(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_checkouts")
    op.drop_table("document_version_labels")
    op.drop_table("cmis_property_values")
    op.drop_table("cmis_object_types")
    op.drop_table("cmis_types")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_folder_id")
        batch.drop_constraint("fk_documents_folder_id", type_="foreignkey")
        for column in ("created_by", "description", "sender", "direction", "letter_date"):
            batch.drop_column(column)
        batch.drop_column("folder_id")
    op.drop_table("record_folders")
    with op.batch_alter_table("vorgaenge") as batch:
        batch.drop_column("updated_at")
