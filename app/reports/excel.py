"""The coverage board and the year's statistics as Excel workbooks, as bureaus pass them upward."""
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.reports import sections, statistics, wording
from app.reports.services import COLUMN_LABELS, IN_RECTIFICATION, CountyBoard, CountySummary, SummaryBoard
from app.reports.statistics import Statistics
from app.spreadsheets.writing import add_sheet, new_workbook, to_bytes, write_row

FILLS = {
    "达标": PatternFill("solid", fgColor="E6F4EA"),
    "不达标": PatternFill("solid", fgColor="FDECEA"),
    IN_RECTIFICATION: PatternFill("solid", fgColor="FFF4E5"),
}


def _autosize(sheet) -> None:
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[get_column_letter(column[0].column)].width = min(40, max(8, width * 2))


def _title(sheet, text: str) -> None:
    write_row(sheet, [text])[0].font = Font(bold=True, size=14)


def _year_words(year: int | None) -> str:
    return f"（{year}年度检查）" if year else ""  # else each township's latest check, as always


def county_workbook(board: CountyBoard, year: int | None = None) -> bytes:
    wb, ws = new_workbook(board.name)
    _title(ws, f"{board.name}{board.standard.title}达标情况{_year_words(year)}")
    write_row(ws, [f"{board.passed} 个乡镇体育总会达标，共 {board.townships} 个乡镇，覆盖率 {board.rate:.0%}；"
                   f"未整改 {board.open_rectifications} 项，其中逾期 {board.overdue_rectifications} 项"])
    labels = COLUMN_LABELS
    header = ["乡镇（街道）", "体育总会", labels["check"], f"{labels['self_check']}（不计入达标）",
              *[i.title for i in board.items], labels["verdict"], labels["open"], labels["overdue"]]
    for cell in write_row(ws, header):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in board.rows:
        written = write_row(ws, [
            row.township.name,
            row.federation.name if row.federation else "未登记",
            f"{row.inspection.inspected_on.isoformat()} {row.inspection.kind.label}" if row.inspection else "",
            row.self_check_label,
            *[row.cell(i.code) for i in board.items], row.state, row.open_rectifications, row.overdue_rectifications,
        ])
        for cell in written:
            if cell.value in FILLS:
                cell.fill = FILLS[cell.value]
    ws.freeze_panes = "C4"
    _autosize(ws)
    return to_bytes(wb)


def _summary_row(ws, line: CountySummary, bold: bool = False) -> None:
    cells = write_row(ws, [line.name, line.townships, line.registered, line.checked, line.passed, f"{line.rate:.0%}",
                           line.open_rectifications, line.overdue_rectifications])
    if bold:
        for cell in cells:
            cell.font = Font(bold=True)


def summary_workbook(region_name: str, board: SummaryBoard, year: int | None = None) -> bytes:
    """The counties grouped by city, each city with its 小计 on a province's board, and the 合计."""
    wb, ws = new_workbook(region_name)
    _title(ws, f"{region_name}乡镇体育总会达标情况{_year_words(year)}")
    for cell in write_row(ws, ["县（市、区）", "乡镇数", "已登记总会", COLUMN_LABELS["checked"], "达标", "覆盖率",
                               COLUMN_LABELS["open"], COLUMN_LABELS["overdue"]]):
        cell.font = Font(bold=True)
    for group in board.groups:
        for line in group.lines:
            _summary_row(ws, line)
        if group.city is not None:
            _summary_row(ws, group.subtotal, bold=True)
    _summary_row(ws, board.total, bold=True)
    _autosize(ws)
    return to_bytes(wb)


def statistics_workbook(stats: Statistics) -> bytes:
    """年度统计: the report's sentences first, then a sheet per section, and the organisations
    named in the period's registration events, one row each."""
    wb, ws = new_workbook("统计概述")
    _title(ws, stats.title)
    for sentence in wording.sentences(stats):
        write_row(ws, [sentence])
    ws.column_dimensions["A"].width = 120
    for table in sections.tables(stats):
        sheet = add_sheet(wb, table.title)
        _title(sheet, table.title)
        for cell in write_row(sheet, table.header):
            cell.font = Font(bold=True)
        for row in table.rows:
            write_row(sheet, [value.value if isinstance(value, sections.Number) else value for value in row])
        if table.note:
            write_row(sheet, [f"说明：{table.note}"])
        _autosize(sheet)
    sheet = add_sheet(wb, "登记事项名单")
    for cell in write_row(sheet, ["登记日期", "事项", "组织名称", "所属区划", "说明"]):
        cell.font = Font(bold=True)
    for event in statistics.named_records(stats):
        write_row(sheet, [event.event_date.isoformat(), event.kind.label, event.organization.name, event.region.name,
                          event.description])
    _autosize(sheet)
    return to_bytes(wb)
