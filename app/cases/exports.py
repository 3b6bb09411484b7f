"""The ledger (台账) as an Excel workbook: the rows the page's filters select, with Chinese
headers, the requester masked as in every list."""
from datetime import datetime

from app.cases.calendar import WorkCalendar
from app.cases.ledger import countdown, next_due
from app.cases.masking import mask_name, mask_phone
from app.spreadsheets.writing import header_row, new_workbook, to_bytes, write_row

EXPORT_LIMIT = 20_000  # a province's busy year; beyond that, filter by month or channel

HEADERS = ["编号", "来源渠道", "办理类别", "平台工单号", "收件时间", "诉求类型", "诉求分类", "诉求人", "联系电话",
           "诉求内容", "发生地点", "承办单位", "状态", "办理结果", "回访结果", "期限情况", "办结时间"]
WIDTHS = [24, 12, 8, 20, 17, 8, 12, 8, 14, 50, 16, 14, 8, 10, 10, 16, 17]


def ledger_workbook(cases, now: datetime, calendar: WorkCalendar) -> bytes:
    workbook, sheet = new_workbook("诉求件台账")
    header_row(sheet, HEADERS, WIDTHS)
    for case in cases:
        due = countdown(next_due(case), now, calendar)
        cells = write_row(sheet, [
            case.number, case.channel.name, case.channel_class.name, case.external_id or "", case.received_at,
            case.type.label, case.category.label, mask_name(case.requester_name), mask_phone(case.requester_phone),
            case.content, case.place, case.unit.name if case.unit else "", case.status.label, case.reply_result,
            case.satisfaction, due["words"] + ("（暂定）" if due["provisional"] else ""), case.closed_at,
        ])
        for cell in (cells[4], cells[16]):
            cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.auto_filter.ref = sheet.dimensions
    return to_bytes(workbook)
