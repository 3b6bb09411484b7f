"""Importing a platform's export (12345 工单导出): its columns mapped to case fields, every row
parsed into a new case or a report on a case already here, a preview, and all rows written or none.

A work order (工单编号) is one case: a row whose work order is already registered in the county
(same channel) updates only what the platform owns (its status, its 回访 and the caller's
satisfaction: services.record_platform_report, on the timeline when something changed), so
importing the same or a later export again duplicates nothing. A work order registered in
another county is a row error. The mapping the user previews with is remembered per county and
channel (ImportMapping) and proposed at the next import.

Columns the desk keeps its own way are not imported: 承办单位 (the county dispatches), 办理时限
(the deadlines follow the channel's rules, services.rules_in_force).
"""
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.cases import matching, services
from app.cases.models import Case, CaseCategory, CaseType, Channel, ChannelClass, ImportMapping
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.registry import JobResult, Progress, Wording, job_handler
from app.printing.downloads import CONTENT_TYPES
from app.regions.models import Region, RegionLevel
from app.rules import RuleError
from app.spreadsheets import pending
from app.spreadsheets.cells import cell_text
from app.spreadsheets.tables import Table, parse_time, read_table
from app.spreadsheets.writing import header_row, new_workbook, to_bytes, write_row
from app.timeutil import local_now

DEFAULT_CHANNEL = "hotline12345"
# A county's busy year of 12345 work orders about sports is a few thousand; on SQLite, ten
# thousand rows are about two minutes of writing in one transaction.
MAX_ROWS = 10_000
SHOWN_ROWS = 200  # of a long clean file, the preview lists this many rows
SHOWN_ERROR_ROWS = 500  # and of a file full of errors (a wrong column mapped, say), this many
LOOKUP_BATCH = 500  # work orders looked up per query


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    max_length: int | None = None
    hint: str = ""


FIELDS = (
    Field("external_id", "工单编号", True, ("工单编号", "工单号", "工单号码", "受理编号", "诉求编号", "编号"), 60),
    Field("received_at", "来电时间", True, ("来电时间", "受理时间", "登记时间", "诉求时间", "派单时间", "创建时间",
                                            "收件时间"), hint="期限从此计算"),
    Field("requester_name", "来电人", False, ("来电人", "来电人姓名", "诉求人", "诉求人姓名", "市民姓名", "姓名"), 40),
    Field("requester_phone", "来电号码", False, ("来电号码", "联系电话", "来电电话", "联系方式", "手机号码", "电话"), 30),
    Field("content", "诉求内容", True, ("诉求内容", "来电内容", "工单内容", "反映内容", "问题描述", "诉求详情", "内容"),
          4000),
    Field("type", "诉求类型", False, ("诉求类型", "来电类型", "工单类型", "类型"),
          hint="咨询、求助、投诉、举报、建议、表扬；未对应时按咨询"),
    Field("category", "诉求分类", False, ("诉求分类", "问题分类", "事项分类", "业务分类", "分类"),
          hint="按关键词对应本系统的分类，未对应时按诉求内容判断，仍无法判断的为“其他”"),
    Field("channel_class", "办理类别", False, ("办理类别", "紧急程度", "工单级别", "缓急程度"),
          hint="一般、复杂、紧急；未对应时按一般"),
    Field("place_region", "所属区域", False, ("所属区域", "所属乡镇", "所属街道", "乡镇街道", "区域", "乡镇"),
          hint="本县的乡镇（街道）名称或区划代码"),
    Field("place", "发生地点", False, ("发生地点", "事发地点", "详细地址", "地点", "地址"), 200),
    Field("status", "工单状态", False, ("工单状态", "处理状态", "办理状态", "状态"), 40, "平台的状态，只记录不改变本系统的办理"),
    Field("callback", "回访结果", False, ("回访结果", "回访情况", "回访内容", "回访意见"), 4000),
    Field("satisfaction", "满意度", False, ("满意度", "满意度评价", "评价结果", "是否满意"), 20),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
KNOWN_HEADERS = frozenset(s for f in FIELDS for s in f.synonyms) | {"承办单位", "办理时限", "序号"}
PLATFORM_KEYS = ("status", "callback", "satisfaction")

# The platform's words for a type, when they are not the desk's label itself.
TYPE_WORDS = (("表扬", CaseType.PRAISE), ("感谢", CaseType.PRAISE), ("投诉", CaseType.COMPLAINT),
              ("举报", CaseType.REPORT), ("求助", CaseType.HELP), ("建议", CaseType.SUGGESTION),
              ("意见", CaseType.SUGGESTION), ("咨询", CaseType.CONSULTATION))
# Keywords of the desk's categories in a platform's classification (or, failing that, the content).
CATEGORY_WORDS = ((CaseCategory.EQUIPMENT_DAMAGE, ("健身器材", "器材", "健身设施", "路径")),
                  (CaseCategory.NOISE, ("噪音", "扰民", "音响", "广场舞")),
                  (CaseCategory.TRAINING_REFUND, ("退费", "培训")),
                  (CaseCategory.VENUE_OPENING, ("场馆", "体育馆", "开放", "场地", "游泳馆")),
                  (CaseCategory.EVENTS, ("赛事", "比赛", "运动会", "活动")),
                  (CaseCategory.ORGANIZATIONS, ("社会组织", "社团", "协会", "体育总会")))


# --------------------------------------------------------------------------- the mapping

def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Each field's column by its name (a small synonym table): the field's first synonym any
    header has, each header used once."""
    present = set(headers)
    used: set[str] = set()
    mapping = {}
    for f in FIELDS:
        header = next((s for s in f.synonyms if s in present and s not in used), None)
        if header:
            mapping[f.key] = header
            used.add(header)
    return mapping


def saved_mapping(county: Region, channel: Channel) -> ImportMapping | None:
    return db.session.execute(select(ImportMapping).where(
        ImportMapping.region_id == county.id, ImportMapping.channel_id == channel.id)).scalar()


def proposed_mapping(headers: list[str], county: Region, channel: Channel) -> dict[str, str]:
    """What the county mapped last time (for the columns this file still has), the rest guessed."""
    guessed = guess_mapping(headers)
    saved = saved_mapping(county, channel)
    remembered = {k: h for k, h in (saved.columns if saved else {}).items() if k in FIELD_BY_KEY and h in headers}
    taken = set(remembered.values())
    return remembered | {k: h for k, h in guessed.items() if k not in remembered and h not in taken}


def examples(table: Table, rows: int = 20) -> dict[str, str]:
    """A value of each column, from the first rows that have one."""
    found: dict[str, str] = {}
    for _, values in table.rows[:rows]:
        for header, value in zip(table.headers, values, strict=True):
            if header and header not in found and (text := cell_text(value).strip()):
                found[header] = " ".join(text.split())
    return found


def mapping_problems(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """Field key -> sentence: a required field without a column, a column that is not in the file."""
    problems = {}
    for f in FIELDS:
        header = mapping.get(f.key, "")
        if header and header not in headers:
            problems[f.key] = f"文件中没有“{header}”列。"
        elif f.required and not header:
            problems[f.key] = f"请选择哪一列是{f.label}。"
    return problems


def remember_mapping(county: Region, channel: Channel, mapping: dict[str, str], user: User) -> ImportMapping:
    """Keep the mapping for the county's next import of the channel (audited when it changes)."""
    columns = {k: h for k, h in mapping.items() if k in FIELD_BY_KEY and h}
    record = saved_mapping(county, channel)
    if record is None:
        record = ImportMapping(region_id=county.id, channel=channel, columns=columns, updated_by_id=user.id)
        db.session.add(record)
    elif record.columns != columns:
        record.columns, record.updated_by_id = columns, user.id
    db.session.flush()
    return record


# --------------------------------------------------------------------------- the rows

@dataclass
class ImportRow:
    number: int  # the row number the spreadsheet shows
    cells: dict[str, str]  # field key -> the text as the file has it
    errors: dict[str, str] = field(default_factory=dict)  # field key -> sentence
    notes: list[str] = field(default_factory=list)  # what was assumed, shown but not blocking
    new: services.NewCase | None = None
    report: services.PlatformReport = services.PlatformReport()
    case: Case | None = None  # the case the work order already is
    changes: list[str] = field(default_factory=list)  # the platform fields the row changes on it
    township: str = ""  # the name of the township a new case's matter is in

    @property
    def outcome(self) -> str:
        if self.errors:
            return "错误"
        if self.case is None:
            return "新增"
        return "更新" if self.changes else "无变化"

    @property
    def described(self) -> str:
        if self.outcome == "更新":
            return f"更新（{'、'.join(self.changes)}）"
        return self.outcome

    def messages(self) -> list[str]:
        """第5行 来电时间：无法识别的时间“2026-13-01” …"""
        return [f"第{self.number}行 {FIELD_BY_KEY[key].label if key in FIELD_BY_KEY else ''}：{message}"
                for key, message in self.errors.items()]


@dataclass
class ImportPreview:
    table: Table
    mapping: dict[str, str]
    channel: Channel
    rows: list[ImportRow]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"新增": 0, "更新": 0, "无变化": 0, "错误": 0}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def writes(self) -> int:
        counts = self.counts
        return counts["新增"] + counts["更新"]

    def shown(self, limit: int = SHOWN_ROWS, error_limit: int = SHOWN_ERROR_ROWS) -> list[ImportRow]:
        """What the page lists: the error rows first (up to ``error_limit``), then the other rows
        up to ``limit`` in all."""
        errors = self.error_rows[:error_limit]
        return errors + [r for r in self.rows if not r.errors][:max(0, limit - len(errors))]


