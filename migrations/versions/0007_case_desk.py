"""the case desk (诉求件): channels and their deadline rules, the working-day calendar's entries,
handling units, cases with their deadlines and timeline, the per-county number series; and the
default channels (12345热线, 信访 by letter, visit and online, 网络问政, 人大建议, 政协提案, 领导交办,
其他) with the limits of 《信访工作条例》, the 12345 regulations and 代表法 Art 51

Revision ID: 0007
Revises: 0006

The default rows are literals and their tables are declared here with sa.table(): a migration
imports nothing from app/.
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

channels = sa.table(
    "channels",
    sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name", sa.String),
    sa.column("position", sa.Integer), sa.column("is_petition", sa.Boolean), sa.column("is_proposal", sa.Boolean),
    sa.column("active", sa.Boolean),
)
channel_classes = sa.table(
    "channel_classes",
    sa.column("id", sa.Integer), sa.column("channel_id", sa.Integer), sa.column("code", sa.String),
    sa.column("name", sa.String), sa.column("position", sa.Integer),
)
deadline_rules = sa.table(
    "deadline_rules",
    sa.column("channel_class_id", sa.Integer), sa.column("kind", sa.String), sa.column("amount", sa.Integer),
    sa.column("unit", sa.String), sa.column("roll_to_workday", sa.Boolean), sa.column("valid_from", sa.DateTime),
)
IN_FORCE_SINCE = datetime(2000, 1, 1)  # the defaults apply to every case, whenever received

WD, DAYS, MONTHS, HOURS = "working_days", "calendar_days", "months", "hours"
# 12345: close within 5 working days unless a law sets longer (济南 Art 24, 潍坊 Art 20); a unit
# returns a case outside its remit (潍坊 Art 22) by the next working day; the complex and urgent
# limits are the platform's, editable.
HOTLINE_COMMON = {"objection": (1, WD), "extension_max": (10, WD), "reanswer": (5, WD)}
# 信访工作条例 2022: written notice within 15 days, an objection within 5 working days (Art 23);
# closed within 60 days, extended once by at most 30 (Art 34); 复查 asked within 30 days and
# answered within 30 (Art 35), 复核 the same (Art 36).
PETITION = {"sign_for": (1, WD), "accept_notice": (15, DAYS), "objection": (5, WD), "answer": (60, DAYS),
            "extension_max": (30, DAYS), "review_request": (30, DAYS), "review_answer": (30, DAYS)}
# 代表法 Art 51: answered within 3 months of assignment, 6 for broad or difficult ones; a wrong
# assignment reported within 10 days; a re-answer within a month for a dissatisfied deputy.
PROPOSAL_COMMON = {"sign_for": (3, WD), "objection": (10, DAYS), "reanswer": (1, MONTHS)}
ORDINARY = {"sign_for": (1, WD), "objection": (1, WD), "answer": (5, WD), "extension_max": (10, WD),
            "reanswer": (5, WD)}

# (code, name, is_petition, is_proposal, [(class code, class name, {kind: (amount, unit)})])
DEFAULT_CHANNELS = [
    ("hotline12345", "12345热线", False, False, [
        ("general", "一般", {"sign_for": (1, WD), "answer": (5, WD), **HOTLINE_COMMON}),
        ("complex", "复杂", {"sign_for": (1, WD), "answer": (15, WD), **HOTLINE_COMMON}),
        ("urgent", "紧急", {"sign_for": (2, HOURS), "answer": (24, HOURS), **HOTLINE_COMMON}),
    ]),
    ("petition_letter", "来信", True, False, [("general", "一般", PETITION)]),
    ("petition_visit", "来访", True, False, [("general", "一般", PETITION)]),
    ("petition_online", "网上信访", True, False, [("general", "一般", PETITION)]),
    ("online_qa", "网络问政", False, False, [("general", "一般", ORDINARY)]),
    ("npc_suggestion", "人大建议", False, True, [
        ("general", "一般", {"answer": (3, MONTHS), **PROPOSAL_COMMON}),
        ("difficult", "重点难点", {"answer": (6, MONTHS), **PROPOSAL_COMMON}),
    ]),
    ("cppcc_proposal", "政协提案", False, True, [
        ("general", "一般", {"answer": (3, MONTHS), **PROPOSAL_COMMON}),
        ("difficult", "重点难点", {"answer": (6, MONTHS), **PROPOSAL_COMMON}),
    ]),
    ("leader_assigned", "领导交办", False, False, [("general", "一般", {**ORDINARY, "answer": (10, WD)})]),
    ("other", "其他", False, False, [("general", "一般", ORDINARY)]),
]


# The enum columns' values, as the models had them in this release.
UNITKIND = ('township', 'county_office')
DEADLINEKIND = (
    'sign_for', 'accept_notice', 'objection', 'answer', 'extension_max', 'review_request', 'review_answer',
    'reanswer',
)
UNIT = ('hours', 'working_days', 'calendar_days', 'months')
CASETYPE = ('consultation', 'help', 'complaint', 'report', 'suggestion', 'praise')
CASECATEGORY = (
    'venue_opening', 'equipment_damage', 'noise', 'training_refund', 'events', 'organizations', 'other',
)
PRIORITY = ('normal', 'high')
CASESTATUS = (
    'registered', 'accepted', 'rejected', 'dispatched', 'handling', 'return_requested', 'replied',
    'callback', 'closed', 'reviewing',
)
ACTIONKIND = (
    'register', 'accept', 'reject', 'dispatch', 'sign_for', 'request_return', 'approve_return',
    'refuse_return', 'request_extension', 'approve_extension', 'refuse_extension', 'reply', 'approve_reply',
    'send_back', 'callback', 'close', 'redo', 'request_review', 'request_recheck', 'review_opinion', 'urge',
    'supervise', 'list_supervision', 'summon', 'note',
)


def _enum(values, name, length):
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def _load_default_channels():
    class_id = 0
    channel_rows, class_rows, rule_rows = [], [], []
    for position, (code, name, is_petition, is_proposal, classes) in enumerate(DEFAULT_CHANNELS, start=1):
        channel_rows.append({"id": position, "code": code, "name": name, "position": position,
                             "is_petition": is_petition, "is_proposal": is_proposal, "active": True})
        for class_position, (class_code, class_name, limits) in enumerate(classes, start=1):
            class_id += 1
            class_rows.append({"id": class_id, "channel_id": position, "code": class_code, "name": class_name,
                               "position": class_position})
            rule_rows.extend({"channel_class_id": class_id, "kind": kind, "amount": amount, "unit": unit,
                              "roll_to_workday": True, "valid_from": IN_FORCE_SINCE}
                             for kind, (amount, unit) in limits.items())
    op.bulk_insert(channels, channel_rows)
    op.bulk_insert(channel_classes, class_rows)
    op.bulk_insert(deadline_rules, rule_rows)
    if op.get_bind().dialect.name == "postgresql":  # ids were given: move the sequences past them
        for table in ("channels", "channel_classes"):
            op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def upgrade():
    op.create_table('calendar_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('workday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_days')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_days_day'))
    )
    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years'))
    )
    op.create_table('channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_petition', sa.Boolean(), nullable=False),
    sa.Column('is_proposal', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channels')),
    sa.UniqueConstraint('code', name=op.f('uq_channels_code'))
    )
    op.create_table('case_counters',
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_case_counters_county_id_regions')),
    sa.PrimaryKeyConstraint('county_id', 'year', name=op.f('pk_case_counters'))
    )
    op.create_table('channel_classes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_channel_classes_channel_id_channels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_classes')),
    sa.UniqueConstraint('channel_id', 'code', name=op.f('uq_channel_classes_channel_id'))
    )
    with op.batch_alter_table('channel_classes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_classes_channel_id'), ['channel_id'], unique=False)

    op.create_table('handling_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', _enum(UNITKIND, 'unitkind', 16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_handling_units_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handling_units')),
    sa.UniqueConstraint('region_id', 'name', name=op.f('uq_handling_units_region_id'))
    )
    with op.batch_alter_table('handling_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handling_units_region_id'), ['region_id'], unique=False)

    op.create_table('deadline_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_class_id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum(DEADLINEKIND, 'deadlinekind', 20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('unit', _enum(UNIT, 'unit', 20), nullable=False),
    sa.Column('roll_to_workday', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.DateTime(), nullable=False),
    sa.Column('valid_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['channel_class_id'], ['channel_classes.id'], name=op.f('fk_deadline_rules_channel_class_id_channel_classes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_rules'))
    )
    with op.batch_alter_table('deadline_rules', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_rules_class_kind', ['channel_class_id', 'kind', 'valid_from'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('verification_code', sa.String(length=12), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=60), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('type', _enum(CASETYPE, 'casetype', 20), nullable=False),
    sa.Column('category', _enum(CASECATEGORY, 'casecategory', 24), nullable=False),
    sa.Column('requester_name', sa.String(length=40), nullable=False),
    sa.Column('requester_phone', sa.String(length=30), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('place_region_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('priority', _enum(PRIORITY, 'priority', 10), nullable=False),
    sa.Column('status', _enum(CASESTATUS, 'casestatus', 20), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('extended', sa.Boolean(), nullable=False),
    sa.Column('pending', sa.String(length=20), nullable=False),
    sa.Column('reply_result', sa.String(length=20), nullable=False),
    sa.Column('satisfaction', sa.String(length=20), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_cases_channel_id_channels')),
    sa.ForeignKeyConstraint(['class_id'], ['channel_classes.id'], name=op.f('fk_cases_class_id_channel_classes')),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_cases_county_id_regions')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_cases_organization_id_organizations')),
    sa.ForeignKeyConstraint(['place_region_id'], ['regions.id'], name=op.f('fk_cases_place_region_id_regions')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_cases_region_id_regions')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_cases_registered_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['handling_units.id'], name=op.f('fk_cases_unit_id_handling_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('channel_id', 'external_id', name=op.f('uq_cases_channel_id')),
    sa.UniqueConstraint('county_id', 'year', 'serial', name=op.f('uq_cases_county_id')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_cases_verification_code'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_region_id'), ['region_id'], unique=False)
        batch_op.create_index('ix_cases_region_received', ['region_id', 'received_at', 'id'], unique=False)
        batch_op.create_index('ix_cases_region_status', ['region_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_unit_id'), ['unit_id'], unique=False)

    op.create_table('case_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum(ACTIONKIND, 'actionkind', 24), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_actions_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_actions_case_id_cases')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_case_actions_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_actions'))
    )
    with op.batch_alter_table('case_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_actions_case_id'), ['case_id'], unique=False)

    op.create_table('case_deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum(DEADLINEKIND, 'deadlinekind', 20), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('moved_from', sa.Date(), nullable=True),
    sa.Column('met_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_deadlines_case_id_cases')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_case_deadlines_region_id_regions')),
    sa.ForeignKeyConstraint(['rule_id'], ['deadline_rules.id'], name=op.f('fk_case_deadlines_rule_id_deadline_rules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_deadlines'))
    )
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_deadlines_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_unit_id_handling_units'), 'handling_units', ['unit_id'], ['id'])

    _load_default_channels()


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_unit_id_handling_units'), type_='foreignkey')
        batch_op.drop_column('unit_id')

    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_deadlines_case_id'))

    op.drop_table('case_deadlines')
    with op.batch_alter_table('case_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_actions_case_id'))

    op.drop_table('case_actions')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_unit_id'))
        batch_op.drop_index('ix_cases_region_status')
        batch_op.drop_index('ix_cases_region_received')
        batch_op.drop_index(batch_op.f('ix_cases_region_id'))
        batch_op.drop_index(batch_op.f('ix_cases_channel_id'))

    op.drop_table('cases')
    with op.batch_alter_table('deadline_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_rules_class_kind')

    op.drop_table('deadline_rules')
    with op.batch_alter_table('handling_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handling_units_region_id'))

    op.drop_table('handling_units')
    with op.batch_alter_table('channel_classes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_classes_channel_id'))

    op.drop_table('channel_classes')
    op.drop_table('case_counters')
    op.drop_table('channels')
    op.drop_table('calendar_years')
    op.drop_table('calendar_days')
