"""Deadline arithmetic: a limit (a number and a unit) from a moment, on the working-day calendar.

Units, as the legal texts state limits:

- hours (签收 within 2 hours): counted on the clock, from the moment;
- working days (12345: 5 working days, 信访 objections: 5 working days, Art 23): from the next
  working day after the day of receipt, the due date being the N-th working day;
- calendar days (信访: 15 days to tell the petitioner, Art 23; 60 to close, Art 34) and months
  (proposals: 3 or 6 months, 代表法 Art 51): the same date N days or months on (a month from
  31 March is 30 April: the month's last day when it has no 31st);

a day or month deadline falling on a rest day moves to the next working day when its rule says
so (the default, as 民法典 Art 203 does for periods ending on a holiday). Day-based deadlines
end with their day (23:59:59 China time): a reply on the due date is on time.
"""
import calendar as month_lengths
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.cases.calendar import WorkCalendar
from app.enums import LabelledEnum
from app.timeutil import midnight_after

END_OF_DAY = time(23, 59, 59)


class Unit(LabelledEnum):
    HOURS = "hours", "小时"
    WORKING_DAYS = "working_days", "个工作日"
    CALENDAR_DAYS = "calendar_days", "日"
    MONTHS = "months", "个月"


@dataclass(frozen=True)
class Limit:
    """A limit as a rule states it: 5 个工作日, 15 日, 3 个月, 2 小时."""

    amount: int
    unit: Unit
    roll_to_workday: bool = True  # a calendar-day or month deadline on a rest day moves on

    @property
    def label(self) -> str:
        return f"{self.amount}{self.unit.label}"


@dataclass(frozen=True)
class Due:
    """When something is due, and how sure the date is."""

    at: datetime  # naive, China time
    provisional: bool = False  # counted over a year whose holidays are not entered yet
    moved_from: date | None = None  # the rest day it fell on, when moved to the next working day

    @property
    def day(self) -> date:
        return self.at.date()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (3-31 + 3 months = 6-30)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_lengths.monthrange(year, month)[1]))


def due(start: datetime, limit: Limit, calendar: WorkCalendar) -> Due:
    """When ``limit`` from ``start`` (naive China time) runs out."""
    if limit.unit == Unit.HOURS:
        return Due(start + timedelta(hours=limit.amount))
    if limit.unit == Unit.WORKING_DAYS:
        day = calendar.add_workdays(start.date(), limit.amount)
        return Due(datetime.combine(day, END_OF_DAY), provisional=bool(calendar.unknown_years(start.date(), day)))
    if limit.unit == Unit.CALENDAR_DAYS:
        day = start.date() + timedelta(days=limit.amount)
    else:
        day = add_months(start.date(), limit.amount)
    moved_from = None
    if limit.roll_to_workday and not calendar.is_workday(day):
        moved_from, day = day, calendar.next_workday(day)
    provisional = limit.roll_to_workday and bool(calendar.unknown_years(moved_from or day, day))
    return Due(datetime.combine(day, END_OF_DAY), provisional=provisional, moved_from=moved_from)


def remaining_words(due_at: datetime, now: datetime, calendar: WorkCalendar) -> str:
    """剩余2个工作日 / 今日到期 / 剩余3小时 / 已超期1个工作日: what the case, the ledger and 我的待办 say."""
    if now > due_at:
        late = calendar.workdays_between(due_at.date(), now.date())
        if late <= 0:
            hours = max(1, int((now - due_at).total_seconds() // 3600))
            return f"已超期{hours}小时"
        return f"已超期{late}个工作日"
    if due_at.date() == now.date():
        if due_at.time() == END_OF_DAY:
            return "今日到期"
        hours = int((due_at - now).total_seconds() // 3600)
        return f"剩余{hours}小时" if hours else "即将到期"
    return f"剩余{calendar.workdays_between(now.date(), due_at.date())}个工作日"


def countdown_changes_at(due_at: datetime, now: datetime, calendar: WorkCalendar) -> datetime:
    """The moment after ``now`` at which ``remaining_words`` or ``urgency`` of ``due_at`` may first
    read otherwise: a page showing the countdown is exact until then. Counts of working days and
    the marks turn at midnight; counts of hours at each whole hour from the due time."""
    midnight = midnight_after(now)
    hour = timedelta(hours=1)
    if now > due_at:
        if calendar.workdays_between(due_at.date(), now.date()) > 0:
            return midnight
        return min(midnight, due_at + ((now - due_at) // hour + 1) * hour)  # 已超期N小时 → N+1
    if due_at.date() == now.date():
        if due_at.time() == END_OF_DAY:
            return due_at  # 今日到期 until it has passed
        return min(due_at, due_at - ((due_at - now) // hour) * hour)  # 剩余N小时 → N-1
    return midnight


DUE_SOON_WORKDAYS = 1  # due today or on the next working day: 即将到期


def urgency(due_at: datetime, now: datetime, calendar: WorkCalendar) -> str:
    """overdue / due_soon / "": the mark on the case, in the ledger and on 我的待办."""
    if now > due_at:
        return "overdue"
    if calendar.workdays_between(now.date(), due_at.date()) <= DUE_SOON_WORKDAYS:
        return "due_soon"
    return ""
