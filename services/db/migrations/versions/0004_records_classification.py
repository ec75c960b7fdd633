"""Records (file plan, Akten, Vorgänge), classification, review queue, audit trail.

Revision ID: 0004_records_classification
Revises: 0003_rendition_pdfa
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004_records_classification'
down_revision = '0003_rendition_pdfa'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('object_type', sa.String(length=30), nullable=False),
    sa.Column('object_id', sa.String(length=100), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)

    op.create_table('classifier_models',
    sa.Column('version', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('blob_key', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('training_hash', sa.String(length=64), nullable=False),
    sa.Column('n_examples', sa.Integer(), nullable=False),
    sa.Column('target_precision', sa.Float(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('version')
    )
    op.create_table('file_plan_versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('file_plan_entries',
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('plan_version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_version_id'], ['file_plan_versions.id'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('akten',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('aktenzeichen', sa.String(length=100), nullable=False),
    sa.Column('file_plan_code', sa.String(length=50), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('running_number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('org_unit', sa.String(length=100), nullable=False),
    sa.Column('is_general', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retention_trigger_date', sa.Date(), nullable=True),
    sa.Column('retention_until', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['file_plan_code'], ['file_plan_entries.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('aktenzeichen'),
    sa.UniqueConstraint('file_plan_code', 'year', 'running_number')
    )
    with op.batch_alter_table('akten', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_akten_file_plan_code'), ['file_plan_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_akten_org_unit'), ['org_unit'], unique=False)
        batch_op.create_index(batch_op.f('ix_akten_status'), ['status'], unique=False)

    op.create_table('aktenzeichen_counters',
    sa.Column('file_plan_code', sa.String(length=50), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['file_plan_code'], ['file_plan_entries.code'], ),
    sa.PrimaryKeyConstraint('file_plan_code', 'year')
    )
    op.create_table('akte_subject_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('akte_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.Column('display', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['akte_id'], ['akten.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('akte_id', 'kind', 'value')
    )
    with op.batch_alter_table('akte_subject_keys', schema=None) as batch_op:
        batch_op.create_index('ix_akte_subject_keys_lookup', ['kind', 'value'], unique=False)

    op.create_table('vorgaenge',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('akte_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['akte_id'], ['akten.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('akte_id', 'number')
    )
    with op.batch_alter_table('vorgaenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vorgaenge_akte_id'), ['akte_id'], unique=False)

    op.create_table('classification_results',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=True),
    sa.Column('akte_id', sa.String(length=36), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('model_version', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('suggestions', sa.JSON(), nullable=False),
    sa.Column('references', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['akte_id'], ['akten.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('classification_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classification_results_document_id'), ['document_id'], unique=False)

    op.create_table('training_examples',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('training_examples', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_examples_document_id'), ['document_id'], unique=False)

    op.create_table('review_tasks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('classification_id', sa.String(length=36), nullable=False),
    sa.Column('org_unit', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['classification_id'], ['classification_results.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_tasks_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_review_tasks_queue', ['org_unit', 'status', 'created_at'], unique=False)

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('filing_status', sa.String(length=32), nullable=False, server_default='unfiled')
        )
        batch_op.add_column(sa.Column('akte_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('vorgang_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_akte_id'), ['akte_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_filing_status'), ['filing_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_vorgang_id'), ['vorgang_id'], unique=False)
        batch_op.create_foreign_key('fk_documents_akte_id', 'akten', ['akte_id'], ['id'])
        batch_op.create_foreign_key('fk_documents_vorgang_id', 'vorgaenge', ['vorgang_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint('fk_documents_vorgang_id', type_='foreignkey')
        batch_op.drop_constraint('fk_documents_akte_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_documents_vorgang_id'))
        batch_op.drop_index(batch_op.f('ix_documents_filing_status'))
        batch_op.drop_index(batch_op.f('ix_documents_akte_id'))
        batch_op.drop_column('filed_at')
        batch_op.drop_column('vorgang_id')
        batch_op.drop_column('akte_id')
        batch_op.drop_column('filing_status')

    with op.batch_alter_table('review_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_review_tasks_queue')
        batch_op.drop_index(batch_op.f('ix_review_tasks_document_id'))

    op.drop_table('review_tasks')
    with op.batch_alter_table('training_examples', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_examples_document_id'))

    op.drop_table('training_examples')
    with op.batch_alter_table('classification_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_classification_results_document_id'))

    op.drop_table('classification_results')
    with op.batch_alter_table('vorgaenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vorgaenge_akte_id'))

    op.drop_table('vorgaenge')
    with op.batch_alter_table('akte_subject_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_akte_subject_keys_lookup')

    op.drop_table('akte_subject_keys')
    op.drop_table('aktenzeichen_counters')
    with op.batch_alter_table('akten', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_akten_status'))
        batch_op.drop_index(batch_op.f('ix_akten_org_unit'))
        batch_op.drop_index(batch_op.f('ix_akten_file_plan_code'))

    op.drop_table('akten')
    op.drop_table('file_plan_entries')
    op.drop_table('file_plan_versions')
    op.drop_table('classifier_models')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_object')

    op.drop_table('audit_events')
