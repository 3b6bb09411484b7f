"""Deadline arithmetic on the official working-day calendar, without HTTP or a database: the
holidays and make-up working days of 2026, month ends, the year boundary into a year the
calendar library does not know, and the administrator's arrangement for that year."""
from datetime import date, datetime, timedelta

import pytest

from app.cases.calendar import LIBRARY_YEARS, WorkCalendar, year_arrangement
from app.cases.deadlines import Limit, Unit, add_months, countdown_changes_at, due, remaining_words, urgency

CAL = WorkCalendar()
FIVE_WORKING_DAYS = Limit(5, Unit.WORKING_DAYS)


def at(y, m, d, hour=10):
    return datetime(y, m, d, hour)


def test_the_library_knows_2026_and_not_2027():
    assert 2026 in LIBRARY_YEARS and 2027 not in LIBRARY_YEARS
    assert CAL.knows(2026) and not CAL.knows(2027)


def test_a_12345_case_received_the_day_before_national_day():
    # 2026: 10-01 to 10-07 off (National Day with Mid-Autumn), 10-10 (a Saturday) worked.
    result = due(at(2026, 9, 30, 16), FIVE_WORKING_DAYS, CAL)
    assert result.day == date(2026, 10, 13)  # 10-08, 10-09, 10-10 (Sat, worked), 10-12, 10-13
    assert not result.provisional and result.at.time().hour == 23  # the whole due day counts


def test_a_make_up_saturday_is_a_working_day():
    assert CAL.is_workday(date(2026, 10, 10)) and not CAL.is_workday(date(2026, 10, 3))
    assert due(at(2026, 10, 9), Limit(1, Unit.WORKING_DAYS), CAL).day == date(2026, 10, 10)


def test_the_spring_festival():
    # 2026: 02-15 to 02-23 off; 02-14 and 02-28 (Saturdays) worked.
    assert not CAL.is_workday(date(2026, 2, 17)) and CAL.is_workday(date(2026, 2, 14))
    assert due(at(2026, 2, 13), Limit(3, Unit.WORKING_DAYS), CAL).day == date(2026, 2, 25)  # 14, 24, 25


def test_working_days_count_from_the_next_working_day_after_receipt():
    # Received on a Saturday: Monday is day one.
    assert due(at(2026, 11, 7), Limit(1, Unit.WORKING_DAYS), CAL).day == date(2026, 11, 9)
    # Received on a Friday evening: still day one is Monday.
    assert due(at(2026, 11, 6, 22), Limit(1, Unit.WORKING_DAYS), CAL).day == date(2026, 11, 9)


def test_calendar_days_falling_on_a_holiday_move_to_the_next_working_day():
    # 信访: 15 days to tell the petitioner. 09-20 + 15 = 10-05, a holiday: moved to 10-08.
    result = due(at(2026, 9, 20), Limit(15, Unit.CALENDAR_DAYS), CAL)
    assert (result.day, result.moved_from) == (date(2026, 10, 8), date(2026, 10, 5))
    kept = due(at(2026, 9, 20), Limit(15, Unit.CALENDAR_DAYS, roll_to_workday=False), CAL)
    assert (kept.day, kept.moved_from) == (date(2026, 10, 5), None)


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 3, 31), 3, date(2026, 6, 30)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 11, 15), 3, date(2027, 2, 15)),
    (date(2026, 5, 10), 12, date(2027, 5, 10)),
])
def test_months_end_on_the_same_day_or_the_months_last(start, months, expected):
    assert add_months(start, months) == expected


def test_a_proposal_answered_in_three_months_from_a_month_end():
    result = due(at(2026, 3, 31), Limit(3, Unit.MONTHS), CAL)
    assert result.day == date(2026, 6, 30) and result.moved_from is None  # a Tuesday


def test_a_deadline_reaching_a_year_without_its_arrangement_is_provisional():
    # 12-28 (Mon) + 5 working days: 12-29, 12-30, 12-31, and 2027's 01-01 (a Friday) and 01-04.
    result = due(at(2026, 12, 28), FIVE_WORKING_DAYS, CAL)
    assert result.day == date(2027, 1, 4) and result.provisional
    # The State Council's 2027 arrangement entered (New Year's Day off): recomputed, no longer provisional.
    entered = WorkCalendar(year_arrangement(2027, holidays=[date(2027, 1, 1)], workdays=[]), frozenset({2027}))
    again = due(at(2026, 12, 28), FIVE_WORKING_DAYS, entered)
    assert again.day == date(2027, 1, 5) and not again.provisional


def test_a_deadline_wholly_inside_a_known_year_is_not_provisional():
    assert not due(at(2026, 12, 1), FIVE_WORKING_DAYS, CAL).provisional
    assert due(at(2026, 11, 30), Limit(3, Unit.MONTHS), CAL).provisional  # 2027-02-28, a Sunday in an unknown year


