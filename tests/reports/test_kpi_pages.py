"""考核指标 over HTTP: the page and its fragment, the period and ranking choices, the cases behind a
figure, the Excel, and each reader's scope (404 outside it; every role may read the page)."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.cases.models import ActionKind, Case, HandlingUnit
from app.extensions import db
from tests.reports.kpi_cases import OCT_8, _dispatch, _step


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_supervisors_page_shows_each_measure_with_its_definition_and_charts(made, client_as):
    page = html(client_as("supervisor").get("/kpis"))  # this year by default: the cases' 2026
    assert "<h1>阳城县诉求件考核指标</h1>" in page and "<h2>2026年阳城县考核指标</h2>" in page
    text = re.sub(r"<[^>]+>|\s", "", page)
    for figure in ("按时办结率57.1%（4/7）超期3", "签收率71.4%（5/7）", "平均办理时长（工作日）4.7（14/3）",
                   "12345响应率66.7%（4/6）"):
        assert figure in text, figure
    assert "批准延期的以延长后的期限为准" in page and "北京《接诉即办工作条例》第三十二条" in page
    assert page.count('role="img"') == 2 and "<title id=\"kpi-ranking-chart-title\">" in page
    assert "凤城镇" in page and "北留镇" in page and "尚未派单" in page and "泽州县" not in page
    assert '<a href="/kpis" aria-current="page">考核指标</a>' in page


def test_the_fragment_is_the_results_alone(made, client_as):
    response = client_as("supervisor").get("/kpis?period=2026-11&sort=handling_time", headers={"HX-Request": "true"})
    fragment = html(response)
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in fragment and "<h1>" not in fragment and fragment.lstrip().startswith('<div class="toolbar">')
    assert "<h2>2026年11月阳城县考核指标</h2>" in fragment and "2026年逐月平均办理时长（工作日）" in fragment
    assert '<option value="2026-11" selected>' in fragment and '<option value="handling_time" selected>' in fragment


def test_an_empty_period_shows_dashes_never_a_rate(made, client_as):
    page = html(client_as("supervisor").get("/kpis?period=2026-09"))
    summary = page.split('class="list kpi-summary"')[1].split("</table>")[0]
    assert summary.count("<td class=\"nowrap\">—</td>") == 10 and "%" not in summary


def test_a_stale_period_shows_this_year(made, client_as):
    page = html(client_as("supervisor").get("/kpis?period=2026-13"))
    assert '<option value="2026" selected>' in page


def _unit_id(app, name: str) -> int:
    with app.app_context():
        return db.session.execute(select(HandlingUnit.id).where(HandlingUnit.name == name)).scalar_one()


def test_a_count_leads_to_as_many_cases(app, made, client_as, world):
    supervisor = client_as("supervisor")
    page = html(supervisor.get("/kpis?period=2026"))
    link = re.search(r'超期 <a href="([^"]+)">3</a>', page)[1].replace("&amp;", "&")
    cases = html(supervisor.get(link))
    assert "按时办结率：超期" in cases and "（3 件）" in cases
    assert cases.count('<a href="/cases/') == 3
    assert "张三" not in cases and "13800000" not in cases  # no requester details
    fengcheng = _unit_id(app, "凤城镇")
    unit_link = re.search(rf'<a href="(/kpis/cases\?[^"]*unit={fengcheng}&amp;measure=sign_for&amp;part=denominator)">4</a>',
                          page)[1]
    deadlines = html(supervisor.get(unit_link.replace("&amp;", "&")))
    assert "凤城镇2026年签收率：应签收" in deadlines and deadlines.count('<a href="/cases/') == 4
    assert "未签收" in deadlines  # F's sign-for, past due and never met


@pytest.mark.parametrize("query", ["measure=nothing&part=numerator&period=2026", "measure=on_time&part=all&period=2026",
                                   "measure=on_time&part=numerator&period=2026-13",
                                   "measure=handling_time&part=numerator&period=2026"])
def test_a_list_of_nothing_known_is_404(made, client_as, query):
    assert client_as("supervisor").get(f"/kpis/cases?{query}").status_code == 404


def test_the_excel_holds_the_pages_numbers_and_the_definitions(made, client_as):
    response = client_as("supervisor").get("/kpis.xlsx?period=2026")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["考核指标", "按承办单位", "2026年按月", "指标定义"]
    summary = {row[0]: row[1:4] for row in workbook["考核指标"].iter_rows(min_row=3, values_only=True)}
    assert summary["按时办结率"] == (pytest.approx(4 / 7), 4, 7)
    assert summary["平均办理时长（工作日）"] == (pytest.approx(14 / 3), 14, 3)
    assert summary["12345满意率"] == (0.75, 3, 4)
    units = list(workbook["按承办单位"].iter_rows(values_only=True))
    assert units[0][1:4] == ("签收率", "签收率：按时签收", "签收率：应签收")
    rows = {row[0]: row for row in units[1:]}
    assert rows["凤城镇"][4:7] == (0.75, 3, 4) and rows["合计"][4:7] == (pytest.approx(4 / 7), 4, 7)
    assert rows["尚未派单"][1:4] == ("—", 0, 0)
    months = {row[0]: row for row in workbook["2026年按月"].iter_rows(min_row=2, values_only=True)}
    assert months["10月"][4:7] == (0.5, 3, 6) and months["1月"][4] == "—"
    definitions = dict(workbook["指标定义"].iter_rows(min_row=2, values_only=True))
    assert "批准延期的以延长后的期限为准" in definitions["按时办结率"]


def test_a_clerk_sees_their_township_alone(made, client_as, world):
    clerk = client_as("clerk")
    page = html(clerk.get("/kpis"))
    assert "<h1>凤城镇诉求件考核指标</h1>" in page and "北留镇" not in page and "尚未派单" not in page
    assert "75.0%（<a" in page
    for path in ("/kpis", "/kpis.xlsx", "/kpis/cases?measure=on_time&part=numerator&period=2026"):
        assert clerk.get(f"{path}{'&' if '?' in path else '?'}region={world.town_a2.id}").status_code == 404
        assert clerk.get(f"{path}{'&' if '?' in path else '?'}region={world.county_a.id}").status_code == 404
    beiliu = _unit_id(clerk.application, "北留镇")
    assert clerk.get(f"/kpis/cases?measure=on_time&part=numerator&period=2026&unit={beiliu}").status_code == 404


def test_a_supervisor_sees_their_county_and_no_other(made, client_as, world):
    supervisor = client_as("supervisor")
    assert supervisor.get(f"/kpis?region={world.county_b.id}").status_code == 404
    assert supervisor.get(f"/kpis.xlsx?region={world.county_b.id}").status_code == 404
    township = html(supervisor.get(f"/kpis?region={world.town_a2.id}"))
    assert "<h1>北留镇诉求件考核指标</h1>" in township and "50.0%（<a" in township


def test_the_city_viewer_sees_every_county_below_each_linking_its_page(made, client_as, world):
    viewer = client_as("viewer")
    page = html(viewer.get("/kpis?period=2026"))
    assert "县（市、区）排名" in page and "尚未派单" not in page
    assert f'href="/kpis?region={world.county_a.id}&amp;period=2026&amp;sort=on_time">阳城县</a>' in page
    assert f'href="/kpis?region={world.county_b.id}&amp;period=2026&amp;sort=on_time">泽州县</a>' in page
    county = html(viewer.get(f"/kpis?region={world.county_a.id}&period=2026"))
    assert "返回晋城市" in county and "57.1%（<a" in county
    workbook = load_workbook(io.BytesIO(viewer.get("/kpis.xlsx?period=2026").data))
    assert [row[0] for row in workbook["按县（市、区）"].iter_rows(min_row=2, values_only=True)] == ["阳城县", "泽州县", "合计"]


@pytest.mark.parametrize("username", ["admin", "supervisor", "clerk", "viewer"])
def test_every_role_reads_the_page_from_the_navigation(made, client_as, username):
    page = html(client_as(username).get("/"))
    assert '<a href="/kpis">考核指标</a>' in page
    assert client_as(username).get("/kpis").status_code == 200


@pytest.mark.parametrize("path", ["/kpis", "/kpis.xlsx", "/kpis/cases?measure=on_time&part=numerator&period=2026"])
def test_login_is_required(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_page_is_a_handful_of_statements(made, client_as, sql_statements):
    supervisor = client_as("supervisor")
    with sql_statements() as first:
        html(supervisor.get("/kpis?period=2026"))
    # The user, the region, the revision and the next deadline due (for the page's tables), the
    # calendar (its revision, then 2 as it is first read), the units, then the year's counts: the
    # revision, three counts and the next deadline due again.
    assert len(first) <= 13, "\n".join(s[:150] for s in first)
    with sql_statements() as again:
        html(supervisor.get("/kpis?period=2026"))
    # Nothing changed: the tables are kept, only the user, the region and the revision are read.
    assert len(again) == 3 and "data_revisions" in again[-1], "\n".join(s[:150] for s in again)


def test_a_long_list_is_paged_and_every_page_adds_up_to_the_figure(app, made, client_as, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 3)
    supervisor = client_as("supervisor")
    listed = []
    for number in (1, 2, 3):
        page = html(supervisor.get(f"/kpis/cases?measure=sign_for&part=denominator&period=2026&page={number}"))
        listed += re.findall(r'<a href="/cases/(\d+)">', page)
        assert f"第 {number} / 3 页，共 7 条" in page
    assert len(listed) == 7 and len(set(listed)) == 6  # D's two sign-for deadlines, one per dispatch


def test_a_kept_page_shows_a_write_and_a_renamed_unit_at_once(app, made, client_as):
    supervisor = client_as("supervisor")

    def text() -> str:
        return re.sub(r"<[^>]+>|\s", "", html(supervisor.get("/kpis?period=2026")))

    assert "签收率71.4%（5/7）" in text() and "签收率71.4%（5/7）" in text()  # the second one kept
    with app.app_context():
        # H, never dispatched, is dispatched and signed for in time; a unit takes a new name.
        h = db.session.get(Case, made["H"])
        _dispatch(h, "凤城镇", OCT_8)
        _step(h, ActionKind.SIGN_FOR, "clerk", OCT_8)
        db.session.commit()
        assert "签收率75.0%（6/8）" in text()
        db.session.get(HandlingUnit, _unit_id(app, "北留镇")).name = "北留镇文体中心"
        db.session.commit()
    assert "北留镇文体中心" in text()
