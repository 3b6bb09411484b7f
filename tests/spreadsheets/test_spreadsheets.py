"""The spreadsheet package on its own: cells written as inert text, safe sheet titles, an import
of another shape than the roster (its own columns and row handler), and the kept uploads."""
import io
import os
import time
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from app.organizations.models import PartyBranch
from app.rules import RuleError
from app.spreadsheets import pending
from app.spreadsheets.cells import cell_text, parse_choice, parse_date, parse_integer
from app.spreadsheets.imports import Column, Importer, SheetSpec, template_workbook
from app.spreadsheets.writing import header_row, new_workbook, sheet_title, to_bytes, write_row


def reread(workbook) -> Workbook:
    return load_workbook(io.BytesIO(to_bytes(workbook)))


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
                                  "\t=1", "\r=1"])
def test_text_that_a_spreadsheet_would_evaluate_stays_text(text):
    workbook, sheet = new_workbook("台账")
    write_row(sheet, [text, "凤城镇", 12, date(2026, 3, 5)])
    cells = reread(workbook).active[1]
    # openpyxl writes and reads through lxml (python-docx brings it), which keeps a CR as written.
    assert (cells[0].value, cells[0].data_type, cells[0].quotePrefix) == (text, "s", True)
    assert (cells[1].value, cells[1].quotePrefix) == ("凤城镇", False)
    assert cells[2].value == 12 and cells[3].value.date() == date(2026, 3, 5)


@pytest.mark.parametrize("streamed", [False, True])
def test_a_streamed_workbook_reads_back_like_a_kept_one(streamed):
    """Write-only, each row written out as it comes: header, widths, panes, formats and inert
    text all the same."""
    workbook, sheet = new_workbook("台账", streamed=streamed)
    header_row(sheet, ["收件时间", "诉求内容"], [17, 50])
    write_row(sheet, [datetime(2026, 10, 1, 9, 30), "=1+1"], number_formats={0: "yyyy-mm-dd hh:mm"})
    sheet = reread(workbook).active
    assert (sheet.title, sheet.freeze_panes, sheet.column_dimensions["B"].width) == ("台账", "B2", 50)
    assert sheet["A1"].value == "收件时间" and sheet["A1"].font.b
    assert (sheet["A2"].value, sheet["A2"].number_format) == (datetime(2026, 10, 1, 9, 30), "yyyy-mm-dd hh:mm")
    assert (sheet["B2"].value, sheet["B2"].data_type, sheet["B2"].quotePrefix) == ("=1+1", "s", True)


def test_characters_xml_cannot_carry_are_dropped():
    workbook, sheet = new_workbook("台账")
    write_row(sheet, ["凤城镇\x07体育\x1b总会\t（一）"])
    assert reread(workbook).active["A1"].value == "凤城镇体育总会\t（一）"


@pytest.mark.parametrize("text, title", [
    ("沁水/县", "沁水县"), ("a\\b?c*d[e]f:g", "abcdefg"), ("'阳城县'", "阳城县"), ("很" * 40, "很" * 31), ("/:?", "Sheet1"),
])
def test_sheet_titles_excel_accepts(text, title):
    assert sheet_title(text) == title
    assert new_workbook(text)[1].title == title


def test_cells_as_people_type_them():
    assert cell_text(3.0) == "3" and cell_text(None) == "" and cell_text(" 凤城镇 ") == "凤城镇"
    assert parse_choice(PartyBranch, "已建") == PartyBranch.ESTABLISHED and parse_choice(PartyBranch, "也许") is None
    assert parse_date("2021年5月1日") == date(2021, 5, 1)
    assert parse_integer("12", 0, None, "x") == 12
    with pytest.raises(ValueError, match="件数"):
        parse_integer("12.5", 0, None, "件数应为整数。")


# ---------------------------------------------------------------- an import of another shape

LEDGER = SheetSpec("来电台账", (
    Column("received_on", "受理日期", "date", required=True),
    Column("caller", "来电人", required=True),
    Column("calls", "来电次数", "count"),
), aliases={"日期": "received_on"}, document="台账", max_rows=3)


class LedgerImport(Importer):
    spec = LEDGER

    def __init__(self):
        self.saved = []

    def parse_cell(self, column, value):
        if column.kind == "date":
            return parse_date(value) if cell_text(value) else None
        if column.kind == "count":
            return parse_integer(value, 1, None, "应为正整数。") if cell_text(value) else 1
        return cell_text(value)

    def check_row(self, row):
        if not row.fields["caller"]:
            row.errors.setdefault("caller", "请填写来电人。")

    def check_rows(self, rows):
        seen = set()
        for row in rows:
            if row.fields["caller"] in seen:
                row.errors["caller"] = "重复。"
            seen.add(row.fields["caller"])

    def save(self, row):
        self.saved.append(row.fields)
        return row.number


