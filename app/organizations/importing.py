"""Excel rosters (名册): the template to fill in, the import of a filled one, and the export of the list.

The mechanics (reading the upload, the preview, keeping the file until it is confirmed, all
rows or none) are the spreadsheet package's (``app.spreadsheets``); this module says what a
roster's columns are and what each row becomes.
"""
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlalchemy import func, select

from app.extensions import db
from app.organizations import services
from app.organizations.models import Organization, OrgKind, OrgLevel, OrgStatus, PartyBranch
from app.regions.models import Region
from app.spreadsheets.cells import cell_text, parse_choice, parse_date, parse_integer
from app.spreadsheets.imports import Column, Importer, Row, SheetSpec, template_workbook
from app.spreadsheets.writing import header_row, new_workbook, to_bytes, write_row

SHEET_TITLE = "组织名册"

# Column kinds: text, choice, region, code, date, count, years, phone ("region" fills region_id).
COLUMNS = (
    Column("name", "组织名称", required=True, width=28),
    Column("kind", "组织类型", "choice", required=True, width=16, choices=OrgKind,
           note="从下拉列表选择：" + "、".join(k.label for k in OrgKind)),
    Column("level", "组织级别", "choice", width=10, choices=OrgLevel,
           note="可留空，按所属区划确定；填写时须与区划级别一致"),
    Column("region", "所属区划", "region", required=True, width=24, as_text=True,
           note="区划代码（如 140522100）、区划名称（如 凤城镇）或“名称（代码）”，须在您的管辖范围内"),
    Column("sport", "运动项目", width=10),
    Column("credit_code", "统一社会信用代码", "code", width=22, as_text=True, note="18 位，尚未登记的可留空；按文本填写"),
    Column("registered_on", "登记日期", "date", width=12, note="年-月-日，如 2021-05-01"),
    Column("registration_authority", "登记管理机关", width=18),
    Column("supervising_unit", "业务主管单位", width=18),
    Column("legal_representative", "法定代表人", width=10),
    Column("contact_person", "联系人", width=10),
    Column("contact_phone", "联系电话", "phone", width=16, as_text=True, note=services.PHONE_HINT),
    Column("address", "地址", width=28),
    Column("party_branch", "党组织建设", "choice", width=10, choices=PartyBranch,
           note="已建、联合或未建，留空按未建"),
    Column("member_count", "会员数", "count", width=8),
    Column("venue", "活动场地", width=20),
    Column("funding_source", "经费来源", width=18),
    Column("staff_count", "工作人员数", "count", width=10),
    Column("establishment_count", "编制数", "count", width=8),
    Column("term_years", "任期年限", "years", width=8, note="留空按 5 年"),
    Column("term_start", "本届任期开始", "date", width=12, note="年-月-日"),
    Column("term_end", "本届任期结束", "date", width=12, note="留空按任期年限计算"),
)
# Other spellings people put in the header row of their own rosters.
HEADER_ALIASES = {"名称": "name", "类型": "kind", "级别": "level", "区划": "region", "区划代码": "region",
                  "信用代码": "credit_code", "登记机关": "registration_authority", "电话": "contact_phone",
                  "联系方式": "contact_phone", "党组织": "party_branch", "场地": "venue"}
ROSTER = SheetSpec(SHEET_TITLE, COLUMNS, HEADER_ALIASES)
MAX_ROWS = ROSTER.max_rows


@dataclass
class RosterRow(Row):
    """``fields`` is ready for services.create_organization (which ignores the "region" key).

    A row whose credit code is an organisation's in the user's scope updates it (``existing``):
    its ``fields`` hold only the cells filled in (a blank cell keeps what is stored) and
    ``changes`` lists each field it changes as (column header, old, new)."""

    existing: Organization | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def region(self) -> Region | None:
        return self.fields.get("region")

    @property
    def action(self) -> str:
        """新建, 更新 or 无变化: what confirming does with the row."""
        if self.existing is None:
            return "新建"
        return "更新" if self.changes else "无变化"


def count_actions(rows: list[RosterRow]) -> dict[str, int]:
    counts = {"新建": 0, "更新": 0, "无变化": 0}
    for row in rows:
        counts[row.action] += 1
    return counts


def _written(counts: dict[str, int], new: str, updated: str, both: str) -> str:
    if not counts["更新"]:
        return new.format(counts["新建"])
    if not counts["新建"]:
        return updated.format(counts["更新"])
    return both.format(counts["新建"], counts["更新"])


def confirm_label(counts: dict[str, int]) -> str:
    """The confirm button's words: what will be written."""
    return _written(counts, "确认导入 {} 个组织", "确认更新 {} 个组织", "确认导入：新建 {} 个、更新 {} 个组织")


