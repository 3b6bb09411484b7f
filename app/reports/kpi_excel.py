"""考核指标 as an Excel workbook: the same board as the page (the region's figures, per unit or
county, month by month) with a sheet of the definitions, as numbers a bureau can compute on."""
from openpyxl.styles import Font

from app.reports.kpis import INDICATORS, Board, Indicator, Row
from app.spreadsheets.writing import add_sheet, header_row, new_workbook, to_bytes, write_row

RATE_FORMAT, MEAN_FORMAT = "0.0%", "0.0"
NO_FIGURE = "—"  # an empty denominator, as on the page


def _columns(indicator: Indicator) -> list[str]:
    """Per indicator: its value, then what its numerator and its denominator count."""
    numerator, denominator, _ = indicator.measure.parts
    return [indicator.name, f"{indicator.name}：{numerator or '工作日合计'}", f"{indicator.name}：{denominator}"]


def _cells(row: Row) -> tuple[list, dict[int, str]]:
    values, formats = [row.name], {}
    for indicator in INDICATORS.values():
        figure = row.figure(indicator)
        if figure.value is not None:
            formats[len(values)] = MEAN_FORMAT if figure.mean else RATE_FORMAT
        values += [NO_FIGURE if figure.value is None else figure.value, figure.numerator, figure.denominator]
    return values, formats


def _table(sheet, first: str, rows: list[Row]) -> None:
    headers = [first, *(c for i in INDICATORS.values() for c in _columns(i))]
    header_row(sheet, headers, [16] + [12] * (len(headers) - 1))
    for row in rows:
        values, formats = _cells(row)
        write_row(sheet, values, formats)


def workbook(board: Board, title: str) -> bytes:
    wb, summary = new_workbook("考核指标")
    write_row(summary, [title])[0].font = Font(bold=True, size=14)
    for cell in write_row(summary, ["指标", "数值", "分子", "分母", "分子为", "分母为"]):
        cell.font = Font(bold=True)
    for indicator in INDICATORS.values():
        figure = board.total.figure(indicator)
        numerator, denominator, _ = indicator.measure.parts
        write_row(summary, [indicator.name, NO_FIGURE if figure.value is None else figure.value, figure.numerator,
                            figure.denominator, numerator or "工作日合计", denominator],
                  {1: MEAN_FORMAT if figure.mean else RATE_FORMAT} if figure.value is not None else None)
    for letter, width in zip("ABCDEF", (24, 10, 8, 8, 20, 20), strict=True):
        summary.column_dimensions[letter].width = width
    _table(add_sheet(wb, "按县（市、区）" if board.by_county else "按承办单位"),
           "县（市、区）" if board.by_county else "承办单位", [*board.rows, board.total])
    _table(add_sheet(wb, f"{board.period.year}年按月"), "月份", board.months)
    definitions = add_sheet(wb, "指标定义")
    header_row(definitions, ["指标", "定义"], [24, 100])
    for indicator in INDICATORS.values():
        write_row(definitions, [indicator.name, indicator.definition])
    write_row(definitions, ["统计范围", f"{board.period.label}收件的诉求件（按收件时间），合并为重复件的不计（重复来电率除外）。"])
    return to_bytes(wb)