def ledger(*rows, headers=("日期", "来电人", "来电次数", "备注")) -> bytes:
    workbook = Workbook()
    workbook.active.append(["阳城县来电台账"])
    workbook.active.append(list(headers))
    for row in rows:
        workbook.active.append(list(row))
    return to_bytes(workbook)


def test_another_importer_previews_with_its_own_columns_and_rules(app):
    preview = LedgerImport().preview(ledger(["2026-03-05", "王晓燕", 2, "x"], [], ["2026/3/6", "", "两次"],
                                            ["20260307", "王晓燕", None]))
    assert preview.ignored_headers == ["备注"] and [r.number for r in preview.rows] == [3, 5, 6]
    first, second, third = preview.rows
    assert first.fields == {"received_on": date(2026, 3, 5), "caller": "王晓燕", "calls": 2} and not first.errors
    assert second.errors == {"calls": "应为正整数。", "caller": "请填写来电人。"} and second.cells["calls"] == "两次"
    assert third.errors == {"caller": "重复。"}
    assert not preview.ok and preview.error_rows == [second, third]


def test_confirmation_saves_every_row_or_refuses(app):
    importer = LedgerImport()
    with pytest.raises(ValueError):
        importer.confirm(importer.preview(ledger(["2026-03-05", "王晓燕"], ["2026-03-05", ""])))
    assert importer.saved == []
    with app.app_context():
        assert importer.confirm(importer.preview(ledger(["2026-03-05", "王晓燕"], ["2026-03-06", "李建国"]))) == [3, 4]
    assert [f["caller"] for f in importer.saved] == ["王晓燕", "李建国"]


@pytest.mark.parametrize("data, message", [
    (ledger(headers=("日期", "来电人")), "台账中没有数据行。"),
    (ledger(["2026-03-05", "王"], headers=("来电人", "备注")), "找不到表头行：第一行应为“受理日期”“来电人”等列名"),
    (ledger(["王", 1], headers=("来电人", "来电次数")), "缺少必填列：受理日期。"),
    (ledger(*[["2026-03-05", f"来电人{n}"] for n in range(4)]), "一次最多导入 3 行"),
    (b"", "上传的文件是空的。"),
    (b"not a workbook", "文件不是有效的 Excel 工作簿（.xlsx）"),
])
def test_files_that_cannot_be_read_say_why(data, message):
    with pytest.raises(RuleError, match=message.replace("(", r"\(")):
        LedgerImport().preview(data)


def test_template_of_a_spec():
    workbook = load_workbook(io.BytesIO(template_workbook(LEDGER, "每行一次来电。")))
    assert workbook.sheetnames == ["来电台账", "填写说明"]
    assert [c.value for c in workbook["来电台账"][1]] == ["受理日期*", "来电人*", "来电次数"]
    assert workbook["填写说明"]["C6"].value == "每行一次来电。"


# ---------------------------------------------------------------- kept until confirmed

def test_uploads_are_kept_until_confirmed_or_a_day_old(app):
    with app.app_context():
        token = pending.keep_upload(b"PK first")
        path = pending.upload_path(token)
        assert path.read_bytes() == b"PK first" and path.parent == pending.uploads_dir()
        assert pending.upload_path("../../secret_key") is None and pending.upload_path("0" * 31) is None
        day_old = time.time() - pending.KEEP_UPLOADS_SECONDS - 1
        os.utime(path, (day_old, day_old))
        other = pending.keep_upload(b"PK second")
        assert pending.upload_path(token) is None  # forgotten when the next upload came
        pending.discard_upload(other)
        assert pending.upload_path(other) is None


def test_a_workbook_that_unpacks_to_a_huge_cell_is_refused_before_parsing(monkeypatch):
    """A 1 MB .xlsx holding one 1 GB cell: refused from the zip's directory, never parsed."""
    import zipfile

    import app.spreadsheets.imports as imports

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/sharedStrings.xml", "<sst><si><t>" + "A" * (30 * 1024 * 1024) + "</t></si></sst>")
    parsed = []
    monkeypatch.setattr(imports, "load_workbook", lambda *a, **k: parsed.append(1))
    spec = SheetSpec(title="名册", document="名册", columns=[Column("name", "名称", required=True)])
    with pytest.raises(RuleError, match="解压后超过"):
        imports.read_rows(spec, out.getvalue())
    assert parsed == [] and len(out.getvalue()) < 1024 * 1024
