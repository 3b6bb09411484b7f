"""Reading another program's table (app.spreadsheets.tables): an .xlsx, an old .xls and a CSV in
UTF-8 (with or without BOM) or GBK give the same header and rows, the header found under a
title row; every bad file is refused with its own Chinese sentence."""
import io
from datetime import datetime

import pytest
import xlwt
from openpyxl import Workbook

from app.rules import RuleError
from app.spreadsheets.tables import parse_time, read_table
from tests.test_bad_files import BAD_FILES

HEADERS = ["工单编号", "来电时间", "来电人", "诉求内容"]
ROWS = [["SX001", "2026-11-02 09:15", "张三", "凤城镇广场健身器材损坏。"],
        ["SX002", "2026-11-03 10:00", "", "咨询体育馆开放时间，电话 0356-4220000。"]]
KNOWN = set(HEADERS).__contains__


def xlsx_bytes(rows, *, title: str | None = None, merge: str | None = None, formula: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    if formula:
        sheet[formula] = "=1+1"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xls_bytes(rows, *, title: str | None = None, merge_header: bool = False) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("工单")
    offset = 0
    if title:
        sheet.write_merge(0, 0, 0, len(HEADERS) - 1, title)
        offset = 1
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if merge_header and r == 0 and c in (2, 3):
                continue
            sheet.write(r + offset, c, value)
    if merge_header:
        sheet.write_merge(offset, offset, 2, 3, "来电人及内容")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows, delimiter=",") -> str:
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


SAME_TABLE = {
    "xlsx": lambda: xlsx_bytes([HEADERS, *ROWS]),
    "xlsx under a title row": lambda: xlsx_bytes([HEADERS, *ROWS], title="阳城县12345工单导出", merge="A1:D1"),
    "xls": lambda: xls_bytes([HEADERS, *ROWS]),
    "xls under a merged title row": lambda: xls_bytes([HEADERS, *ROWS], title="阳城县12345工单导出"),
    "csv utf-8": lambda: csv_text([HEADERS, *ROWS]).encode("utf-8"),
    "csv utf-8 with bom": lambda: b"\xef\xbb\xbf" + csv_text([HEADERS, *ROWS]).encode("utf-8"),
    "csv gbk": lambda: csv_text([HEADERS, *ROWS]).encode("gbk"),
    "csv gb18030 tab-separated": lambda: csv_text([HEADERS, *ROWS], "\t").encode("gb18030"),
    "utf-16 text (Excel's unicode text)": lambda: csv_text([HEADERS, *ROWS], "\t").encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(SAME_TABLE))
def test_every_kind_of_file_reads_the_same_rows(name):
    table = read_table(SAME_TABLE[name](), KNOWN)
    assert table.headers == HEADERS
    assert [[v or "" for v in values] for _, values in table.rows] == ROWS
    title_rows = 1 if "title" in name else 0
    assert table.header_row == 1 + title_rows and [n for n, _ in table.rows] == [2 + title_rows, 3 + title_rows]


def test_the_kind_is_told_by_the_content_not_the_name():
    assert read_table(SAME_TABLE["xls"](), KNOWN).kind == "xls"
    assert read_table(SAME_TABLE["xlsx"](), KNOWN).kind == "xlsx"
    assert read_table(SAME_TABLE["csv gbk"](), KNOWN).kind == "csv"


def test_headers_it_does_not_know_are_found_as_the_first_row_of_texts():
    table = read_table(csv_text([["导出时间：2026-12-01"], ["单号", "时间", "内容"], ["A1", "2026-11-02", "x"]]).encode())
    assert (table.header_row, table.headers) == (2, ["单号", "时间", "内容"])


def test_blank_rows_are_skipped_and_spaces_in_headers_ignored():
    table = read_table(xlsx_bytes([["工单 编号", "来电\n时间", "诉求内容*"], [None, None, None], ROWS[0][:3]]), KNOWN)
    assert table.headers == ["工单编号", "来电时间", "诉求内容"] and [n for n, _ in table.rows] == [3]


