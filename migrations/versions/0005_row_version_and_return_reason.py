"""organizations get a row version (a stale edit form cannot overwrite a newer change);
inspections keep why the county sent them back (退回修改)

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.add_column(sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.alter_column("row_version", server_default=None)
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.add_column(sa.Column("return_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.alter_column("return_reason", server_default=None)


def downgrade():
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.drop_column("return_reason")
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_column("row_version")
