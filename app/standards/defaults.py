"""The standards every installation starts with; the administrator versions them from here.

四有/五有/六有 have no national definition (DESIGN.md §3): these texts follow the local
practice in the source reports (seeds 000 and 004) and are meant to be edited.
The initial data migration loads them; tests reload them after each clean-up.
"""
import sqlalchemy as sa

from app.timeutil import utcnow

DEFAULT_STANDARDS = [
    {
        "code": "township_federation_4",
        "name": "四有",
        "title": "乡镇体育总会“四有”标准",
        "org_kind": "federation",
        "org_level": "township",
        "items": [
            ("1", "有场地", "有固定的办公场所和开展活动的体育场地，挂牌明显。", "办公场所及牌子照片、场地照片或使用协议", True),
            ("2", "有经费", "有稳定的工作经费来源，纳入乡镇财政预算或有其他经费保障，账目清楚。", "预算文件、拨款凭证或经费账目", True),
            ("3", "有人员", "有专（兼）职工作人员，组织机构健全，负责人和联络员明确。", "组织机构名单、任职文件、通讯录", True),
            ("4", "有活动", "年初有工作计划，全年组织开展群众性体育活动不少于4次，有记录。", "年度计划、活动方案、照片及新闻报道", True),
        ],
    },
    {
        "code": "county_federation_5",
        "name": "五有",
        "title": "县级体育总会“五有”标准",
        "org_kind": "federation",
        "org_level": "county",
        "items": [
            ("1", "有场地", "有固定办公场所和开展活动的场地设施。", "办公场所照片、场地清单", True),
            ("2", "有经费", "工作经费列入财政预算，专款专用。", "预算批复、财务报表", True),
            ("3", "有人员", "配备专职工作人员，理事会、秘书处健全。", "理事会名单、工作人员名单", True),
            ("4", "有编制", "有核定的机构编制或明确的人员编制保障。", "编制部门批复文件", True),
            ("5", "有活动", "年度计划完整，组织开展全县性体育赛事活动，指导乡镇体育总会工作。", "年度计划、赛事活动资料、工作总结", True),
        ],
    },
    {
        "code": "elderly_association_6",
        "name": "六有",
        "title": "老年人体育协会“六有”标准",
        "note": "示例版本，请按本地实际修改后发布新版本",
        "org_kind": "elderly_association",
        "org_level": "village",
        "items": [
            ("1", "有组织", "有老体协组织，领导班子健全，配好配强负责人。", "成立文件、班子名单", True),
            ("2", "有场地", "有相对固定的健身活动场地。", "场地照片", True),
            ("3", "有经费", "有一定的活动经费来源。", "经费来源说明", True),
            ("4", "有骨干", "有社会体育指导员或健身骨干队伍。", "骨干名单、培训记录", True),
            ("5", "有活动", "经常组织开展老年人健身活动和交流比赛。", "活动记录、照片", True),
            ("6", "有制度", "有工作制度和活动记录档案。", "制度文本、档案", False),
        ],
    },
]

_standards = sa.table(
    "standards",
    sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name", sa.String),
    sa.column("title", sa.String), sa.column("org_kind", sa.String), sa.column("org_level", sa.String),
)
_versions = sa.table(
    "standard_versions",
    sa.column("id", sa.Integer), sa.column("standard_id", sa.Integer), sa.column("number", sa.Integer),
    sa.column("note", sa.String), sa.column("published_at", sa.DateTime), sa.column("published_by", sa.String),
)
_items = sa.table(
    "standard_items",
    sa.column("version_id", sa.Integer), sa.column("position", sa.Integer), sa.column("code", sa.String),
    sa.column("title", sa.String), sa.column("criterion", sa.Text), sa.column("evidence_hint", sa.Text),
    sa.column("required", sa.Boolean),
)


def insert_default_standards(connection) -> None:
    """Insert each default standard with its first version, through Core so a migration can call it."""
    for spec in DEFAULT_STANDARDS:
        standard_id = connection.execute(
            _standards.insert().values(
                code=spec["code"], name=spec["name"], title=spec["title"],
                org_kind=spec["org_kind"], org_level=spec["org_level"],
            ).returning(_standards.c.id)
        ).scalar_one()
        version_id = connection.execute(
            _versions.insert().values(
                standard_id=standard_id, number=1, note=spec.get("note", "初始版本"), published_at=utcnow(), published_by="系统",
            ).returning(_versions.c.id)
        ).scalar_one()
        connection.execute(_items.insert(), [
            {"version_id": version_id, "position": pos, "code": code, "title": title,
             "criterion": criterion, "evidence_hint": hint, "required": required}
            for pos, (code, title, criterion, hint, required) in enumerate(spec["items"], start=1)
        ])