BAD_TABLES = {
    "empty": (b"", "上传的文件是空的"),
    "only a header": (xlsx_bytes([HEADERS]), "只有表头"),
    "only a header in a csv": (csv_text([HEADERS]).encode(), "只有表头"),
    "a program": (b"MZ\x90\x00\x03" + b"\x00" * 100, "文件不是表格文件"),
    "a pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "文件不是表格文件"),
    "a web page named .xls": (b"<html><table><tr><td>1</td></tr></table></html>", "网页"),
    "broken encoding": ("工单编号,来电时间,诉求内容\n".encode("utf-8") + b"\xff\xfe\xfa\n", "无法识别文件的文字编码"),
    "a zip that is no workbook": (BAD_FILES["zip that is no office file"], "不是有效的 Excel 工作簿"),
    "a truncated xlsx": (xlsx_bytes([HEADERS, *ROWS])[:300], "不是有效的 Excel 工作簿"),
    "a broken xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003"),
    "formulas": (xlsx_bytes([HEADERS, *ROWS], formula="B3"), "文件中有公式（如 B3 单元格）"),
    "merged header cells (xlsx)": (xlsx_bytes([HEADERS, *ROWS], merge="C1:D1"), "表头（第 1 行）有合并单元格（C1:D1）"),
    "merged header cells (xls)": (xls_bytes([HEADERS, *ROWS], merge_header=True), "有合并单元格（C1:D1）"),
    "a header twice": (csv_text([["工单编号", "来电时间", "诉求内容", "来电时间"], ["1", "2", "3", "4"]]).encode(),
                       "“来电时间”出现了两次（B 列和 D 列）"),
    "no header": (csv_text([["1", "2"], ["3", "4"]]).encode(), "找不到表头行"),
    "a huge cell": (BAD_FILES["xlsx with a huge cell"], "解压后超过"),
    "too big": (BAD_FILES["too big"], "文件超过 10 MB"),
}


@pytest.mark.parametrize("name", sorted(BAD_TABLES))
def test_each_bad_file_gets_its_own_sentence(name):
    data, words = BAD_TABLES[name]
    with pytest.raises(RuleError) as caught:
        read_table(data, KNOWN)
    assert words in caught.value.message


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_every_bad_file_of_the_sweep_is_refused_in_chinese(name):
    with pytest.raises(RuleError) as caught:
        read_table(BAD_FILES[name], KNOWN)
    assert any("\u4e00" <= c <= "\u9fff" for c in caught.value.message)


def test_too_many_rows_are_refused_before_anything_else():
    rows = "".join(f"SX{i},2026-11-02,内容\n" for i in range(30))
    with pytest.raises(RuleError, match="超过 20 行"):
        read_table(("工单编号,来电时间,诉求内容\n" + rows).encode(), KNOWN, max_rows=20)


@pytest.mark.parametrize("value, expected", [
    ("2026-09-30 16:20", datetime(2026, 9, 30, 16, 20)),
    ("2026-09-30 16:20:05", datetime(2026, 9, 30, 16, 20, 5)),
    ("2026/9/30 16:20", datetime(2026, 9, 30, 16, 20)),
    ("2026年9月30日 16时20分", datetime(2026, 9, 30, 16, 20)),
    ("2026-09-30", datetime(2026, 9, 30)),
    ("20260930162005", datetime(2026, 9, 30, 16, 20, 5)),
    (datetime(2026, 9, 30, 16, 20, 5, 123), datetime(2026, 9, 30, 16, 20, 5)),
    (46295.5, datetime(2026, 9, 30, 12, 0)),
])
def test_times_as_platforms_write_them(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize("value", ["2026-13-01", "昨天下午", "", 12, True])
def test_a_time_that_is_none_is_refused(value):
    with pytest.raises(ValueError):
        parse_time(value)
