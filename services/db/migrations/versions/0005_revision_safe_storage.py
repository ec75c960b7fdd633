"""Revision-safe storage: object versions and protection, document versions, tombstones,
the audit hash chain and its anchors, daily evidence trees.

Revision ID: 0005_revision_safe_storage
Revises: 0004_records_classification
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005_revision_safe_storage'
down_revision = '0004_records_classification'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_anchors',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('anchored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blob_key', sa.String(length=200), nullable=False),
    sa.Column('version_id', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seq')
    )
    op.create_table('evidence_trees',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('leaf_count', sa.Integer(), nullable=False),
    sa.Column('root_hash', sa.String(length=64), nullable=False),
    sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('anchor_key', sa.String(length=200), nullable=True),
    sa.Column('anchor_version_id', sa.String(length=200), nullable=True),
    sa.Column('timestamp_token', sa.LargeBinary(), nullable=True),
    sa.Column('tsa_url', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day')
    )
    op.create_table('stored_objects',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('blob_key', sa.String(length=200), nullable=False),
    sa.Column('version_id', sa.String(length=200), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retain_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('legal_hold', sa.Boolean(), nullable=False),
    sa.Column('fixity_status', sa.String(length=16), nullable=False),
    sa.Column('fixity_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fixity_detail', sa.Text(), nullable=True),
    sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('evidence_tree_id', sa.Integer(), nullable=True),
    sa.Column('evidence_leaf_index', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['evidence_tree_id'], ['evidence_trees.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stored_objects', schema=None) as batch_op:
        batch_op.create_index('ix_stored_objects_fixity', ['fixity_checked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stored_objects_sha256'), ['sha256'], unique=False)
        batch_op.create_index('ix_stored_objects_unsealed', ['evidence_tree_id', 'stored_at'], unique=False)
        batch_op.create_index('uq_stored_objects_live_key', ['blob_key'], unique=True, sqlite_where=sa.text('destroyed_at IS NULL'), postgresql_where=sa.text('destroyed_at IS NULL'))

    op.create_table('document_tombstones',
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('destroyed_by', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('retention_until', sa.Date(), nullable=False),
    sa.Column('versions', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('document_id')
    )
    op.create_table('document_versions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content_object_id', sa.Integer(), nullable=False),
    sa.Column('rendition_object_id', sa.Integer(), nullable=True),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['content_object_id'], ['stored_objects.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['rendition_object_id'], ['stored_objects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'number')
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_content_object_id'), ['content_object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_versions_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_versions_rendition_object_id'), ['rendition_object_id'], unique=False)

    with op.batch_alter_table('akten', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_hold', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('legal_hold_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('event_hash', sa.String(length=64), nullable=True))
        batch_op.create_index('uq_audit_events_seq', ['seq'], unique=True)

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('retention_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('legal_hold', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('legal_hold_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('protection_pending', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('disposed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_protection_pending'), ['protection_pending'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_protection_pending'))
        batch_op.drop_column('disposed_at')
        batch_op.drop_column('protection_pending')
        batch_op.drop_column('legal_hold_reason')
        batch_op.drop_column('legal_hold')
        batch_op.drop_column('retention_until')
        batch_op.drop_column('current_version')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('uq_audit_events_seq')
        batch_op.drop_column('event_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')

    with op.batch_alter_table('akten', schema=None) as batch_op:
        batch_op.drop_column('legal_hold_reason')
        batch_op.drop_column('legal_hold')

    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_rendition_object_id'))
        batch_op.drop_index(batch_op.f('ix_document_versions_document_id'))
        batch_op.drop_index(batch_op.f('ix_document_versions_content_object_id'))

    op.drop_table('document_versions')
    op.drop_table('document_tombstones')
    with op.batch_alter_table('stored_objects', schema=None) as batch_op:
        batch_op.drop_index('uq_stored_objects_live_key', sqlite_where=sa.text('destroyed_at IS NULL'), postgresql_where=sa.text('destroyed_at IS NULL'))
        batch_op.drop_index('ix_stored_objects_unsealed')
        batch_op.drop_index(batch_op.f('ix_stored_objects_sha256'))
        batch_op.drop_index('ix_stored_objects_fixity')

    op.drop_table('stored_objects')
    op.drop_table('evidence_trees')
    op.drop_table('audit_anchors')
