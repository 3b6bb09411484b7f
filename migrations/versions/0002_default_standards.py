"""default standards: 四有, 五有 and a 六有 sample

Revision ID: 0002
Revises: 0001
"""
from alembic import op

from app.standards.defaults import insert_default_standards

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    insert_default_standards(op.get_bind())


def downgrade():
    for table in ("standard_items", "standard_versions", "standards"):
        op.execute(f"DELETE FROM {table}")
