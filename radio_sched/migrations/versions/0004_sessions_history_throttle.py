"""revocable sessions, as-run history, sign-in failures in the database

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_gen', sa.Integer(), server_default='0',
                                      nullable=False))

    op.create_table('asrun_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asrun_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('reported_by', sa.String(length=80), nullable=True),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('replaced_by', sa.String(length=80), nullable=True),
    sa.Column('replaced_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['asrun_id'], ['asrun.id'], name=op.f('fk_asrun_history_asrun_id_asrun'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asrun_history'))
    )
    with op.batch_alter_table('asrun_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asrun_history_asrun_id'), ['asrun_id'], unique=False)

    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_sha256', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_at'), ['at'], unique=False)
        batch_op.create_index('ix_login_failures_key_at', ['key_sha256', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_key_at')
        batch_op.drop_index(batch_op.f('ix_login_failures_at'))

    op.drop_table('login_failures')
    with op.batch_alter_table('asrun_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asrun_history_asrun_id'))

    op.drop_table('asrun_history')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_gen')
