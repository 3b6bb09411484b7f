"""Excel rosters (名册): the template to fill in, the import of a filled one, and the export of the list.

An import writes nothing until it is confirmed. The upload is parsed and every row checked
(preview); the file is kept under ``instance/imports/<token>.xlsx``; the confirmation reads it
again, checks it again (the database may have changed meanwhile) and imports every row in
the one transaction of the request, or none.
"""
import io
import re
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import func, select

from app.extensions import db
from app.organizations import services
from app.organizations.models import Organization, OrgKind, OrgLevel, OrgStatus, PartyBranch
from app.regions.models import Region

MAX_ROWS = 2000
MAX_SCANNED_ROWS = 5 * MAX_ROWS
MAX_COLUMNS = 60
MAX_FILE_BYTES = 10 * 1024 * 1024
KEEP_UPLOADS_SECONDS = 24 * 3600
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
SHEET_TITLE = "组织名册"
EXCEL_SERIALS = (18264, 73050)  # 1950-01-01 .. 2099-12-31 as Excel day numbers
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass(frozen=True)
class Column:
    key: str  # the Organization field it fills ("region" stands for region_id)
    header: str
    kind: str = "text"  # text, choice, region, code, date, count, years, phone
    required: bool = False
    width: int = 14
    note: str = ""
    choices: type | None = None


