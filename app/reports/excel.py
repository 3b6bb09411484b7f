"""The coverage board as an Excel workbook, as bureaus pass it upward."""
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.reports.services import CountyBoard, CountySummary
from app.spreadsheets.writing import new_workbook, to_bytes, write_row

FILLS = {
    "达标": PatternFill("solid", fgColor="E6F4EA"),
    "不达标": PatternFill("solid", fgColor="FDECEA"),
}


def _autosize(sheet) -> None:
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[get_column_letter(column[0].column)].width = min(40, max(8, width * 2))


def _title(sheet, text: str) -> None:
    write_row(sheet, [text])[0].font = Font(bold=True, size=14)


def county_workbook(board: CountyBoard) -> bytes:
    wb, ws = new_workbook(board.county.name)
    _title(ws, f"{board.county.name}{board.standard.title}达标情况")
    write_row(ws, [f"{board.passed} 个乡镇体育总会达标，共 {board.townships} 个乡镇，覆盖率 {board.rate:.0%}；"
                   f"未整改 {board.open_rectifications} 项，其中逾期 {board.overdue_rectifications} 项"])
    header = ["乡镇（街道）", "体育总会", "最近检查", *[i.title for i in board.items], "结论", "未整改", "逾期"]
    for cell in write_row(ws, header):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in board.rows:
        cells = [row.cells.get(i.code).label if row.cells.get(i.code) else ("未检查" if row.federation else "")
                 for i in board.items]
        written = write_row(ws, [
            row.township.name,
            row.federation.name if row.federation else "未登记",
            row.inspection.inspected_on.isoformat() if row.inspection else "",
            *cells, row.state, row.open_rectifications, row.overdue_rectifications,
        ])
        for cell in written:
            if cell.value in FILLS:
                cell.fill = FILLS[cell.value]
    ws.freeze_panes = "C4"
    _autosize(ws)
    return to_bytes(wb)


def summary_workbook(region_name: str, boards: list[CountySummary]) -> bytes:
    wb, ws = new_workbook(region_name)
    _title(ws, f"{region_name}乡镇体育总会达标情况")
    for cell in write_row(ws, ["县（市、区）", "乡镇数", "已登记总会", "已检查", "达标", "覆盖率", "未整改", "逾期"]):
        cell.font = Font(bold=True)
    for b in boards:
        write_row(ws, [b.county.name, b.townships, b.registered, b.checked, b.passed, f"{b.rate:.0%}",
                       b.open_rectifications, b.overdue_rectifications])
    _autosize(ws)
    return to_bytes(wb)
