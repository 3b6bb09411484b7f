"""Uploaded files keep a clean name that ends in their real type, and every stored name can be
downloaded (issue: NUL in an upload's file name; documents keep any extension)."""
import io

import pytest
from werkzeug.datastructures import FileStorage

from app.attachments.models import Attachment
from app.attachments.services import save_upload, stored_filename
from app.extensions import db
from app.scoping import unscoped
from tests.factories import jpeg_bytes, make_inspection, make_org

PDF = "application/pdf"


@pytest.mark.parametrize("original, content_type, stored", [
    ("照片\x00.php.jpg", "image/jpeg", "照片.php.jpg"),
    ("IMG_1.JPEG", "image/jpeg", "IMG_1.jpeg"),
    ("report.html", PDF, "report.pdf"),
    ("C:\\Users\\王\\预算.pdf", PDF, "预算.pdf"),
    ("../../etc/passwd", PDF, "passwd.pdf"),
    ("\x1b[31m.pdf", PDF, "[31m.pdf"),
    ("", PDF, "未命名文件.pdf"),
    ("表.xls", "application/msword", "表.xls"),
])
def test_stored_names_are_clean_and_typed(original, content_type, stored):
    assert stored_filename(original, content_type) == stored


@pytest.fixture
def result(app, world):
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1))
        db.session.commit()
        return inspection.results[0].id


def test_a_photo_named_with_nul_is_stored_cleanly_and_downloads(app, supervisor_client, result):
    from app.standards.models import InspectionResult

    with app.app_context(), unscoped():
        row = db.session.get(InspectionResult, result)
        attachment = save_upload(FileStorage(io.BytesIO(jpeg_bytes()), filename="照片\x00.php.jpg"),
                                 owner=row, region_id=row.region_id)
        db.session.commit()
        assert attachment.filename == "照片.php.jpg"
        attachment_id = attachment.id
    response = supervisor_client.get(f"/attachments/{attachment_id}/x.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"


def test_a_name_stored_before_the_cleaning_still_downloads(app, supervisor_client, result):
    from app.standards.models import InspectionResult

    with app.app_context(), unscoped():
        row = db.session.get(InspectionResult, result)
        attachment = save_upload(FileStorage(io.BytesIO(b"%PDF-1.4 test"), filename="a.pdf"), owner=row,
                                 region_id=row.region_id)
        attachment.filename = "旧\x01文件\r\n.pdf"  # as an older version kept it (PostgreSQL refuses NUL)
        db.session.commit()
        attachment_id = attachment.id
    response = supervisor_client.get(f"/attachments/{attachment_id}/old.pdf")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "\x00" not in disposition and "\r" not in disposition and "attachment" in disposition
    with app.app_context(), unscoped():
        assert db.session.get(Attachment, attachment_id).content_type == PDF


def _image(mode: str, size: tuple[int, int], fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size).save(out, fmt)
    return out.getvalue()


def test_a_huge_png_is_refused_from_its_header_with_its_size(app):
    """A 12000×12000 PNG compresses to little but decodes whole: refused before decoding, saying why."""
    from app.attachments.services import check_upload
    from app.rules import RuleError

    data = _image("1", (12000, 12000), "PNG")
    with app.app_context(), pytest.raises(RuleError, match="12000×12000 像素"):
        check_upload(FileStorage(io.BytesIO(data), filename="大图.png"))


def test_a_big_jpeg_is_taken_since_it_decodes_at_a_fraction(app):
    from app.attachments.services import check_upload, decoded_pixels

    assert decoded_pixels("JPEG", 12000, 12000) == 3000 * 3000  # 1/4 scale, still above 1600
    assert decoded_pixels("PNG", 12000, 12000) == 144_000_000
    data = _image("L", (6400, 6400), "JPEG")
    with app.app_context():
        photo, content_type, width, height = check_upload(FileStorage(io.BytesIO(data), filename="大.jpg"))
    assert content_type == "image/jpeg" and max(width, height) == 1600


def test_the_same_photo_sent_twice_to_one_item_is_kept_once(app, supervisor_client, result):
    """A reload on a slow link sends the photo again: the item keeps one copy (another item may have it too)."""
    from sqlalchemy import func, select

    from app.standards.models import InspectionResult

    photo = jpeg_bytes()
    with app.app_context(), unscoped():
        row = db.session.get(InspectionResult, result)
        inspection_id, result_ids = row.inspection_id, [r.id for r in row.inspection.results]
    data = {"inspected_on": "2026-05-10", "inspectors": "李建国", "summary": ""}
    for rid in result_ids:
        data[f"result_{rid}"], data[f"note_{rid}"] = "pass", "说明"
    for _ in range(2):
        sent = dict(data, **{f"evidence_{result_ids[0]}": (io.BytesIO(photo), "现场.jpg"),
                             f"evidence_{result_ids[1]}": (io.BytesIO(photo), "现场.jpg")})
        assert supervisor_client.post(f"/inspections/{inspection_id}", data=sent,
                                      content_type="multipart/form-data").status_code == 303
    with app.app_context(), unscoped():
        counts = dict(db.session.execute(select(Attachment.owner_id, func.count()).group_by(Attachment.owner_id)).all())
    assert counts == {result_ids[0]: 1, result_ids[1]: 1}


def test_the_same_photo_stored_twice_at_once_is_stored_once(app):
    """Two uploads of one photo racing through the store: both succeed, one file results."""
    import threading

    from app.attachments.services import prepare_upload, stored_path

    data = jpeg_bytes(900, 700, "purple")
    results, errors = [], []

    def store():
        try:
            with app.app_context():
                results.append(prepare_upload(FileStorage(io.BytesIO(data), filename="同一张.jpg")).sha256)
        except Exception as error:  # noqa: BLE001 - the race is what is tested
            errors.append(error)

    threads = [threading.Thread(target=store) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(results)) == 1
    with app.app_context():
        folder = stored_path(results[0]).parent
        assert not list(folder.glob("*.part"))
