"""Reading cells as people fill them in Excel or WPS."""
import re
from datetime import date, datetime
from enum import Enum

from openpyxl.utils.datetime import from_excel

from app.text import clean_text

EXCEL_SERIALS = (18264, 73050)  # 1950-01-01 .. 2099-12-31 as Excel day numbers
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.min.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value), multiline=True)


def parse_choice(enum_class: type[Enum], text: str):
    """The member whose label (or stored value) is ``text``; None when there is none."""
    for member in enum_class:
        if text in (member.label, member.value):
            return member
    return None


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1]:
        return from_excel(value).date()  # a date cell that lost its date format shows as 44317
    text = cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("日期应按“年-月-日”填写，如 2021-05-01。")


def parse_integer(value, low: int, high: int | None, message: str) -> int:
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = cell_text(value)
        if not re.fullmatch(r"\d+", text):
            raise ValueError(message)
        number = int(text)
    if number < low or (high is not None and number > high):
        raise ValueError(message)
    return number
