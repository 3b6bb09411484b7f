"""The coverage board as an Excel workbook, as bureaus pass it upward."""
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.reports.services import COLUMN_LABELS, IN_RECTIFICATION, CountyBoard, CountySummary
from app.spreadsheets.writing import new_workbook, to_bytes, write_row

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


def county_workbook(board: CountyBoard) -> bytes:
    wb, ws = new_workbook(board.name)
    _title(ws, f"{board.name}{board.standard.title}达标情况")
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


def summary_workbook(region_name: str, boards: list[CountySummary]) -> bytes:
    wb, ws = new_workbook(region_name)
    _title(ws, f"{region_name}乡镇体育总会达标情况")
    for cell in write_row(ws, ["县（市、区）", "乡镇数", "已登记总会", COLUMN_LABELS["checked"], "达标", "覆盖率",
                               COLUMN_LABELS["open"], COLUMN_LABELS["overdue"]]):
        cell.font = Font(bold=True)
    for b in boards:
        write_row(ws, [b.county.name, b.townships, b.registered, b.checked, b.passed, f"{b.rate:.0%}",
                       b.open_rectifications, b.overdue_rectifications])
    _autosize(ws)
    return to_bytes(wb)
