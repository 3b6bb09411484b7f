"""达标覆盖: the board's cells, counts and rates, its scope, and the Excel export."""
import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.organizations.models import Organization, OrgKind, OrgStatus
from app.regions.models import Region
from app.reports import services
from app.scoping import set_scope
from app.standards.models import InspectionKind, ItemResult
from tests.factories import make_inspection, make_org


def _world_with_checks(app, world):
    with app.app_context():
        a1 = make_org(world.town_a1)
        make_inspection(a1, inspected_on=date(2026, 3, 1), finalize=True, results={"有经费": ItemResult.FAIL})
        make_inspection(a1, InspectionKind.SPOT_CHECK, inspected_on=date(2026, 6, 1), finalize=True)  # the latest decides
        a2 = make_org(world.town_a2)
        make_inspection(a2, inspected_on=date(2026, 4, 1), finalize=True, results={"有活动": ItemResult.FAIL})
        make_inspection(a2, inspected_on=date(2026, 7, 1))  # a draft does not count
        club = make_org(world.town_a2, name="北留镇篮球俱乐部", kind=OrgKind.CLUB)
        assert club.id  # a club is not on the 四有 board
        make_org(world.town_b1)
        db.session.commit()


def test_county_board(app, world):
    _world_with_checks(app, world)
    with app.app_context():
        county = db.session.get(Region, world.county_a.id)
        board = services.county_board(county, services.township_standard(), date(2026, 11, 22))
        rows = {r.township.name: r for r in board.rows}
        assert [i.title for i in board.items] == ["有场地", "有经费", "有人员", "有活动"]
        assert rows["凤城镇"].state == "达标" and rows["凤城镇"].cells["2"] == ItemResult.PASS
        assert rows["北留镇"].state == "不达标" and rows["北留镇"].cells["4"] == ItemResult.FAIL
        assert (board.townships, board.registered, board.checked, board.passed) == (2, 2, 2, 1)
        assert board.rate == 0.5
        # 凤城镇's old finding is still open (nobody closed it), 北留镇 has one: both overdue by November.
        assert (rows["凤城镇"].open_rectifications, rows["北留镇"].overdue_rectifications) == (1, 1)
        assert board.overdue_rectifications == 2


def test_city_summary_and_scope(app, world, client_as):
    _world_with_checks(app, world)
    viewer = client_as("viewer").get("/coverage").get_data(as_text=True)
    assert "阳城县" in viewer and "泽州县" in viewer and "50%" in viewer
    supervisor_b = client_as("supervisor_b").get("/coverage").get_data(as_text=True)
    assert "南村镇" in supervisor_b and "凤城镇" not in supervisor_b and "未检查" in supervisor_b
    clerk = client_as("clerk").get("/coverage").get_data(as_text=True)
    assert "凤城镇" in clerk and "北留镇" not in clerk
    assert client_as("supervisor").get(f"/coverage?region={world.county_b.id}").status_code == 404


