"""activities (赛事活动) of organisations, with their filing and report, and the activities an
inspection's 有活动 item holds as evidence

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('competition', 'event', 'training', 'showcase', name='activitykind', native_enum=False, length=16), nullable=False),
    sa.Column('level', sa.Enum('national', 'provincial', 'city', 'county', 'township', 'village', name='activitylevel', native_enum=False, length=16), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('organiser', sa.String(length=100), nullable=False),
    sa.Column('co_organisers', sa.String(length=300), nullable=False),
    sa.Column('expected_participants', sa.Integer(), nullable=True),
    sa.Column('needs_filing', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'filed', 'approved', 'returned', 'reported', 'cancelled', name='activitystatus', native_enum=False, length=16), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.String(length=60), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('actual_participants', sa.Integer(), nullable=True),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_activities_created_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_activities_organization_id_organizations')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_activities_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_org_starts', ['organization_id', 'starts_on'], unique=False)
        batch_op.create_index('ix_activities_region_starts', ['region_id', 'starts_on', 'id'], unique=False)
        batch_op.create_index('ix_activities_starts', ['starts_on', 'id'], unique=False)
        batch_op.create_index('ix_activities_status_starts', ['status', 'starts_on'], unique=False)

    op.create_table('activity_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_evidence_activity_id_activities')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_activity_evidence_region_id_regions')),
    sa.ForeignKeyConstraint(['result_id'], ['inspection_results.id'], name=op.f('fk_activity_evidence_result_id_inspection_results')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_evidence')),
    sa.UniqueConstraint('result_id', 'activity_id', name=op.f('uq_activity_evidence_result_id'))
    )
    with op.batch_alter_table('activity_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_evidence_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_evidence_result_id'), ['result_id'], unique=False)



def downgrade():
    with op.batch_alter_table('activity_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_evidence_result_id'))
        batch_op.drop_index(batch_op.f('ix_activity_evidence_activity_id'))

    op.drop_table('activity_evidence')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_status_starts')
        batch_op.drop_index('ix_activities_starts')
        batch_op.drop_index('ix_activities_region_starts')
        batch_op.drop_index('ix_activities_org_starts')

    op.drop_table('activities')