def done_message(counts: dict[str, int]) -> str:
    return _written(counts, "已导入 {} 个组织。", "已更新 {} 个组织。", "已导入：新建 {} 个、更新 {} 个组织。")


# ---------------------------------------------------------------- checking the rows

class RegionIndex:
    """The regions in the user's scope, found by code, by name, or by "名称（代码）"."""

    CODE_IN_TEXT = re.compile(r"[（(]\s*(\d{6,12})\s*[）)]\s*$")

    def __init__(self):
        regions = db.session.execute(select(Region)).scalars().all()
        self.by_code = {r.code: r for r in regions}
        self.by_name: dict[str, list[Region]] = {}
        for r in regions:
            self.by_name.setdefault(r.name, []).append(r)

    def find(self, text: str) -> tuple[Region | None, str | None]:
        match = self.CODE_IN_TEXT.search(text)
        if match or text.isdigit():
            region = self.by_code.get(match.group(1) if match else text)
        else:
            candidates = self.by_name.get(text, [])
            if len(candidates) > 1:
                return None, f"有 {len(candidates)} 个名为“{text}”的区划，请填写区划代码。"
            region = candidates[0] if candidates else None
        if region is None:
            return None, f"找不到区划“{text}”，或该区划不在您的管辖范围内。"
        if not region.active:
            return None, f"区划“{region.name}”已停用。"
        return region, None


def _parse_cell(column: Column, value, regions: RegionIndex):
    """The field value of one cell; raises ValueError with the sentence for the preview."""
    text = cell_text(value)
    if column.kind == "choice":
        if not text:
            return PartyBranch.NONE if column.choices is PartyBranch else None
        member = parse_choice(column.choices, text)
        if member is None:
            raise ValueError(f"应为{'、'.join(m.label for m in column.choices)}之一。")
        return member
    if not text:
        return {"text": "", "phone": "", "years": services.DEFAULT_TERM_YEARS}.get(column.kind)
    if column.kind == "region":
        region, problem = regions.find(text)
        if problem:
            raise ValueError(problem)
        return region
    if column.kind == "date":
        return parse_date(value)
    if column.kind == "count":
        return parse_integer(value, 0, None, "应为不小于 0 的整数。")
    if column.kind == "years":
        return parse_integer(value, 1, 10, "任期年限应为 1 到 10 的整数。")
    if column.kind == "code":
        return services.normalise_credit_code(text)
    return text


class RosterImport(Importer):
    """Every row as the form would check it, plus duplicates within the file and against the database."""

    spec = ROSTER
    row_class = RosterRow

    existing: dict[str, Organization]

    @cached_property
    def regions(self) -> RegionIndex:
        return RegionIndex()

    def prepare(self, records: list[dict]) -> None:
        """The organisations in scope whose credit codes the file names: those rows update them."""
        codes = {code for record in records if (code := services.normalise_credit_code(cell_text(
            record.get("credit_code"))))}
        self.existing = {}
        if codes:
            self.existing = {o.credit_code: o for o in db.session.execute(
                select(Organization).where(Organization.credit_code.in_(codes))).scalars()}

    def parse_cell(self, column: Column, value):
        return _parse_cell(column, value, self.regions)

    def check_row(self, row: RosterRow) -> None:
        code = row.fields.get("credit_code")
        row.existing = self.existing.get(code) if code and "credit_code" not in row.errors else None
        if row.existing is not None:
            # A blank cell keeps what is stored (so a sheet of a few columns updates only those).
            for column in COLUMNS:
                if not column.required and row.cells.get(column.key, "") == "" and column.key not in row.errors:
                    row.fields.pop(column.key, None)
        _check_row(row)
        if row.existing is not None and not row.errors:
            row.changes = _changes(row.existing, row.fields)

    def check_rows(self, rows: list[RosterRow]) -> None:
        _check_duplicates(rows)

    def save(self, row: RosterRow) -> Organization | None:
        if row.existing is None:
            return services.create_organization(row.fields, check=False, flush=False)
        if not row.changes:
            return None
        services.update_organization(row.existing, row.fields, check=False)
        return row.existing


def _check_row(row: RosterRow) -> None:
    fields = row.fields
    region = row.region
    if "level" not in fields and row.existing is not None and region is not None:
        fields["level"] = None  # derived from the region below, as for a new row
    if region is None:
        row.errors.setdefault("region", "请填写所属区划。")
    else:
        fields["region_id"] = region.id
        if fields.get("level") is None and "level" not in row.errors:
            if region.level in services.ORG_LEVEL_FOR:
                fields["level"] = services.ORG_LEVEL_FOR[region.level]
            else:
                row.errors["region"] = services.level_problem(OrgLevel.COUNTY, region)
        elif fields.get("level") is not None and (problem := services.level_problem(fields["level"], region)):
            row.errors["level"] = problem
    fields["name"] = (fields.get("name") or "").strip()
    stored = {k: getattr(row.existing, k) for k in services.ORG_FIELDS} if row.existing is not None else {}
    for key, problem in services.field_problems({**stored, **fields}).items():
        if key == "level" and "region" in row.errors:
            continue
        row.errors.setdefault(key, problem)


