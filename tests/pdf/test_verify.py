"""The verification code printed on every sheet leads back to the record."""
import pytest

from app.extensions import db
from tests.factories import make_inspection, make_org


@pytest.fixture
def code_and_id(app, world):
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1, name="凤城镇体育总会"), finalize=True)
        db.session.commit()
        return inspection.verification_code, inspection.id


def test_scanned_url_redirects_to_the_inspection(clerk_client, code_and_id):
    code, inspection_id = code_and_id
    response = clerk_client.get(f"/v/{code}")
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith(f"/inspections/{inspection_id}")


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{code_spaced}", " {code_dashed} "])
def test_typed_code_is_forgiving_about_case_spaces_and_dashes(supervisor_client, code_and_id, typed):
    code, inspection_id = code_and_id
    text = typed.format(code=code, lower=code.lower(), code_spaced=f"{code[:4]} {code[4:]}",
                        code_dashed=f"{code[:4]}-{code[4:]}")
    response = supervisor_client.get("/verify", query_string={"code": text})
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith(f"/inspections/{inspection_id}")


def test_verify_form_page(supervisor_client, world):
    response = supervisor_client.get("/verify")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "核验码" in page and 'name="code"' in page


def test_unknown_code_errors_at_the_field(supervisor_client, code_and_id):
    code, _ = code_and_id
    unknown = "23456789" if code != "23456789" else "98765432"
    response = supervisor_client.get("/verify", query_string={"code": unknown})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "没有找到核验码为 " + unknown in page
    assert 'aria-invalid="true"' in page
    assert f'value="{unknown}"' in page  # what was typed stays in the field


@pytest.mark.parametrize("bad", ["ABC", "0O1IL0O1", "有场地"])
def test_malformed_code_errors_at_the_field(supervisor_client, world, bad):
    response = supervisor_client.get("/verify", query_string={"code": bad})
    assert response.status_code == 422
    assert "核验码格式不对" in response.get_data(as_text=True)


def test_empty_code_errors_at_the_field(supervisor_client, world):
    response = supervisor_client.get("/verify", query_string={"code": ""})
    assert response.status_code == 422
    assert "请输入检查表上的核验码" in response.get_data(as_text=True)


def test_unknown_scanned_code_is_404_with_the_form(supervisor_client, world):
    response = supervisor_client.get("/v/23456789")
    assert response.status_code == 404
    assert "没有找到核验码" in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["clerk_b", "clerk_a2", "supervisor_b"])
def test_code_of_another_region_shows_only_the_public_facts(client_as, code_and_id, username):
    """The authenticity page is public; a user outside the region gets it too, without the record."""
    code, inspection_id = code_and_id
    client = client_as(username)
    for response in (client.get(f"/v/{code}"), client.get("/verify", query_string={"code": code})):
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "凤城镇体育总会" in page and "已定稿签字" in page
        assert f"/inspections/{inspection_id}" not in page


def test_anyone_may_scan_a_signed_sheet_and_see_what_the_paper_must_say(app, client, world):
    from app.standards.rules import results_checksum
    from tests.factories import make_inspection, make_org

    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1, name="凤城镇体育总会", contact_phone="13800138000"),
                                     notes={"有经费": "镇财政拨款五万元"}, finalize=True)
        db.session.commit()
        code, checksum = inspection.verification_code, results_checksum(inspection)
    response = client.get(f"/v/{code}")  # not logged in
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for shown in ("凤城镇体育总会", "验收", "2026-05-10", "达标", "李建国", checksum, "共 4 项"):
        assert shown in page
    for private in ("13800138000", "镇财政拨款五万元"):
        assert private not in page  # nothing personal, no notes


def test_printed_qr_encodes_the_verify_url(app, code_and_id):
    from app.standards.pdf import verify_url

    code, _ = code_and_id
    with app.test_request_context(base_url="https://tiyu.example.cn/"):
        assert verify_url(code) == f"https://tiyu.example.cn/v/{code}"


def test_sheet_carries_the_qr_of_its_verify_url(app, code_and_id):
    from app.printing.filters import qr_svg
    from app.scoping import set_scope
    from app.standards import pdf
    from app.standards.models import Inspection

    code, inspection_id = code_and_id
    with app.test_request_context(base_url="https://tiyu.example.cn/"):
        set_scope(None)
        html = pdf.sheet_html(db.session.get(Inspection, inspection_id))
        assert str(qr_svg(f"https://tiyu.example.cn/v/{code}")) in html


def test_public_base_url_goes_on_the_paper(app, code_and_id):
    from app.standards.pdf import verify_url

    code, _ = code_and_id
    app.config["PUBLIC_BASE_URL"] = "https://tiyu.jc.gov.cn"
    try:
        with app.test_request_context(base_url="http://127.0.0.1:5000/"):
            assert verify_url(code) == f"https://tiyu.jc.gov.cn/v/{code}"
    finally:
        app.config["PUBLIC_BASE_URL"] = ""


def test_a_sheet_is_made_outside_any_request_with_the_site_it_is_given(app, code_and_id):
    """A background job has no request: it hands over the address the user printed from."""
    from flask import has_request_context

    from app.printing.filters import qr_svg
    from app.scoping import unscoped
    from app.standards import pdf
    from app.standards.models import Inspection

    code, inspection_id = code_and_id
    with app.app_context(), unscoped():
        assert not has_request_context()
        html = pdf.sheet_html(db.session.get(Inspection, inspection_id), "https://tiyu.jc.gov.cn/desk")
    assert str(qr_svg(f"https://tiyu.jc.gov.cn/desk/v/{code}")) in html


def test_the_batch_job_is_handed_the_site_of_the_request(supervisor_client, app, world):
    from app.jobs.models import Job

    with app.app_context():
        make_inspection(make_org(world.town_a1, name="凤城镇体育总会"), finalize=True)
        db.session.commit()
    app.config["PUBLIC_BASE_URL"] = "https://tiyu.jc.gov.cn"
    try:
        response = supervisor_client.post("/inspections/print", data={})
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert response.status_code == 303
    with app.app_context():
        assert db.session.execute(db.select(Job)).scalar_one().params["site"] == "https://tiyu.jc.gov.cn"


def test_verification_lookups_are_rate_limited(clerk_client, code_and_id):
    from app import throttle
    from app.printing.verification_routes import LOOKUPS_PER_MINUTE

    throttle.forget()
    try:
        statuses = [clerk_client.get("/verify", query_string={"code": "ABCDEFGH"}).status_code
                    for _ in range(LOOKUPS_PER_MINUTE[0] + 1)]
    finally:
        throttle.forget()
    assert statuses[:-1] == [422] * LOOKUPS_PER_MINUTE[0]
    assert statuses[-1] == 429
