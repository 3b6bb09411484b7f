"""Writing workbooks: every export and template writes its cells through ``write_row``.

User text goes in as text, never as a formula: openpyxl would store a string beginning with "="
as a formula, which Excel evaluates on opening (CSV/formula injection, OWASP). Such a cell is
typed as a string, and one beginning with =, +, -, @, a tab or a CR also gets Excel's quote
prefix (what typing a leading apostrophe does: the apostrophe is not part of the value), so it
stays text when someone edits the cell. Characters XML cannot carry are dropped.

A ``streamed`` workbook (openpyxl's write-only mode) writes each row out as it is appended,
so a 20,000-row export never holds all its cells; its cells are styled before they are
appended (``write_row``'s ``number_formats``, ``header_row``), never after.
"""
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
REQUIRED_FILL = PatternFill("solid", fgColor="FDECEA")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_TITLE = 31  # Excel's limit


def sheet_title(text: str) -> str:
    """``text`` as a sheet title Excel accepts: none of / \\ ? * [ ] :, no apostrophe at either end."""
    title = INVALID_TITLE_REGEX.sub("", text)[:MAX_TITLE].strip("'")
    return title or "Sheet1"


def new_workbook(title: str, *, streamed: bool = False):
    """A workbook and its first sheet, titled ``title``."""
    if streamed:
        workbook = Workbook(write_only=True)
        return workbook, workbook.create_sheet(sheet_title(title))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    return workbook, sheet


def add_sheet(workbook: Workbook, title: str):
    return workbook.create_sheet(sheet_title(title))


def write_row(sheet, values, number_formats: dict[int, str] | None = None) -> list[Cell]:
    """Append one row, the cells at ``number_formats``' indexes so formatted; returns its cells,
    for styling (in a workbook that is not streamed)."""
    cells = [_cell(sheet, value, column) for column, value in enumerate(values, start=1)]
    for index, number_format in (number_formats or {}).items():
        cells[index].number_format = number_format
    sheet.append(cells)
    return cells


def _cell(sheet, value, column: int) -> Cell:
    # The column is set again when the row is appended; a write-only sheet needs it before
    # (it names the cell while taking it in).
    if not isinstance(value, str):
        return Cell(sheet, column=column, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = Cell(sheet, column=column, value=text)
    cell.data_type = "s"  # never a formula, whatever it begins with
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def header_row(sheet, headers: list[str], widths: list[int], fills: dict[int, PatternFill] | None = None) -> None:
    """The first row as a header (bold, shaded, wrapped), the columns' widths, and the panes frozen below it."""
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "B2"
    cells = [_cell(sheet, header, column) for column, header in enumerate(headers, start=1)]
    for i, cell in enumerate(cells, start=1):
        cell.font = HEADER_FONT
        cell.fill = (fills or {}).get(i, HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.append(cells)


def to_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

