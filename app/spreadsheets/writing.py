"""Writing workbooks: every export and template writes its cells through ``write_row``.

User text goes in as text, never as a formula: openpyxl would store a string beginning with "="
as a formula, which Excel evaluates on opening (CSV/formula injection, OWASP). Such a cell is
typed as a string, and one beginning with =, +, -, @, a tab or a CR also gets Excel's quote
prefix (what typing a leading apostrophe does: the apostrophe is not part of the value), so it
stays text when someone edits the cell. Characters XML cannot carry are dropped.
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


def new_workbook(title: str):
    """A workbook and its first sheet, titled ``title``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    return workbook, sheet


def add_sheet(workbook: Workbook, title: str):
    return workbook.create_sheet(sheet_title(title))


def write_row(sheet, values) -> list[Cell]:
    """Append one row; returns its cells, for styling."""
    cells = [_cell(sheet, value) for value in values]
    sheet.append(cells)
    return cells


def _cell(sheet, value) -> Cell:
    if not isinstance(value, str):
        return Cell(sheet, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = Cell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever it begins with
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def header_row(sheet, headers: list[str], widths: list[int], fills: dict[int, PatternFill] | None = None) -> None:
    """The first row as a header (bold, shaded, wrapped), the columns' widths, and the panes frozen below it."""
    for i, cell in enumerate(write_row(sheet, headers), start=1):
        cell.font = HEADER_FONT
        cell.fill = (fills or {}).get(i, HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "B2"


def to_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

