"""Every default standard's audit sheet and blank sheet fits one A4 page; a longer standard
breaks, and its signatures stay with the last results (issue: sheets split their signatures
from their results). Pages are counted in the real PDF."""
import subprocess

import pytest

from app.extensions import db
from app.organizations.models import OrgLevel
from app.scoping import unscoped
from app.standards import pdf
from app.standards.models import Standard
from app.standards.versions import publish_version
from tests.factories import make_inspection, make_org
from tests.pdf.conftest import pdf_pages, pdf_text, save_pdf

NOTE = "现场查看了活动场地、经费台账和人员名册，资料齐全，符合标准要求。"
SUMMARY = "检查组逐条逐项查看了场地、经费、人员和活动资料，听取了工作汇报，总体情况良好，个别项目需进一步完善。"


def _standards() -> list[str]:
    return ["四有", "五有", "六有"]


def _inspection(world, standard):
    region = world.town_a1 if standard.org_level == OrgLevel.TOWNSHIP else world.county_a
    org = make_org(region, kind=standard.org_kind, level=standard.org_level, name=f"{region.name}测试组织")
    return make_inspection(org, notes={i.title: NOTE for i in standard.current_version.items}, summary=SUMMARY,
                           finalize=True)


@pytest.mark.parametrize("name", _standards())
def test_each_default_sheet_and_blank_sheet_is_one_page(app, world, tmp_path, name):
    with app.test_request_context(), unscoped():
        standard = db.session.execute(db.select(Standard).where(Standard.name == name)).scalar_one()
        sheet = save_pdf(pdf.audit_sheet_pdf(_inspection(world, standard)), tmp_path, "sheet.pdf")
        blank = save_pdf(pdf.blank_sheet_pdf(standard.current_version), tmp_path, "blank.pdf")
        optional = sum(1 for i in standard.current_version.items if not i.required)
    assert pdf_pages(sheet) == 1
    assert pdf_pages(blank) == 1
    # 不适用 is offered on optional items only; the footnote names it once more.
    assert pdf_text(blank).count("不适用") == optional + 1


def test_a_long_standard_breaks_with_the_signatures_beside_the_last_results(app, world, tmp_path):
    with app.test_request_context(), unscoped():
        standard = db.session.execute(db.select(Standard).where(Standard.name == "四有")).scalar_one()
        items = [{"code": str(n), "title": f"第{n}项", "criterion": "有明确的制度和记录，" * 3, "required": True}
                 for n in range(1, 15)]
        publish_version(standard, note="扩展为十四项", items=items, published_by="测试")
        db.session.expire(standard)
        path = save_pdf(pdf.audit_sheet_pdf(_inspection(world, standard)), tmp_path)
    pages = pdf_pages(path)
    assert pages >= 2
    last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    # The signatures share their page with the last results (and the table's header repeats there).
    assert "检查人（签字）" in last and "第14项" in last and "序号" in last


def test_the_verification_page_gives_the_page_count_the_printed_sheet_has(app, client, world, tmp_path):
    """A scan of the QR code tells whether the paper in hand is whole: one page for a default
    standard, as many as the real PDF has for a longer one."""
    with app.test_request_context(), unscoped():
        standard = db.session.execute(db.select(Standard).where(Standard.name == "四有")).scalar_one()
        short = _inspection(world, standard)
        short_sheet = save_pdf(pdf.audit_sheet_pdf(short), tmp_path, "short.pdf")
        items = [{"code": str(n), "title": f"第{n}项", "criterion": "有明确的制度和记录，" * 3, "required": True}
                 for n in range(1, 15)]
        publish_version(standard, note="扩展为十四项", items=items, published_by="测试")
        db.session.expire(standard)
        org = make_org(world.town_a2, kind=standard.org_kind, level=standard.org_level, name="北留镇测试组织")
        long = make_inspection(org, notes={i.title: NOTE for i in standard.current_version.items}, finalize=True)
        long_sheet = save_pdf(pdf.audit_sheet_pdf(long), tmp_path, "long.pdf")
        db.session.commit()
        codes = short.verification_code, long.verification_code
    for code, sheet in zip(codes, (short_sheet, long_sheet), strict=True):
        pages = pdf_pages(sheet)
        page = client.get(f"/v/{code}").get_data(as_text=True)
        assert f"检查表共 {pages} 页" in page
    assert pdf_pages(long_sheet) >= 2
