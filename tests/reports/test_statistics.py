"""年度统计: each figure against a hand-counted year (tests/reports/statistics_data.py), the
periods, the report's sentences, and the scope every figure is counted in."""
import dataclasses
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.cases.models import Channel
from app.extensions import db
from app.organizations.models import OrgLevel
from app.regions.models import Region, RegionLevel
from app.reports import statistics, wording
from app.reports.forms import StatisticsForm
from app.reports.sections import CASE_COLUMNS, tables
from app.reports.statistics import FIGURES, Period, Statistics, Tally, parse_period
from app.scoping import set_scope
from app.standards.models import Standard
from app.timeutil import local_today
from tests.reports.kpi_cases import make_kpi_cases
from tests.reports.statistics_data import add_training, make_year

YEAR = Period.year(2026)


def _stats(app, region, period: Period, scope: str | None = None) -> Statistics:
    """The statistics of ``region`` as a user whose scope is ``scope`` (None: unfiltered) sees them."""
    with app.test_request_context():
        set_scope(scope)
        return statistics.statistics(db.session.get(Region, region.id), period, date(2027, 3, 1))


def _cells(stats: Statistics) -> dict[str, dict]:
    """The figures of the registry, inspections and activities (the cases' are tested on cases
    made for them: test_the_case_figures_by_channel_are_the_kpi_pages_parts)."""
    return {key: tally.cells for key, tally in stats.tallies.items() if key not in CASE_COLUMNS}


def test_each_figure_of_the_county_for_the_year(app, world):
    make_year(app, world)
    stats = _stats(app, world.county_a, YEAR, world.county_a.path)
    assert _cells(stats) == {
        # Active at the year's end: the 门球协会 dissolved in May is not, the 排球协会 founded in August is.
        "organizations": {("federation", "township"): 2, ("federation", "county"): 1, ("association", "county"): 1,
                          ("club", "township"): 1, ("community_association", "village"): 1},
        # 凤城镇 passed in March, failed the June spot check (its September self-check does not count).
        "federations": {("township", "pass"): 1, ("township", "fail"): 1, ("county", "pass"): 1},
        "townships": {("yes",): 2},
        "communities": {("yes",): 1, ("no",): 1},  # 东关社区 and 西关社区; 上孔村 is a 村
        "events": {("founding",): 2, ("reelection",): 1, ("dissolution",): 1},  # December 2025's 变更 is outside
        "inspections": {("acceptance", "pass"): 3, ("spot_check", "fail"): 1, ("self_check", "pass"): 1},
        "rectifications_opened": {(): 1},
        "rectifications_closed": {(): 1},
        "activities": {("competition",): 1, ("training",): 1, ("event",): 1},  # cancelled and 2025's are not
        "participants": {(): 350},  # reported activities only: the planned one has no actual number
    }
    assert stats.names == {"founding": ["北留镇篮球俱乐部", "阳城县排球协会"], "reelection": ["阳城县体育总会"],
                           "dissolution": ["阳城县门球协会"]}
    assert {level: s.name for level, s in stats.standards.items()} == {OrgLevel.TOWNSHIP: "四有", OrgLevel.COUNTY: "五有"}
    assert stats.title == "阳城县2026年度体育社会组织工作统计"


def test_a_federation_meets_its_standard_by_its_latest_county_check_up_to_the_periods_end(app, world):
    make_year(app, world)
    before_the_spot_check = _stats(app, world.county_a, Period.between(date(2026, 1, 1), date(2026, 5, 31)))
    assert before_the_spot_check["federations"].get(level="township", verdict="pass") == 2
    year = _stats(app, world.county_a, YEAR)
    assert year["federations"].get(level="township", verdict="pass") == 1
    # Before any check, a federation is 未检查, whatever it did later.
    march = _stats(app, world.county_a, Period.between(date(2026, 2, 1), date(2026, 2, 28)))
    assert march["federations"].cells == {("township", "none"): 2, ("county", "none"): 1}


def test_last_year_counts_the_organisations_of_then(app, world):
    make_year(app, world)
    stats = _stats(app, world.county_a, Period.year(2025))
    # The 门球协会 was still active; 北留镇's federation, the club and the 排球协会 did not exist yet.
    assert stats["organizations"].total == 4
    assert stats["organizations"].get(kind="association") == 1
    assert stats["townships"].cells == {("yes",): 1, ("no",): 1}
    assert stats["events"].cells == {("change",): 1}
    assert stats["activities"].total == 1 and stats["participants"].total == 80
    assert stats["inspections"].total == 0


