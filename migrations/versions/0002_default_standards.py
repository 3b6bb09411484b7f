"""default standards: 四有, 五有 and a 六有 sample

Revision ID: 0002
Revises: 0001

Immutable history: this file is exactly what every existing database ran, and
tests/test_migrations.py holds its SHA-256. Never edit it; change the standards with a new
migration (the administrator can also publish new versions in the app).

The rows are literals and the tables are declared here with sa.table(): a migration imports
nothing from app/, so later changes to the app cannot rewrite what this step did.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

standards = sa.table(
    "standards",
    sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name", sa.String),
    sa.column("title", sa.String), sa.column("org_kind", sa.String), sa.column("org_level", sa.String),
)
standard_versions = sa.table(
    "standard_versions",
    sa.column("id", sa.Integer), sa.column("standard_id", sa.Integer), sa.column("number", sa.Integer),
    sa.column("note", sa.String), sa.column("published_at", sa.DateTime), sa.column("published_by", sa.String),
)
standard_items = sa.table(
    "standard_items",
    sa.column("version_id", sa.Integer), sa.column("position", sa.Integer), sa.column("code", sa.String),
    sa.column("title", sa.String), sa.column("criterion", sa.Text), sa.column("evidence_hint", sa.Text),
    sa.column("required", sa.Boolean),
)

# Each standard with its first version and that version's items.
DEFAULT_STANDARDS = [
    {
        "standard": {"code": "township_federation_4", "name": "四有", "title": "乡镇体育总会“四有”标准",
                     "org_kind": "federation", "org_level": "township"},
        "version": {"number": 1, "note": "初始版本", "published_by": "系统"},
        "items": [
            {"position": 1, "code": "1", "title": "有场地", "required": True,
             "criterion": "有固定的办公场所和开展活动的体育场地，挂牌明显。",
             "evidence_hint": "办公场所及牌子照片、场地照片或使用协议"},
            {"position": 2, "code": "2", "title": "有经费", "required": True,
             "criterion": "有稳定的工作经费来源，纳入乡镇财政预算或有其他经费保障，账目清楚。",
             "evidence_hint": "预算文件、拨款凭证或经费账目"},
            {"position": 3, "code": "3", "title": "有人员", "required": True,
             "criterion": "有专（兼）职工作人员，组织机构健全，负责人和联络员明确。",
             "evidence_hint": "组织机构名单、任职文件、通讯录"},
            {"position": 4, "code": "4", "title": "有活动", "required": True,
             "criterion": "年初有工作计划，全年组织开展群众性体育活动不少于4次，有记录。",
             "evidence_hint": "年度计划、活动方案、照片及新闻报道"},
        ],
    },
    {
        "standard": {"code": "county_federation_5", "name": "五有", "title": "县级体育总会“五有”标准",
                     "org_kind": "federation", "org_level": "county"},
        "version": {"number": 1, "note": "初始版本", "published_by": "系统"},
        "items": [
            {"position": 1, "code": "1", "title": "有场地", "required": True,
             "criterion": "有固定办公场所和开展活动的场地设施。",
             "evidence_hint": "办公场所照片、场地清单"},
            {"position": 2, "code": "2", "title": "有经费", "required": True,
             "criterion": "工作经费列入财政预算，专款专用。",
             "evidence_hint": "预算批复、财务报表"},
            {"position": 3, "code": "3", "title": "有人员", "required": True,
             "criterion": "配备专职工作人员，理事会、秘书处健全。",
             "evidence_hint": "理事会名单、工作人员名单"},
            {"position": 4, "code": "4", "title": "有编制", "required": True,
             "criterion": "有核定的机构编制或明确的人员编制保障。",
             "evidence_hint": "编制部门批复文件"},
            {"position": 5, "code": "5", "title": "有活动", "required": True,
             "criterion": "年度计划完整，组织开展全县性体育赛事活动，指导乡镇体育总会工作。",
             "evidence_hint": "年度计划、赛事活动资料、工作总结"},
        ],
    },
    {
        "standard": {"code": "elderly_association_6", "name": "六有", "title": "老年人体育协会“六有”标准",
                     "org_kind": "elderly_association", "org_level": "village"},
        "version": {"number": 1, "note": "示例版本，请按本地实际修改后发布新版本", "published_by": "系统"},
        "items": [
            {"position": 1, "code": "1", "title": "有组织", "required": True,
             "criterion": "有老体协组织，领导班子健全，配好配强负责人。",
             "evidence_hint": "成立文件、班子名单"},
            {"position": 2, "code": "2", "title": "有场地", "required": True,
             "criterion": "有相对固定的健身活动场地。",
             "evidence_hint": "场地照片"},
            {"position": 3, "code": "3", "title": "有经费", "required": True,
             "criterion": "有一定的活动经费来源。",
             "evidence_hint": "经费来源说明"},
            {"position": 4, "code": "4", "title": "有骨干", "required": True,
             "criterion": "有社会体育指导员或健身骨干队伍。",
             "evidence_hint": "骨干名单、培训记录"},
            {"position": 5, "code": "5", "title": "有活动", "required": True,
             "criterion": "经常组织开展老年人健身活动和交流比赛。",
             "evidence_hint": "活动记录、照片"},
            {"position": 6, "code": "6", "title": "有制度", "required": False,
             "criterion": "有工作制度和活动记录档案。",
             "evidence_hint": "制度文本、档案"},
        ],
    },
]


def upgrade():
    connection = op.get_bind()
    published_at = datetime.now(UTC).replace(tzinfo=None)  # naive UTC, as the app stores times
    for spec in DEFAULT_STANDARDS:
        standard_id = connection.execute(
            standards.insert().values(**spec["standard"]).returning(standards.c.id)
        ).scalar_one()
        version_id = connection.execute(
            standard_versions.insert()
            .values(standard_id=standard_id, published_at=published_at, **spec["version"])
            .returning(standard_versions.c.id)
        ).scalar_one()
        connection.execute(standard_items.insert(), [{"version_id": version_id, **item} for item in spec["items"]])


def downgrade():
    for table in ("standard_items", "standard_versions", "standards"):
        op.execute(f"DELETE FROM {table}")