COLUMNS = (
    Column("name", "组织名称", required=True, width=28),
    Column("kind", "组织类型", "choice", required=True, width=16, choices=OrgKind,
           note="从下拉列表选择：" + "、".join(k.label for k in OrgKind)),
    Column("level", "组织级别", "choice", width=10, choices=OrgLevel,
           note="可留空，按所属区划确定；填写时须与区划级别一致"),
    Column("region", "所属区划", "region", required=True, width=24,
           note="区划代码（如 140522100）、区划名称（如 凤城镇）或“名称（代码）”，须在您的管辖范围内"),
    Column("sport", "运动项目", width=10),
    Column("credit_code", "统一社会信用代码", "code", width=22, note="18 位，尚未登记的可留空；按文本填写"),
    Column("registered_on", "登记日期", "date", width=12, note="年-月-日，如 2021-05-01"),
    Column("registration_authority", "登记管理机关", width=18),
    Column("supervising_unit", "业务主管单位", width=18),
    Column("legal_representative", "法定代表人", width=10),
    Column("contact_person", "联系人", width=10),
    Column("contact_phone", "联系电话", "phone", width=16, note=services.PHONE_HINT),
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
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# Other spellings people put in the header row of their own rosters.
HEADER_ALIASES = {"名称": "name", "类型": "kind", "级别": "level", "区划": "region", "区划代码": "region",
                  "信用代码": "credit_code", "登记机关": "registration_authority", "电话": "contact_phone",
                  "联系方式": "contact_phone", "党组织": "party_branch", "场地": "venue"}
HEADER_KEYS = {c.header: c.key for c in COLUMNS} | HEADER_ALIASES


class RosterFileError(ValueError):
    """The file as a whole cannot be read as a roster; the sentence says why."""


@dataclass
class RosterRow:
    number: int  # the row number Excel shows
    cells: dict[str, str]  # column key -> the text as typed, for the preview
    fields: dict = field(default_factory=dict)  # ready for services.create_organization
    errors: dict[str, str] = field(default_factory=dict)  # column key -> sentence
    region: Region | None = None


@dataclass
class RosterPreview:
    rows: list[RosterRow]
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> list[RosterRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_rows


# ---------------------------------------------------------------- reading a workbook

def _header_key(value) -> str | None:
    text = re.sub(r"[\s*＊]|[（(]必填[）)]", "", str(value or ""))
    return HEADER_KEYS.get(text)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.min.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_workbook(data: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
    """The roster's rows as (Excel row number, {column key: cell value}), and the headers ignored.

    The header row is the first of the top ten rows naming at least two known columns, so a
    title row above it does no harm; blank rows are skipped.
    """
    if not data:
        raise RosterFileError("上传的文件是空的。")
    if len(data) > MAX_FILE_BYTES:
        raise RosterFileError(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB，请分成几个文件导入。")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as error:
        raise RosterFileError("文件不是有效的 Excel 工作簿（.xlsx）。如果是 .xls、.et 或 .csv 文件，"
                              "请先用 Excel 或 WPS 另存为 .xlsx 再上传。") from error
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        # Bounded both ways: a stray format in column XFD or a million blank rows cost nothing.
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        columns: dict[int, str] = {}
        ignored: list[str] = []
        number = 0
        for number, values in enumerate(rows, start=1):
            keys = {i: _header_key(v) for i, v in enumerate(values)}
            if sum(1 for k in keys.values() if k) >= 2:
                columns = {i: k for i, k in keys.items() if k}
                ignored = [cell_text(values[i]) for i, k in keys.items() if not k and cell_text(values[i])]
                break
            if number >= 10:
                break
        if not columns:
            raise RosterFileError("找不到表头行：第一行应为“组织名称”“组织类型”“所属区划”等列名，请使用下载的模板。")
        missing = [c.header for c in COLUMNS if c.required and c.key not in columns.values()]
        if missing:
            raise RosterFileError(f"缺少必填列：{'、'.join(missing)}。")
        result = []
        header_row = number
        for number, values in enumerate(rows, start=header_row + 1):
            if number - header_row > MAX_SCANNED_ROWS:
                raise RosterFileError(f"名册行数过多（含空行超过 {MAX_SCANNED_ROWS} 行），请删除多余的空行，"
                                      f"每次最多导入 {MAX_ROWS} 行。")
            record = {key: values[i] if i < len(values) else None for i, key in columns.items()}
            if all(cell_text(v) == "" for v in record.values()):
                continue
            if len(result) >= MAX_ROWS:
                raise RosterFileError(f"一次最多导入 {MAX_ROWS} 行，请分成几个文件导入。")
            result.append((number, record))
    finally:
        workbook.close()
    if not result:
        raise RosterFileError("名册中没有数据行。")
    return result, ignored


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


def _choice(enum_class, text: str):
    for member in enum_class:
        if text in (member.label, member.value):
            return member
    return None


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1]:
        return from_excel(value).date()  # a date cell that lost its date format shows as 44317
    text = cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("日期应按“年-月-日”填写，如 2021-05-01。")


def _integer(value, low: int, high: int | None, message: str) -> int:
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = cell_text(value)
        if not re.fullmatch(r"\d+", text):
            raise ValueError(message)
        number = int(text)
    if number < low or (high is not None and number > high):
        raise ValueError(message)
    return number


def _parse_cell(column: Column, value, regions: RegionIndex):
    """The field value of one cell; raises ValueError with the sentence for the preview."""
    text = cell_text(value)
    if column.kind == "choice":
        if not text:
            return PartyBranch.NONE if column.choices is PartyBranch else None
        member = _choice(column.choices, text)
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
        return _date(value)
    if column.kind == "count":
        return _integer(value, 0, None, "应为不小于 0 的整数。")
    if column.kind == "years":
        return _integer(value, 1, 10, "任期年限应为 1 到 10 的整数。")
    if column.kind == "code":
        return services.normalise_credit_code(text)
    return text


def check_rows(raw_rows: list[tuple[int, dict]]) -> RosterPreview:
    """Check every row as the form would, plus duplicates within the file and against the database."""
    regions = RegionIndex()
    rows: list[RosterRow] = []
    for number, record in raw_rows:
        row = RosterRow(number, {key: cell_text(value) for key, value in record.items()})
        for column in COLUMNS:
            if column.key not in record:
                if column.required:
                    row.errors[column.key] = "必填。"
                value = _parse_cell(column, None, regions)
            else:
                try:
                    value = _parse_cell(column, record[column.key], regions)
                except ValueError as error:
                    row.errors[column.key] = str(error)
                    value = None
            if column.key == "region":
                row.region = value
            else:
                row.fields[column.key] = value
        _check_row(row)
        rows.append(row)
    _check_duplicates(rows)
    return RosterPreview(rows)


def _check_row(row: RosterRow) -> None:
    fields = row.fields
    region = row.region
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
    for key, problem in services.field_problems(fields).items():
        if key == "level" and "region" in row.errors:
            continue
        row.errors.setdefault(key, problem)


def _check_duplicates(rows: list[RosterRow]) -> None:
    codes = {r.fields["credit_code"] for r in rows if r.fields.get("credit_code") and "credit_code" not in r.errors}
    taken_codes = set()
    if codes:
        taken_codes = set(db.session.execute(
            select(Organization.credit_code).where(Organization.credit_code.in_(codes)),
            execution_options={"unscoped": True},
        ).scalars())
    region_ids = {r.region.id for r in rows if r.region is not None}
    taken_names = set()
    if region_ids:
        taken_names = set(db.session.execute(
            select(Organization.region_id, func.lower(Organization.name)).where(Organization.region_id.in_(region_ids))
        ).tuples())
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
            elif key in taken_names:
                row.errors["name"] = f"“{row.region.name}”已有名为“{name}”的组织。"
            seen_names.setdefault(key, row.number)


def parse_roster(data: bytes) -> RosterPreview:
    raw_rows, ignored = read_workbook(data)
    preview = check_rows(raw_rows)
    preview.ignored_headers = ignored
    return preview


def import_roster(preview: RosterPreview) -> list[Organization]:
    """Create every row's organisation; the caller commits once, so it is all or nothing."""
    if not preview.ok:
        raise ValueError("a roster with errors is never imported")
    organizations = [services.create_organization(row.fields, check=False, flush=False) for row in preview.rows]
    db.session.flush()  # one flush: the inserts and their audit entries go in batches
    return organizations


# ---------------------------------------------------------------- keeping the upload between the two steps

def uploads_dir() -> Path:
    return Path(current_app.instance_path) / "imports"


def keep_upload(data: bytes) -> str:
    """Store the uploaded workbook under a random token; forget uploads older than a day."""
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_UPLOADS_SECONDS
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.xlsx").write_bytes(data)
    return token


def upload_path(token: str) -> Path | None:
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    path = uploads_dir() / f"{token}.xlsx"
    return path if path.is_file() else None


def discard_upload(token: str) -> None:
    if path := upload_path(token):
        path.unlink(missing_ok=True)


# ---------------------------------------------------------------- writing workbooks

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
REQUIRED_FILL = PatternFill("solid", fgColor="FDECEA")
TEXT_COLUMNS = ("code", "phone", "region")


def _save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _header(sheet, headers: list[str], widths: list[int], fills=None) -> None:
    sheet.append(headers)
    for i, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = HEADER_FONT
        cell.fill = (fills or {}).get(i, HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "B2"


def template_workbook() -> bytes:
    """An empty roster: the header row, drop-down lists for the fixed choices, and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    fills = {i: REQUIRED_FILL for i, c in enumerate(COLUMNS, start=1) if c.required}
    _header(sheet, [c.header + ("*" if c.required else "") for c in COLUMNS], [c.width for c in COLUMNS], fills)
    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        if column.kind in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"  # long codes stay text, not 9.1E+17
        elif column.kind == "date":
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if column.choices is not None:
            validation = DataValidation(type="list", formula1='"' + ",".join(m.label for m in column.choices) + '"',
                                        allow_blank=True, showErrorMessage=True, errorTitle="请从列表中选择",
                                        error="请从下拉列表中选择。")
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    notes = workbook.create_sheet("填写说明")
    _header(notes, ["列名", "是否必填", "填写要求"], [18, 10, 70])
    for column in COLUMNS:
        notes.append([column.header, "必填" if column.required else "", column.note])
    notes.append([])
    notes.append(["说明", "", f"从第 2 行起每行一个组织，一次最多 {MAX_ROWS} 行；上传后先预览检查，确认后才写入，"
                              "有任何一行出错都不会导入。"])
    return _save(workbook)


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
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    _header(sheet, [c.header for c in COLUMNS] + list(EXPORT_EXTRA), [c.width for c in COLUMNS] + [8, 12, 12])
    date_columns = [i for i, c in enumerate(COLUMNS, start=1) if c.kind == "date"]
    for row_number, org in enumerate(orgs, start=2):
        status = services.term_status(org, today)
        dissolved = org.status == OrgStatus.DISSOLVED
        sheet.append([_export_value(org, c) for c in COLUMNS] + [
            org.status.label, "" if dissolved else status.label,
            "" if dissolved or org.term_end is None else services.days_left(org, today),
        ])
        for i in date_columns:  # (sheet.max_row would rescan every cell: quadratic)
            sheet.cell(row=row_number, column=i).number_format = "yyyy-mm-dd"
    sheet.auto_filter.ref = sheet.dimensions
    return _save(workbook)