def test_half_years_and_dates_split_the_year(app, world):
    make_year(app, world)
    first = _stats(app, world.county_a, Period.half(2026, 1))
    second = _stats(app, world.county_a, Period.half(2026, 2))
    assert first["events"].cells == {("founding",): 1, ("reelection",): 1, ("dissolution",): 1}
    assert second["events"].cells == {("founding",): 1}
    # Opened 2026-06-02, closed 2026-07-01 01:00 China time (still June 30th in UTC).
    assert (first["rectifications_opened"].total, first["rectifications_closed"].total) == (1, 0)
    assert (second["rectifications_opened"].total, second["rectifications_closed"].total) == (0, 1)
    assert (first["activities"].total, first["participants"].total) == (1, 300)
    assert (second["activities"].total, second["participants"].total) == (2, 50)
    assert first["inspections"].total == 4 and second["inspections"].cells == {("self_check", "pass"): 1}
    spring = _stats(app, world.county_a, Period.between(date(2026, 3, 1), date(2026, 3, 15)))
    assert spring["events"].cells == {("founding",): 1}
    assert spring["inspections"].cells == {("acceptance", "pass"): 1}


def test_every_figure_keeps_to_the_region_and_the_scope(app, world):
    make_year(app, world)
    clerk = _stats(app, world.town_a1, YEAR, world.town_a1.path)
    assert _cells(clerk) == {
        "organizations": {("federation", "township"): 1, ("community_association", "village"): 1},
        "federations": {("township", "fail"): 1},
        "townships": {("yes",): 1},
        "communities": {("yes",): 1, ("no",): 1},
        "events": {},
        "inspections": {("acceptance", "pass"): 1, ("spot_check", "fail"): 1, ("self_check", "pass"): 1},
        "rectifications_opened": {(): 1},
        "rectifications_closed": {(): 1},
        "activities": {("competition",): 1, ("training",): 1, ("event",): 1},
        "participants": {(): 350},
    }
    assert clerk.names == {}
    county_b = _stats(app, world.county_b, YEAR, world.county_b.path)
    assert _cells(county_b) == {
        "organizations": {("federation", "township"): 1}, "federations": {("township", "pass"): 1},
        "townships": {("yes",): 1}, "communities": {}, "events": {("founding",): 1},
        "inspections": {("acceptance", "pass"): 1}, "rectifications_opened": {(): 0}, "rectifications_closed": {(): 0},
        "activities": {("competition",): 1}, "participants": {(): 999},
    }
    city = _stats(app, world.city, YEAR, world.city.path)
    county_a = _stats(app, world.county_a, YEAR, world.city.path)  # a county chosen below the viewer's city
    province = _stats(app, world.province, YEAR, None)  # the administrator's: nothing filtered
    for key in FIGURES:
        assert city[key].total == county_a[key].total + county_b[key].total == province[key].total, key


def test_the_records_behind_a_number_are_as_many_as_the_number(app, world):
    make_year(app, world)
    with app.test_request_context():
        set_scope(world.county_a.path)
        county = db.session.get(Region, world.county_a.id)
        for key, figure in FIGURES.items():
            tally = figure.tally(county, YEAR)
            for cell_key in tally.cells:
                cell = dict(zip((d.key for d in figure.by), cell_key, strict=True))
                records = db.session.execute(figure.select(county, YEAR, cell)).scalars().unique().all()
                if figure.summed is None:
                    assert len(records) == tally.get(**cell), (key, cell)
                else:
                    assert sum(r.actual_participants or 0 for r in records) == tally.get(**cell), (key, cell)
        with pytest.raises(KeyError):
            FIGURES["organizations"].select(county, YEAR, {"kind": "stadium"})


@pytest.mark.parametrize(("text", "period"), [
    ("2026", Period(date(2026, 1, 1), date(2026, 12, 31), "2026")),
    ("2026-H1", Period(date(2026, 1, 1), date(2026, 6, 30), "2026-H1")),
    (" 2025-H2 ", Period(date(2025, 7, 1), date(2025, 12, 31), "2025-H2")),
    ("2026-H3", None), ("26", None), ("1999", None), ("２０２６", None), ("", None), (None, None),
])
def test_parse_period(text, period):
    assert parse_period(text) == period


