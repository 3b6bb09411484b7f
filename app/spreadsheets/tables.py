"""Reading a table someone else made (a platform's export) into its header and its rows: an
.xlsx, an old .xls (what many platforms still give) or a .csv in UTF-8 or GB18030/GBK.

The kind is told by the content, never by the file's name: a zip is an .xlsx, an OLE2 compound
file an .xls, text a CSV (a web page saved as ".xls", which some platforms give, is named as
such). The header is the first of the top rows naming at least two known columns (exports put
a title row or two above it), else the first row of three or more texts. Whatever is wrong with
the file is a RuleError with the sentence to show: nothing is read half.

Formulas: an .xlsx holding one is refused, as an export never does and a formula Excel has not
computed reads as blank; an .xls is read as Excel last showed it (xlrd sees only the values).
"""
import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from app.rules import RuleError
from app.spreadsheets.cells import cell_text
from app.spreadsheets.imports import HEADER_SEARCH_ROWS, MAX_COLUMNS, MAX_FILE_BYTES, check_unpacked_size

MAX_TABLE_ROWS = 20_000
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
KINDS = "表格文件（.xlsx、.xls 或 .csv）"
NOT_A_TABLE = f"文件不是{KINDS}。请从平台导出 Excel 或 CSV 文件后直接上传。"
# C0 control characters other than tab, line feed, form feed and carriage return: never in text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
CELL_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')


@dataclass
class Table:
    kind: str  # xlsx, xls or csv
    header_row: int  # the row number the spreadsheet shows
    headers: list[str]  # "" where a column has no name
    rows: list[tuple[int, list]]  # (row number, one value per header)

    def column(self, header: str) -> int:
        return self.headers.index(header)


def normal_header(value) -> str:
    """A header as it is compared: no spaces or line breaks, no required-column star."""
    return re.sub(r"[\s*＊]", "", cell_text(value))


def read_table(data: bytes, known: Callable[[str], bool] = lambda header: False, *,
               max_rows: int = MAX_TABLE_ROWS) -> Table:
    """The file's header row and its data rows (blank rows left out), at most ``max_rows``.
    ``known`` says whether a header is one the import knows (to find the header row)."""
    if not data:
        raise RuleError("上传的文件是空的。")
    if len(data) > MAX_FILE_BYTES:
        raise RuleError(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB，请按时间分成几个文件导入。")
    if data.startswith(ZIP_MAGIC):
        kind, rows, merges = "xlsx", *_xlsx(data)
    elif data.startswith(OLE2_MAGIC):
        kind, rows, merges = "xls", *_xls(data)
    else:
        kind, rows, merges = "csv", _csv(data), []
    top = list(islice(rows, HEADER_SEARCH_ROWS))
    index = _header_index(top, known)
    if index is None:
        raise RuleError(f"找不到表头行：前 {HEADER_SEARCH_ROWS} 行中没有一行是列名（如“工单编号”“来电时间”“诉求内容”）。"
                        "请上传平台导出的原始文件。")
    header_number = index + 1
    headers = [normal_header(v) for v in top[index]]
    while headers and not headers[-1]:
        headers.pop()
    _check_header(headers, header_number, merges)
    result = _data_rows(headers, header_number, iter(top[index + 1:]), rows, max_rows)
    if not result:
        raise RuleError("文件中只有表头，没有数据行。")
    return Table(kind, header_number, headers, result)


def _header_index(top: list[list], known: Callable[[str], bool]) -> int | None:
    for i, values in enumerate(top):
        if sum(1 for v in values if known(normal_header(v))) >= 2:
            return i
    # Headers the import does not know (the user maps them): the first row of three or more
    # texts with something below it.
    for i, values in enumerate(top[:-1]):
        filled = [v for v in values if cell_text(v)]
        if len(filled) >= 3 and all(isinstance(v, str) for v in filled):
            return i
    return None


def _check_header(headers: list[str], number: int, merges: list[tuple[int, int, int, int]]) -> None:
    for first_col, first_row, last_col, last_row in merges:
        if first_row <= number <= last_row and (first_col, first_row) != (last_col, last_row):
            where = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
            raise RuleError(f"表头（第 {number} 行）有合并单元格（{where}）。请在 Excel 中取消合并，让每一列在同一行有"
                            "自己的列名，再上传。")
    seen: dict[str, int] = {}
    for i, header in enumerate(headers):
        if header and header in seen:
            raise RuleError(f"表头中“{header}”出现了两次（{get_column_letter(seen[header] + 1)} 列和 "
                            f"{get_column_letter(i + 1)} 列），请把其中一列改名后再上传。")
        seen.setdefault(header, i)
    if len(seen) < 2:
        raise RuleError("表头少于两列，不像平台导出的工单表。")


def _data_rows(headers: list[str], header_number: int, buffered: Iterator, rest: Iterator,
               max_rows: int) -> list[tuple[int, list]]:
    width = len(headers)
    result = []
    max_scanned = 2 * max_rows
    for number, values in enumerate(_chain(buffered, rest), start=header_number + 1):
        if number - header_number > max_scanned:
            raise RuleError(f"文件行数过多（含空行超过 {max_scanned} 行），请删除多余的空行。")
        values = list(values[:width]) + [None] * (width - len(values))
        if all(cell_text(v) == "" for v in values):
            continue
        if len(result) >= max_rows:
            raise RuleError(f"文件超过 {max_rows} 行，请按时间分成几个文件导入。")
        result.append((number, values))
    return result


def _chain(*iterators: Iterable) -> Iterator:
    for iterator in iterators:
        yield from iterator


# --------------------------------------------------------------------------- .xlsx

def _xlsx(data: bytes) -> tuple[Iterator[list], list]:
    check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        xml = zipfile.ZipFile(io.BytesIO(data)).read(sheet._worksheet_path)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, IndexError) as error:
        raise RuleError("文件不是有效的 Excel 工作簿（.xlsx），可能已损坏。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
                        ) from error
    if match := FORMULA.search(xml):
        start = xml.rfind(b"<c ", 0, match.start())
        ref = CELL_REF.search(xml, start, match.start()) if start >= 0 else None
        where = f"（如 {ref.group(1).decode()} 单元格）" if ref else ""
        raise RuleError(f"文件中有公式{where}，导入只读取数值。请在 Excel 中全选并复制，用“选择性粘贴—数值”粘贴后"
                        "另存，再上传。")
    merges = [range_boundaries(m.decode()) for m in MERGE.findall(xml)]
    del xml

    def rows() -> Iterator[list]:
        try:
            # Bounded both ways: a stray format in column XFD or a million blank rows cost nothing.
            for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                yield list(values)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
            raise RuleError("文件内容已损坏，读到一半无法继续。请用 Excel 或 WPS 打开后另存，再上传。") from error
        finally:
            workbook.close()

    return rows(), merges


