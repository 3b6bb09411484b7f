"""The ledger (台账) as an Excel workbook: the rows the page's filters select, with Chinese
headers, the requester masked as in every list. A small ledger is answered at once; a large
one is written by a background job (``case_ledger_xlsx``) whose page shows its progress."""
from collections.abc import Iterable, Iterator
from datetime import datetime

from openpyxl.utils import get_column_letter
from werkzeug.datastructures import MultiDict

from app.auth.models import User
from app.cases import services
from app.cases.calendar import WorkCalendar
from app.cases.ledger import countdown, ledger_filters, ledger_query, next_due
from app.cases.masking import mask_name, mask_phone
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.registry import JobResult, Progress, Wording, job_handler
from app.pagination import capped_count
from app.printing.downloads import CONTENT_TYPES, file_name
from app.rules import RuleError
from app.spreadsheets.writing import header_row, new_workbook, to_bytes, write_row
from app.timeutil import local_now

EXPORT_LIMIT = 20_000  # a province's busy year; beyond that, filter by month or channel
TOO_MANY = f"符合条件的诉求件超过 {EXPORT_LIMIT} 条，无法一次导出。请按月份或来源渠道筛选后分批导出。"
# Up to this many rows (about half a second's work) the file is answered within the request;
# a larger one would hold a server worker for seconds while the user sees nothing happen, so
# it is written by a background job whose page shows the progress.
SYNC_EXPORT_ROWS = 2000
JOB_KIND = "case_ledger_xlsx"
# Rows loaded from the database at a time: a 20,000-row ledger is never in memory all at once.
BATCH_ROWS = 500
PROGRESS_EVERY = 500

HEADERS = ["编号", "来源渠道", "办理类别", "平台工单号", "收件时间", "诉求类型", "诉求分类", "诉求人", "联系电话",
           "诉求内容", "发生地点", "承办单位", "状态", "办理结果", "回访结果", "期限情况", "办结时间"]
WIDTHS = [24, 12, 8, 20, 17, 8, 12, 8, 14, 50, 16, 14, 8, 10, 10, 16, 17]
TIME_FORMATS = {4: "yyyy-mm-dd hh:mm", 16: "yyyy-mm-dd hh:mm"}  # 收件时间, 办结时间


def ledger_workbook(cases, now: datetime, calendar: WorkCalendar) -> bytes:
    workbook, sheet = new_workbook("诉求件台账", streamed=True)
    header_row(sheet, HEADERS, WIDTHS)
    rows = 0
    for case in cases:
        rows += 1
        due = countdown(next_due(case), now, calendar)
        write_row(sheet, [
            case.number, case.channel.name, case.channel_class.name, case.external_id or "", case.received_at,
            case.type.label, case.category.label, mask_name(case.requester_name), mask_phone(case.requester_phone),
            case.content, case.place, case.unit.name if case.unit else "", case.status.label, case.reply_result,
            case.satisfaction, due["words"] + ("（暂定）" if due["provisional"] else ""), case.closed_at,
        ], number_formats=TIME_FORMATS)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{rows + 1}"
    return to_bytes(workbook)


def ledger_name(now: datetime) -> str:
    return file_name("诉求件台账", f"{now:%Y%m%d}", suffix=".xlsx")


def counted(stmt) -> int:
    """How many rows an export of ``stmt`` holds; refused (RuleError) past EXPORT_LIMIT, so no
    one receives a file cut short without knowing it."""
    rows = capped_count(stmt, EXPORT_LIMIT + 1)
    if rows > EXPORT_LIMIT:
        raise RuleError(TOO_MANY)
    return rows


def streamed(stmt) -> Iterable:
    """The cases of ``stmt`` loaded a batch at a time (deadlines included), each batch let go
    once written.

    The result's yield_per, not the execution option: the option is handed on to the selectin
    load of the deadlines, which then fails under the scope's do_orm_execute hook
    (sqlalchemy#13301, in 2.0.44)."""
    result = db.session.execute(stmt.limit(EXPORT_LIMIT), execution_options={"stream_results": True})
    return result.yield_per(BATCH_ROWS).scalars()


def queue_export(args: dict, user, filters, rows: int):
    """The background job writing the ledger ``args`` (the request's filters) select for ``user``."""
    return jobs.create_job(kind=JOB_KIND, title=f"诉求件台账（{filters.described()}，{rows} 条）",
                           params={"args": args}, user=user, total=rows)


def _reporting(cases: Iterable, progress: Progress, total: int) -> Iterator:
    """``cases`` as they are, telling the job's page how far the writing has come."""
    done = 0
    for done, case in enumerate(cases, start=1):
        yield case
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    progress(done, done)  # every row read: what is left is writing the file


@job_handler(JOB_KIND, Wording("行", "已读取", "正在写入 Excel 文件…"))
def run_export(job, progress: Progress) -> JobResult:
    """The ``case_ledger_xlsx`` job: the ledger the creator's filters selected, read within the
    creator's scope (jobs.services.run_job) and counted again, as rows may have come since."""
    now = local_now()
    calendar = services.load_calendar()
    creator = db.session.get(User, job.created_by_id)
    stmt = ledger_query(ledger_filters(creator, MultiDict(job.params["args"])), now, calendar)
    total = counted(stmt)
    progress(0, total)
    out = jobs.result_path(job, ".xlsx")
    out.write_bytes(ledger_workbook(_reporting(streamed(stmt), progress, total), now, calendar))
    return JobResult(out, ledger_name(now), CONTENT_TYPES[".xlsx"])