class RowReader:
    """Turns one row of the file into its fields, with a sentence per bad cell."""

    def __init__(self, channel: Channel, county: Region, now: datetime):
        self.channel, self.county, self.now = channel, county, now
        self.classes = list(channel.classes)
        townships = db.session.execute(select(Region).where(
            Region.parent_id == county.id, Region.level == RegionLevel.TOWNSHIP, Region.active.is_(True))
        ).scalars().all()
        self.townships = sorted(townships, key=lambda r: -len(r.name))  # 大东沟镇 before 东沟镇

    def row(self, number: int, cells: dict[str, object]) -> ImportRow:
        texts = {key: cell_text(value).strip() for key, value in cells.items()}
        row = ImportRow(number, texts)
        for key, text in texts.items():
            limit = FIELD_BY_KEY[key].max_length
            if limit and len(text) > limit:
                row.errors[key] = f"不能超过 {limit} 个字（现有 {len(text)} 个）。"
        for f in FIELDS:
            if f.required and not texts.get(f.key) and f.key not in row.errors:
                row.errors[f.key] = "必填，不能为空。"
        received = None
        if texts.get("received_at"):
            try:
                received = parse_time(cells["received_at"])
            except ValueError:
                row.errors["received_at"] = f"无法识别的时间“{texts['received_at']}”，应为“年-月-日 时:分”，如 2026-09-30 16:20。"
            else:
                if received > self.now + timedelta(minutes=5):
                    row.errors["received_at"] = f"时间“{texts['received_at']}”晚于现在。"
        report = services.PlatformReport(*(texts.get(k, "") for k in PLATFORM_KEYS))
        row.report = report
        if row.errors:
            return row
        row.new = services.NewCase(
            channel_class=self._class(texts.get("channel_class", ""), row), received_at=received,
            type=self._type(texts.get("type", ""), row),
            category=self._category(texts.get("category", ""), texts["content"]),
            content=texts["content"], requester_name=texts.get("requester_name", ""),
            requester_phone=texts.get("requester_phone", ""), external_id=texts["external_id"],
            place=texts.get("place", ""), place_region_id=self._township(texts.get("place_region", ""), row),
        )
        return row

    def _class(self, text: str, row: ImportRow) -> ChannelClass:
        if text:
            found = next((c for c in self.classes if c.name in text), None)
            if found:
                return found
            row.notes.append(f"办理类别“{text}”无法对应，按{self.classes[0].name}办理。")
        return self.classes[0]

    @staticmethod
    def _type(text: str, row: ImportRow) -> CaseType:
        if not text:
            return CaseType.CONSULTATION
        for member in CaseType:
            if text == member.label:
                return member
        found = next((t for word, t in TYPE_WORDS if word in text), None)
        if found is None:
            row.notes.append(f"诉求类型“{text}”无法对应，按咨询登记。")
        return found or CaseType.CONSULTATION

    @staticmethod
    def _category(text: str, content: str) -> CaseCategory:
        for source in (text, content):
            for member in CaseCategory:
                if source == member.label:
                    return member
            for member, words in CATEGORY_WORDS:
                if any(w in source for w in words):
                    return member
        return CaseCategory.OTHER

    def _township(self, text: str, row: ImportRow) -> int | None:
        if not text or text in (self.county.name, self.county.code):
            return None
        for township in self.townships:
            if text == township.code or township.name in text:
                row.township = township.name
                return township.id
        row.notes.append(f"所属区域“{text}”不是{self.county.name}的乡镇（街道），未设置所属乡镇。")
        return None


