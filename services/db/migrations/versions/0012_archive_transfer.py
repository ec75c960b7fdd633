"""Archive transfer with xdomea, destruction certificates, alerts; the date received.

Revision ID: 0012_archive_transfer
Revises: 0011_retention_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_archive_transfer"
down_revision = "0011_retention_events"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_ID = sa.String(length=36)


def upgrade() -> None:
    op.create_table(
        "archive_processes",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("flow", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("xdomea_version", sa.String(length=10), nullable=False),
        sa.Column("waived", sa.Boolean(), nullable=False),
        sa.Column("approval_required", sa.Boolean(), nullable=False),
        sa.Column("approved_at", _TS),
        sa.Column("approved_by", sa.String(length=300)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("offer_sent_at", _TS),
        sa.Column("appraisal_received_at", _TS),
        sa.Column("receipt_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("transfer_sent_at", _TS),
        sa.Column("transfer_received_at", _TS),
        sa.Column("import_confirmed_at", _TS),
        sa.Column("completed_at", _TS),
        sa.Column("cancelled_at", _TS),
        sa.Column("cancelled_by", sa.String(length=300)),
        sa.Column("cancel_reason", sa.Text()),
    )
    op.create_index("ix_archive_processes_status", "archive_processes", ["status"])
    op.create_table(
        "destruction_certificates",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("number", sa.String(length=40), nullable=False, unique=True),
        sa.Column("process_id", _ID, sa.ForeignKey("archive_processes.id")),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("akten", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(length=300)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column(
            "pdf_object_id", sa.Integer(), sa.ForeignKey("stored_objects.id"), nullable=False
        ),
        sa.Column(
            "json_object_id", sa.Integer(), sa.ForeignKey("stored_objects.id"), nullable=False
        ),
    )
    op.create_index(
        "ix_destruction_certificates_process_id", "destruction_certificates", ["process_id"]
    )
    op.create_table(
        "archive_process_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("process_id", _ID, sa.ForeignKey("archive_processes.id"), nullable=False),
        sa.Column("xdomea_id", _ID, nullable=False, unique=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("akte_id", _ID, sa.ForeignKey("akten.id"), nullable=False),
        sa.Column("vorgang_id", _ID, sa.ForeignKey("vorgaenge.id")),
        sa.Column("document_id", _ID, sa.ForeignKey("documents.id")),
        sa.Column("parent_xdomea_id", _ID),
        sa.Column("agency_value", sa.String(length=1)),
        sa.Column("archive_value", sa.String(length=1)),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("archive_signature", sa.String(length=300)),
        sa.Column("result_message", sa.Text()),
        sa.Column("destroyed_at", _TS),
        sa.Column("certificate_id", _ID, sa.ForeignKey("destruction_certificates.id")),
    )
    op.create_index(
        "ix_archive_process_items_process_kind", "archive_process_items", ["process_id", "kind"]
    )
    op.create_index("ix_archive_process_items_akte_id", "archive_process_items", ["akte_id"])
    op.create_index(
        "ix_archive_process_items_document_id", "archive_process_items", ["document_id"]
    )
    op.create_index("ix_archive_process_items_state", "archive_process_items", ["state"])
    op.create_table(
        "archive_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("process_id", _ID, sa.ForeignKey("archive_processes.id")),
        sa.Column("claimed_process_id", sa.String(length=100)),
        sa.Column("message_type", sa.String(length=4)),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("object_id", sa.Integer(), sa.ForeignKey("stored_objects.id")),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("at", _TS, nullable=False),
        sa.Column("delivered_at", _TS),
    )
    op.create_index("ix_archive_messages_process_id", "archive_messages", ["process_id"])
    op.create_table(
        "archive_transfer_files",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("process_id", _ID, sa.ForeignKey("archive_processes.id"), nullable=False),
        sa.Column(
            "item_id", sa.Integer(), sa.ForeignKey("archive_process_items.id"), nullable=False
        ),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
    )
    op.create_index(
        "ix_archive_transfer_files_process_id", "archive_transfer_files", ["process_id"]
    )
    op.create_table(
        "archive_alerts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("process_id", _ID, sa.ForeignKey("archive_processes.id")),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False, unique=True),
        sa.Column("raised_at", _TS, nullable=False),
        sa.Column("resolved_at", _TS),
        sa.Column("resolved_by", sa.String(length=300)),
    )
    op.create_index("ix_archive_alerts_process_id", "archive_alerts", ["process_id"])
    with op.batch_alter_table("akten") as batch:
        batch.add_column(sa.Column("transfer_process_id", _ID))
        batch.add_column(sa.Column("disposed_at", _TS))
        batch.create_index("ix_akten_transfer_process_id", ["transfer_process_id"])
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("received_on", sa.Date()))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("received_on")
    with op.batch_alter_table("akten") as batch:
        batch.drop_index("ix_akten_transfer_process_id")
        batch.drop_column("disposed_at")
        batch.drop_column("transfer_process_id")
    for table in (
        "archive_alerts",
        "archive_transfer_files",
        "archive_messages",
        "archive_process_items",
        "destruction_certificates",
        "archive_processes",
    ):
        op.drop_table(table)
