"""The registry over HTTP: list, search and filters, detail, forms, lifecycle events, export."""
import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.attachments.models import Attachment
from app.extensions import db
from app.organizations.importing import COLUMNS
from app.organizations.models import EventKind, LifecycleEvent, Organization, OrgKind, OrgStatus
from app.timeutil import local_today
from tests.factories import committed, get_org, make_org, read_xlsx, valid_code

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def count(app, model=Organization, *where) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def org_form(world, **kw):
    data = {"name": "凤城镇体育总会", "kind": "federation", "level": "township", "region_id": world.town_a1.id,
            "party_branch": "established", "term_years": "5", "contact_person": "王晓燕",
            "contact_phone": "0356-4220000", "member_count": "120"}
    data.update(kw)
    return data


@pytest.fixture
def orgs(app, world):
    """Three organisations: two in 阳城县 (凤城镇, 北留镇) and one in 泽州县 (南村镇)."""
    today = local_today()
    return {
        "a1": committed(app, make_org, world.town_a1, name="凤城镇体育总会", contact_person="王晓燕",
                        credit_code=valid_code(11), term_start=today - timedelta(days=1800),
                        term_end=today + timedelta(days=30)),
        "a2": committed(app, make_org, world.town_a2, name="北留镇老年人体育协会", kind=OrgKind.ELDERLY_ASSOCIATION,
                        contact_person="", term_start=today - timedelta(days=2000),
                        term_end=today - timedelta(days=10)),
        "b1": committed(app, make_org, world.town_b1, name="南村镇体育总会", contact_person="李四"),
    }


# ---------------------------------------------------------------- access

def urls(ids):
    org = ids["b1"]
    return ["/organizations", "/organizations/new", f"/organizations/{org}", f"/organizations/{org}/edit",
            f"/organizations/{org}/events/new", "/organizations/export.xlsx", "/organizations/import",
            "/organizations/import/template.xlsx"]


def test_login_required(client, orgs):
    for url in urls(orgs):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize("path", ["/organizations/new", "/organizations/{a1}/edit", "/organizations/{a1}/events/new",
                                  "/organizations/import"])
def test_viewer_may_not_write(viewer_client, orgs, path):
    url = path.format(**orgs)
    assert viewer_client.get(url).status_code == 403
    assert viewer_client.post(url, data={"name": "x"}).status_code == 403


def test_viewer_reads_everything_in_the_city(viewer_client, orgs):
    html = viewer_client.get("/organizations").get_data(as_text=True)
    assert "凤城镇体育总会" in html and "南村镇体育总会" in html
    assert "登记组织" not in html
    assert viewer_client.get(f"/organizations/{orgs['b1']}").status_code == 200


def test_clerk_never_sees_another_township(app, clerk_client, orgs):
    html = clerk_client.get("/organizations?q=体育").get_data(as_text=True)
    assert "凤城镇体育总会" in html
    assert "南村镇体育总会" not in html and "北留镇" not in html
    for key in ("b1", "a2"):
        org = orgs[key]
        assert clerk_client.get(f"/organizations/{org}").status_code == 404
        assert clerk_client.get(f"/organizations/{org}/edit").status_code == 404
        assert clerk_client.post(f"/organizations/{org}/edit", data={"name": "改名"}).status_code == 404
        assert clerk_client.get(f"/organizations/{org}/events/new").status_code == 404
        assert clerk_client.post(f"/organizations/{org}/events/new",
                                 data={"kind": "dissolution", "event_date": "2026-01-05"}).status_code == 404
    assert get_org(app, orgs["b1"]).status == OrgStatus.ACTIVE
    assert count(app, LifecycleEvent) == 0
    rows = read_xlsx(clerk_client.get("/organizations/export.xlsx").data)
    assert [r[0] for r in rows[1:]] == ["凤城镇体育总会"]


def test_missing_organisation_is_404(supervisor_client, world):
    assert supervisor_client.get("/organizations/999999").status_code == 404


