"""Bad files on every upload (issue: reliability): whatever arrives, the answer is a clear
Chinese sentence and nothing stored, never a 500. The uploads are found from the forms: every
file field of every form, and the two checkers every upload passes (attachments, workbooks)."""
import io
import zipfile

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from wtforms.fields import FileField, MultipleFileField

from app.attachments.services import MAX_UPLOAD_BYTES, check_upload
from app.extensions import db
from app.rules import RuleError
from app.spreadsheets.imports import MAX_FILE_BYTES, read_rows
from app.standards.models import InspectionKind, ItemResult
from tests.test_text_input import _all_forms

pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")


def _png(size) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "red").save(out, "JPEG")
    return out.getvalue()


BAD_FILES = {
    "empty": b"",
    "text named like a photo": "这不是照片。\n".encode(),
    "an executable": b"MZ\x90\x00\x03" + b"\x00" * 100,
    "html": b"<html><script>alert(1)</script></html>",
    "truncated jpeg": _jpeg()[:200],
    "png bomb": _png((12000, 12000)),
    "zip that is no office file": _zip({"a.txt": b"hello"}),
    "office zip without content types": _zip({"word/document.xml": b"<w/>"}),
    "xlsx with a huge cell": _zip({"[Content_Types].xml": b"<Types/>",
                                   "xl/sharedStrings.xml": b"<sst>" + b"A" * (25 * 1024 * 1024) + b"</sst>"}),
    "too big": b"%PDF-1.4" + b"0" * (max(MAX_UPLOAD_BYTES, MAX_FILE_BYTES) + 1),
}


def test_the_uploads_are_found_from_the_forms(app):
    with_files = {form.__qualname__ for form in _all_forms(app)
                  if any(issubclass(getattr(f, "field_class", type), (FileField, MultipleFileField))
                         for f in vars(form).values())}
    # Each of these posts its files through check_upload or read_rows, both swept below.
    assert {"EventForm", "ImportForm"} <= with_files


# Evidence is stored, never parsed: a workbook full of text is a valid attachment (its size is
# bounded by the upload limit); only the roster import must refuse to unpack it.
BAD_EVIDENCE = sorted(set(BAD_FILES) - {"xlsx with a huge cell"})


@pytest.mark.parametrize("name", BAD_EVIDENCE)
def test_every_bad_file_is_refused_as_evidence_in_chinese(app, name):
    with app.app_context():
        try:
            check_upload(FileStorage(io.BytesIO(BAD_FILES[name]), filename="证据\x00.jpg"))
        except RuleError as error:
            assert any("\u4e00" <= c <= "\u9fff" for c in error.message)
        else:
            pytest.fail(f"{name} was accepted")


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_every_bad_file_is_refused_as_a_roster_in_chinese(app, name):
    from app.organizations.importing import ROSTER

    with app.app_context(), pytest.raises(RuleError) as caught:
        read_rows(ROSTER, BAD_FILES[name])
    assert any("\u4e00" <= c <= "\u9fff" for c in caught.value.message)


@pytest.mark.parametrize("name", BAD_EVIDENCE)
def test_every_bad_file_on_the_inspection_page_answers_at_its_item(app, supervisor_client, world, name):
    from app.extensions import db
    from tests.factories import make_inspection, make_org

    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1))
        db.session.commit()
        inspection_id, result_ids = inspection.id, [r.id for r in inspection.results]
    data = {"inspected_on": "2026-05-10", "inspectors": "李建国", "summary": ""}
    for rid in result_ids:
        data[f"result_{rid}"], data[f"note_{rid}"] = "pass", "说明"
    data[f"evidence_{result_ids[0]}"] = (io.BytesIO(BAD_FILES[name]), "证据.jpg")
    response = supervisor_client.post(f"/inspections/{inspection_id}", data=data, content_type="multipart/form-data")
    assert response.status_code in (413, 422), response.status_code


class _FileForms(__import__("html.parser").parser.HTMLParser):
    """Every form on a page that has a file input: (action, file input names, other values)."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = {"action": a.get("action", ""), "files": [], "values": {}}
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None and a.get("name"):
            if a.get("type") == "file":
                self.current["files"].append(a["name"])
            elif a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.current["values"][a["name"]] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def test_every_upload_on_every_page_refuses_a_bad_file_in_chinese(app, client_as, world):
    """The uploads are found from the app itself: every page a supervisor or clerk can open (each
    GET route, filled with real records), every form on it with a file input; a bad file sent
    through each is refused at the form (422/413), never a 500 and never saved."""
    from tests.factories import make_inspection, make_org
    from tests.test_access import _rules, _url

    with app.app_context():
        org = make_org(world.town_a1)
        make_inspection(org, results={"有经费": ItemResult.FAIL}, finalize=True)
        make_inspection(org, InspectionKind.SELF_CHECK, by="clerk")
        db.session.commit()
    seen = set()
    for username in ("clerk", "supervisor"):
        client = client_as(username)
        for rule in _rules(app):
            if "GET" not in rule.methods or rule.arguments - {"org_id", "inspection_id", "rectification_id",
                                                               "region_id", "user_id", "parent_id"}:
                continue
            page = client.get(_url(app, rule, real_ids=True))
            if page.status_code != 200 or page.mimetype != "text/html":
                continue
            parser = _FileForms()
            parser.feed(page.get_data(as_text=True))
            for form in parser.forms:
                if not form["files"] or (username, form["action"]) in seen:
                    continue
                seen.add((username, form["action"]))
                data = dict(form["values"])
                for name in form["files"]:
                    data[name] = (io.BytesIO(BAD_FILES["text named like a photo"]), "照片.jpg")
                response = client.post(form["action"], data=data, content_type="multipart/form-data")
                assert response.status_code in (413, 422), (username, form["action"], response.status_code)
                assert 'class="error' in response.get_data(as_text=True), form["action"]  # said at the field
    actions = {a for _, a in seen}
    # The sweep reached the uploads that exist today (a new one is swept the day it appears).
    assert {"/organizations/import", "/cases/import"} <= actions and any(a.startswith("/inspections/") for a in actions)
    assert any("/events/new" in a for a in actions) and any(a.startswith("/rectifications/") for a in actions)
    with app.app_context():
        from sqlalchemy import func, select

        from app.attachments.models import Attachment

        assert db.session.execute(select(func.count()).select_from(Attachment)).scalar() == 0
