"""The inspection list and the rectification ledger as Excel workbooks: the rows the page's
filters select (the same filter form and query function as the page), every row, not a page."""
from datetime import date

from app.regions.names import full_region_name
from app.spreadsheets.writing import header_row, new_workbook, to_bytes, write_row

EXPORT_LIMIT = 20_000  # a province's year of checks; beyond that, filter by region or date


def inspections_workbook(inspections) -> bytes:
    workbook, sheet = new_workbook("检查验收")
    header_row(sheet, ["检查日期", "所属区划", "被检查组织", "检查类型", "状态", "结论", "签字人", "签字日期", "核验码"],
               [12, 26, 30, 10, 10, 8, 10, 12, 12])
    for i in inspections:
        cells = write_row(sheet, [i.inspected_on, full_region_name(i.region), i.organization.name, i.kind.label, i.status.label,
                                  i.verdict.label if i.verdict else "", i.signed_by, i.signed_on,
                                  i.verification_code])
        for cell in (cells[0], cells[7]):
            cell.number_format = "yyyy-mm-dd"
    sheet.auto_filter.ref = sheet.dimensions
    return to_bytes(workbook)


def rectifications_workbook(rectifications, today: date) -> bytes:
    workbook, sheet = new_workbook("整改台账")
    header_row(sheet, ["所属区划", "组织", "项目", "存在问题", "责任人", "整改期限", "状态", "是否逾期", "退回次数",
                       "整改情况", "核验意见"], [26, 30, 10, 40, 12, 12, 10, 8, 8, 40, 30])
    for r in rectifications:
        cells = write_row(sheet, [full_region_name(r.region), r.organization.name, r.item.title, r.finding, r.owner, r.due_on,
                                  r.status.label, "逾期" if r.is_overdue(today) else "", r.times_returned,
                                  r.response, r.review_note])
        cells[5].number_format = "yyyy-mm-dd"
    sheet.auto_filter.ref = sheet.dimensions
    return to_bytes(workbook)