def test_a_periods_names():
    assert [p.name for p in (YEAR, Period.half(2026, 1), Period.between(date(2026, 3, 1), date(2026, 6, 30)))] == [
        "2026年度", "2026年上半年", "2026年3月1日至2026年6月30日"]
    assert [p.opening for p in (YEAR, Period.half(2026, 2), Period.between(date(2026, 3, 1), date(2026, 6, 30)))] == [
        "全年", "下半年", "2026年3月1日至2026年6月30日，"]
    assert Period.between(date(2026, 3, 1), date(2026, 6, 30)).args == {
        "period": "dates", "start": "2026-03-01", "end": "2026-06-30"}


@pytest.mark.parametrize(("args", "errors"), [
    ({}, {}),
    ({"period": "2026-H2"}, {}),
    ({"period": "dates", "start": "2026-03-01", "end": "2026-06-30"}, {}),
    ({"period": "2026年"}, {"period": ["请选择年度或半年（如 2026、2026-H1），或选择“按起止日期”。"]}),
    ({"period": "dates"}, {"start": ["请填写起始日期（年-月-日）。"], "end": ["请填写截止日期（年-月-日）。"]}),
    ({"period": "dates", "start": "2026-06-30", "end": "2026-03-01"}, {"end": ["截止日期不能早于起始日期。"]}),
    ({"period": "dates", "start": "2026-02-30", "end": "2026-03-01"}, {"start": ["请按“年-月-日”填写日期，如 2026-03-01。"]}),
    ({"period": "dates", "start": "0001-01-01", "end": "2026-03-01"}, {"start": ["日期应在 2000 年至 2100 年之间。"]}),
    ({"period": "2026", "start": "nonsense"}, {}),  # dates count only for a period chosen by its dates
])
def test_the_period_form(app, args, errors):
    with app.test_request_context():
        form = StatisticsForm(MultiDict(args))
        assert form.validate() is not errors
        assert form.errors == errors
        if not errors:
            assert form.chosen() == (Period.year(local_today().year) if not args else
                                     parse_period(args["period"]) or Period.between(date(2026, 3, 1), date(2026, 6, 30)))


def _made_up(region_name: str, period: Period, counts: dict[str, dict], names=None) -> Statistics:
    """Statistics from given numbers, for the sentences alone (no database)."""
    region = Region(name=region_name, level=RegionLevel.COUNTY)
    standards = {OrgLevel.TOWNSHIP: Standard(name="四有"), OrgLevel.COUNTY: Standard(name="五有")}
    return Statistics(region=region, period=period, standards=standards, names=names or {}, as_of=period.end,
                      tallies={key: Tally(figure, counts.get(key, {})) for key, figure in FIGURES.items()})


def test_the_sentences_of_a_report():
    counts = {
        "federations": {("township", "pass"): 96, ("township", "fail"): 20, ("township", "none"): 7,
                        ("county", "pass"): 1},
        "townships": {("yes",): 123, ("no",): 2},
        "communities": {("yes",): 168},
        "organizations": {("federation", "township"): 123, ("association", "county"): 40},
        "events": {("founding",): 22, ("reelection",): 3},
        "inspections": {("acceptance", "pass"): 30, ("acceptance", "fail"): 5, ("self_check", "pass"): 80},
        "rectifications_opened": {(): 12}, "rectifications_closed": {(): 9},
        "activities": {("competition",): 40, ("training",): 12, ("event",): 60},
        "participants": {(): 23456},
    }
    names = {"founding": [f"第{i}协会" for i in range(1, 22)], "reelection": ["体育产业联合会", "乒乓球协会", "瑜伽协会"]}
    text = wording.sentences(_made_up("阳城县", YEAR, counts, names))
    assert text[0] == ("截至2026年12月31日，全县乡镇级体育总会达到123个，其中96个达到“四有”标准，"
                       "覆盖125个乡镇（街道）中的123个，覆盖率98%。")
    assert text[1] == "全县县级体育总会达到1个，其中1个达到“五有”标准。"
    assert text[2] == "在168个社区中实现社区健身会全覆盖。"
    assert text[3] == "截至2026年12月31日，全县共有体育社会组织163个，其中体育总会123个、单项体育协会40个。"
    founded = "、".join(f"第{i}协会" for i in range(1, 21))
    assert text[4] == (f"全年新成立体育社会组织22个（{founded}等），完成换届3个（体育产业联合会、乒乓球协会、瑜伽协会），"
                       "办理变更登记0个，注销0个。")
    assert text[5] == "全年完成检查115次（自查80次、验收35次），结论为达标的110次；新增整改问题12项，整改销号9项。"
    assert text[6] == "全年开展赛事活动112场，其中培训12期，参与群众23456人次（按已上报活动的实际参与人数统计）。"

    first_half = wording.sentences(_made_up("城区", Period.half(2026, 1), counts))
    assert first_half[0].startswith("截至2026年6月30日，全区乡镇级体育总会达到123个")
    assert first_half[-1].startswith("上半年开展赛事活动112场")
    running = dataclasses.replace(_made_up("阳城县", YEAR, counts, names), as_of=date(2026, 12, 4))
    assert wording.sentences(running)[0].startswith("截至2026年12月4日，全县")  # the year is not over yet
    spring = wording.sentences(_made_up("高平市", Period.between(date(2026, 3, 1), date(2026, 6, 30)), {}))
    assert spring == ["截至2026年6月30日，全市共有体育社会组织0个。",
                      "2026年3月1日至2026年6月30日，新成立体育社会组织0个，完成换届0个，办理变更登记0个，注销0个。",
                      "2026年3月1日至2026年6月30日，完成检查0次，结论为达标的0次；新增整改问题0项，整改销号0项。",
                      "2026年3月1日至2026年6月30日，开展赛事活动0场，其中培训0期，参与群众0人次（按已上报活动的实际参与人数统计）。"]


