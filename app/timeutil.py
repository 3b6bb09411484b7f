"""Time helpers: the database keeps naive UTC; people read China Standard Time."""
from datetime import UTC, date, datetime, time, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    # Naive UTC, because SQLite drops tzinfo and mixing aware and naive values fails.
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(CHINA_TZ)


def local_now() -> datetime:
    """Now in China time, naive: what case deadlines (counted in China time) compare with."""
    return to_local(utcnow()).replace(tzinfo=None)


def local_today() -> date:
    """Today in China: a server clock on UTC would be a day behind until 08:00."""
    return datetime.now(CHINA_TZ).date()


def midnight_after(moment: datetime) -> datetime:
    """The start of the day after ``moment``'s: when what is counted by the date turns."""
    return datetime.combine(moment.date() + timedelta(days=1), time())


def format_local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""


def local_to_utc(value: datetime) -> datetime:
    """A naive China-time value (a date typed into a filter) as naive UTC, to compare with stored times."""
    return value.replace(tzinfo=CHINA_TZ).astimezone(UTC).replace(tzinfo=None)