def build_preview(data: bytes, channel: Channel, mapping: dict[str, str], county: Region, now: datetime,
                  *, table: Table | None = None) -> ImportPreview:
    """Every row parsed and checked against the cases here; nothing written."""
    table = table or read(data)
    columns = {key: table.column(header) for key, header in mapping.items() if header in table.headers}
    reader = RowReader(channel, county, now)
    rows = [reader.row(number, {key: values[i] for key, i in columns.items()}) for number, values in table.rows]
    _check_work_orders(rows, channel, county)
    _note_likely_duplicates(rows, county)
    return ImportPreview(table, mapping, channel, rows)


def read(data: bytes) -> Table:
    return read_table(data, lambda header: header in KNOWN_HEADERS, max_rows=MAX_ROWS)


def _check_work_orders(rows: list[ImportRow], channel: Channel, county: Region) -> None:
    """Duplicates within the file, and the work orders already registered: here (the row
    updates that case) or in another county (an error)."""
    first_row: dict[str, int] = {}
    for row in rows:
        work_order = row.cells.get("external_id")
        if not work_order or "external_id" in row.errors:
            continue
        if work_order in first_row:
            row.errors["external_id"] = f"与第{first_row[work_order]}行的工单编号相同，同一工单只能出现一次。"
            row.new = None
        first_row.setdefault(work_order, row.number)
    wanted = list(first_row)
    here: dict[str, Case] = {}
    elsewhere: set[str] = set()
    for start in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[start:start + LOOKUP_BATCH]
        found = db.session.execute(select(Case.external_id, Case.id, Case.county_id).where(
            Case.channel_id == channel.id, Case.external_id.in_(batch)), execution_options={"unscoped": True}).all()
        ours = [case_id for _, case_id, county_id in found if county_id == county.id]
        elsewhere |= {work_order for work_order, _, county_id in found if county_id != county.id}
        if ours:
            here |= {c.external_id: c for c in db.session.execute(select(Case).where(Case.id.in_(ours))).scalars()}
    for row in rows:
        work_order = row.cells.get("external_id")
        if "external_id" in row.errors or not work_order:
            continue
        if work_order in elsewhere:
            row.errors["external_id"] = f"工单号 {work_order} 已在其他县登记，不能导入到{county.name}。"
            row.new = None
        elif work_order in here:
            row.case, row.new = here[work_order], None
            row.changes = [label for key, column, label in services.PLATFORM_FIELDS
                           if (value := getattr(row.report, key).strip()) and value != getattr(row.case, column)]


def _note_likely_duplicates(rows: list[ImportRow], county: Region) -> None:
    """A new row that seems to repeat a case already here (the same caller about the same
    matter, or the same matter at the same place) says so: registered, it is proposed as a
    duplicate on its case page, where the county links, merges or dismisses it."""
    new_rows = [row for row in rows if row.new is not None and not row.errors]
    for row, matches in zip(new_rows, matching.likely_duplicates([row.new for row in new_rows], county.id),
                            strict=True):
        for found in matches:
            row.notes.append(f"疑似重复：{found.other.number}（{found.reason.label}，相似度 {found.similarity}%），"
                             "导入后在诉求件页面确认")


# --------------------------------------------------------------------------- writing

@dataclass
class Applied:
    created: list[tuple[ImportRow, Case]]
    updated: list[tuple[ImportRow, Case]]


def apply(preview: ImportPreview, user: User, county: Region, now: datetime,
          progress: Callable[[int, int], None] | None = None, every: int = 100) -> Applied:
    """Write every row: new work orders registered (with what the platform already says of them),
    known ones given the platform's report. The caller commits once, so it is all or nothing;
    a row refused now (its work order registered meanwhile) refuses the whole import."""
    if not preview.ok:
        raise RuleError(f"文件中有 {len(preview.error_rows)} 行错误，未导入任何数据。", "file")
    applied = Applied([], [])
    total = len(preview.rows)
    for done, row in enumerate(preview.rows, start=1):
        try:
            if row.case is None:
                case = services.register_case(row.new, user, county, now)
                services.record_platform_report(case, row.report, user, now)
                applied.created.append((row, case))
            elif row.changes:
                services.record_platform_report(row.case, row.report, user, now)
                applied.updated.append((row, row.case))
        except RuleError as error:
            raise RuleError(f"第{row.number}行：{error.message}未导入任何数据。", "file") from error
        if progress and done % every == 0:
            progress(done, total)
    db.session.flush()
    return applied


