"""The printing package on its own: download names and headers, the paper's filters, the batch."""
from datetime import date

import pytest
from flask import render_template_string

from app.printing.batch import render_batch
from app.printing.downloads import file_name, send_download
from tests.pdf.conftest import pdf_pages, pdf_text


@pytest.mark.parametrize("parts, expected", [
    (("凤城镇体育总会", "检查表", "20260305"), "凤城镇体育总会-检查表-20260305.pdf"),
    (("沁水/县", "达标:情况?"), "沁水县-达标情况.pdf"),
    (("名册\x00\x07\x1b\x7f", "第 1\t版\r\n"), "名册-第1版.pdf"),
    (("“四有”<标准>|*",), "四有标准.pdf"),
    (("", "/\\"), "download.pdf"),
])
def test_file_names_drop_what_file_systems_refuse(parts, expected):
    assert file_name(*parts, suffix=".pdf") == expected


def test_file_names_are_bounded():
    assert file_name("很" * 300, suffix=".xlsx") == "很" * 120 + ".xlsx"


@pytest.mark.parametrize("path, name, inline, header", [
    ("/inspections/1/sheet.pdf", "凤城镇-检查表.pdf", True,
     "inline; filename=\"sheet.pdf\"; filename*=UTF-8''%E5%87%A4%E5%9F%8E%E9%95%87-%E6%A3%80%E6%9F%A5%E8%A1%A8.pdf"),
    ("/coverage.xlsx", "沁水/县.xlsx", False,
     "attachment; filename=\"coverage.xlsx\"; filename*=UTF-8''%E6%B2%81%E6%B0%B4%E5%8E%BF.xlsx"),
    ("/jobs/3/download", "检查表.pdf", True,
     "inline; filename=\"download.pdf\"; filename*=UTF-8''%E6%A3%80%E6%9F%A5%E8%A1%A8.pdf"),
    ("/jobs/3/download", "report 2026.pdf", True, "inline; filename=\"report2026.pdf\"; filename*=UTF-8''report2026.pdf"),
])
def test_downloads_carry_an_ascii_name_for_old_browsers(app, path, name, inline, header):
    with app.test_request_context(path):
        response = send_download(b"%PDF-1.7 x", name, inline=inline)
    assert response.headers["Content-Disposition"] == header


def test_download_content_type_follows_the_name(app, tmp_path):
    stored = tmp_path / "result.pdf"
    stored.write_bytes(b"%PDF-1.7 x")
    with app.test_request_context("/x"):
        assert send_download(b"PK", "名册.xlsx").mimetype == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        from_path = send_download(stored, "检查表.pdf", inline=True)
        assert from_path.mimetype == "application/pdf" and from_path.content_length == 10
        assert send_download(b"x", "说明.txt", content_type="text/plain").mimetype == "text/plain"


def test_the_paper_filters_are_registered_once_for_every_template(app):
    with app.test_request_context():
        html = render_template_string("{{ day|cn_date }} {{ title|title_size }} {{ url|qr_svg }}",
                                      day=date(2026, 3, 5), title="检查表", url="https://tiyu.example.cn/v/X")
    assert html.startswith("2026年3月5日 22 <svg") and "<path" in html


def test_batch_hands_the_documents_over_before_the_layout_ends(app, tmp_path):
    events = []

    def documents():
        for n in range(1, 4):
            events.append(f"html {n}")
            yield f"第{n}份", f'<article class="sheet" data-bookmark="第{n}份"><p>第{n}份文书</p></article>'

    with app.test_request_context():
        timings = render_batch(documents(), 3, tmp_path / "b.pdf", title="文书（3 份）",
                               progress=lambda done, total: events.append(f"{done}/{total}"),
                               handed_over=lambda: events.append("handed over"), processes=1)
    assert events[:5] == ["0/3", "html 1", "html 2", "html 3", "handed over"] and events[-1] == "3/3"
    assert timings["processes"] == 1 and pdf_pages(tmp_path / "b.pdf") == 3
    assert "第1份文书" in pdf_text(tmp_path / "b.pdf")


def test_ascii_names_say_what_the_file_is():
    from datetime import date

    from app.printing.downloads import ascii_name

    assert ascii_name("audit-sheet", "140522100", date(2026, 12, 2), suffix=".pdf") == "audit-sheet-140522100-2026-12-02.pdf"
    assert ascii_name("coverage", "沁水/县", suffix=".xlsx") == "coverage.xlsx"
    assert ascii_name(suffix=".pdf") == "download.pdf"


def test_the_warm_up_specimen_is_a_sheet_that_prints(app, tmp_path):
    """What a worker prints as it starts holds what a real sheet holds (title, tables, QR)."""
    from app.printing import engine

    pdf = tmp_path / "specimen.pdf"
    with app.app_context():
        pdf.write_bytes(engine.render_pdf(engine.specimen()))
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    assert "被检查单位" in text and "核验码0000-0000" in text and "第1页共1页" in text
