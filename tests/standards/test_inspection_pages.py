"""The inspection workflow through HTTP: start, fill in with evidence, submit, finalize, rectify."""
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.attachments.models import Attachment
from app.extensions import db
from app.organizations.models import Organization
from app.standards.models import (
    Inspection,
    InspectionKind,
    InspectionResult,
    InspectionStatus,
    ItemResult,
    Rectification,
    RectificationStatus,
)
from tests.factories import jpeg_bytes, make_inspection, make_org


@pytest.fixture
def org_id(app, world):
    with app.app_context():
        org = make_org(world.town_a1)
        db.session.commit()
        return org.id


def _inspection(app, inspection_id) -> Inspection:
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        inspection.results, inspection.rectifications  # noqa: B018 (load before detaching)
        for r in inspection.results:
            r.item  # noqa: B018
        db.session.expunge_all()
        return inspection


def _start_acceptance(app, client, org_id) -> tuple[int, Inspection]:
    """A draft 验收 started through the form: its id and a detached copy with its results."""
    response = client.post(f"/organizations/{org_id}/inspections/new",
                           data={"kind": "acceptance", "inspected_on": "2026-05-10"})
    assert response.status_code == 303
    inspection_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return inspection_id, _inspection(app, inspection_id)


def _answers(inspection, **by_title) -> dict:
    data = {"inspected_on": "2026-05-10", "inspectors": "李建国", "summary": ""}
    for r in inspection.results:
        data[f"result_{r.id}"] = by_title.get(r.item.title, "pass")
        data[f"note_{r.id}"] = f"{r.item.title}情况"
    return data


def test_clerk_self_checks_and_supervisor_finalizes(app, client_as, org_id):
    clerk, supervisor = client_as("clerk"), client_as("supervisor")
    response = clerk.post(f"/organizations/{org_id}/inspections/new",
                          data={"kind": "self_check", "inspected_on": "2026-05-10", "inspectors": "王晓燕"})
    assert response.status_code == 303
    inspection_id = int(response.headers["Location"].rsplit("/", 1)[1])
    inspection = _inspection(app, inspection_id)
    page = clerk.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "乡镇体育总会“四有”自查检查表" in page and "有场地" in page

    response = clerk.post(f"/inspections/{inspection_id}/submit", data=_answers(inspection))
    assert response.status_code == 303
    assert _inspection(app, inspection_id).status == InspectionStatus.SUBMITTED
    # Submitted: the township can no longer change it.
    assert clerk.post(f"/inspections/{inspection_id}", data=_answers(inspection)).status_code == 403

    response = supervisor.post(f"/inspections/{inspection_id}/finalize",
                               data={"signed_by": "李建国", "signed_on": "2026-05-12", "confirm": "y"})
    assert response.status_code == 303
    finalized = _inspection(app, inspection_id)
    assert finalized.status == InspectionStatus.FINALIZED and finalized.verdict.value == "pass"


