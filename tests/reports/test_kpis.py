"""考核指标 on hand-made cases with known answers (tests/reports/kpi_cases.py): every measure of
the county, per unit, per month, on 12345 alone; the cases behind each figure are as many as it
counts; the scope of each reader."""
from datetime import datetime

from sqlalchemy import func, select

from app.cases import matching
from app.cases.models import Case
from app.cases.services import load_calendar
from app.extensions import db
from app.reports import kpis
from app.reports.kpis import INDICATORS, Period
from tests.reports.kpi_cases import NOW


def board(region, period="2026"):
    return kpis.board(region, Period.parse(period), NOW, load_calendar())


def texts(row) -> dict[str, str]:
    return {code: row.figure(indicator).label for code, indicator in INDICATORS.items()}


def test_periods_parse_name_and_bound_themselves():
    assert Period.parse("2026") == Period(2026) and Period.parse("2026-Q4") == Period(2026, 10, 12)
    november = Period.parse("2026-11")
    assert (november.code, november.label, november.since, november.until) == (
        "2026-11", "2026年11月", datetime(2026, 11, 1), datetime(2026, 12, 1))
    assert Period.parse("2026-12").until == datetime(2027, 1, 1)
    assert (Period.parse("2026-Q4").label, Period.parse("2026-Q4").code) == ("2026年第四季度", "2026-Q4")
    for bad in ("", "2026-13", "2026-Q5", "26", "1999", "2026-1", "２０２６", None):
        assert Period.parse(bad) is None, bad


def test_each_measure_of_the_county_on_known_cases(made, world, as_reader):
    county = as_reader(world.county_a)
    total = texts(board(county).total)
    assert total == {
        # A, C, D (twice: each dispatch has its sign-for), J in time; B late, F never.
        "sign_for": "71.4%（5/7）",
        # A, B, J; C on time by its extension; D answered late, F and H overdue.
        "on_time": "57.1%（4/7）",
        "callback": "80.0%（4/5）",  # A B C D called back; J (answered) not
        "satisfaction": "75.0%（3/4）",  # D counts by its redone round's 满意; C 不满意
        "resolved": "60.0%（3/5）",  # A C D 已解决
        "repeat": "12.5%（1/8）",  # G, over every call received, the merged G included
        "handling_time": "4.7（14/3）",  # A 2 + B 3 + D 9 working days
        # 12345 alone: J (网络问政) out.
        "hotline_response": "66.7%（4/6）",
        "hotline_resolved": "75.0%（3/4）",
        "hotline_satisfaction": "75.0%（3/4）",
    }


def test_rows_per_unit_the_undispatched_and_the_ranking(made, world, as_reader):
    result = board(as_reader(world.county_a))
    rows = {row.name: row for row in result.rows}
    assert list(rows) == ["凤城镇", "北留镇", "尚未派单"]
    assert rows["凤城镇"].figure(INDICATORS["on_time"]).label == "75.0%（3/4）"  # F late
    assert rows["北留镇"].figure(INDICATORS["on_time"]).label == "50.0%（1/2）"  # D late
    assert rows["尚未派单"].figure(INDICATORS["on_time"]).label == "0.0%（0/1）"  # H
    assert rows["北留镇"].figure(INDICATORS["handling_time"]).label == "9.0（9/1）"
    assert [r.name for r in result.ranked(INDICATORS["on_time"])] == ["凤城镇", "北留镇"]
    # Lower is better for the time taken: 北留镇's 9 days rank below 凤城镇's 2.5.
    assert [r.name for r in result.ranked(INDICATORS["handling_time"])] == ["凤城镇", "北留镇"]
    assert rows["凤城镇"].figure(INDICATORS["handling_time"]).label == "2.5（5/2）"
    # The rows add up to the total, measure by measure.
    for indicator in INDICATORS.values():
        figures = [row.figure(indicator) for row in result.rows]
        assert sum(f.denominator for f in figures) == result.total.figure(indicator).denominator, indicator.code


def test_month_by_month_and_a_shorter_period(made, world, as_reader):
    county = as_reader(world.county_a)
    year = board(county)
    october, november = year.months[9], year.months[10]
    assert (october.figure(INDICATORS["on_time"]).label, november.figure(INDICATORS["on_time"]).label) == (
        "50.0%（3/6）", "100.0%（1/1）")
    assert year.months[0].figure(INDICATORS["on_time"]).label == "—"
    assert texts(board(county, "2026-11").total)["on_time"] == "100.0%（1/1）"
    assert texts(board(county, "2026-Q4").total) == texts(year.total)
    empty = texts(board(county, "2026-09").total)
    assert set(empty.values()) == {"—"}  # nothing to divide by: neither 0% nor 100%


def test_the_cases_behind_every_figure_are_as_many_as_it_counts(made, world, as_reader):
    county = as_reader(world.county_a)
    period = Period(2026)
    result = board(county)
    for row in [*result.rows, result.total]:
        unit = kpis.ALL_UNITS if row is result.total else (row.unit_id if row.listed else None)
        for indicator in INDICATORS.values():
            figure = row.figure(indicator)
            expected = {"numerator": figure.numerator, "denominator": figure.denominator,
                        "rest": figure.denominator - figure.numerator}
            for part in indicator.measure.listed_parts:
                stmt = kpis.behind(indicator, part, county, period, NOW, unit)
                listed = db.session.execute(stmt).unique().scalars().all()
                assert len(listed) == expected[part], (row.name, indicator.code, part)


def test_the_lists_hold_the_cases_that_make_the_figure(made, world, as_reader):
    county = as_reader(world.county_a)
    period = Period(2026)

    def numbers(code, part, unit=kpis.ALL_UNITS):
        rows = db.session.execute(kpis.behind(INDICATORS[code], part, county, period, NOW, unit)).unique().scalars()
        return sorted(getattr(r, "case", r).id for r in rows)

    ids = made
    assert numbers("on_time", "rest") == sorted([ids["D"], ids["F"], ids["H"]])
    assert numbers("sign_for", "rest") == sorted([ids["B"], ids["F"]])
    assert numbers("sign_for", "numerator") == sorted([ids["A"], ids["C"], ids["D"], ids["D"], ids["J"]])
    assert numbers("repeat", "numerator") == [ids["G"]]
    assert numbers("satisfaction", "rest") == [ids["C"]]
    assert numbers("handling_time", "denominator") == sorted([ids["A"], ids["B"], ids["D"]])
    assert numbers("on_time", "denominator", None) == [ids["H"]]


def test_repeat_calls_are_counted_as_matching_counts_them(made, world, as_reader):
    county = as_reader(world.county_a)
    period = Period(2026)
    figure = board(county).total.figure(INDICATORS["repeat"])
    assert figure.numerator == matching.count_repeat_calls(period.since, period.until, Case.county_id == county.id)
    received = db.session.execute(select(func.count(Case.id)).where(Case.county_id == county.id)).scalar_one()
    assert figure.denominator == received


def test_each_reader_sees_their_own_region(made, world, as_reader):
    clerk = board(as_reader(world.town_a1))
    assert [r.name for r in clerk.rows] == ["凤城镇"]
    assert texts(clerk.total)["on_time"] == "75.0%（3/4）"
    city = board(as_reader(world.city))
    assert [r.name for r in city.rows] == ["阳城县", "泽州县"] and city.by_county
    assert texts(city.rows[1])["sign_for"] == "100.0%（1/1）"
    assert texts(city.total)["sign_for"] == "75.0%（6/8）"
