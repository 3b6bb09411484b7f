"""Paging, active search and filter forms shared by every list page."""
import math
from dataclasses import dataclass

from flask import current_app, render_template, request, url_for
from sqlalchemy import case, func, inspect, or_, select
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.forms import QueryForm, enum_options
from app.parsing import parse_page
from app.text import clean_text
from app.timeutil import format_local, utcnow


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


def paginate(stmt, per_page: int | None = None, *, keys_first: bool = False, one_pass: bool = False) -> Page:
    """One page of ``stmt`` (a select of one entity) for the ``page`` query argument, with a
    capped count (which reads only the keys). A stale link (page 9 of a list that shrank) gives an
    empty page, not a 404.

    ``keys_first``, for a list of wide rows whose filters and order an index holds: the page is
    found by its primary keys alone, then ``stmt`` loads just those rows, with its joins, loader
    options and order (a county's 6,000 cases were otherwise read and sorted whole for 50 of
    them). With it, ``one_pass`` serves filters that must read whole rows anyway (a text
    search): every matching key up to the count's cap is read at once, the page is a slice of
    them and their number the count.
    """
    per_page = per_page or current_app.config["PER_PAGE"]
    page = page_number()
    start = (page - 1) * per_page
    total = None
    if keys_first:
        key = inspect(stmt.column_descriptions[0]["entity"]).primary_key[0]
        keys = stmt.with_only_columns(key, maintain_column_froms=True)
        if one_pass and start < COUNT_LIMIT:
            matches = db.session.execute(keys.limit(COUNT_LIMIT + 1)).scalars().all()
            total, ids = len(matches), matches[start:start + per_page + 1]
        else:
            ids = db.session.execute(keys.limit(per_page + 1).offset(start)).scalars().all()
        ids = ids[:per_page + 1]
        rows = db.session.execute(stmt.where(key.in_(ids))).scalars().unique().all() if ids else []
    else:
        # One row more than a page tells whether there is a next one without counting.
        rows = db.session.execute(stmt.limit(per_page + 1).offset(start)).scalars().unique().all()
    has_next = len(rows) > per_page
    if total is None:
        # When the whole list is on the first page, there is nothing to count.
        total = len(rows) if page == 1 and not has_next else capped_count(stmt, COUNT_LIMIT + 1)
    return Page(items=rows[:per_page], page=page, per_page=per_page, total=total, has_next=has_next)


def capped_count(stmt, cap: int) -> int:
    """How many rows ``stmt`` selects, counting no further than ``cap``: enough to tell "too
    many" without reading a whole ledger."""
    key = inspect(stmt.column_descriptions[0]["entity"]).primary_key[0]
    # Only the keys: an index holds them, where whole rows would be read.
    capped = stmt.with_only_columns(key, maintain_column_froms=True).order_by(None).limit(cap).subquery()
    return db.session.execute(select(func.count()).select_from(capped)).scalar_one()


def search_term() -> str:
    return clean_text(request.args.get("q", ""))[:100]


def apply_search(stmt, term: str, *columns):
    """Case-insensitive substring match of ``term`` in any of ``columns``."""
    if not term:
        return stmt
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    return stmt.where(or_(*(col.ilike(like, escape="\\") for col in columns)))


@dataclass(frozen=True)
class Sort:
    """A column a list may be sorted by: what it orders by (ascending; the last a unique
    tiebreaker, so pages never overlap), and whether its first click sorts newest first."""

    columns: tuple
    descending_first: bool = False


def in_declared_order(column, enum):
    """Order by an enum column as its members are declared (待提交, 已提交, 已定稿 …), not by
    the stored English value."""
    return case({member: position for position, member in enumerate(enum)}, value=column)


class FilterForm(QueryForm):
    """A list's filters, read from the query string: the page and its export read the same
    values. An unknown choice (a stale or hand-edited link) filters nothing instead of failing.

    ``SORTS`` names the columns a user may sort by (``?sort=name``, ``?sort=-name`` for
    descending); any other value keeps the query's own order."""

    q = StringField("搜索", filters=[lambda value: (value or "")[:100]])
    sort = StringField("排序", filters=[lambda value: (value or "")[:40]])
    SORTS: dict[str, Sort] = {}

    def ordered(self, stmt):
        """``stmt`` in the order the user chose by a column header, else as it is."""
        chosen = self.sort.data or ""
        sort = self.SORTS.get(chosen.removeprefix("-"))
        if sort is None:
            return stmt
        descending = chosen.startswith("-")
        return stmt.order_by(None).order_by(*(c.desc() if descending else c.asc() for c in sort.columns))

    def described(self) -> str:
        """The filters in force, in words, for the top of a printed list (筛选：检查类型：验收 …)."""
        parts = [f"搜索“{self.q.data}”"] if self.q.data else []
        for f in self:
            if isinstance(f, SelectField) and f.data:
                parts.append(f"{f.label.text}：{dict((c[0], c[1]) for c in f.iter_choices()).get(f.data, f.data)}")
            elif isinstance(f, BooleanField) and f.data:
                parts.append(f.label.text)
        return "，".join(parts) or "全部"

    def sort_link_value(self, key: str) -> str:
        """The ``sort`` value a click on ``key``'s header asks for: the other way round when it
        is the current order, else the column's first direction."""
        if self.sort.data == key:
            return f"-{key}"
        if self.sort.data == f"-{key}":
            return key
        return f"-{key}" if self.SORTS[key].descending_first else key

    def __init__(self, args=None):
        super().__init__(args if args is not None else request.args)
        self.set_choices()
        for f in self:
            if isinstance(f, SelectField) and f.data not in {c[0] for c in f.iter_choices()}:
                f.data = ""

    def set_choices(self) -> None:
        """Where a filter's options come from the database: set them here (before a stale
        choice is dropped)."""

    @staticmethod
    def choices(enum, everything: str) -> list[SelectChoice]:
        """An "all" option and one per member of a labelled enum."""
        return [SelectChoice("", everything)] + enum_options(enum)

    def chosen(self, name: str, enum):
        """The enum member chosen in select ``name``, or None for "all"."""
        value = self[name].data
        return enum(value) if value else None


PRINT_LIMIT = 2000  # rows of a printed list; past that, the Excel export holds them


def print_view(title: str, table: str, stmt, filters: FilterForm, back_endpoint: str, **context):
    """A list as paper: every row the filters select (up to PRINT_LIMIT), the filters in words,
    no navigation, the list's own table template without sorting links."""
    rows = db.session.execute(stmt.limit(PRINT_LIMIT + 1)).scalars().unique().all()
    args = request.args.to_dict()
    return render_template("print_list.html", title=title, table=table, rows=rows[:PRINT_LIMIT],
                           capped=len(rows) > PRINT_LIMIT, limit=PRINT_LIMIT, criteria=filters.described(),
                           back_url=url_for(back_endpoint, **args), filters=None,
                           printed_at=format_local(utcnow()), **context)
