"""jobs: a heartbeat while running, and the type of the file they produce

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(sa.Column("result_type", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
    # Every job so far printed inspection sheets.
    op.execute("UPDATE jobs SET result_type = 'application/pdf' WHERE result_path <> ''")


def downgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("result_type")