def _display(value) -> str:
    if value is None or value == "":
        return "（空）"
    return getattr(value, "label", None) or str(value)


def _changes(org: Organization, fields: dict) -> list[tuple[str, str, str]]:
    """Each field the row changes on ``org``: (column header, stored, new), in the roster's order."""
    changes = []
    for column in COLUMNS:
        if column.key == "region":
            region = fields.get("region")
            if region is not None and region.id != org.region_id:
                changes.append((column.header, org.region.name, region.name))
            continue
        if column.key not in fields:
            continue
        new, old = fields[column.key], getattr(org, column.key)
        if isinstance(new, str):
            new, old = new.strip(), (old or "").strip()
        if new != old:
            changes.append((column.header, _display(old), _display(new)))
    return changes


def _check_duplicates(rows: list[RosterRow]) -> None:
    # A row updating an organisation keeps that organisation's own code and name.
    codes = {r.fields["credit_code"] for r in rows
             if r.fields.get("credit_code") and "credit_code" not in r.errors and r.existing is None}
    taken_codes = set()
    if codes:
        taken_codes = set(db.session.execute(
            select(Organization.credit_code).where(Organization.credit_code.in_(codes)),
            execution_options={"unscoped": True},
        ).scalars())
    region_ids = {r.region.id for r in rows if r.region is not None}
    taken_names: dict[tuple[int, str], int] = {}
    if region_ids:
        taken_names = {(region_id, name): org_id for region_id, name, org_id in db.session.execute(
            select(Organization.region_id, func.lower(Organization.name), Organization.id)
            .where(Organization.region_id.in_(region_ids))
        )}
    seen_codes: dict[str, int] = {}
    seen_names: dict[tuple[int, str], int] = {}
    for row in rows:
        code = row.fields.get("credit_code")
        if code and "credit_code" not in row.errors:
            if code in seen_codes:
                row.errors["credit_code"] = f"与第 {seen_codes[code]} 行的统一社会信用代码重复。"
            elif code in taken_codes:
                row.errors["credit_code"] = "该统一社会信用代码已被其他组织使用。"
            seen_codes.setdefault(code, row.number)
        name = row.fields.get("name")
        if name and row.region is not None and "name" not in row.errors:
            key = (row.region.id, name.lower())
            if key in seen_names:
                row.errors["name"] = f"与第 {seen_names[key]} 行重复：同一区划下同名。"
            elif key in taken_names and (row.existing is None or taken_names[key] != row.existing.id):
                row.errors["name"] = f"“{row.region.name}”已有名为“{name}”的组织。"
            seen_names.setdefault(key, row.number)


def roster_template() -> bytes:
    """An empty roster: the header row, drop-down lists for the fixed choices, and a sheet of instructions."""
    return template_workbook(ROSTER, f"从第 2 行起每行一个组织，一次最多 {MAX_ROWS} 行；上传后先预览检查，确认后才写入，"
                                     "有任何一行出错都不会导入。统一社会信用代码与已登记组织相同的行更新该组织，"
                                     "空白单元格不修改原值。")


# ---------------------------------------------------------------- the export

EXPORT_EXTRA = ("状态", "换届提醒", "距任期结束（天）")


def _export_value(org: Organization, column: Column):
    if column.key == "region":
        return f"{org.region.name}（{org.region.code}）"
    value = getattr(org, column.key)
    if column.choices is not None:
        return value.label if value is not None else ""
    return value if value is not None else ""


def export_workbook(orgs, today: date) -> bytes:
    """The list as a roster: the import's columns (so an export can be filled and imported elsewhere)
    plus the status and the 换届 reminder as of ``today``."""
    workbook, sheet = new_workbook(SHEET_TITLE)
    header_row(sheet, [c.header for c in COLUMNS] + list(EXPORT_EXTRA), [c.width for c in COLUMNS] + [8, 12, 12])
    date_columns = [i for i, c in enumerate(COLUMNS) if c.kind == "date"]
    for org in orgs:
        status = services.term_status(org, today)
        dissolved = org.status == OrgStatus.DISSOLVED
        cells = write_row(sheet, [_export_value(org, c) for c in COLUMNS] + [
            org.status.label, "" if dissolved else status.label,
            "" if dissolved or org.term_end is None else services.days_left(org, today),
        ])
        for i in date_columns:
            cells[i].number_format = "yyyy-mm-dd"
    sheet.auto_filter.ref = sheet.dimensions
    return to_bytes(workbook)
