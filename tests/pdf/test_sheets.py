"""The printed paper, rendered through the routes and read back with poppler."""
import io
import re
from datetime import date
from urllib.parse import quote

import pytest
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.standards.models import Inspection, ItemResult, StandardVersion
from tests.factories import jpeg_bytes, make_inspection, make_org
from tests.pdf.conftest import (
    assert_one_embedded_cjk_face,
    pdf_images,
    pdf_pages,
    pdf_text,
    save_pdf,
)

FOUR_HAVES = ["有场地", "有经费", "有人员", "有活动"]
TITLE = "乡镇体育总会“四有”验收检查表"


@pytest.fixture
def finalized(app, world):
    """A finalized acceptance check of 凤城镇体育总会 that failed 有活动."""
    with app.app_context():
        org = make_org(world.town_a1, name="凤城镇体育总会")
        inspection = make_inspection(
            org, results={"有活动": ItemResult.FAIL}, inspected_on=date(2026, 3, 5), signed_on=date(2026, 3, 5),
            notes={title: f"{title}现场核实情况" for title in FOUR_HAVES} | {"有活动": "未见活动记录，年度计划缺失"},
            summary="镇体育总会场地、经费、人员落实，活动开展不足。", finalize=True)
        db.session.commit()
        return {"id": inspection.id, "code": inspection.verification_code, "version_id": inspection.version_id,
                "result_ids": [r.id for r in inspection.results]}


def test_audit_sheet_has_everything_an_official_form_needs(supervisor_client, finalized, tmp_path):
    response = supervisor_client.get(f"/inspections/{finalized['id']}/sheet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline")
    assert "filename*=UTF-8''" + quote("凤城镇体育总会") in disposition
    path = save_pdf(response.data, tmp_path)
    text = pdf_text(path)
    for expected in [TITLE, "凤城镇体育总会", "晋城市阳城县凤城镇", "2026年3月5日", "李建国、张伟", "验收",
                     "序号", "检查项目", "检查标准", "检查结果", "备注", *FOUR_HAVES,
                     "有固定的办公场所和开展活动的体育场地，挂牌明显。", "有场地现场核实情况",
                     "镇体育总会场地、经费、人员落实，活动开展不足。", "检查结论不达标", "整改事项",
                     "有活动：未见活动记录，年度计划缺失", "整改中", "检查人（签字）", "被检查单位（盖章）",
                     "年", "月", "日", finalized["code"], "第1页共1页"]:
        assert expected in text, expected
    assert "草稿" not in text
    assert_one_embedded_cjk_face(path)
    assert len(response.data) <= 200 * 1024


def test_a_draft_prints_with_a_watermark(app, world, supervisor_client, tmp_path):
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1, name="凤城镇体育总会"))
        db.session.commit()
        inspection_id = inspection.id
    response = supervisor_client.get(f"/inspections/{inspection_id}/sheet.pdf")
    assert response.status_code == 200
    text = pdf_text(save_pdf(response.data, tmp_path))
    assert "草稿" in text and "尚未定稿" in text


