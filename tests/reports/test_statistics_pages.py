"""年度统计 pages: the page and its fragment, every number followed to its records, the Excel and
the .docx holding the same numbers, bad periods, and who sees what."""
import io
import re
from datetime import date
from html import unescape

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from app.timeutil import local_today
from tests.reports.statistics_data import add_training, make_year

HX = {"HX-Request": "true"}
NUMBER_LINK = re.compile(r'<a href="(/statistics/records\?[^"]+)">(\d+)</a>')


def _sentence() -> str:
    """The summary's first sentence for 2026 as it stands when the test runs: the year's end, or
    today while it runs. Read per test, not at import: a suite started before local midnight
    reaches these tests after it."""
    as_of = min(date(2026, 12, 31), local_today())
    return (f"截至{as_of.year}年{as_of.month}月{as_of.day}日，全县乡镇级体育总会达到2个，其中1个达到“四有”标准，"
            "覆盖2个乡镇（街道）中的2个，覆盖率100%。")


def _links(html: str) -> list[tuple[str, int]]:
    return [(unescape(url), int(n)) for url, n in NUMBER_LINK.findall(html)]


@pytest.fixture
def year(app, world):
    return make_year(app, world)


def test_the_page_and_its_fragment(year, client_as):
    client = client_as("supervisor")
    page = client.get("/statistics?period=2026")
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    html = page.get_data(as_text=True)
    assert "<h1>阳城县2026年度体育社会组织工作统计</h1>" in html and "<html" in html
    assert _sentence() in html
    assert 'href="/statistics.xlsx?region=' in html and 'href="/statistics.docx?region=' in html
    fragment = client.get("/statistics?period=2026-H1", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "<h1>阳城县2026年上半年体育社会组织工作统计</h1>" in fragment
    assert '<option value="2026-H1" selected>' in fragment  # the form comes with it, as chosen
    assert "截至2026年6月30日" in fragment
    # Without ?period= the page counts this year.
    assert re.search(r"<h1>阳城县\d{4}年度体育社会组织工作统计</h1>", client.get("/statistics").get_data(as_text=True))


def test_every_number_leads_to_as_many_records(year, client_as):
    """Each number on the page links to its records; the list holds that many (the summed
    participants: their participants add up to it)."""
    client = client_as("supervisor")
    links = _links(client.get("/statistics?period=2026").get_data(as_text=True))
    assert len(links) > 30
    for url, value in links:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert f"<strong>{value}</strong>" in html, url
        rows = re.findall(r"<tr><td", html)
        if "figure=participants" in url:
            assert sum(int(n) for n in re.findall(r"<td>(\d+)</td></tr>", html)) == value
        else:
            assert len(rows) == value, url
    founded = next(url for url, _ in links if "figure=events" in url and "kind=founding" in url)
    html = client.get(founded).get_data(as_text=True)
    assert "北留镇篮球俱乐部" in html and "阳城县排球协会" in html and "南村镇" not in html
    fragment = client.get(founded, headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "<h1>" not in fragment and "北留镇篮球俱乐部" in fragment


def test_the_records_list_pages(year, app, world, client_as):
    app.config["PER_PAGE"], saved = 2, app.config["PER_PAGE"]
    try:
        client = client_as("supervisor")
        first = client.get("/statistics/records?figure=inspections&period=2026").get_data(as_text=True)
        assert "<strong>5</strong>" in first and len(re.findall(r"<tr><td", first)) == 2 and 'rel="next"' in first
        last = client.get("/statistics/records?figure=inspections&period=2026&page=3").get_data(as_text=True)
        assert len(re.findall(r"<tr><td", last)) == 1
    finally:
        app.config["PER_PAGE"] = saved


@pytest.mark.parametrize("query", [
    "figure=nothing&period=2026", "figure=organizations&kind=stadium&period=2026",
    "figure=federations&verdict=maybe&period=2026", "period=2026", "figure=organizations&period=abc",
])
def test_a_records_link_that_names_nothing_is_not_found(year, client_as, query):
    assert client_as("supervisor").get(f"/statistics/records?{query}").status_code == 404


@pytest.mark.parametrize(("query", "field", "message"), [
    ("period=abc", "period", "请选择年度或半年"),
    ("period=dates&start=2026-06-30&end=2026-03-01", "end", "截止日期不能早于起始日期。"),
    ("period=dates&start=2026-13-01&end=2026-12-31", "start", "请按“年-月-日”填写日期"),
    ("period=dates", "start", "请填写起始日期"),
])
def test_a_bad_period_is_told_at_its_field(year, client_as, query, field, message):
    client = client_as("supervisor")
    for url in (f"/statistics?{query}", f"/statistics.xlsx?{query}", f"/statistics.docx?{query}"):
        response = client.get(url)
        assert response.status_code == 422, url
        html = response.get_data(as_text=True)
        assert re.search(rf'<p class="error" id="{field}-error">{re.escape(message)}', html), url
    kept = client.get(f"/statistics?{query}", headers=HX).get_data(as_text=True)
    for value in re.findall(r"=([^&]+)", query):
        assert f'value="{value}"' in kept  # what was typed stays in the form


def test_a_period_by_dates(year, client_as):
    html = client_as("supervisor").get("/statistics?period=dates&start=2026-03-01&end=2026-03-15").get_data(as_text=True)
    assert "<h1>阳城县2026年3月1日至2026年3月15日体育社会组织工作统计</h1>" in html
    assert "2026年3月1日至2026年3月15日，新成立体育社会组织1个（北留镇篮球俱乐部）" in html
    assert "period=dates&amp;start=2026-03-01&amp;end=2026-03-15&amp;figure=events&amp;kind=founding" in html


def _workbook_numbers(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_the_excel_holds_the_pages_numbers(year, client_as):
    client = client_as("supervisor")
    response = client.get("/statistics.xlsx?period=2026")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert 'filename="statistics-140522-2026-' in response.headers["Content-Disposition"]
    sheets = _workbook_numbers(response.data)
    assert list(sheets) == ["统计概述", "体育社会组织（期末存续）", "体育总会达标情况", "覆盖情况", "成立、换届、变更、注销",
                            "检查与整改", "赛事活动", "诉求件办理", "登记事项名单"]
    assert sheets["统计概述"][0][0] == "阳城县2026年度体育社会组织工作统计" and sheets["统计概述"][1][0] == _sentence()
    assert sheets["体育社会组织（期末存续）"][1] == ("类型", "市级", "县级", "乡镇级", "村级", "合计")
    assert sheets["体育社会组织（期末存续）"][2] == ("体育总会", 0, 1, 2, 0, 3)
    assert sheets["体育社会组织（期末存续）"][7] == ("合计", 0, 2, 3, 1, 6)
    assert sheets["体育总会达标情况"][2:4] == [("县级", 1, 1, 0, 0, "“五有”"), ("乡镇级", 2, 1, 1, 0, "“四有”")]
    assert sheets["覆盖情况"][2:4] == [("乡镇（街道）", "乡镇级体育总会", 2, 2, 0, "100%"), ("社区", "社区健身会", 2, 1, 1, "50%")]
    assert sheets["成立、换届、变更、注销"][2] == ("成立", 2, "北留镇篮球俱乐部、阳城县排球协会")
    assert sheets["检查与整改"][6] == ("合计", 5, 4, 1)
    assert sheets["赛事活动"][-2] == ("参与人次", 350)
    assert sheets["登记事项名单"][1:] == [("2026-02-10", "换届", "阳城县体育总会", "阳城县", None),
                                     ("2026-03-15", "成立", "北留镇篮球俱乐部", "北留镇", None),
                                     ("2026-05-20", "注销", "阳城县门球协会", "阳城县", None),
                                     ("2026-08-01", "成立", "阳城县排球协会", "阳城县", None)]
    # Every number on the page is in the workbook's table at the same place.
    page = client.get("/statistics?period=2026").get_data(as_text=True)
    for title, rows in sheets.items():
        if title in ("统计概述", "登记事项名单"):
            continue
        table = page.split(f"<h2>{title}</h2>", 1)[1].split("</table>", 1)[0]
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table)]
        written = [str(v) if v is not None else "" for row in rows[1:] for v in row if not str(v).startswith("说明")]
        assert cells == written[:len(cells)], title


def test_the_word_document_holds_the_figures_in_its_sentences(year, client_as):
    response = client_as("supervisor").get("/statistics.docx?period=2026")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = Document(io.BytesIO(response.data))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "阳城县2026年度体育社会组织工作统计"
    assert paragraphs[1] == _sentence()
    assert "全年新成立体育社会组织2个（北留镇篮球俱乐部、阳城县排球协会），完成换届1个（阳城县体育总会），" \
           "办理变更登记0个，注销1个（阳城县门球协会）。" in paragraphs
    assert "全年开展赛事活动3场，其中培训1期，参与群众350人次（按已上报活动的实际参与人数统计）。" in paragraphs
    assert len(document.tables) == 7
    assert [c.text for c in document.tables[0].rows[1].cells] == ["体育总会", "0", "1", "2", "0", "3"]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert document.styles["Title"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    half = Document(io.BytesIO(client_as("supervisor").get("/statistics.docx?period=2026-H1").data))
    assert half.paragraphs[0].text == "阳城县2026年上半年体育社会组织工作统计"
    assert any(p.text.startswith("上半年新成立体育社会组织1个（北留镇篮球俱乐部）") for p in half.paragraphs)


def test_a_clerk_sees_its_own_township_only(year, world, client_as):
    client = client_as("clerk")
    html = client.get("/statistics?period=2026").get_data(as_text=True)
    assert "<h1>凤城镇2026年度体育社会组织工作统计</h1>" in html
    assert 'name="region"' not in html  # nothing to choose
    assert "北留镇" not in html and "阳城县排球协会" not in html
    assert "全镇共有体育社会组织2个" in html
    for url, value in _links(html):
        assert client.get(url).status_code == 200 and value
    for path in ("/statistics", "/statistics/records", "/statistics.xlsx", "/statistics.docx"):
        assert client.get(f"{path}?period=2026&figure=organizations&region={world.county_a.id}").status_code == 404
    assert client_as("supervisor").get(f"/statistics?region={world.county_b.id}").status_code == 404


def test_a_city_viewer_sees_the_city_and_chooses_a_county(year, world, client_as):
    client = client_as("viewer")
    html = client.get("/statistics?period=2026").get_data(as_text=True)
    assert "<h1>晋城市2026年度体育社会组织工作统计</h1>" in html
    assert re.search(r'<option value="%d">[^<]*泽州县' % world.county_b.id, html)
    assert re.search(r'<option value="%d">[^<]*阳城县' % world.county_a.id, html)
    assert "凤城镇" not in html.split('name="region"')[1].split("</select>")[0]  # counties only
    assert "全年新成立体育社会组织3个" in html and "参与群众1349人次" in html
    county_b = client.get(f"/statistics?period=2026&region={world.county_b.id}").get_data(as_text=True)
    assert "<h1>泽州县2026年度体育社会组织工作统计</h1>" in county_b and "参与群众999人次" in county_b
    for url, value in _links(county_b):
        assert f"region={world.county_b.id}" in url
        assert f"<strong>{value}</strong>" in client.get(url).get_data(as_text=True)
    sheets = _workbook_numbers(client.get(f"/statistics.xlsx?period=2026&region={world.county_b.id}").data)
    assert sheets["统计概述"][0][0] == "泽州县2026年度体育社会组织工作统计"
    assert [row[2] for row in sheets["登记事项名单"][1:]] == ["南村镇体育总会"]


@pytest.mark.parametrize("path", ["/statistics", "/statistics/records?figure=organizations", "/statistics.xlsx",
                                  "/statistics.docx"])
def test_login_required(client, world, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["admin", "supervisor", "clerk", "viewer"])
def test_every_role_finds_it_in_the_navigation(world, client_as, username):
    html = client_as(username).get("/").get_data(as_text=True)
    assert '<a href="/statistics">年度统计</a>' in html


def test_the_page_sends_a_handful_of_statements(year, client_as, sql_statements):
    """The figures are counted in SQL, one statement each, whatever the number of records."""
    client = client_as("supervisor")
    with sql_statements() as statements:
        assert client.get("/statistics?period=2026").status_code == 200
    # The user and region, the standards, the event names, the channels, one GROUP BY per figure
    # (the six case figures in one, over the KPI page's facts of the period's cases, with the
    # revision they are kept by and the next deadline due).
    # The page's sentences and tables are kept by the same revisions (read once more, with the
    # next deadline due).
    assert len(statements) <= 21, "\n".join(s[:150] for s in statements)
    with sql_statements() as again:
        assert client.get("/statistics?period=2026").status_code == 200
    # Nothing changed: the user, the region, the region choices and the revisions.
    assert len(again) == 4 and any("data_revisions" in s for s in again), "\n".join(s[:150] for s in again)


def test_a_kept_page_shows_a_new_activity_at_once(app, year, client_as):
    client = client_as("supervisor")
    trainings = re.compile(r"其中培训(\d+)期")
    page = lambda: client.get("/statistics?period=2026").get_data(as_text=True)  # noqa: E731
    assert trainings.search(page())[1] == trainings.search(page())[1] == "1"  # the second one kept
    add_training(app, year)
    assert trainings.search(page())[1] == "2"
