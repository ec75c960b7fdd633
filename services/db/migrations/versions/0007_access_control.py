"""Access control: persons, browser sessions, Akte shares, confidentiality, key expiry.

Existing keys and records keep working: keys get clearance 003 (Offen), Akten and
documents level 003, as everything was readable before.

Revision ID: 0007_access_control
Revises: 0006_einvoices
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007_access_control'
down_revision = '0006_einvoices'
branch_labels = None
depends_on = None


_ACTOR_COLUMNS = (
    ('file_plan_versions', 'imported_by'),
    ('akten', 'created_by'),
    ('vorgaenge', 'created_by'),
    ('review_tasks', 'decided_by'),
    ('training_examples', 'created_by'),
)
"""Who did it: persons' names are longer than the key names these were sized for."""


def upgrade() -> None:
    op.create_table('persons',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('org_units', sa.JSON(), nullable=False),
    sa.Column('clearance', sa.String(length=3), nullable=False),
    sa.Column('assignment', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('issuer', 'subject')
    )
    op.create_table('browser_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('csrf_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id_token', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id']),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_index('ix_browser_sessions_person_id', 'browser_sessions', ['person_id'])
    op.create_table('akte_shares',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('akte_id', sa.String(length=36), nullable=False),
    sa.Column('grantee_kind', sa.String(length=16), nullable=False),
    sa.Column('grantee', sa.String(length=100), nullable=False),
    sa.Column('access', sa.String(length=16), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=300), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['akte_id'], ['akten.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_akte_shares_akte_id', 'akte_shares', ['akte_id'])
    op.create_index('ix_akte_shares_grantee', 'akte_shares', ['grantee_kind', 'grantee'])
    for table, column in _ACTOR_COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.String(length=200),
                               existing_type=sa.String(length=100))
    with op.batch_alter_table('api_keys') as batch:
        batch.add_column(sa.Column('clearance', sa.String(length=3), nullable=False,
                                   server_default='003'))
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('akten') as batch:
        batch.add_column(sa.Column('confidentiality', sa.String(length=3), nullable=False,
                                   server_default='003'))
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('confidentiality', sa.String(length=3), nullable=False,
                                   server_default='003'))


def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('confidentiality')
    with op.batch_alter_table('akten') as batch:
        batch.drop_column('confidentiality')
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_column('expires_at')
        batch.drop_column('clearance')
    op.drop_index('ix_akte_shares_grantee', table_name='akte_shares')
    op.drop_index('ix_akte_shares_akte_id', table_name='akte_shares')
    op.drop_table('akte_shares')
    op.drop_index('ix_browser_sessions_person_id', table_name='browser_sessions')
    op.drop_table('browser_sessions')
    op.drop_table('persons')
