"""The working-day calendar legal deadlines count on.

Which day is a working day comes, in this order, from: the administrator's entries (a year's
arrangement as the State Council publishes it each winter, or a single date changed at short
notice); the official holidays and make-up working days (调休) that ``chinesecalendar`` ships
(2004–2026 in release 1.11.0); and, for a year neither knows, Monday to Friday. A deadline that
had to count on a day of such a year is *provisional*: computed, shown, and computed again once
the year's arrangement is entered.

Plain Python, no database: ``WorkCalendar`` is built from the stored entries (``load_calendar``
in ``app.cases.calendar_store``) and tested on its own.
"""
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property

import chinese_calendar

PROVISIONAL_NOTE = "暂按双休日计算，待录入年度节假日安排"


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# The library's years, found once: it raises for a year outside them.
LIBRARY_YEARS = frozenset(y for y in range(2004, 2101) if _library_knows(y))


@cache
def _library_exceptions() -> dict[date, int]:
    """The library's days that break the week's rule: -1 for a weekday off (a holiday), +1 for a
    weekend day worked (调休), from the library's own tables of them."""
    exceptions = {day: -1 for day in chinese_calendar.holidays if day.weekday() < 5}
    exceptions.update({day: 1 for day in chinese_calendar.workdays if day.weekday() >= 5})
    return exceptions


def _weekdays_after(start: date, end: date) -> int:
    """Monday to Friday after ``start`` up to and including ``end``."""
    days = (end - start).days
    count = days // 7 * 5
    for n in range(days // 7 * 7 + 1, days + 1):
        if (start + timedelta(days=n)).weekday() < 5:
            count += 1
    return count


@dataclass(eq=False)
class WorkCalendar:
    """Working days: ``overrides`` (date -> is a working day) entered by the administrator win;
    ``entered_years`` are the years whose whole arrangement has been entered, so a day of such
    a year not listed is an ordinary weekday or weekend day, never a guess."""

    overrides: Mapping[date, bool] = field(default_factory=dict)
    entered_years: frozenset[int] = frozenset()

    def knows(self, year: int) -> bool:
        """Whether the year's holidays are known (entered, or in the library)."""
        return year in self.entered_years or year in LIBRARY_YEARS

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.entered_years or day.year not in LIBRARY_YEARS:
            return day.weekday() < 5
        return chinese_calendar.is_workday(day)

    def next_workday(self, day: date) -> date:
        """The first working day after ``day``."""
        day += timedelta(days=1)
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def workday_on_or_after(self, day: date) -> date:
        return day if self.is_workday(day) else self.next_workday(day)

    def add_workdays(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start``: "N working days" count from the next
        working day after receipt, so 1 working day from a Friday is the Monday."""
        day = start
        for _ in range(max(count, 0)):
            day = self.next_workday(day)
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
        earlier): "剩余2个工作日" from today to a due date. Counted as the weekdays between and
        the exceptions in the span (holidays, make-up days), not day by day: a ledger row of a
        case two years overdue costs no more than one due tomorrow."""
        if end < start:
            return -self.workdays_between(end, start)
        days, delta = self._exception_days
        low, high = bisect_right(days, start), bisect_right(days, end)
        return _weekdays_after(start, end) + delta[high] - delta[low]

    @cached_property
    def _exception_days(self) -> tuple[list[date], list[int]]:
        """The days that break the week's rule, sorted, with the running sum of their deltas."""
        exceptions = {d: v for d, v in _library_exceptions().items() if d.year not in self.entered_years}
        for day, workday in self.overrides.items():
            weekday_rule = day.weekday() < 5
            exceptions.pop(day, None)
            if workday != weekday_rule:
                exceptions[day] = 1 if workday else -1
        days = sorted(exceptions)
        running = [0]
        for day in days:
            running.append(running[-1] + exceptions[day])
        return days, running

    def unknown_years(self, start: date, end: date) -> list[int]:
        """The years between two dates whose holidays are not known: a count over them is provisional."""
        return [y for y in range(min(start, end).year, max(start, end).year + 1) if not self.knows(y)]


def year_arrangement(year: int, holidays: Iterable[date], workdays: Iterable[date]) -> dict[date, bool]:
    """A year's arrangement as published: its holidays (放假) and its make-up working days (调休上班),
    as overrides; every other day of the year follows the week."""
    arrangement = {d: False for d in holidays if d.year == year}
    arrangement.update({d: True for d in workdays if d.year == year})
    return arrangement


DATE_SEPARATORS = r"[\s,，、;；]+"
ONE_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
RANGE = r"\s*(?:至|到|~|～|—|--)\s*"


def parse_dates(text: str) -> list[date]:
    """Dates as an administrator copies them from the State Council's notice: one per line or
    separated by commas, and ranges such as 2027-02-05至2027-02-13; raises ValueError with the
    sentence to show at the field."""
    days: list[date] = []
    for part in re.split(DATE_SEPARATORS, re.sub(RANGE, "至", (text or "").strip())):
        if not part:
            continue
        ends = part.split("至")
        try:
            first, last = (_one_date(e) for e in (ends[0], ends[-1]))
        except ValueError:
            raise ValueError(f"“{part}”不是日期，请按 2027-01-01 或 2027-02-05至2027-02-13 填写。") from None
        if len(ends) > 2 or last < first or (last - first).days > 31:
            raise ValueError(f"“{part}”不是有效的日期范围。")
        days.extend(first + timedelta(days=n) for n in range((last - first).days + 1))
    return sorted(set(days))


def _one_date(text: str) -> date:
    match = re.fullmatch(ONE_DATE, text)
    if not match:
        raise ValueError(text)
    return date(*(int(g) for g in match.groups()))
