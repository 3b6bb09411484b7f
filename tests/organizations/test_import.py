"""Excel import: template, preview that writes nothing, confirm all-or-nothing, clear file errors."""
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.organizations import importing
from app.organizations.models import Organization, OrgKind, OrgLevel, PartyBranch
from app.spreadsheets import pending
from app.spreadsheets.cells import parse_date
from tests.factories import committed, make_org, roster_row, valid_code, xlsx

TEMPLATE = "/organizations/import/template.xlsx"
IMPORT = "/organizations/import"


def org_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Organization)).scalar_one()


def upload(client, data: bytes, filename: str = "名册.xlsx"):
    return client.post(IMPORT, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def token_of(response) -> str:
    match = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    return match.group(1)


def good_rows(world):
    return [
        roster_row(name="凤城镇体育总会", kind="体育总会", region="凤城镇", credit_code=valid_code(41),
                   contact_person="王晓燕", contact_phone="0356-4220000", party_branch="已建", member_count=120,
                   term_start=date(2023, 3, 1)),
        roster_row(name="凤城镇乒乓球协会", kind="单项体育协会", level="乡镇级", region="140522100", sport="乒乓球",
                   registered_on="2020/5/6", contact_phone=13800138000),
        roster_row(name="北留镇老年人体育协会", kind="老年人体育协会", region="北留镇（140522101）",
                   term_start="2022-01-01", term_end="2026-12-31", term_years=5),
    ]


def test_template_lists_the_columns_with_instructions(supervisor_client):
    response = supervisor_client.get(TEMPLATE)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["组织名册", "填写说明"]
    headers = [c.value for c in workbook["组织名册"][1]]
    assert headers[:4] == ["组织名称*", "组织类型*", "组织级别", "所属区划*"]
    assert workbook["组织名册"].max_row == 1  # no sample row that could be imported by mistake
    assert "体育总会" in str(workbook["组织名册"].data_validations.dataValidation[0].formula1)


def test_template_round_trip_preview_then_confirm(app, supervisor_client, world):
    workbook = load_workbook(io.BytesIO(supervisor_client.get(TEMPLATE).data))
    for row in good_rows(world):
        workbook["组织名册"].append(row)
    out = io.BytesIO()
    workbook.save(out)

    preview = upload(supervisor_client, out.getvalue())
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "全部检查通过" in html and "确认导入 3 个组织" in html and "北留镇 · 乡镇级老年人体育协会" in html
    assert org_count(app) == 0  # the preview writes nothing
    token = token_of(preview)
    with app.app_context():
        kept = pending.upload_path(token)
    assert kept.parent == Path(app.instance_path) / "imports" and kept.name == f"{token}.xlsx"

    done = supervisor_client.post(IMPORT, data={"token": token})
    assert done.status_code == 303 and done.headers["Location"].endswith("/organizations")
    with app.app_context():
        orgs = {o.name: o for o in db.session.execute(select(Organization)).scalars()}
        assert len(orgs) == 3
        federation = orgs["凤城镇体育总会"]
        assert (federation.kind, federation.level, federation.party_branch, federation.member_count) == (
            OrgKind.FEDERATION, OrgLevel.TOWNSHIP, PartyBranch.ESTABLISHED, 120)
        assert federation.term_end == date(2028, 3, 1)
        assert orgs["凤城镇乒乓球协会"].registered_on == date(2020, 5, 6)
        assert orgs["凤城镇乒乓球协会"].contact_phone == "13800138000"
        assert orgs["北留镇老年人体育协会"].region_id == world.town_a2.id
    listing = supervisor_client.get("/organizations").get_data(as_text=True)
    assert "已导入 3 个组织" in listing
    # The upload is gone: the same token cannot import twice.
    assert not kept.exists()
    again = supervisor_client.post(IMPORT, data={"token": token})
    assert again.status_code == 303 and org_count(app) == 3


def kept_uploads(app) -> set:
    return set((Path(app.instance_path) / "imports").glob("*.xlsx"))


def test_preview_lists_row_errors_and_writes_nothing(app, client_as, world):
    clerk = client_as("clerk")
    kept_before = kept_uploads(app)
    committed(app, make_org, world.town_a1, name="凤城镇篮球协会")
    taken = valid_code(51, "140525")
    committed(app, make_org, world.town_b1, name="南村镇体育总会", credit_code=taken)
    rows = [
        roster_row(name="凤城镇体育总会", kind="体育总会", region="凤城镇", credit_code=valid_code(52)),
        roster_row(name="凤城镇足球协会", kind="足球", region="凤城镇"),  # unknown kind
        roster_row(name="凤城镇棋牌协会", kind="单项体育协会", region="南村镇"),  # outside the clerk's scope
        roster_row(name="凤城镇门球协会", kind="单项体育协会", region="火星镇"),  # unknown region
        roster_row(name="凤城镇武术协会", kind="单项体育协会", region="凤城镇", credit_code=valid_code(52)),  # dup in file
        roster_row(name="凤城镇跑步协会", kind="单项体育协会", region="凤城镇", credit_code=taken),  # dup in the DB
        roster_row(name="凤城镇篮球协会", kind="单项体育协会", region="凤城镇"),  # name taken in the region
        roster_row(name="凤城镇体育总会", kind="体育总会", region="凤城镇"),  # same name as row 2
        roster_row(name="凤城镇太极协会", kind="单项体育协会", level="县级", region="凤城镇"),
        roster_row(name="凤城镇健身会", kind="社区健身会", region="凤城镇", credit_code="51140522000000001X",
                   registered_on="去年", member_count=-5, contact_phone="12345", term_years=20),
        roster_row(kind="体育总会", region="凤城镇"),  # no name
    ]
    response = upload(clerk, xlsx(rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "共 11 行，其中 10 行有错误" in html and "未导入任何数据" in html
    assert 'name="token"' not in html and "确认导入" not in html
    for text in [
        "组织类型：应为体育总会、单项体育协会、老年人体育协会、体育俱乐部、社区健身会之一。",
        "所属区划：找不到区划“南村镇”，或该区划不在您的管辖范围内。",
        "所属区划：找不到区划“火星镇”",
        "统一社会信用代码：与第 2 行的统一社会信用代码重复。",
        "统一社会信用代码：该统一社会信用代码已被其他组织使用。",
        "组织名称：“凤城镇”已有名为“凤城镇篮球协会”的组织。",
        "组织名称：与第 2 行重复：同一区划下同名。",
        "组织级别：县级组织应属于县（市、区）级区划",
        "统一社会信用代码：统一社会信用代码校验位不正确",
        "登记日期：日期应按“年-月-日”填写",
        "会员数：应为不小于 0 的整数。",
        "联系电话：联系电话格式不正确",
        "任期年限：任期年限应为 1 到 10 的整数。",
        "组织名称：请填写组织名称。",
    ]:
        assert text in html, text
    assert org_count(app) == 2
    assert kept_uploads(app) == kept_before  # nothing to confirm, so nothing kept


def test_confirm_is_refused_when_the_registry_changed(app, supervisor_client, world):
    preview = upload(supervisor_client, xlsx(good_rows(world)))
    token = token_of(preview)
    committed(app, make_org, world.town_a1, name="凤城镇乒乓球协会")  # someone registers it meanwhile
    refused = supervisor_client.post(IMPORT, data={"token": token})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "未导入任何数据" in html and "“凤城镇”已有名为“凤城镇乒乓球协会”的组织" in html
    assert org_count(app) == 1


def test_confirm_imports_all_rows_or_none(app, supervisor_client, world, monkeypatch):
    """A row the database refuses (here a credit code slipped past the checks, as in a race with
    another import) leaves none of the rows behind."""
    token = token_of(upload(supervisor_client, xlsx(good_rows(world))))
    real_create = importing.services.create_organization
    calls = []

    def third_row_collides(fields, **kw):
        calls.append(fields["name"])
        if len(calls) == 3:
            fields = {**fields, "credit_code": valid_code(41)}  # the first row's code
        return real_create(fields, **kw)

    monkeypatch.setattr(importing.services, "create_organization", third_row_collides)
    response = supervisor_client.post(IMPORT, data={"token": token}, follow_redirects=True)
    assert "未导入任何组织" in response.get_data(as_text=True)
    assert len(calls) == 3 and org_count(app) == 0


def test_only_the_uploader_can_confirm(app, client_as, world):
    token = token_of(upload(client_as("supervisor"), xlsx(good_rows(world))))
    other = client_as("admin")
    assert other.post(IMPORT, data={"token": token}).status_code == 303
    assert other.post(IMPORT, data={"token": "../../secret_key"}).status_code == 303
    assert org_count(app) == 0


@pytest.mark.parametrize("data, filename, message", [
    (b"name,kind\nfoo,bar\n", "名册.xlsx", "文件不是有效的 Excel 工作簿（.xlsx）"),
    (b"PK\x03\x04 not really a zip", "名册.xlsx", "文件不是有效的 Excel 工作簿（.xlsx）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "名册.xls", "另存为 .xlsx"),
    (b"", "名册.xlsx", "上传的文件是空的"),
])
def test_a_file_that_is_not_a_workbook_is_a_clear_error(app, supervisor_client, data, filename, message):
    response = upload(supervisor_client, data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert org_count(app) == 0


def test_no_file_chosen(supervisor_client):
    response = supervisor_client.post(IMPORT, data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "请选择要导入的 Excel 文件" in response.get_data(as_text=True)


def test_missing_columns_and_empty_rosters_are_file_errors(supervisor_client):
    missing = upload(supervisor_client, xlsx([["凤城镇体育总会", "体育总会"]], headers=["组织名称", "组织类型"]))
    assert missing.status_code == 422 and "缺少必填列：所属区划" in missing.get_data(as_text=True)
    empty = upload(supervisor_client, xlsx([]))
    assert empty.status_code == 422 and "名册中没有数据行" in empty.get_data(as_text=True)


def test_own_rosters_with_a_title_row_and_extra_columns(app, supervisor_client, world):
    rows = [["阳城县体育社会组织名册"], ["序号", "名称", "类型", "区划", "备注"], [1, "凤城镇体育总会", "体育总会", "凤城镇", "x"]]
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    html = upload(supervisor_client, out.getvalue()).get_data(as_text=True)
    assert "全部检查通过" in html and "已忽略：序号、备注" in html


def test_export_can_be_imported_elsewhere(app, supervisor_client, admin_client, world):
    committed(app, make_org, world.town_a1, name="凤城镇体育总会", credit_code=valid_code(61), term_start=date(2022, 1, 1),
             term_end=date(2027, 1, 1))
    exported = supervisor_client.get("/organizations/export.xlsx").data
    with app.app_context():
        db.session.execute(Organization.__table__.delete())
        db.session.commit()
    preview = upload(supervisor_client, exported)
    assert "全部检查通过" in preview.get_data(as_text=True)
    assert "已忽略：状态、换届提醒、距任期结束（天）" in preview.get_data(as_text=True)


def test_viewer_cannot_import(viewer_client, world):
    assert viewer_client.get(IMPORT).status_code == 403
    assert upload(viewer_client, xlsx(good_rows(world))).status_code == 403


@pytest.mark.parametrize("value", [date(2021, 5, 1), "2021-05-01", "2021/5/1", "2021.5.1", "2021年5月1日", "20210501",
                                   44317, 44317.0])
def test_dates_as_people_type_them(value):
    assert parse_date(value) == date(2021, 5, 1)


@pytest.mark.parametrize("value", ["去年", "2021-02-30", 12, True])
def test_dates_that_are_not(value):
    with pytest.raises(ValueError, match="年-月-日"):
        parse_date(value)


# ---------------------------------------------------------------- updating registered organisations

def _registered(app, world):
    return committed(app, make_org, world.town_a1, name="凤城镇体育总会", credit_code=valid_code(71),
                     contact_person="王晓燕", contact_phone="0356-4220000", member_count=120)


def test_a_row_with_a_registered_credit_code_updates_that_organisation(app, supervisor_client, world):
    org_id = _registered(app, world)
    rows = [
        # Changes the contact person and the members; the blank phone keeps what is stored.
        roster_row(name="凤城镇体育总会", kind="体育总会", region="凤城镇", credit_code=valid_code(71),
                   contact_person="李建国", member_count=150),
        roster_row(name="凤城镇乒乓球协会", kind="单项体育协会", region="凤城镇"),
    ]
    preview = upload(supervisor_client, xlsx(rows))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "新建 1 个组织、更新 1 个已登记的组织" in html
    assert "联系人：王晓燕 → <strong>李建国</strong>" in html and "会员数：120 → <strong>150</strong>" in html
    assert "联系电话：" not in html  # the blank phone is no change
    assert "确认导入：新建 1 个、更新 1 个组织" in html
    assert org_count(app) == 1  # the preview writes nothing

    done = supervisor_client.post(IMPORT, data={"token": token_of(preview)}, follow_redirects=True)
    assert "已导入：新建 1 个、更新 1 个组织。" in done.get_data(as_text=True)
    with app.app_context():
        updated = db.session.get(Organization, org_id)
        assert (updated.contact_person, updated.member_count, updated.contact_phone) == ("李建国", 150, "0356-4220000")
        assert updated.row_version == 2
    assert org_count(app) == 2
    history = supervisor_client.get(f"/organizations/{org_id}").get_data(as_text=True)
    assert "李建国" in history  # the update is on the organisation's audited history


def test_reimporting_the_registry_export_changes_nothing(app, supervisor_client, world):
    _registered(app, world)
    exported = supervisor_client.get("/organizations/export.xlsx").data
    preview = upload(supervisor_client, exported)
    html = preview.get_data(as_text=True)
    assert "不做任何修改：各行与已登记的内容相同" in html and "无变化" in html
    assert 'name="token"' not in html  # nothing to confirm
    assert org_count(app) == 1


def test_an_update_is_checked_like_the_form(app, supervisor_client, world):
    _registered(app, world)
    committed(app, make_org, world.town_a1, name="凤城镇乒乓球协会")
    renamed = roster_row(name="凤城镇乒乓球协会", kind="体育总会", region="凤城镇", credit_code=valid_code(71))
    html = upload(supervisor_client, xlsx([renamed])).get_data(as_text=True)
    assert "“凤城镇”已有名为“凤城镇乒乓球协会”的组织" in html and "未导入任何数据" in html


def test_a_credit_code_of_another_county_is_not_an_update(app, supervisor_client, world):
    committed(app, make_org, world.town_b1, name="南村镇体育总会", credit_code=valid_code(72))
    row = roster_row(name="凤城镇体育总会", kind="体育总会", region="凤城镇", credit_code=valid_code(72))
    html = upload(supervisor_client, xlsx([row])).get_data(as_text=True)
    assert "该统一社会信用代码已被其他组织使用" in html and "南村镇" not in html
