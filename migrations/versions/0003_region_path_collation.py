"""region paths compared byte by byte on PostgreSQL, so a subtree is one index range

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # SQLite compares text byte by byte already. PostgreSQL rebuilds the path index in the new order.
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE regions ALTER COLUMN path TYPE VARCHAR(255) COLLATE "C"')


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE regions ALTER COLUMN path TYPE VARCHAR(255) COLLATE "default"')
