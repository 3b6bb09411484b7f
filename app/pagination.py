"""Paging, active search and filter forms shared by every list page."""
import math
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import func, or_, select
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.forms import QueryForm
from app.parsing import parse_page
from app.text import clean_text


def page_number() -> int:
    return parse_page(request.args.get("page"))


# Counting every row of a 200,000-row ledger costs more than showing a page of it;
# past this many, the pager says "10000+" and still pages on.
COUNT_LIMIT = 10_000


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int  # capped at COUNT_LIMIT + 1
    has_next: bool

    @property
    def total_capped(self) -> bool:
        return self.total > COUNT_LIMIT

    @property
    def total_label(self) -> str:
        return f"{COUNT_LIMIT}+" if self.total_capped else str(self.total)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, COUNT_LIMIT) / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(stmt, per_page: int | None = None) -> Page:
    """One page of ``stmt`` for the ``page`` query argument, with a capped count.

    A stale link (page 9 of a list that shrank) gives an empty page, not a 404.
    """
    per_page = per_page or current_app.config["PER_PAGE"]
    page = page_number()
    # One row more than a page tells whether there is a next one without counting.
    rows = db.session.execute(stmt.limit(per_page + 1).offset((page - 1) * per_page)).scalars().unique().all()
    has_next = len(rows) > per_page
    if page == 1 and not has_next:
        total = len(rows)  # the whole list is on this page: nothing to count
    else:
        capped = stmt.order_by(None).limit(COUNT_LIMIT + 1).subquery()
        total = db.session.execute(select(func.count()).select_from(capped)).scalar_one()
    return Page(items=rows[:per_page], page=page, per_page=per_page, total=total, has_next=has_next)


def search_term() -> str:
    return clean_text(request.args.get("q", ""))[:100]


def apply_search(stmt, term: str, *columns):
    """Case-insensitive substring match of ``term`` in any of ``columns``."""
    if not term:
        return stmt
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    return stmt.where(or_(*(col.ilike(like, escape="\\") for col in columns)))


class FilterForm(QueryForm):
    """A list's filters, read from the query string: the page and its export read the same
    values. An unknown choice (a stale or hand-edited link) filters nothing instead of failing."""

    q = StringField("搜索", filters=[lambda value: (value or "")[:100]])

    def __init__(self, args=None):
        super().__init__(args if args is not None else request.args)
        for f in self:
            if isinstance(f, SelectField) and f.data not in {c[0] for c in f.iter_choices()}:
                f.data = ""

    @staticmethod
    def choices(enum, everything: str) -> list[SelectChoice]:
        """An "all" option and one per member of a labelled enum."""
        return [SelectChoice("", everything)] + [SelectChoice(m.value, m.label) for m in enum]

    def chosen(self, name: str, enum):
        """The enum member chosen in select ``name``, or None for "all"."""
        value = self[name].data
        return enum(value) if value else None