def test_excel_export(app, world, client_as):
    _world_with_checks(app, world)
    response = client_as("supervisor").get("/coverage.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert "1 个乡镇体育总会达标，共 2 个乡镇" in values[1][0]
    assert values[2][:5] == ("乡镇（街道）", "体育总会", "最近县级检查", "乡镇自查（不计入达标）", "有场地")
    assert values[4][0] == "北留镇" and values[4][-3] == "不达标"
    summary = load_workbook(io.BytesIO(client_as("viewer").get("/coverage.xlsx").data)).active
    assert [row[0] for row in summary.iter_rows(min_row=3, values_only=True)] == ["阳城县", "泽州县", "合计"]


def test_excel_export_of_a_county_whose_name_no_sheet_title_accepts(app, world, client_as):
    _world_with_checks(app, world)
    with app.app_context():
        db.session.get(Region, world.county_a.id).name = "沁水/县"
        db.session.commit()
    response = client_as("supervisor").get("/coverage.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["沁水县"]
    assert workbook.active["A1"].value == "沁水/县乡镇体育总会“四有”标准达标情况"
    disposition = response.headers["Content-Disposition"]
    assert re.match(r"attachment; filename=\"coverage-140522-\d{4}-\d{2}-\d{2}\.xlsx\"; filename\*=UTF-8''%E6%B2%81%E6%B0%B4%E5%8E%BF",
                    disposition)


def test_a_self_check_never_counts_and_an_open_finding_reads_in_rectification(app, world, client_as):
    """The county's 验收 found 有活动 failing (整改中); the township then signs off its own
    self-check as all passing: the board still shows the county's finding, and the self-check
    only in its own labelled column; the export says the same."""
    from app.standards import inspections
    from tests.factories import user

    with app.app_context():
        org = make_org(world.town_a1)
        make_inspection(org, inspected_on=date(2026, 5, 1), finalize=True, results={"有活动": ItemResult.FAIL})
        self_check = make_inspection(org, InspectionKind.SELF_CHECK, by="clerk", inspected_on=date(2026, 9, 1))
        inspections.submit(self_check, user("clerk"))
        inspections.finalize(self_check, user("supervisor"), signed_by="李建国", signed_on=date(2026, 9, 2))
        db.session.commit()
        board = services.county_board(db.session.get(Region, world.county_a.id), services.township_standard(),
                                      date(2026, 9, 10))
        row = next(r for r in board.rows if r.township.name == "凤城镇")
        assert row.inspection.kind == InspectionKind.ACCEPTANCE and row.state == "不达标"
        assert row.cell("4") == "整改中" and row.cell("1") == "达标"
        assert row.self_check.id == self_check.id and "达标" in row.self_check_label
        assert board.passed == 0 and board.checked == 1
    page = client_as("supervisor").get("/coverage").get_data(as_text=True)
    assert "整改中" in page and "乡镇自查" in page and "已验收 1 个" in page
    sheet = load_workbook(io.BytesIO(client_as("supervisor").get("/coverage.xlsx").data)).active
    fengcheng = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "凤城镇")
    assert "整改中" in fengcheng and fengcheng[3].startswith("2026-09-01")
    summary = load_workbook(io.BytesIO(client_as("viewer").get("/coverage.xlsx").data)).active
    assert list(summary.iter_rows(values_only=True))[1][3] == "已验收"


def test_a_clerks_coverage_is_its_own_township_on_the_page_and_in_the_export(app, world, client_as):
    _world_with_checks(app, world)
    clerk = client_as("clerk")
    page = clerk.get("/coverage").get_data(as_text=True)
    assert "<h1>凤城镇" in page and "北留镇" not in page
    export_link = re.search(r'href="(/coverage\.xlsx[^"]*)"', page).group(1)
    export = clerk.get(export_link.replace("&amp;", "&"))
    assert export.status_code == 200
    rows = [r[0] for r in load_workbook(io.BytesIO(export.data)).active.iter_rows(min_row=4, values_only=True)]
    assert rows == ["凤城镇"]


def test_the_province_board_groups_counties_by_city_with_subtotals_and_a_total(app, world, client_as):
    _world_with_checks(app, world)
    with app.app_context():
        province = db.session.get(Region, world.province.id)
        board = services.summary_board(province, services.township_standard(), date(2026, 11, 22))
        assert [g.city.name for g in board.groups] == [world.city.name]
        group = board.groups[0]
        assert [line.name for line in group.lines] == ["阳城县", "泽州县"]
        assert (group.subtotal.name, group.subtotal.townships, group.subtotal.passed) == (f"{world.city.name}小计", 3, 1)
        assert (board.total.name, board.total.townships, board.total.registered, board.total.checked) == ("合计", 3, 3, 2)
        assert board.total.overdue_rectifications == 2
    html = client_as("admin").get("/coverage").get_data(as_text=True)
    assert f'<th colspan="8" scope="rowgroup">{world.city.name}</th>' in html
    assert f"{world.city.name}小计" in html and '<tr class="total"><td>合计</td><td>3</td>' in html
    rows = list(load_workbook(io.BytesIO(client_as("admin").get("/coverage.xlsx").data)).active.iter_rows(
        min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["阳城县", "泽州县", f"{world.city.name}小计", "合计"]
    assert rows[-1][1:5] == (3, 3, 2, 1)


def test_a_years_board_counts_only_that_years_checks(app, world, client_as):
    _world_with_checks(app, world)
    with app.app_context():
        federation = db.session.execute(select(Organization).where(Organization.region_id == world.town_a1.id)).scalar()
        make_inspection(federation, inspected_on=date(2025, 9, 1), finalize=True, results={"有场地": ItemResult.FAIL})
        db.session.commit()
        county = db.session.get(Region, world.county_a.id)
        standard = services.township_standard()
        last_year = {r.township.name: r for r in services.county_board(county, standard, date(2026, 11, 22),
                                                                         year=2025).rows}
        assert last_year["凤城镇"].state == "不达标" and last_year["北留镇"].state == "未检查"
        assert last_year["凤城镇"].open_rectifications == 1  # the finding of 2025's check, not 2026's
        assert services.county_board(county, standard, date(2026, 11, 22)).rows[0].state == "达标"
    page = client_as("supervisor").get("/coverage?year=2025").get_data(as_text=True)
    assert "（2025年度）" in page and '<option value="2025" selected>2025年度检查</option>' in page
    assert "year=2025" in page.split("导出 Excel")[0].rsplit("href=", 1)[1]
    title = load_workbook(io.BytesIO(client_as("supervisor").get("/coverage.xlsx?year=2025").data)).active["A1"].value
    assert title.endswith("（2025年度检查）")
    assert client_as("supervisor").get("/coverage?year=abc").status_code == 200  # a bad year: the latest checks


def test_a_kept_summary_follows_a_finalized_check_and_a_dissolved_federation(app, world):
    _world_with_checks(app, world)

    def total():
        with app.test_request_context():
            set_scope(None)
            province = db.session.get(Region, world.province.id)
            line = services.summary_board(province, services.township_standard(), date(2026, 11, 22)).total
            return line.registered, line.checked, line.passed

    assert total() == total() == (3, 2, 1)
    with app.app_context():
        b1 = db.session.execute(select(Organization).where(Organization.region_id == world.town_b1.id)).scalar_one()
        make_inspection(b1, inspected_on=date(2026, 8, 1), finalize=True)
        db.session.commit()
    assert total() == (3, 3, 2)
    with app.app_context():
        b1 = db.session.execute(select(Organization).where(Organization.region_id == world.town_b1.id)).scalar_one()
        b1.status = OrgStatus.DISSOLVED
        db.session.commit()
    assert total() == (2, 2, 1)  # 南村镇 has no federation now, so neither its check