def test_blank_sheet_for_filling_by_hand(supervisor_client, finalized, tmp_path):
    response = supervisor_client.get(f"/standards/versions/{finalized['version_id']}/blank.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("inline")
    path = save_pdf(response.data, tmp_path)
    text = pdf_text(path)
    for expected in ["乡镇体育总会“四有”检查表", *FOUR_HAVES, "达标", "不达标", "不适用", "自查", "验收", "抽查",
                     "复查", "检查人（签字）", "被检查单位（盖章）", "整改事项", "第1页共1页"]:
        assert expected in text, expected
    # Every 四有 item is required: 不适用 is named only by the footnote that forbids it there.
    assert text.count("不适用") == 1
    assert_one_embedded_cjk_face(path)


def test_a_blank_sheet_printed_from_an_inspection_carries_its_organisation_and_code(
        client_as, supervisor_client, finalized, tmp_path):
    url = f"/standards/versions/{finalized['version_id']}/blank.pdf?inspection_id={finalized['id']}"
    page = supervisor_client.get(f"/inspections/{finalized['id']}").get_data(as_text=True)
    assert f'href="{url.replace("&", "&amp;")}"' in page  # the page's 空白检查表 link
    response = supervisor_client.get(url)
    assert response.status_code == 200
    assert quote("凤城镇体育总会") in response.headers["Content-Disposition"]
    path = save_pdf(response.data, tmp_path)
    text = pdf_text(path).replace(" ", "")
    for expected in ["凤城镇体育总会", "凤城镇", "验收", "2026年3月5日", f"核验码{finalized['code']}", "第1页共1页"]:
        assert expected in text, expected
    assert "自查□" not in text  # the kind is the inspection's, not a box to tick
    assert_one_embedded_cjk_face(path)
    # Another township's inspection is not printed onto any sheet.
    assert client_as("clerk_b").get(url).status_code == 404


def test_evidence_appendix_shows_the_photos(app, supervisor_client, finalized, tmp_path):
    from app.attachments.services import save_upload
    from app.scoping import set_scope
    from app.standards.models import InspectionResult

    with app.test_request_context():
        set_scope(None)  # a system step: no logged-in user in this request
        result = db.session.get(InspectionResult, finalized["result_ids"][0])
        save_upload(FileStorage(stream=io.BytesIO(jpeg_bytes(1200, 900)), filename="办公场所.jpg"),
                    owner=result, region_id=result.region_id)
        save_upload(FileStorage(stream=io.BytesIO(jpeg_bytes(1200, 900, color="blue")), filename="挂牌.jpg"),
                    owner=result, region_id=result.region_id)
        db.session.commit()
    response = supervisor_client.get(f"/inspections/{finalized['id']}/evidence.pdf")
    assert response.status_code == 200
    path = save_pdf(response.data, tmp_path)
    text = pdf_text(path)
    # Photos are numbered through the appendix and captioned with their item, not their file name.
    for expected in ["佐证材料", TITLE + "附件", "凤城镇体育总会", "有场地", "图1", "图2", "1.有场地：有场地现场核实情况",
                     finalized["code"]]:
        assert expected in text.replace(" ", ""), expected
    assert "办公场所.jpg" not in text
    images = pdf_images(path)
    assert len(images) == 2
    assert all(" jpeg " in line for line in images), images  # the stored JPEG, passed through
    assert_one_embedded_cjk_face(path)


def test_evidence_appendix_without_photos_says_so(supervisor_client, finalized, tmp_path):
    response = supervisor_client.get(f"/inspections/{finalized['id']}/evidence.pdf")
    assert "本次检查未上传佐证材料" in pdf_text(save_pdf(response.data, tmp_path))


@pytest.mark.parametrize("path", ["/inspections/{id}/sheet.pdf", "/inspections/{id}/evidence.pdf"])
@pytest.mark.parametrize("username", ["clerk_b", "clerk_a2", "supervisor_b"])
def test_other_regions_get_404(client_as, finalized, path, username):
    assert client_as(username).get(path.format(id=finalized["id"])).status_code == 404


@pytest.mark.parametrize("username", ["clerk", "viewer", "admin"])
def test_own_region_and_above_may_print(client_as, finalized, username):
    assert client_as(username).get(f"/inspections/{finalized['id']}/sheet.pdf").status_code == 200


@pytest.mark.parametrize("path", [
    "/inspections/1/sheet.pdf", "/inspections/1/evidence.pdf", "/standards/versions/1/blank.pdf",
    "/inspections/print", "/jobs/1", "/jobs/1/download",
])
def test_login_required(client, path):
    # The verification pages (/v/<code>, /verify) are public on purpose: tests/pdf/test_verify.py.
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_missing_records_are_404(supervisor_client, world):
    assert supervisor_client.get("/inspections/999999/sheet.pdf").status_code == 404
    assert supervisor_client.get("/standards/versions/999999/blank.pdf").status_code == 404


def test_url_fetcher_only_reads_local_allowed_files(app, tmp_path):
    from app.printing.engine import local_fetcher

    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "a.jpg").write_bytes(jpeg_bytes(10, 10))
    (tmp_path / "secret.txt").write_text("x")
    fetcher = local_fetcher([str(allowed)])
    assert fetcher.fetch((allowed / "a.jpg").as_uri()).read()[:2] == b"\xff\xd8"
    for url in ["http://127.0.0.1:9/x.png", "https://example.com/a.jpg", (tmp_path / "secret.txt").as_uri(),
                (allowed / ".." / "secret.txt").as_uri(), "ftp://example.com/x"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_long_titles_shrink_to_fit(app):
    from app.printing.filters import title_size

    assert title_size("乡镇体育总会“四有”验收检查表") == 22
    assert title_size("很" * 40) < 12


def test_blank_sheet_of_every_default_standard(app, supervisor_client, world, tmp_path):
    with app.app_context():
        ids = [v.id for v in db.session.execute(db.select(StandardVersion)).scalars()]
    assert len(ids) >= 3
    for version_id in ids:
        response = supervisor_client.get(f"/standards/versions/{version_id}/blank.pdf")
        assert response.status_code == 200
        assert_one_embedded_cjk_face(save_pdf(response.data, tmp_path, f"{version_id}.pdf"))


def test_multi_page_sheet_numbers_its_pages(app, world, supervisor_client, tmp_path):
    """A long summary pushes the sheet onto more pages, each numbered 第 i 页 共 n 页."""
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1, name="凤城镇体育总会"), finalize=True,
                                     summary="检查组逐条逐项查看了场地、经费、人员和活动资料。" * 60)
        db.session.commit()
        inspection_id = inspection.id
    response = supervisor_client.get(f"/inspections/{inspection_id}/sheet.pdf")
    path = save_pdf(response.data, tmp_path)
    pages = pdf_pages(path)
    assert pages >= 2
    text = pdf_text(path)
    for page in range(1, pages + 1):
        assert f"第{page}页共{pages}页" in text


def test_inspection_dates_print_in_chinese(app):
    from app.printing.filters import cn_date

    assert cn_date(date(2026, 3, 5)) == "2026年3月5日"
    assert cn_date(None) == ""


def test_sheet_for_every_status_is_found_by_id_only_in_scope(app, world, client_as):
    with app.app_context():
        org_b = make_org(world.town_b1, name="南村镇体育总会")
        inspection = make_inspection(org_b, finalize=True)
        db.session.commit()
        inspection_id = inspection.id
    assert client_as("supervisor_b").get(f"/inspections/{inspection_id}/sheet.pdf").status_code == 200
    assert client_as("supervisor").get(f"/inspections/{inspection_id}/sheet.pdf").status_code == 404
    with app.app_context():
        assert db.session.get(Inspection, inspection_id) is not None


def test_pdf_names_survive_old_browsers(supervisor_client, finalized):
    disposition = supervisor_client.get(f"/inspections/{finalized['id']}/sheet.pdf").headers["Content-Disposition"]
    # A name that says what the file is, for browsers that cannot read the Chinese one.
    assert re.match(r'inline; filename="audit-sheet-140522100-\d{4}-\d{2}-\d{2}\.pdf"; filename\*=UTF-8\'\'', disposition)
