"""赛事活动台账 as an Excel workbook: the rows the ledger's filters select (the same filter form and
query as the page), every row, not a page."""
from app.activities.models import Activity
from app.activities.services import LIST_COLUMNS
from app.regions.names import full_region_name
from app.spreadsheets.writing import header_row, new_workbook, to_bytes, write_row
from app.timeutil import format_local

EXPORT_LIMIT = 20_000  # more than a province's year of activities; beyond that, filter by year
COLUMNS = (*LIST_COLUMNS, Activity.organiser, Activity.co_organisers, Activity.results, Activity.filed_at,
           Activity.decided_at, Activity.reported_at)
HEADERS = ["开始日期", "结束日期", "活动名称", "类型", "级别", "所属区划", "组织", "主办单位", "承办、协办单位", "地点",
           "预计人数", "实际人数", "需报备", "状态", "报备时间", "审核时间", "上报时间", "开展情况和成效"]
WIDTHS = [12, 12, 36, 8, 10, 26, 28, 28, 30, 24, 10, 10, 8, 10, 17, 17, 17, 50]
DATE_FORMATS = {0: "yyyy-mm-dd", 1: "yyyy-mm-dd"}


def activities_workbook(activities) -> bytes:
    workbook, sheet = new_workbook("赛事活动台账", streamed=True)
    header_row(sheet, HEADERS, WIDTHS)
    rows = 0
    for a in activities:
        rows += 1
        write_row(sheet, [
            a.starts_on, a.ends_on, a.title, a.kind.label, a.level.label, full_region_name(a.region),
            a.organization.name, a.organiser, a.co_organisers, a.place, a.expected_participants,
            a.actual_participants, "是" if a.needs_filing else "否", a.status.label,
            format_local(a.filed_at), format_local(a.decided_at), format_local(a.reported_at), a.results,
        ], number_formats=DATE_FORMATS)
    sheet.auto_filter.ref = f"A1:R{rows + 1}"
    return to_bytes(workbook)