def test_acceptance_check_with_failed_item_photo_and_rectification(app, client_as, org_id):
    supervisor, clerk = client_as("supervisor"), client_as("clerk")
    response = supervisor.post(f"/organizations/{org_id}/inspections/new",
                               data={"kind": "acceptance", "inspected_on": "2026-05-10", "inspectors": "李建国、张伟"})
    inspection_id = int(response.headers["Location"].rsplit("/", 1)[1])
    inspection = _inspection(app, inspection_id)
    funding = next(r for r in inspection.results if r.item.title == "有经费")
    data = _answers(inspection, 有经费="fail")
    data[f"evidence_{funding.id}"] = (io.BytesIO(jpeg_bytes()), "IMG_2031.JPG")
    response = supervisor.post(f"/inspections/{inspection_id}", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        photo = db.session.execute(select(Attachment).filter_by(owner_id=funding.id)).scalar_one()
        assert photo.content_type == "image/jpeg" and max(photo.width, photo.height) == 1600
        photo_id = photo.id
    page = supervisor.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert f"/attachments/{photo_id}/thumb.jpg" in page
    assert supervisor.get(f"/attachments/{photo_id}/thumb.jpg").status_code == 200

    response = supervisor.post(f"/inspections/{inspection_id}/finalize",
                               data={"signed_by": "李建国", "signed_on": "2026-05-12", "due_on": "2026-06-30",
                                     "confirm": "y"})
    assert response.status_code == 303
    with app.app_context():
        rect = db.session.execute(select(Rectification)).scalar_one()
        assert rect.due_on == date(2026, 6, 30) and rect.status == RectificationStatus.OPEN
        rect_id = rect.id
    assert "有经费" in clerk.get("/").get_data(as_text=True)  # on the clerk's 我的待办

    # The township reports with evidence; the county closes it (销号).
    response = clerk.post(f"/rectifications/{rect_id}/submit", content_type="multipart/form-data", data={
        "response": "已将体育总会工作经费纳入2026年镇财政预算", "evidence": (io.BytesIO(b"%PDF-1.4 test"), "预算.pdf")})
    assert response.status_code == 303
    assert "待核验销号" in supervisor.get("/").get_data(as_text=True)
    response = supervisor.post(f"/rectifications/{rect_id}/close", data={"note": "材料齐全"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Rectification, rect_id).status == RectificationStatus.CLOSED


def test_finalized_inspection_cannot_be_changed_through_http(app, client_as, world, org_id):
    with app.app_context():
        inspection = make_inspection(db.session.get(Organization, org_id), finalize=True)
        db.session.commit()
        inspection_id, result_id = inspection.id, inspection.results[0].id
    supervisor = client_as("supervisor")
    response = supervisor.post(f"/inspections/{inspection_id}", data={f"result_{result_id}": "fail"})
    assert response.status_code == 403
    page = supervisor.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "发起复查" in page and 'name="result_' not in page


def test_bad_upload_is_named_at_its_item_and_nothing_typed_is_lost(app, client_as, org_id):
    supervisor = client_as("supervisor")
    inspection_id, inspection = _start_acceptance(app, supervisor, org_id)
    venue = inspection.results[0]
    data = _answers(inspection)
    data[f"note_{venue.id}"] = "场地挂牌清楚"
    data[f"evidence_{venue.id}"] = (io.BytesIO(b"MZ\x90\x00 not a photo"), "photo.jpg")
    response = supervisor.post(f"/inspections/{inspection_id}", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "文件“photo.jpg”不是支持的类型" in html
    assert "场地挂牌清楚" in html
    with app.app_context():
        assert db.session.get(InspectionResult, venue.id).note == "场地挂牌清楚"  # the rest was saved
        assert db.session.execute(select(Attachment)).first() is None


def test_finalize_errors_at_the_field(app, client_as, org_id):
    supervisor = client_as("supervisor")
    inspection_id, _ = _start_acceptance(app, supervisor, org_id)
    response = supervisor.post(f"/inspections/{inspection_id}/finalize",
                               data={"signed_by": "李建国", "signed_on": "2026-05-12", "confirm": "y"})
    assert response.status_code == 422
    assert "还有未填写结果的项目" in response.get_data(as_text=True)
    unconfirmed = supervisor.post(f"/inspections/{inspection_id}/finalize", data={"signed_by": "李建国", "signed_on": "2026-05-12"})
    assert unconfirmed.status_code == 422 and "请勾选确认" in unconfirmed.get_data(as_text=True)


def test_finalizing_saves_the_results_chosen_on_the_page(app, client_as, org_id):
    """定稿签字 is part of the page's form: the choices made just before are saved, not lost."""
    supervisor = client_as("supervisor")
    inspection_id, inspection = _start_acceptance(app, supervisor, org_id)
    data = {**_answers(inspection, 有活动="fail"), "with_results": "1",
            "signed_by": "李建国", "signed_on": "2026-05-12", "confirm": "y"}
    assert supervisor.post(f"/inspections/{inspection_id}/finalize", data=data).status_code == 303
    with app.app_context():
        finalized = db.session.get(Inspection, inspection_id)
        assert finalized.verdict.value == "fail" and [r.item.title for r in finalized.rectifications] == ["有活动"]


def test_a_refused_boosted_form_keeps_the_address_bar(client_as, org_id):
    supervisor = client_as("supervisor")
    response = supervisor.post(f"/organizations/{org_id}/inspections/new", data={"kind": "acceptance", "inspected_on": ""},
                               headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 422 and response.headers["HX-Push-Url"] == "false"


@pytest.mark.parametrize("path", ["/inspections/{id}", "/inspections/{id}/finalize", "/rectifications/{rect}"])
def test_other_township_gets_404(app, client_as, world, path):
    with app.app_context():
        inspection = make_inspection(make_org(world.town_b1), results={"有经费": ItemResult.FAIL}, finalize=True)
        db.session.commit()
        url = path.format(id=inspection.id, rect=inspection.rectifications[0].id)
    clerk = client_as("clerk")
    response = clerk.post(url, data={}) if url.endswith("finalize") else clerk.get(url)
    assert response.status_code in (403, 404)
    assert clerk.get(url.replace("/finalize", "")).status_code == 404


def test_viewer_cannot_start_an_inspection(viewer_client, org_id):
    assert viewer_client.post(f"/organizations/{org_id}/inspections/new",
                              data={"kind": "acceptance", "inspected_on": "2026-05-10"}).status_code == 403


def test_inspection_list_full_and_fragment(app, client_as, world, org_id):
    with app.app_context():
        make_inspection(db.session.get(Organization, org_id), finalize=True)
        make_inspection(make_org(world.town_b1))
        db.session.commit()
    supervisor = client_as("supervisor")
    html = supervisor.get("/inspections").get_data(as_text=True)
    assert "凤城镇体育总会" in html and "南村镇" not in html
    fragment = supervisor.get("/inspections?status=finalized", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "凤城镇体育总会" in fragment


def test_self_check_overview_and_spot_check_sample(app, client_as, world):
    with app.app_context():
        for town in (world.town_a1, world.town_a2):
            make_org(town)
        db.session.commit()
    supervisor = client_as("supervisor")
    html = supervisor.get("/inspections/self-checks?year=2026").get_data(as_text=True)
    assert "未自查 2 个" in html
    response = supervisor.post("/inspections/spot-checks?year=2026", data={"size": 1, "inspected_on": "2026-06-01"})
    assert response.status_code == 303
    with app.app_context():
        drafts = db.session.execute(select(Inspection).filter_by(kind=InspectionKind.SPOT_CHECK)).scalars().all()
        assert len(drafts) == 1 and drafts[0].status == InspectionStatus.DRAFT
    response = supervisor.post("/inspections/spot-checks?year=2026", data={"size": 9, "inspected_on": "2026-06-01"})
    assert response.status_code == 422 and "不能超过" in response.get_data(as_text=True)


def test_rectification_ledger_filters_and_flags_overdue(app, client_as, world):
    with app.app_context():
        make_inspection(make_org(world.town_a1), results={"有经费": ItemResult.FAIL}, finalize=True)
        make_inspection(make_org(world.town_b1), results={"有活动": ItemResult.FAIL}, finalize=True)
        db.session.commit()
    supervisor = client_as("supervisor")
    html = supervisor.get("/rectifications").get_data(as_text=True)
    assert "凤城镇体育总会" in html and "南村镇" not in html
    assert "已逾期" in html  # due 2026-06-10, long past
    fragment = supervisor.get("/rectifications?status=open&overdue=1", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "有经费" in fragment.get_data(as_text=True)
    assert "没有符合条件" in supervisor.get("/rectifications?status=closed").get_data(as_text=True)


def test_evidence_is_removed_by_saving_the_page_without_losing_what_was_typed(app, client_as, org_id):
    supervisor = client_as("supervisor")
    inspection_id, inspection = _start_acceptance(app, supervisor, org_id)
    venue = inspection.results[0]
    data = _answers(inspection)
    data[f"evidence_{venue.id}"] = (io.BytesIO(jpeg_bytes(400, 300)), "site.jpg")
    supervisor.post(f"/inspections/{inspection_id}", data=data, content_type="multipart/form-data")
    with app.app_context():
        photo_id = db.session.execute(select(Attachment.id)).scalar_one()
    assert 'name="remove_evidence"' in supervisor.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    data = _answers(inspection)
    data[f"note_{venue.id}"] = "改为现场无牌子"
    data["remove_evidence"] = str(photo_id)
    assert supervisor.post(f"/inspections/{inspection_id}", data=data).status_code == 303
    with app.app_context():
        assert db.session.execute(select(Attachment)).first() is None
        assert db.session.get(InspectionResult, venue.id).note == "改为现场无牌子"


def test_rectification_report_with_a_bad_file_is_not_sent_and_keeps_the_text(app, client_as, world):
    with app.app_context():
        rect = make_inspection(make_org(world.town_a1), results={"有经费": ItemResult.FAIL}, finalize=True).rectifications[0]
        db.session.commit()
        rect_id = rect.id
    clerk = client_as("clerk")
    response = clerk.post(f"/rectifications/{rect_id}/submit", content_type="multipart/form-data", data={
        "response": "已落实经费", "evidence": (io.BytesIO(b"plain text"), "预算.pdf")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "不是支持的类型" in html and "已落实经费" in html
    with app.app_context():
        assert db.session.get(Rectification, rect_id).status == RectificationStatus.OPEN
        assert db.session.execute(select(Attachment)).first() is None


def test_no_evidence_is_attached_to_a_closed_rectification(app, client_as, world):
    from app.standards import rectifications
    from tests.factories import user

    with app.app_context():
        rect = make_inspection(make_org(world.town_a1), results={"有经费": ItemResult.FAIL}, finalize=True).rectifications[0]
        rectifications.submit_rectification(rect, user("clerk"), "done")
        rectifications.close_rectification(rect, user("supervisor"))
        db.session.commit()
        rect_id = rect.id
    response = client_as("clerk").post(f"/rectifications/{rect_id}/submit", content_type="multipart/form-data", data={
        "response": "再补充", "evidence": (io.BytesIO(jpeg_bytes(100, 100)), "x.jpg")})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.execute(select(Attachment)).first() is None


def test_the_uploaders_caption_is_kept_shown_and_printed_under_the_photo(app, client_as, org_id, tmp_path):
    from tests.pdf.conftest import pdf_text, save_pdf

    supervisor = client_as("supervisor")
    response = supervisor.post(f"/organizations/{org_id}/inspections/new",
                               data={"kind": "acceptance", "inspected_on": "2026-05-10", "inspectors": "李建国"})
    inspection_id = int(response.headers["Location"].rsplit("/", 1)[1])
    inspection = _inspection(app, inspection_id)
    venue = next(r for r in inspection.results if r.item.title == "有场地")
    data = _answers(inspection)
    data[f"note_{venue.id}"] = "场地齐全"
    data[f"evidence_{venue.id}"] = (io.BytesIO(jpeg_bytes()), "IMG_2031.JPG")
    data[f"caption_{venue.id}"] = "镇文化广场篮球场"
    assert supervisor.post(f"/inspections/{inspection_id}", data=data,
                           content_type="multipart/form-data").status_code == 303
    with app.app_context():
        assert db.session.execute(select(Attachment.caption).filter_by(owner_id=venue.id)).scalar_one() == "镇文化广场篮球场"
    page = supervisor.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert '<small class="hint">镇文化广场篮球场</small>' in page
    text = pdf_text(save_pdf(supervisor.get(f"/inspections/{inspection_id}/evidence.pdf").data, tmp_path))
    assert "图1" in text.replace(" ", "") and "1.有场地：镇文化广场篮球场" in text.replace(" ", "")

    too_long = _answers(inspection)
    too_long[f"caption_{venue.id}"] = "长" * 101
    refused = supervisor.post(f"/inspections/{inspection_id}", data=too_long, content_type="multipart/form-data")
    assert refused.status_code == 422 and "照片说明不能超过 100 个字。" in refused.get_data(as_text=True)


def test_a_refused_submit_keeps_the_chosen_photo_for_the_next_one(app, client_as, org_id):
    """Submitting with an item unanswered (or a caption too long) is refused and nothing is
    saved; the photo chosen comes back as 已选择 and goes in with the next submit, unchosen."""
    clerk = client_as("clerk")
    response = clerk.post(f"/organizations/{org_id}/inspections/new",
                          data={"kind": "self_check", "inspected_on": "2026-05-10", "inspectors": "王晓燕"})
    inspection_id = int(response.headers["Location"].rsplit("/", 1)[1])
    inspection = _inspection(app, inspection_id)
    venue, activities = (next(r for r in inspection.results if r.item.title == t) for t in ("有场地", "有活动"))
    data = _answers(inspection)
    del data[f"result_{activities.id}"]
    data[f"evidence_{venue.id}"] = (io.BytesIO(jpeg_bytes()), "篮球场.jpg")
    refused = clerk.post(f"/inspections/{inspection_id}/submit", data=data, content_type="multipart/form-data")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "已选择：篮球场.jpg（不必重新选择）" in html
    token = re.search(rf'name="kept_upload_{venue.id}" value="([^"]+)"', html).group(1)
    with app.app_context():
        assert db.session.execute(select(Attachment)).first() is None  # nothing saved by the refusal

    too_long = _answers(inspection) | {f"kept_upload_{venue.id}": token, f"caption_{venue.id}": "长" * 101}
    again = clerk.post(f"/inspections/{inspection_id}/submit", data=too_long, content_type="multipart/form-data")
    assert again.status_code == 422 and "已选择：篮球场.jpg" in again.get_data(as_text=True)

    done = clerk.post(f"/inspections/{inspection_id}/submit", data=_answers(inspection) | {
        f"kept_upload_{venue.id}": token}, content_type="multipart/form-data")
    assert done.status_code == 303
    with app.app_context():
        photo = db.session.execute(select(Attachment)).scalar_one()
        assert (photo.owner_id, photo.filename) == (venue.id, "篮球场.jpg")
        assert _inspection(app, inspection_id).status == InspectionStatus.SUBMITTED


def test_a_rectification_report_refused_for_its_text_keeps_the_chosen_photo(app, client_as, world):
    with app.app_context():
        rect = make_inspection(make_org(world.town_a1), results={"有经费": ItemResult.FAIL}, finalize=True).rectifications[0]
        db.session.commit()
        rect_id = rect.id
    clerk = client_as("clerk")
    refused = clerk.post(f"/rectifications/{rect_id}/submit", content_type="multipart/form-data", data={
        "response": "  ", "evidence": (io.BytesIO(jpeg_bytes(300, 200)), "拨款凭证.jpg")})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请说明整改情况" in html and "已选择：拨款凭证.jpg" in html
    token = re.search(r'name="kept_upload" value="([^"]+)"', html).group(1)
    done = clerk.post(f"/rectifications/{rect_id}/submit", content_type="multipart/form-data",
                      data={"response": "已落实经费", "kept_upload": token})
    assert done.status_code == 303
    with app.app_context():
        photo = db.session.execute(select(Attachment)).scalar_one()
        assert (photo.owner_type, photo.owner_id, photo.filename) == ("rectifications", rect_id, "拨款凭证.jpg")
        assert db.session.get(Rectification, rect_id).status == RectificationStatus.SUBMITTED
