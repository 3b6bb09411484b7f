"""Time helpers: the database keeps naive UTC; people read China Standard Time."""
from datetime import UTC, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    # Naive UTC, because SQLite drops tzinfo and mixing aware and naive values fails.
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(CHINA_TZ)


def format_local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""


def local_to_utc(value: datetime) -> datetime:
    """A naive China-time value (a date typed into a filter) as naive UTC, to compare with stored times."""
    return value.replace(tzinfo=CHINA_TZ).astimezone(UTC).replace(tzinfo=None)