def done_message(applied: Applied, unchanged: int) -> str:
    parts = [f"新增 {len(applied.created)} 件", f"更新 {len(applied.updated)} 件"]
    if unchanged:
        parts.append(f"{unchanged} 件无变化")
    return "已导入：" + "，".join(parts) + "。"


RESULT_HEADERS = ["行号", "工单编号", "处理", "诉求件编号"]


def result_workbook(applied: Applied, preview: ImportPreview) -> bytes:
    """What a background import did, row by row: the job's file."""
    numbers = {row.number: case.number for row, case in applied.created + applied.updated}
    workbook, sheet = new_workbook("导入结果", streamed=True)
    header_row(sheet, RESULT_HEADERS, [8, 24, 36, 26])
    for row in preview.rows:
        number = numbers.get(row.number) or (row.case.number if row.case is not None else "")
        write_row(sheet, [row.number, row.cells.get("external_id", ""), row.described, number])
    return to_bytes(workbook)


# --------------------------------------------------------------------------- sample exports

SAMPLE_HEADERS = ["序号", "工单编号", "来电时间", "来电人", "来电号码", "诉求类型", "诉求分类", "紧急程度", "所属区域",
                  "发生地点", "诉求内容", "承办单位", "办理时限", "工单状态", "回访结果", "满意度"]
SAMPLE_WIDTHS = [6, 18, 18, 8, 14, 8, 18, 8, 10, 20, 50, 14, 18, 10, 30, 8]
SAMPLE_MATTERS = (
    ("投诉", "文体旅游/健身设施", "{place}的健身器材{thing}损坏，存在安全隐患，希望尽快维修。"),
    ("咨询", "文体旅游/体育场馆", "咨询{place}体育馆周末和节假日的开放时间及收费标准。"),
    ("投诉", "文体旅游/体育场馆", "{place}附近学校体育场地未按规定向社会开放。"),
    ("投诉", "环境保护/噪音扰民", "{place}广场舞音响声音过大，晚上九点后仍未停止，影响休息。"),
    ("投诉", "教育培训/校外培训", "孩子在{place}的体育培训机构报名后机构停课，要求退还剩余课时费。"),
    ("咨询", "文体旅游/赛事活动", "咨询{place}全民健身运动会的报名方式和比赛项目。"),
    ("意见建议", "社会组织/体育社团", "建议在{place}成立老年人体育协会，组织太极拳、门球活动。"),
    ("求助", "文体旅游/健身设施", "{place}篮球架{thing}松动，请求派人查看。"),
    ("表扬", "文体旅游/其他", "{place}体育总会组织的乒乓球比赛很好，感谢工作人员。"),
)
SAMPLE_PLACES = ("文化广场", "东关社区健身广场", "人民公园", "滨河公园", "全民健身中心", "中心小学", "村委会广场")
SAMPLE_THINGS = ("单杠", "太空漫步机", "扭腰器", "篮球架", "乒乓球台", "健骑机")
SAMPLE_PEOPLE = "王李张刘陈杨赵黄周吴徐孙马胡郭何高林罗郑"
SAMPLE_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
SAMPLE_CALLBACKS = (("已回访，市民表示问题已解决。", "满意"), ("已回访，市民认可答复。", "基本满意"),
                    ("已回访，市民表示器材仍未修好。", "不满意"), ("已回访，市民表示理解。", "满意"))
SAMPLE_ROWS = 40