# ---------------------------------------------------------------- list

def test_list_full_page_and_fragment(supervisor_client, orgs):
    full = supervisor_client.get("/organizations?q=凤城")
    html = full.get_data(as_text=True)
    assert full.status_code == 200 and "<html" in html and "HX-Request" in full.headers["Vary"]
    assert "凤城镇体育总会" in html and "北留镇老年人体育协会" not in html
    fragment = supervisor_client.get("/organizations?q=凤城", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "凤城镇体育总会" in fragment and "<select" not in fragment
    boosted = supervisor_client.get("/organizations", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


@pytest.mark.parametrize("query, shown, hidden", [
    ("q=王晓燕", ["凤城镇体育总会"], ["北留镇老年人体育协会"]),  # contact person
    ("q=" + valid_code(11)[:10], ["凤城镇体育总会"], ["北留镇老年人体育协会"]),  # credit code
    ("kind=elderly_association", ["北留镇老年人体育协会"], ["凤城镇体育总会"]),
    ("term=overdue", ["北留镇老年人体育协会"], ["凤城镇体育总会"]),
    ("term=due_soon", ["凤城镇体育总会"], ["北留镇老年人体育协会"]),
    ("term=unknown", [], ["凤城镇体育总会", "北留镇老年人体育协会"]),
])
def test_search_and_filters(supervisor_client, orgs, query, shown, hidden):
    html = supervisor_client.get(f"/organizations?{query}", headers={"HX-Request": "true"}).get_data(as_text=True)
    for name in shown:
        assert name in html
    for name in hidden:
        assert name not in html


def test_region_filter_keeps_the_subtree(supervisor_client, world, orgs):
    html = supervisor_client.get(f"/organizations?region={world.town_a2.id}").get_data(as_text=True)
    assert "北留镇老年人体育协会" in html and "凤城镇体育总会" not in html
    assert f'<option value="{world.town_a2.id}" selected>' in html  # the filter box remembers the choice
    everything = supervisor_client.get(f"/organizations?region={world.county_a.id}").get_data(as_text=True)
    assert "北留镇老年人体育协会" in everything and "凤城镇体育总会" in everything


@pytest.mark.parametrize("region", ["99999999999999999999", "abc", "-1", "0"])
def test_odd_region_filters_are_ignored(supervisor_client, orgs, region):
    response = supervisor_client.get(f"/organizations?region={region}")
    assert response.status_code == 200 and "凤城镇体育总会" in response.get_data(as_text=True)


def test_list_flags_terms(supervisor_client, orgs):
    html = supervisor_client.get("/organizations").get_data(as_text=True)
    assert "逾期未换届" in html and "即将到期" in html


def test_paging_keeps_filters(app, supervisor_client, world, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    for i in range(5):
        committed(app, make_org, world.town_a1, name=f"凤城镇协会{i}", kind=OrgKind.ASSOCIATION)
    html = supervisor_client.get("/organizations?kind=association").get_data(as_text=True)
    assert "第 1 / 3 页，共 5 条" in html
    assert "kind=association" in html and "page=2" in html
    second = supervisor_client.get("/organizations?kind=association&page=3").get_data(as_text=True)
    assert "凤城镇协会4" in second and "凤城镇协会0" not in second


# ---------------------------------------------------------------- detail

def test_detail_shows_everything(supervisor_client, orgs):
    html = supervisor_client.get(f"/organizations/{orgs['a1']}").get_data(as_text=True)
    for text in ("凤城镇体育总会", valid_code(11), "王晓燕", "即将到期", "还有 30 天", "登记事项", "年度检查",
                 "修改记录", "第二十七条"):
        assert text in html, text


def test_overdue_detail_warns(supervisor_client, orgs):
    html = supervisor_client.get(f"/organizations/{orgs['a2']}").get_data(as_text=True)
    assert "已逾期 10 天未换届" in html


# ---------------------------------------------------------------- create and edit

def test_clerk_registers_an_organisation(app, clerk_client, world):
    response = clerk_client.post("/organizations/new", data=org_form(world, credit_code=valid_code(21).lower(),
                                                                     term_start="2024-03-01"))
    assert response.status_code == 303
    with app.app_context():
        org = db.session.execute(select(Organization)).scalar_one()
        assert (org.credit_code, org.term_end, org.member_count) == (valid_code(21), date(2029, 3, 1), 120)
    detail = clerk_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已登记“凤城镇体育总会”" in detail and "新增" in detail


def test_new_form_defaults_to_the_users_region(clerk_client, world):
    html = clerk_client.get("/organizations/new").get_data(as_text=True)
    assert f'<option selected value="{world.town_a1.id}">' in html
    assert '<option selected value="township">' in html
    assert "南村镇" not in html


def test_bad_input_keeps_values_and_explains_at_the_fields(app, clerk_client, world):
    response = clerk_client.post("/organizations/new", data=org_form(
        world, credit_code="51140522000000001X", contact_phone="12345", member_count="-3", staff_count="abc",
        registered_on="2021-13-40", address="凤城镇东关街 1 号"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for text in ("统一社会信用代码", "联系电话格式不正确", "请填写不小于 0 的整数", "请按“年-月-日”填写日期",
                 'value="凤城镇东关街 1 号"', 'value="51140522000000001X"', 'value="王晓燕"'):
        assert text in html, text
    assert "Not a valid" not in html
    assert count(app) == 0


def test_level_must_fit_the_region_at_the_field(app, supervisor_client, world):
    response = supervisor_client.post("/organizations/new", data=org_form(world, level="county"))
    assert response.status_code == 422
    assert "县级组织应属于县（市、区）级区划" in response.get_data(as_text=True)
    assert count(app) == 0


def test_region_outside_the_scope_cannot_be_chosen(app, clerk_client, world):
    response = clerk_client.post("/organizations/new", data=org_form(world, region_id=world.town_b1.id))
    assert response.status_code == 422 and "请从列表中选择所属区划" in response.get_data(as_text=True)
    assert count(app) == 0


def test_credit_code_used_in_another_county_is_refused(app, clerk_client, world, orgs):
    with app.app_context():
        code = valid_code(31, "140525")
    committed(app, make_org, world.town_b1, name="南村镇乒乓球协会", credit_code=code)
    response = clerk_client.post("/organizations/new", data=org_form(world, credit_code=code))
    assert response.status_code == 422 and "已被其他组织使用" in response.get_data(as_text=True)


def test_edit_records_history(app, clerk_client, world, orgs):
    form = org_form(world, contact_phone="13800138000", credit_code=valid_code(11))
    response = clerk_client.post(f"/organizations/{orgs['a1']}/edit", data=form)
    assert response.status_code == 303
    html = clerk_client.get(f"/organizations/{orgs['a1']}").get_data(as_text=True)
    assert "13800138000" in html and "0356-4220000" not in html.split("修改记录")[0]
    assert "联系电话：（空） → 13800138000" in html.split("修改记录")[1]


def test_edit_form_shows_current_values(clerk_client, orgs):
    html = clerk_client.get(f"/organizations/{orgs['a1']}/edit").get_data(as_text=True)
    assert 'value="凤城镇体育总会"' in html and valid_code(11) in html


# ---------------------------------------------------------------- lifecycle events

def test_reelection_with_a_document_moves_the_term(app, clerk_client, orgs):
    response = clerk_client.post(f"/organizations/{orgs['a1']}/events/new", content_type="multipart/form-data", data={
        "kind": "reelection", "event_date": local_today().isoformat(), "approval_number": "阳民社〔2026〕3号",
        "description": "第三届会员代表大会", "documents": [(io.BytesIO(PDF), "换届批复.pdf")]})
    assert response.status_code == 303
    org = get_org(app, orgs["a1"])
    assert org.term_start == local_today() and org.events[0].kind == EventKind.REELECTION
    html = clerk_client.get(f"/organizations/{orgs['a1']}").get_data(as_text=True)
    assert "已登记换届" in html and "任期内" in html and "阳民社〔2026〕3号" in html
    with app.app_context():
        attachment = db.session.execute(select(Attachment)).scalar_one()
    link = f"/attachments/{attachment.id}/"
    assert link in html
    download = clerk_client.get(f"{link}{attachment.filename}")
    assert download.status_code == 200 and download.data == PDF


def test_bad_document_is_an_error_at_the_field_and_nothing_is_saved(app, clerk_client, orgs):
    response = clerk_client.post(f"/organizations/{orgs['a1']}/events/new", content_type="multipart/form-data", data={
        "kind": "change", "event_date": "2026-01-05", "approval_number": "阳民社〔2026〕9号",
        "description": "住所变更", "documents": [(io.BytesIO(b"just text"), "批复.pdf")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "不是支持的类型" in html and 'value="阳民社〔2026〕9号"' in html and "住所变更" in html
    assert count(app, LifecycleEvent) == 0 and count(app, Attachment) == 0


def test_event_form_errors_are_at_the_fields(app, clerk_client, orgs):
    response = clerk_client.post(f"/organizations/{orgs['a1']}/events/new",
                                 data={"kind": "annual_review", "event_date": "2026-04-01", "review_year": "20x5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写四位年份" in html and "请选择年审结论" in html
    assert count(app, LifecycleEvent) == 0


def test_late_change_is_saved_with_a_warning(app, clerk_client, orgs):
    response = clerk_client.post(f"/organizations/{orgs['a1']}/events/new", data={
        "kind": "change", "event_date": "2026-01-05", "approved_on": "2025-11-01"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "已登记变更" in html and "第十八条" in html
    assert count(app, LifecycleEvent) == 1


def test_dissolution_blocks_later_events(app, clerk_client, orgs):
    url = f"/organizations/{orgs['a1']}/events/new"
    assert clerk_client.post(url, data={"kind": "dissolution", "event_date": "2026-01-05"}).status_code == 303
    assert get_org(app, orgs["a1"]).status == OrgStatus.DISSOLVED
    page = clerk_client.get(url)
    assert page.status_code == 303
    assert clerk_client.post(url, data={"kind": "reelection", "event_date": "2026-01-06"}).status_code == 303
    assert count(app, LifecycleEvent) == 1
    html = clerk_client.get(f"/organizations/{orgs['a1']}").get_data(as_text=True)
    assert "已注销，不能再登记其他事项" in html and "登记事项</a>" not in html


def test_annual_review_link_prefills_the_year(clerk_client, app, world):
    org = committed(app, make_org, world.town_a1, registered_on=date(2023, 5, 1))
    html = clerk_client.get(f"/organizations/{org}").get_data(as_text=True)
    assert "逾期未年审" in html
    form = clerk_client.get(f"/organizations/{org}/events/new?kind=annual_review&review_year=2024").get_data(as_text=True)
    assert 'name="review_year" type="number" value="2024"' in form
    assert '<option selected value="annual_review">' in form


# ---------------------------------------------------------------- export

def test_export_follows_the_filters(supervisor_client, orgs):
    response = supervisor_client.get("/organizations/export.xlsx?term=overdue")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_xlsx(response.data)
    assert rows[0][:4] == ("组织名称", "组织类型", "组织级别", "所属区划")
    assert "换届提醒" in rows[0]
    assert len(rows) == 2
    name, kind, level, region = rows[1][:4]
    assert (name, kind, level) == ("北留镇老年人体育协会", "老年人体育协会", "乡镇级")
    assert region == "北留镇（140522101）"
    assert rows[1][rows[0].index("换届提醒")] == "逾期未换届"


def test_export_dates_are_dates(supervisor_client, orgs):
    rows = read_xlsx(supervisor_client.get("/organizations/export.xlsx?q=凤城").data)
    start = rows[1][rows[0].index("本届任期开始")]
    assert start.date() == local_today() - timedelta(days=1800)


def test_export_writes_a_formula_typed_as_a_name_as_inert_text(app, supervisor_client, world):
    evil = '=HYPERLINK("http://evil","click")'
    committed(app, make_org, world.town_a1, name=evil, contact_phone="@SUM(1+1)")
    data = supervisor_client.get("/organizations/export.xlsx").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere: the name is an inline string
    assert re.search(r'<c r="A2"[^>]* t="inlineStr"><is><t>=HYPERLINK\("http://evil","click"\)</t>', sheet_xml)
    row = load_workbook(io.BytesIO(data)).active[2]
    name, phone = row[0], row[[c.key for c in COLUMNS].index("contact_phone")]
    assert (name.value, name.data_type, name.quotePrefix) == (evil, "s", True)
    assert (phone.value, phone.data_type, phone.quotePrefix) == ("@SUM(1+1)", "s", True)


# ---------------------------------------------------------------- 我的待办

def test_todo_lists_terms_to_renew_in_scope(app, world, orgs):
    from app.auth.models import User
    from app.organizations.todo import todo_for
    from app.scoping import set_scope

    with app.test_request_context():
        set_scope(None)
        clerk, supervisor, viewer = (db.session.get(User, world.users[name]) for name in ("clerk", "supervisor", "viewer"))
        for user in (clerk, supervisor, viewer):
            user.region  # noqa: B018 - loaded while unscoped: relationship loads are scoped too
        set_scope(clerk.region.path)
        groups = todo_for(clerk, local_today())
        assert [(g.title, [i.label for i in g.items]) for g in groups] == [("90 天内到期换届", ["凤城镇体育总会"])]
        set_scope(supervisor.region.path)
        overdue = todo_for(supervisor, local_today())[0]
        assert overdue.title == "逾期未换届" and overdue.items[0].overdue and overdue.more_url.endswith("term=overdue")
        assert todo_for(viewer, local_today()) == []


def test_a_refused_event_keeps_its_chosen_document_for_the_next_submit(app, clerk_client, supervisor_client, orgs):
    """年审 with a PDF but no result: the PDF is named on the refused page and goes with the next
    submit without choosing it again (issue: a refused form drops the chosen file silently)."""
    import re

    first = clerk_client.post(f"/organizations/{orgs['a1']}/events/new", content_type="multipart/form-data", data={
        "kind": "annual_review", "event_date": "2026-04-01", "review_year": "2025",
        "documents": [(io.BytesIO(b"%PDF-1.4 report"), "年检报告.pdf")]})
    html = first.get_data(as_text=True)
    assert first.status_code == 422 and "请选择年审结论" in html and "已选择：年检报告.pdf" in html
    token = re.search(r'name="kept_upload" value="([^"]+)"', html).group(1)
    assert count(app, LifecycleEvent) == 0
    # The token is the uploader's own: someone else cannot claim the stored file with it.
    other = supervisor_client.post(f"/organizations/{orgs['a1']}/events/new", data={
        "kind": "change", "event_date": "2026-01-05", "kept_upload": token})
    assert other.status_code == 303 and count(app, Attachment) == 0
    second = clerk_client.post(f"/organizations/{orgs['a1']}/events/new", data={
        "kind": "annual_review", "event_date": "2026-04-01", "review_year": "2025", "review_result": "qualified",
        "kept_upload": token})
    assert second.status_code == 303
    assert count(app, LifecycleEvent) == 2 and count(app, Attachment) == 1


def test_a_forged_kept_upload_token_is_ignored(app, clerk_client, orgs):
    response = clerk_client.post(f"/organizations/{orgs['a1']}/events/new", data={
        "kind": "change", "event_date": "2026-01-05", "kept_upload": "forged.token"})
    assert response.status_code == 303
    assert count(app, Attachment) == 0
