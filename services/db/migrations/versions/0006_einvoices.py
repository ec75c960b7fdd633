"""E-invoices: received invoices, Leitweg-ID routes, adopted annual accounts.

Revision ID: 0006_einvoices
Revises: 0005_revision_safe_storage
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006_einvoices'
down_revision = '0005_revision_safe_storage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annual_accounts_adoptions',
    sa.Column('fiscal_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('fiscal_year')
    )
    op.create_table('leitweg_routes',
    sa.Column('leitweg_id', sa.String(length=60), nullable=False),
    sa.Column('org_unit', sa.String(length=100), nullable=False),
    sa.Column('retention_rule', sa.String(length=16), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('leitweg_id')
    )
    op.create_table('einvoices',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('received_object_id', sa.Integer(), nullable=False),
    sa.Column('received_sha256', sa.String(length=64), nullable=False),
    sa.Column('received_media_type', sa.String(length=100), nullable=False),
    sa.Column('item_id', sa.String(length=36), nullable=True),
    sa.Column('document_id', sa.String(length=36), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.Column('syntax', sa.String(length=30), nullable=True),
    sa.Column('customization_id', sa.String(length=300), nullable=True),
    sa.Column('specification', sa.String(length=50), nullable=True),
    sa.Column('profile', sa.String(length=30), nullable=True),
    sa.Column('valid', sa.Boolean(), nullable=True),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('invoice_number', sa.String(length=200), nullable=True),
    sa.Column('seller_key', sa.String(length=300), nullable=True),
    sa.Column('payable_amount', sa.String(length=40), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('leitweg_id', sa.String(length=60), nullable=True),
    sa.Column('leitweg_valid', sa.Boolean(), nullable=True),
    sa.Column('org_unit', sa.String(length=100), nullable=True),
    sa.Column('retention_rule', sa.String(length=16), nullable=True),
    sa.Column('duplicate_of_id', sa.String(length=36), nullable=True),
    sa.Column('xml_sha256', sa.String(length=64), nullable=True),
    sa.Column('xml_object_id', sa.Integer(), nullable=True),
    sa.Column('html_object_id', sa.Integer(), nullable=True),
    sa.Column('pdf_view_object_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['einvoices.id'], ),
    sa.ForeignKeyConstraint(['html_object_id'], ['stored_objects.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['intake_items.id'], ),
    sa.ForeignKeyConstraint(['pdf_view_object_id'], ['stored_objects.id'], ),
    sa.ForeignKeyConstraint(['received_object_id'], ['stored_objects.id'], ),
    sa.ForeignKeyConstraint(['xml_object_id'], ['stored_objects.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('einvoices', schema=None) as batch_op:
        batch_op.create_index('ix_einvoices_business_key', ['seller_key', 'invoice_number', 'payable_amount'], unique=False)
        batch_op.create_index(batch_op.f('ix_einvoices_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_einvoices_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_einvoices_leitweg_id'), ['leitweg_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_einvoices_org_unit'), ['org_unit'], unique=False)
        batch_op.create_index(batch_op.f('ix_einvoices_received_sha256'), ['received_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_einvoices_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_einvoices_xml_sha256'), ['xml_sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('einvoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_einvoices_xml_sha256'))
        batch_op.drop_index(batch_op.f('ix_einvoices_status'))
        batch_op.drop_index(batch_op.f('ix_einvoices_received_sha256'))
        batch_op.drop_index(batch_op.f('ix_einvoices_org_unit'))
        batch_op.drop_index(batch_op.f('ix_einvoices_leitweg_id'))
        batch_op.drop_index(batch_op.f('ix_einvoices_item_id'))
        batch_op.drop_index(batch_op.f('ix_einvoices_document_id'))
        batch_op.drop_index('ix_einvoices_business_key')

    op.drop_table('einvoices')
    op.drop_table('leitweg_routes')
    op.drop_table('annual_accounts_adoptions')
