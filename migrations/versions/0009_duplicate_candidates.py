"""duplicate candidates: the county's cases by date of receipt, and a caller's cases by phone

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_county_received', ['county_id', 'received_at'], unique=False)
        batch_op.create_index('ix_cases_requester_phone', ['requester_phone'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_requester_phone')
        batch_op.drop_index('ix_cases_county_received')