# --------------------------------------------------------------------------- .xls

def _xls(data: bytes) -> tuple[Iterator[list], list]:
    import xlrd

    try:
        # xlrd raises whatever its parser trips over in a broken file, not one exception type.
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception as error:  # noqa: BLE001 - see above
        raise RuleError("文件不是有效的 Excel 97-2003 工作簿（.xls），可能已损坏或加了密码。请用 Excel 或 WPS 打开后"
                        "另存为 .xlsx 再上传。") from error
    # xlrd's ranges are (first row, row after last, first column, column after last), from 0.
    merges = [(clo + 1, rlo + 1, chi, rhi) for rlo, rhi, clo, chi in sheet.merged_cells]

    def value(cell):
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate_as_datetime(cell.value, book.datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return cell.value
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            return None
        return cell.value

    def rows() -> Iterator[list]:
        try:
            for r in range(sheet.nrows):
                yield [value(c) for c in sheet.row(r)[:MAX_COLUMNS]]
        finally:
            book.release_resources()

    return rows(), merges


# --------------------------------------------------------------------------- .csv

def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), UTF-16 with its BOM (Excel's "Unicode
    text"), else GB18030, which covers GBK and GB2312 (what Excel writes on a Chinese Windows)."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RuleError("无法识别文件的文字编码（既不是 UTF-8，也不是 GBK/GB18030），或文件已损坏。请用 Excel 或 WPS 打开后"
                    "另存为 .xlsx 再上传。")


def _csv(data: bytes) -> Iterator[list]:
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RuleError(NOT_A_TABLE)  # a binary file: a program, an image, a zip's remains
    text = _decode(data)
    head = text[:65536]
    if CONTROL.search(head):
        raise RuleError(NOT_A_TABLE)
    if re.match(r"\s*<(!doctype\s+html|html|table|\?xml)", head, re.IGNORECASE):
        raise RuleError("文件是网页（HTML/XML）格式，只是名字像表格。请用 Excel 打开后另存为 .xlsx 再上传。")
    if head.startswith("%PDF") or "\ufffd" in head:
        raise RuleError(NOT_A_TABLE)
    sample = "\n".join(head.splitlines()[:20])
    delimiter = max(",\t;", key=sample.count)
    return (list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def parse_time(value) -> datetime:
    """A time as platforms write it: an Excel time, 2026-09-30 16:20(:05), 2026/9/30 16:20,
    2026年9月30日16时20分, or a date alone (midnight); ValueError when it is none of these."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if 18264 <= value <= 73050:  # 1950 .. 2099 as an Excel day number that lost its format
            return from_excel(value).replace(microsecond=0)
        raise ValueError
    text = cell_text(value).strip()
    text = re.sub(r"[年月/.]", "-", text)
    text = re.sub(r"日\s*", " ", text)
    text = re.sub(r"[时点]", ":", text).replace("分", ":").replace("秒", "").replace("T", " ")
    text = re.sub(r"\s+", " ", text).strip(" :")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H", "%Y-%m-%d", "%Y%m%d%H%M%S", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError
