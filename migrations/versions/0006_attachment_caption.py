"""attachments carry the caption their uploader gave (printed under the photo in the evidence appendix)

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachments") as batch_op:
        batch_op.add_column(sa.Column("caption", sa.String(length=100), nullable=False, server_default=""))
    with op.batch_alter_table("attachments") as batch_op:
        batch_op.alter_column("caption", server_default=None)


def downgrade():
    with op.batch_alter_table("attachments") as batch_op:
        batch_op.drop_column("caption")