def sample_export(county_name: str, townships: list[str], today, *, later: bool = False) -> bytes:
    """A 12345 export as platforms give it (a title row above the header, the platform's own
    columns): last month's work orders about sports matters in the county's townships. The same
    month's ``later`` export has the same work orders, handled on the platform and called back
    (回访 and 满意度 filled in). Deterministic for a month, so the two match."""
    first = today.replace(day=1)
    month_start = (first - timedelta(days=1)).replace(day=1)
    rng = random.Random(f"{county_name}{month_start:%Y%m}")
    days = (first - month_start).days
    workbook, sheet = new_workbook("工单导出")
    write_row(sheet, [f"{county_name}12345政务服务便民热线工单导出（{month_start.year}年{month_start.month}月）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SAMPLE_HEADERS))
    header_row(sheet, SAMPLE_HEADERS, SAMPLE_WIDTHS)
    sheet.freeze_panes = "C3"
    townships = townships or [county_name]
    for i in range(SAMPLE_ROWS):
        received = datetime.combine(month_start + timedelta(days=i * days // SAMPLE_ROWS), datetime.min.time()) \
            + timedelta(hours=rng.randint(8, 20), minutes=rng.randrange(60), seconds=rng.randrange(60))
        kind, classification, text = SAMPLE_MATTERS[rng.randrange(len(SAMPLE_MATTERS))]
        township = townships[rng.randrange(len(townships))]
        place = f"{township}{rng.choice(SAMPLE_PLACES)}"
        anonymous = rng.random() < 0.1
        name = "" if anonymous else rng.choice(SAMPLE_PEOPLE) + "".join(rng.choice(SAMPLE_GIVEN)
                                                                         for _ in range(rng.choice((1, 2))))
        phone = "" if anonymous else f"1{rng.choice('3589')}{rng.randrange(10 ** 9):09d}"
        urgent = rng.random() < 0.1
        callback, satisfaction = rng.choice(SAMPLE_CALLBACKS)
        status = ("已办结" if later else rng.choice(("已派单", "办理中", "办理中", "已办结待回访")))
        write_row(sheet, [
            i + 1, f"SX{received:%Y%m%d}{i + 1:04d}", received.strftime("%Y-%m-%d %H:%M:%S"), name, phone, kind,
            classification, "紧急" if urgent else "一般", township, place,
            text.format(place=place, thing=rng.choice(SAMPLE_THINGS)), f"{county_name}体育局",
            (received + timedelta(days=1 if urgent else 7)).strftime("%Y-%m-%d %H:%M"), status,
            callback if later else "", satisfaction if later else "",
        ])
    return to_bytes(workbook)


def sample_name(county_name: str, today, later: bool) -> str:
    month = (today.replace(day=1) - timedelta(days=1))
    return f"{county_name}12345工单导出{month:%Y%m}{'（含回访结果）' if later else ''}.xlsx"


# --------------------------------------------------------------------------- the background job

JOB_KIND = "case_platform_import"
# Up to this many rows an import is written within the request (a few seconds at most); a
# larger one is written by a background job whose page shows the progress.
SYNC_ROWS = 300


def queue_import(token: str, channel: Channel, mapping: dict[str, str], county: Region, user: User, rows: int,
                 file_name: str):
    return jobs.create_job(kind=JOB_KIND, title=f"导入{channel.name}导出文件“{file_name}”（{rows} 行）",
                           params={"token": token, "channel": channel.code, "mapping": mapping,
                                   "county_id": county.id}, user=user, total=rows)


@job_handler(JOB_KIND, Wording("行", "已检查", "正在写入诉求件…"))
def run_import(job, progress: Progress) -> JobResult:
    """The ``case_platform_import`` job: the kept upload previewed again (the cases here may
    have changed since) and written as its creator, all rows or none (jobs.services.run_job
    commits once, or rolls back and shows the RuleError's sentence on the job's page).

    SQLite lets one connection write at a time: while the import's transaction is open, the
    job's row cannot take its progress from another connection, so there the page shows the
    rows checked and then that they are being written; a server database shows each row written."""
    params = job.params
    path = pending.upload_path(params["token"])
    if path is None:
        raise RuleError("上传的文件已过期或已导入，请重新上传。")
    creator = db.session.get(User, job.created_by_id)
    county = db.session.get(Region, params["county_id"])
    channel = db.session.execute(select(Channel).where(Channel.code == params["channel"])).scalar_one()
    now = local_now()
    preview = build_preview(path.read_bytes(), channel, params["mapping"], county, now)
    if not preview.ok:
        first = preview.error_rows[0].messages()[0]
        raise RuleError(f"文件中有 {len(preview.error_rows)} 行错误（如 {first}），未导入任何数据。请重新上传并预览。")
    total = len(preview.rows)
    live = db.engine.dialect.name != "sqlite"
    progress(0 if live else total, total)
    db.session.commit()  # the check read; the writing starts its own transaction
    applied = apply(preview, creator, county, now, progress if live else None)
    out = jobs.result_path(job, ".xlsx")
    out.write_bytes(result_workbook(applied, preview))
    pending.discard_upload(params["token"])
    return JobResult(out, f"导入结果{now:%Y%m%d%H%M}.xlsx", CONTENT_TYPES[".xlsx"])