@pytest.mark.parametrize(("name", "word"), [("阳城县", "全县"), ("城区", "全区"), ("高平市", "全市"), ("凤城镇", "全镇"),
                                            ("东城街道", "全街道"), ("晋城市", "全市"), ("山西省", "全省")])
def test_how_a_report_names_its_region(name, word):
    assert wording.whole(Region(name=name, level=RegionLevel.COUNTY)) == word


def test_the_case_figures_by_channel_are_the_kpi_pages_parts(app, world):
    """Hand-made cases with known KPIs (tests/reports/kpi_cases.py): 阳城县 received seven 12345
    calls (one merged into an earlier one) and one 网络问政 question; 泽州县's case is not counted."""
    make_kpi_cases(app, world)
    stats = _stats(app, world.county_a, YEAR, world.county_a.path)
    with app.app_context():
        hotline, online = (db.session.execute(select(Channel.id).where(Channel.code == code)).scalar_one()
                           for code in ("hotline12345", "online_qa"))
        by_channel = {figure: {int(k[0]): n for k, n in stats[figure].cells.items()} for figure in CASE_COLUMNS}
        assert by_channel == {
            "cases_received": {hotline: 7, online: 1},  # the merged repeat call G counts as received
            "cases_answered": {hotline: 4, online: 1},  # A, B, C, D (redone and answered again); J
            "cases_due": {hotline: 6, online: 1},  # every case but the duplicate has an answer due by now
            "cases_on_time": {hotline: 3, online: 1},  # A, B, C (in its extension); D was late, F and H never
            "cases_called_back": {hotline: 4},  # A, B, C and D's redone round; J had no 回访
            "cases_satisfied": {hotline: 3},  # C stayed 不满意
        }
        cases = next(t for t in tables(stats) if t.title == "诉求件办理")
        assert [row[0] for row in cases.rows] == ["12345热线", "网络问政", "合计"]
        assert [str(cell) for cell in cases.rows[-1][1:]] == ["8", "5", "7", "4", "4", "3", "57%", "75%"]
        assert any(s.startswith("全年共收到诉求件8件（12345热线7件、网络问政1件），办理答复5件，按时办结率57%，"
                                "回访满意率75%") for s in wording.sentences(stats))
    with app.test_request_context():  # counted in one pass, as each figure's records count them alone
        set_scope(world.county_a.path)
        county = db.session.get(Region, world.county_a.id)
        assert all(FIGURES[f].tally(county, YEAR).cells == stats[f].cells for f in CASE_COLUMNS)
    # A 凤城镇 clerk counts the cases dispatched there (A, B, F; J online); 泽州县 its own (I).
    town = _stats(app, world.town_a1, YEAR, world.town_a1.path)
    assert {int(k[0]): n for k, n in town["cases_received"].cells.items()} == {hotline: 3, online: 1}
    zezhou = _stats(app, world.county_b, YEAR, world.county_b.path)
    assert {int(k[0]): n for k, n in zezhou["cases_received"].cells.items()} == {hotline: 1}


def test_a_kept_figure_follows_a_write_to_what_it_counts(app, world):
    year = make_year(app, world)
    assert _cells(_stats(app, world.county_a, YEAR, world.county_a.path))["activities"][("training",)] == 1
    add_training(app, year)
    assert _cells(_stats(app, world.county_a, YEAR, world.county_a.path))["activities"][("training",)] == 2