def test_a_single_date_override_wins_over_the_library():
    closed = WorkCalendar({date(2026, 11, 9): False})  # a day off announced at short notice
    assert due(at(2026, 11, 6), Limit(1, Unit.WORKING_DAYS), closed).day == date(2026, 11, 10)


@pytest.mark.parametrize("year", [2003, 2030, 2100, 2101])
def test_any_year_computes_without_error(year):
    result = due(at(year, 6, 1), FIVE_WORKING_DAYS, CAL)
    assert result.day > date(year, 6, 1)


def test_hours_count_on_the_clock():
    result = due(datetime(2026, 10, 1, 9, 30), Limit(24, Unit.HOURS), CAL)
    assert result.at == datetime(2026, 10, 2, 9, 30) and not result.provisional


def test_what_the_countdown_says():
    due_at = due(at(2026, 11, 2), Limit(3, Unit.WORKING_DAYS), CAL).at  # Thursday 11-05, end of day
    assert remaining_words(due_at, at(2026, 11, 3), CAL) == "剩余2个工作日"
    assert remaining_words(due_at, at(2026, 11, 5), CAL) == "今日到期"
    assert remaining_words(due_at, at(2026, 11, 9), CAL) == "已超期2个工作日"  # Fri 11-06 and Mon 11-09
    assert urgency(due_at, at(2026, 11, 2), CAL) == ""
    assert urgency(due_at, at(2026, 11, 4), CAL) == "due_soon"
    assert urgency(due_at, at(2026, 11, 6), CAL) == "overdue"
    hours = due(datetime(2026, 11, 2, 9), Limit(2, Unit.HOURS), CAL).at
    assert remaining_words(hours, datetime(2026, 11, 2, 9, 30), CAL) == "剩余1小时"
    assert remaining_words(hours, datetime(2026, 11, 2, 14), CAL) == "已超期3小时"


def test_dates_as_the_notice_lists_them():
    from app.cases.calendar import parse_dates

    assert parse_dates("2027-01-01\n2027-02-05至2027-02-07，2027/5/1") == [
        date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 5, 1)]
    assert parse_dates("2027-10-01 ~ 2027-10-03") == [date(2027, 10, d) for d in (1, 2, 3)]
    assert parse_dates("") == []
    with pytest.raises(ValueError, match="“元旦”不是日期"):
        parse_dates("元旦")
    with pytest.raises(ValueError, match="不是有效的日期范围"):
        parse_dates("2027-02-07至2027-02-05")


@pytest.mark.parametrize("calendar", [WorkCalendar(), WorkCalendar({date(2026, 11, 9): False, date(2026, 11, 8): True}),
                                      WorkCalendar(year_arrangement(2027, [date(2027, 1, 1)], [date(2027, 2, 7)]),
                                                   frozenset({2027}))])
def test_counting_working_days_by_the_exceptions_agrees_with_counting_them_one_by_one(calendar):
    start = date(2024, 12, 20)
    for end in (start, date(2025, 1, 2), date(2026, 2, 28), date(2026, 10, 12), date(2026, 11, 10), date(2027, 3, 1)):
        by_day = sum(1 for n in range(1, (end - start).days + 1) if calendar.is_workday(start + timedelta(days=n)))
        assert calendar.workdays_between(start, end) == by_day, end
        assert calendar.workdays_between(end, start) == -by_day


def test_the_librarys_exception_days_are_the_days_it_says_break_the_week():
    from app.cases.calendar import _library_exceptions

    exceptions = _library_exceptions()
    for year in (2004, 2020, 2026):
        day = date(year, 1, 1)
        while day.year == year:
            breaks = CAL.is_workday(day) != (day.weekday() < 5)
            assert (day in exceptions) == breaks, day
            day += timedelta(days=1)


@pytest.mark.parametrize("due_at", [
    datetime(2026, 11, 4, 15, 20),  # due today at 15:20: 剩余N小时, then 已超期N小时
    datetime(2026, 11, 4, 23, 59, 59),  # 今日到期
    datetime(2026, 11, 5, 23, 59, 59),  # tomorrow: 剩余1个工作日, 即将到期
    datetime(2026, 11, 3, 9, 0),  # yesterday: 已超期1个工作日
    datetime(2026, 10, 31, 9, 0),  # a Saturday: late by hours over the weekend
])
def test_the_countdown_reads_the_same_until_the_moment_it_is_said_to_change(due_at):
    def reading(moment):
        return remaining_words(due_at, moment, CAL), urgency(due_at, moment, CAL)

    now = datetime(2026, 11, 4, 9, 7)  # a Wednesday morning
    changes = 0
    while now < datetime(2026, 11, 6):
        until = countdown_changes_at(due_at, now, CAL)
        assert until > now or until == due_at == now
        moment = now
        while moment < until:  # every minute up to the change reads as ``now`` does
            assert reading(moment) == reading(now), (due_at, now, moment, until)
            moment += timedelta(minutes=1)
        after = until + timedelta(seconds=1)
        changes += reading(after) != reading(now)
        now = after
    assert changes >= 2  # the moments named are real changes, not only a minute-by-minute walk
