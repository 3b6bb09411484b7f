"""How the audit log reads to a clerk: Chinese names for fields, and enum values as their labels."""
import enum
import functools
from datetime import datetime

from flask import g
from sqlalchemy import select

from app.extensions import db
from app.timeutil import format_local

# Field names are shared across the domain models, so one table serves them all.
FIELD_LABELS = {
    "active": "启用", "address": "地址", "approval_number": "批准文号", "approved_on": "审查同意日期",
    "closed_at": "销号时间", "closed_by": "销号人", "code": "代码", "contact_person": "联系人",
    "contact_phone": "联系电话", "content_type": "文件类型", "credit_code": "统一社会信用代码",
    "criterion": "检查标准", "description": "说明", "display_name": "姓名", "due_on": "整改期限",
    "establishment_count": "编制数", "event_date": "日期", "evidence_hint": "佐证材料", "filename": "文件名",
    "finalized_at": "定稿时间", "finding": "存在问题", "funding_source": "经费来源", "inspected_on": "检查日期",
    "inspectors": "检查人员", "kind": "类型", "legal_representative": "法定代表人", "level": "级别",
    "member_count": "会员数", "must_change_password": "须修改密码", "name": "名称", "note": "说明",
    "number": "版本号", "owner": "整改责任人", "party_branch": "党组织", "password_hash": "密码",
    "phone": "电话", "published_by": "发布人", "registered_on": "登记日期", "registration_authority": "登记管理机关",
    "required": "必备项", "response": "整改情况", "result": "结果", "review_note": "核验意见",
    "review_result": "年审结论", "review_year": "年审年度", "role": "角色", "signed_by": "签字人",
    "signed_on": "签字日期", "size": "大小", "sport": "运动项目", "staff_count": "工作人员数",
    "status": "状态", "submitted_at": "提交时间", "summary": "总体情况", "return_reason": "退回原因",
    "supervising_unit": "业务主管单位", "organization_id": "所属组织", "inspection_id": "所属检查",
    "created_by_id": "创建人", "uploaded_by_id": "上传人", "uploaded_by": "上传人", "item_id": "检查项目",
    "version_id": "标准版本", "owner_type": "附件所属", "owner_id": "附件所属记录", "width": "宽", "height": "高",
    "locked_until": "锁定至", "last_login_at": "最近登录", "recheck_of_id": "复查对象",
    "term_end": "任期结束", "term_start": "任期开始", "term_years": "任期年限", "times_returned": "退回次数",
    "title": "项目", "username": "用户名", "venue": "活动场地", "verdict": "结论",
    "verification_code": "核验码", "region_id": "所属区划", "parent_id": "上级区划",
    "activity_id": "活动", "result_id": "检查项目",
    "starts_on": "开始日期", "ends_on": "结束日期", "place": "地点", "organiser": "主办单位",
    "co_organisers": "承办、协办单位", "expected_participants": "预计参与人数", "needs_filing": "需报备",
    "filed_at": "报备时间", "decided_at": "审核时间", "decided_by": "审核人", "actual_participants": "实际参与人数",
    "results": "开展情况和成效", "reported_at": "上报时间", "caption": "说明",
}
# Where a shared field name means something else on one kind of record.
RECORD_FIELD_LABELS = {
    "activities": {"title": "活动名称", "kind": "活动类型", "level": "活动级别", "review_note": "审核意见"},
}
# Every record type by the name people know it by (the audit page's filter and its rows).
RECORD_TYPE_LABELS = {
    "regions": "行政区划", "users": "用户", "organizations": "体育组织", "lifecycle_events": "登记事项",
    "inspections": "检查", "inspection_results": "检查结果", "rectifications": "整改", "attachments": "附件",
    "standards": "标准", "standard_versions": "标准版本", "standard_items": "标准项目", "activities": "赛事活动",
    "activity_evidence": "活动佐证",
}
# Columns holding another record's id, shown by that record's name: the table it points to.
REFERENCES = {"region_id": "regions", "parent_id": "regions", "organization_id": "organizations",
              "created_by_id": "users", "uploaded_by_id": "users", "inspection_id": "inspections",
              "recheck_of_id": "inspections", "item_id": "standard_items", "version_id": "standard_versions",
              "activity_id": "activities", "result_id": "inspection_results"}

# Bookkeeping that says nothing to a reader of a new record's entry.
HIDDEN = {"id", "created_at", "updated_at", "row_version", "path", "session_token", "sha256", "position"}


@functools.cache
def _tables() -> dict[str, tuple[type, dict[str, type[enum.Enum]]]]:
    """Each table's model and the enum class of each enum column. The mappers are fixed once
    the app is built; walking them for every entry shown cost the audit page a tenth of its time."""
    return {
        mapper.local_table.name: (mapper.class_, {
            column.key: column.type.enum_class
            for column in mapper.columns
            if getattr(column.type, "enum_class", None) is not None
        })
        for mapper in db.Model.registry.mappers if mapper.local_table is not None
    }


def _enum_classes(record_type: str) -> dict[str, type[enum.Enum]]:
    return _tables().get(record_type, (None, {}))[1]


def _model_for(table_name: str):
    return _tables().get(table_name, (None, {}))[0]


def preload_names(entries) -> None:
    """Read the names of every record the entries' changes point to: one query per table for a
    whole page of entries, instead of one per id as each entry is shown."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        for field, values in entry.changes.items():
            if field in REFERENCES:
                wanted.setdefault(REFERENCES[field], set()).update(v for v in values if isinstance(v, int))
    for table_name, ids in wanted.items():
        _load_names(table_name, ids)


def _load_names(table_name: str, ids) -> dict:
    """The page's cache of record names, with ``ids`` of ``table_name`` read in (through the scope:
    a record the user may not see is named by its id only)."""
    cache = g.setdefault("_audit_names", {})
    missing = [i for i in ids if (table_name, i) not in cache]
    model = _model_for(table_name) if missing else None
    if model is not None:
        for record in db.session.execute(select(model).where(model.id.in_(missing))).scalars():
            cache[(table_name, record.id)] = str(getattr(record, "name", None) or record)
    for i in missing:
        cache.setdefault((table_name, i), f"#{i}")
    return cache


def _referenced(table_name: str, value) -> str:
    """The name of the record an id points to (``preload_names`` has usually read it already)."""
    return _load_names(table_name, [value])[(table_name, value)]


def _display(value, enum_class, field: str = "") -> str:
    if value is None or value == "":
        return "（空）"
    if field in REFERENCES and isinstance(value, int):
        return _referenced(REFERENCES[field], value)
    if field.endswith("_at") and isinstance(value, str):
        try:  # stored as UTC; read in China time
            return format_local(datetime.fromisoformat(value))
        except ValueError:
            return value
    if enum_class is not None:
        try:
            return getattr(enum_class(value), "label", str(value))
        except ValueError:
            return str(value)
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def readable_changes(entry) -> list[tuple[str, str, str]]:
    """(field label, old, new) for each change an entry records, in Chinese where we can."""
    enums = _enum_classes(entry.record_type)
    own = RECORD_FIELD_LABELS.get(entry.record_type, {})
    rows = []
    for field, (old, new) in entry.changes.items():
        if field in HIDDEN or (entry.action == "insert" and new in (None, "")):
            continue  # a new record's empty fields say nothing
        enum_class = enums.get(field)
        rows.append((own.get(field) or FIELD_LABELS.get(field, field), _display(old, enum_class, field),
                     _display(new, enum_class, field)))
    return rows
