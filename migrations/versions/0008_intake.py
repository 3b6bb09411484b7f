"""cases from outside: API tokens scoped to a region, the column mapping of a platform's export
remembered per county and channel, duplicate proposals between cases, and on each case what the
platform owns of its work order (status, 回访, satisfaction) and the case a duplicate was merged into

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_api_tokens_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_region_id'), ['region_id'], unique=False)

    op.create_table('import_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_import_mappings_channel_id_channels')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_import_mappings_region_id_regions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_import_mappings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mappings')),
    sa.UniqueConstraint('region_id', 'channel_id', name=op.f('uq_import_mappings_region_id'))
    )
    with op.batch_alter_table('import_mappings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_mappings_region_id'), ['region_id'], unique=False)

    op.create_table('case_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('same_work_order', 'same_phone', 'same_place', name='matchreason', native_enum=False,
                                length=20), nullable=False),
    sa.Column('similarity', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'linked', 'merged', 'dismissed', name='matchstatus', native_enum=False,
                                length=12), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_matches_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_case_matches_decided_by_id_users')),
    sa.ForeignKeyConstraint(['match_id'], ['cases.id'], name=op.f('fk_case_matches_match_id_cases')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_case_matches_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_matches')),
    sa.UniqueConstraint('case_id', 'match_id', name=op.f('uq_case_matches_case_id'))
    )
    with op.batch_alter_table('case_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_matches_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_matches_match_id'), ['match_id'], unique=False)

    # Added in place (SQLite's ADD COLUMN takes a reference and a default): a batch operation
    # would rebuild the cases table, rewriting every case and checking every deadline and timeline
    # row against it (minutes on a province's 200,000 cases). The defaults stay, for rows that
    # predate the columns; the app writes its own values.
    if op.get_bind().dialect.name == "sqlite":  # Alembic asks for a batch as soon as a reference is named
        op.execute("ALTER TABLE cases ADD COLUMN merged_into_id INTEGER REFERENCES cases (id)")
    else:
        op.add_column('cases', sa.Column('merged_into_id', sa.Integer(),
                                         sa.ForeignKey('cases.id', name=op.f('fk_cases_merged_into_id_cases')),
                                         nullable=True))
    op.add_column('cases', sa.Column('platform_status', sa.String(length=40), nullable=False, server_default=""))
    op.add_column('cases', sa.Column('platform_callback', sa.Text(), nullable=False, server_default=""))
    op.add_column('cases', sa.Column('platform_satisfaction', sa.String(length=20), nullable=False,
                                     server_default=""))
    op.add_column('cases', sa.Column('platform_updated_at', sa.DateTime(), nullable=True))


def downgrade():
    if op.get_bind().dialect.name != "sqlite":  # SQLite's reference has no name; the batch drops it with its column
        op.drop_constraint(op.f('fk_cases_merged_into_id_cases'), 'cases', type_='foreignkey')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('platform_updated_at')
        batch_op.drop_column('platform_satisfaction')
        batch_op.drop_column('platform_callback')
        batch_op.drop_column('platform_status')
        batch_op.drop_column('merged_into_id')

    with op.batch_alter_table('case_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_matches_match_id'))
        batch_op.drop_index(batch_op.f('ix_case_matches_case_id'))

    op.drop_table('case_matches')
    with op.batch_alter_table('import_mappings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_mappings_region_id'))

    op.drop_table('import_mappings')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_region_id'))

    op.drop_table('api_tokens')
