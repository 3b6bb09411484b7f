"""data revisions: a token per body of data, new with every write to it, by which costly
figures (the case KPIs and statistics) are kept while still exact

Revision ID: 0011
Revises: 0010
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    revisions = op.create_table(
        "data_revisions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_revisions")),
    )
    op.bulk_insert(revisions, [{"name": name, "token": uuid.uuid4().hex} for name in ("cases", "registry")])


def downgrade():
    op.drop_table("data_revisions")
