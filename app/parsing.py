"""Numbers typed into addresses and forms: ids, page numbers, years, counts.

One place decides what a number is: ASCII digits only (``str.isdigit`` also passes ``⁰⁴⁵``,
which ``int`` then refuses), and within the range the database column holds, so a hand-made
or stale link gets a 404 or the default, never a 500.
"""
import re

from flask import abort

DIGITS = re.compile(r"[0-9]{1,10}")
ID_MAX = 2**31 - 1  # INTEGER on PostgreSQL
PAGE_MAX = 100_000
YEARS = (2000, 2100)


def parse_int(text, low: int, high: int) -> int | None:
    """``text`` as an int within [low, high], or None."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    elif isinstance(text, str) and DIGITS.fullmatch(text.strip()):
        value = int(text.strip())
    else:
        return None
    return value if low <= value <= high else None


def parse_id(text) -> int | None:
    return parse_int(text, 1, ID_MAX)


def id_or_404(text) -> int:
    ident = parse_id(text)
    if ident is None:
        abort(404)
    return ident


def parse_page(text) -> int:
    return parse_int(text, 1, PAGE_MAX) or 1


def parse_year(text) -> int | None:
    return parse_int(text, *YEARS)
