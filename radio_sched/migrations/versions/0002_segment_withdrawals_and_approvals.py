"""content life: segment withdrawals and refusal notes, approval settings per kind

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.String(length=300), nullable=False,
                                      server_default=''))
    op.create_table('kind_approvals',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_kind_approvals'))
    )


def downgrade() -> None:
    op.drop_table('kind_approvals')
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.drop_column('review_note')
        batch_op.drop_column('withdrawn_from')
