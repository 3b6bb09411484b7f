"""考核指标: the case desk's measures for a region and a period, per handling unit (or, above a
county, per county) and per month.

Each measure is defined once, below, as SQL conditions on a row of facts (one row per case, or
per sign-for deadline for 签收率): the figure on the page, its cell in the Excel and the list of
cases behind it are built from the same expression, so they cannot drift apart.

Population: the cases received in the period (``Case.received_at``, China time, [start, end))
in the reader's scope and the chosen region, merged duplicates (重复件) left out: the case they
were merged into answers for them. 重复来电率 alone counts them back in: a call merged into the
same caller's earlier case is the plainest repeat call there is, and ``matching.is_repeat_call``
(which ``count_repeat_calls`` counts by) counts it.

The database counts, grouped by (row, month, 12345 or not): three statements for a page,
whatever the number of cases. The counts are kept (``app.revisions``) until a write changes the
case data or the next open deadline falls due, so a board looked at again costs no scan.

The 12345 measures of 北京《接诉即办工作条例》第三十二条 (响应率、解决率、满意率) are the same
measures read on the 12345 channel's cells, not measures of their own.
"""
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Date, Integer, and_, case, cast, extract, func, not_, or_, select, true
from sqlalchemy.orm import contains_eager, joinedload

from app import revisions
from app.cases import matching
from app.cases.calendar import WorkCalendar
from app.cases.models import Case, CaseDeadline, Channel, DeadlineKind, HandlingUnit
from app.cases.workflow import REPLY_RESULTS, SATISFACTIONS
from app.extensions import db
from app.regions.models import Region, RegionLevel
from app.reports import CASE_FIGURES
from app.scoping import current_scope

HOTLINE = "hotline12345"
ANSWER_KINDS = (DeadlineKind.ANSWER, DeadlineKind.REANSWER)
SATISFIED = SATISFACTIONS[:2]  # 满意, 基本满意
RESOLVED = REPLY_RESULTS[0]  # 已解决
CASES, SIGN_FOR_DEADLINES = "cases", "sign_for"  # what a measure's figures count
PARTS = ("numerator", "denominator", "rest")
UNDISPATCHED = "尚未派单"
YEARS_OFFERED = 6  # the period selector's years: this one and the five before


# --------------------------------------------------------------------------- periods

PERIOD_CODE = re.compile(r"([0-9]{4})(?:-Q([1-4])|-([0-9]{2}))?")
QUARTER_NAMES = "一二三四"


@dataclass(frozen=True)
class Period:
    """A year, a quarter or a month: the months ``first`` to ``last`` of ``year``."""

    year: int
    first: int = 1
    last: int = 12

    @classmethod
    def parse(cls, text) -> "Period | None":
        """"2026", "2026-Q4" or "2026-11"; None for anything else."""
        match = PERIOD_CODE.fullmatch((text or "").strip())
        if not match or not 2000 <= int(match[1]) <= 2100:
            return None
        year = int(match[1])
        if match[2]:
            quarter = int(match[2])
            return cls(year, quarter * 3 - 2, quarter * 3)
        if match[3]:
            month = int(match[3])
            return cls(year, month, month) if 1 <= month <= 12 else None
        return cls(year)

    @property
    def code(self) -> str:
        if (self.first, self.last) == (1, 12):
            return str(self.year)
        if self.first == self.last:
            return f"{self.year}-{self.first:02d}"
        return f"{self.year}-Q{self.last // 3}"

    @property
    def label(self) -> str:
        if (self.first, self.last) == (1, 12):
            return f"{self.year}年"
        if self.first == self.last:
            return f"{self.year}年{self.first}月"
        return f"{self.year}年第{QUARTER_NAMES[self.last // 3 - 1]}季度"

    @property
    def months(self) -> range:
        return range(self.first, self.last + 1)

    @property
    def since(self) -> datetime:
        return datetime(self.year, self.first, 1)

    @property
    def until(self) -> datetime:
        return datetime(self.year + self.last // 12, self.last % 12 + 1, 1)

    @property
    def whole_year(self) -> "Period":
        return Period(self.year)


def period_choices(chosen: Period, today: date) -> list[tuple[str, list[Period]]]:
    """The selector's options: the chosen year whole, by quarter and by month; the other years whole."""
    months = [Period(chosen.year, m, m) for m in range(1, 13)]
    quarters = [Period(chosen.year, q * 3 - 2, q * 3) for q in range(1, 5)]
    others = [Period(y) for y in range(today.year, today.year - YEARS_OFFERED, -1) if y != chosen.year]
    return [(f"{chosen.year}年", [chosen.whole_year, *quarters, *months]), ("其他年度", others)]


# --------------------------------------------------------------------------- measures

@dataclass(frozen=True)
class Measure:
    """One measure: its figure is numerator / denominator, each a count of fact rows (cases, or
    sign-for deadlines) meeting a condition; ``mean`` measures sum working days over the
    denominator's cases instead. ``parts`` name the numerator, the denominator and the rest
    (in the denominator, not in the numerator) where the lists of cases say what they hold."""

    code: str
    name: str
    definition: str
    subject: str
    denominator: Callable
    numerator: Callable | None
    parts: tuple[str | None, str, str | None]
    lower_is_better: bool = False
    mean: bool = False

    def condition(self, part: str, c):
        """The SQL condition of ``part`` on the facts' columns ``c``."""
        if part == "denominator":
            return self.denominator(c)
        if part == "numerator":
            return and_(self.denominator(c), self.numerator(c))
        return and_(self.denominator(c), not_(self.numerator(c)))

    @property
    def listed_parts(self) -> tuple[str, ...]:
        """The parts whose cases can be listed (a mean's numerator is days, not cases)."""
        return ("denominator",) if self.mean else PARTS


def _answered(c):
    return and_(c.duplicate == 0, c.reply_result != "")


MEASURES = {m.code: m for m in (
    Measure("sign_for", "签收率",
            "在签收时限内签收的签收期限数 ÷ 已签收或已过签收时限的签收期限数。每次派单、重办各有一个签收期限，"
            "撤销的不计（如退单获准后）。",
            SIGN_FOR_DEADLINES, lambda c: c.due == 1, lambda c: c.on_time == 1,
            ("按时签收", "应签收", "超时签收或超时未签收")),
    Measure("on_time", "按时办结率",
            "答复期限全部按时的诉求件 ÷ 至少有一个答复期限已答复或已到期的诉求件。答复期限指办结答复和不满意重办的期限，"
            "批准延期的以延长后的期限为准；有一个期限超期答复或超期未答复，即不算按时。",
            CASES, lambda c: and_(c.duplicate == 0, c.answer_due == 1), lambda c: c.answer_missed == 0,
            ("按时办结", "应办结", "超期")),
    Measure("callback", "回访率",
            "最近一轮已回访的诉求件 ÷ 最近一轮已答复的诉求件（重办的以重办这一轮为准）。",
            CASES, _answered, lambda c: c.satisfaction != "",
            ("已回访", "已答复", "未回访")),
    Measure("satisfaction", "满意率",
            "回访结果为“满意”或“基本满意”的诉求件 ÷ 已回访的诉求件。以最近一轮的回访为准：不满意后重办的，"
            "按重办后的回访计。",
            CASES, lambda c: and_(c.duplicate == 0, c.satisfaction != ""), lambda c: c.satisfaction.in_(SATISFIED),
            ("满意、基本满意", "已回访", "不满意")),
    Measure("resolved", "解决率",
            "办理结果为“已解决”的诉求件 ÷ 最近一轮已答复的诉求件。",
            CASES, _answered, lambda c: c.reply_result == RESOLVED,
            ("已解决", "已答复", "部分解决、未解决或解释说明")),
    Measure("repeat", "重复来电率",
            "同一来电人就已反映过的事项再次来电的诉求件 ÷ 收到的全部诉求件。此项含已合并的重复件：重复来电多被合并到先前的件。",
            CASES, lambda c: true(), lambda c: c.repeat == 1,
            ("重复来电", "收件（含重复件）", "非重复来电"), lower_is_better=True),
    Measure("handling_time", "平均办理时长（工作日）",
            "已办结诉求件从收件次日到办结之日的工作日数之和 ÷ 已办结诉求件数。工作日按国家法定节假日和调休计算。",
            CASES, lambda c: and_(c.duplicate == 0, c.closed == 1), None,
            (None, "已办结", None), lower_is_better=True, mean=True),
)}


@dataclass(frozen=True)
class Indicator:
    """A measure as the page shows it: on every channel, or on 12345 alone under the name
    北京 Art 32 gives it."""

    code: str
    name: str
    measure: Measure
    hotline: bool = False

    @property
    def definition(self) -> str:
        if not self.hotline:
            return self.measure.definition
        return f"12345热线诉求件的{self.measure.name}（北京《接诉即办工作条例》第三十二条）：{self.measure.definition}"


INDICATORS = {i.code: i for i in (
    *(Indicator(m.code, m.name, m) for m in MEASURES.values()),
    Indicator("hotline_response", "12345响应率", MEASURES["sign_for"], hotline=True),
    Indicator("hotline_resolved", "12345解决率", MEASURES["resolved"], hotline=True),
    Indicator("hotline_satisfaction", "12345满意率", MEASURES["satisfaction"], hotline=True),
)}
DEFAULT_INDICATOR = INDICATORS["on_time"]


# --------------------------------------------------------------------------- facts

def row_key(region: Region):
    """What a row of the region's table is: a handling unit in a county or a township, a county above."""
    return Case.unit_id if region.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP) else Case.county_id


def in_region(region: Region):
    """The cases of ``region``: a township's are those living there (dispatched to it), a
    county's those in its number series, a city's or a province's those of its counties."""
    if region.level == RegionLevel.TOWNSHIP:
        return Case.region_id == region.id
    if region.level == RegionLevel.COUNTY:
        return Case.county_id == region.id
    return Case.county_id.in_(select(Region.id).where(Region.in_subtree(region.path),
                                                      Region.level == RegionLevel.COUNTY))


def is_hotline():
    return Case.channel_id == select(Channel.id).where(Channel.code == HOTLINE).scalar_subquery()


def _flag(condition):
    return case((condition, 1), else_=0)


def _population(region: Region, since: datetime, until: datetime, criteria) -> tuple:
    return (Case.received_at >= since, Case.received_at < until, in_region(region), *criteria)


def _case_columns(region: Region) -> tuple:
    return (row_key(region).label("key"), cast(extract("month", Case.received_at), Integer).label("month"),
            _flag(is_hotline()).label("hotline"))


def _case_base_columns(region: Region) -> tuple:
    return (Case.id.label("id"), *_case_columns(region), Case.channel_id.label("channel"),
            _flag(Case.merged_into_id.is_not(None)).label("duplicate"),
            Case.reply_result.label("reply_result"), Case.satisfaction.label("satisfaction"),
            _flag(Case.closed_at.is_not(None)).label("closed"),
            func.date(Case.received_at, type_=Date).label("received_day"),
            func.date(Case.closed_at, type_=Date).label("closed_day"))


def case_facts(region: Region, since: datetime, until: datetime, now: datetime, *criteria, deadlines: bool = True):
    """One row per case received in [since, until) in ``region`` (merged duplicates flagged),
    with what the measures read of it: its answer deadlines folded into two flags in the same
    pass (grouped by case, so each is worked out once), and whether it is a repeat call.
    Without ``deadlines``, the case's own columns alone: enough for the measures that read no
    more (the handling time), at the cost of a plain read of the cases."""
    stmt = select(*_case_base_columns(region)).where(*_population(region, since, until, criteria))
    if not deadlines:
        return stmt.subquery("case_facts")
    due = or_(CaseDeadline.met_at.is_not(None), CaseDeadline.due_at < now)
    late = or_(CaseDeadline.met_at > CaseDeadline.due_at, and_(CaseDeadline.met_at.is_(None), CaseDeadline.due_at < now))
    return (
        stmt.add_columns(func.max(_flag(due)).label("answer_due"), func.max(_flag(late)).label("answer_missed"),
                         _flag(matching.is_repeat_call(Case.id)).label("repeat"))
        .outerjoin(CaseDeadline, and_(CaseDeadline.case_id == Case.id, CaseDeadline.kind.in_(ANSWER_KINDS),
                                      CaseDeadline.cancelled.is_(False)))
        .group_by(Case.id)
        .subquery("case_facts")
    )


def sign_for_facts(region: Region, since: datetime, until: datetime, now: datetime, *criteria):
    """One row per sign-for deadline (not cancelled) of the cases received in [since, until)
    in ``region``, merged duplicates left out."""
    met = CaseDeadline.met_at
    return (
        select(CaseDeadline.id.label("id"), *_case_columns(region),
               _flag(or_(met.is_not(None), CaseDeadline.due_at < now)).label("due"),
               _flag(met <= CaseDeadline.due_at).label("on_time"))
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(*_population(region, since, until, criteria), Case.merged_into_id.is_(None),
               CaseDeadline.kind == DeadlineKind.SIGN_FOR, CaseDeadline.cancelled.is_(False))
        .subquery("sign_for_facts")
    )


# --------------------------------------------------------------------------- figures

@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int
    mean: bool = False

    @property
    def value(self) -> float | None:
        """The rate (0–1) or the mean; None when there is nothing to divide by."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def short(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value:.1f}" if self.mean else f"{self.value * 100:.1f}%"

    @property
    def label(self) -> str:
        """93.5%（187/200）; "—" alone when the denominator is empty, never 0% or 100%."""
        return self.short if self.value is None else f"{self.short}（{self.numerator}/{self.denominator}）"


@dataclass
class Tally:
    """Numerator and denominator of every measure, for some cases: added up across cells."""

    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, other: "Tally") -> None:
        for code, (numerator, denominator) in other.counts.items():
            mine = self.counts[code]
            mine[0] += numerator
            mine[1] += denominator

    def figure(self, measure: Measure) -> Figure:
        numerator, denominator = self.counts.get(measure.code, (0, 0))
        return Figure(numerator, denominator, measure.mean)

    @property
    def empty(self) -> bool:
        return not any(denominator for _, denominator in self.counts.values())


Cell = tuple  # (row key, month, 1 for 12345 else 0)


def _count(facts, measures: list[Measure], cells: dict[Cell, Tally]) -> None:
    """Each measure's numerator (a mean's is summed apart, in days) and denominator per cell."""
    c = facts.c
    columns = [(m.code, 0, m.condition("numerator", c)) for m in measures if not m.mean]
    columns += [(m.code, 1, m.denominator(c)) for m in measures]
    for key, month, hotline, *numbers in db.session.execute(
        select(c.key, c.month, c.hotline, *(func.sum(_flag(condition)) for _, _, condition in columns))
        .group_by(c.key, c.month, c.hotline)
    ):
        counts = cells[(key, int(month), int(hotline))].counts
        for (code, index, _), number in zip(columns, numbers, strict=True):
            counts[code][index] += int(number or 0)


def _add_working_days(facts, measure: Measure, cells: dict[Cell, Tally], calendar: WorkCalendar) -> None:
    """The working days of the closed cases, summed per cell: the database groups them by
    (received day, closed day), the calendar counts each pair once."""
    c = facts.c
    for key, month, hotline, received, closed, number in db.session.execute(
        select(c.key, c.month, c.hotline, c.received_day, c.closed_day, func.count())
        .where(measure.denominator(c))
        .group_by(c.key, c.month, c.hotline, c.received_day, c.closed_day)
    ):
        cells[(key, int(month), int(hotline))].counts[measure.code][0] += working_days(received, closed, calendar) * number


def next_due(region: Region, since: datetime, until: datetime, now: datetime) -> datetime | None:
    """When the first open deadline of the cases received in [since, until) in ``region`` falls
    due after ``now``: until then every measure read as of ``now`` reads the same."""
    return db.session.execute(
        select(func.min(CaseDeadline.due_at)).join(Case, Case.id == CaseDeadline.case_id)
        .where(*_population(region, since, until, ()), CaseDeadline.met_at.is_(None),
               CaseDeadline.cancelled.is_(False), CaseDeadline.due_at >= now)
    ).scalar()


def kept_while_exact(key: tuple, region: Region, since: datetime, until: datetime, now: datetime, make: Callable,
                     names: tuple[str, ...] = (CASE_FIGURES,)):
    """``make()``, kept while the data of the revisions ``names`` stay as they are and no open
    deadline of the cases received in [since, until) in ``region`` falls due after ``now``.
    The reader's scope is part of the key: it filters what the statements read."""
    return revisions.kept(names, (*key, current_scope(), region.id, since, until), now,
                          lambda: (make(), next_due(region, since, until, now)))


def count_cells(region: Region, since: datetime, until: datetime, now: datetime,
                calendar: WorkCalendar) -> dict[Cell, Tally]:
    """Every measure's numerator and denominator per (row, month, 12345 or not). Read only:
    the dict may be a kept one."""
    return kept_while_exact(("kpi_cells",), region, since, until, now, lambda: _count_cells(region, since, until, now, calendar))


def _count_cells(region: Region, since: datetime, until: datetime, now: datetime,
                 calendar: WorkCalendar) -> dict[Cell, Tally]:
    cells: dict[Cell, Tally] = defaultdict(Tally)
    _count(case_facts(region, since, until, now), [m for m in MEASURES.values() if m.subject == CASES], cells)
    _add_working_days(case_facts(region, since, until, now, deadlines=False), MEASURES["handling_time"], cells,
                      calendar)
    _count(sign_for_facts(region, since, until, now), [m for m in MEASURES.values() if m.subject == SIGN_FOR_DEADLINES],
           cells)
    return cells


def count_parts_by_channel(region: Region, period, now: datetime, parts: list[tuple[Indicator, str]]) -> list[dict]:
    """For each (indicator, part) of a measure that counts cases, its count per channel id, all
    in one pass over the period's case facts: the year's statistics' case figures. Read only:
    the lists may be kept ones."""
    key = ("kpi_parts", *((indicator.code, part) for indicator, part in parts))
    return kept_while_exact(key, region, period.since, period.until, now,
                 lambda: _count_parts_by_channel(region, period, now, parts))


def _count_parts_by_channel(region: Region, period, now: datetime, parts: list[tuple[Indicator, str]]) -> list[dict]:
    c = case_facts(region, period.since, period.until, now).c
    columns = [func.sum(_flag(indicator.measure.condition(part, c))) for indicator, part in parts]
    counts: list[dict] = [{} for _ in parts]
    for channel, *numbers in db.session.execute(select(c.channel, *columns).group_by(c.channel)):
        for per_channel, number in zip(counts, numbers, strict=True):
            if number:
                per_channel[channel] = int(number)
    return counts


# --------------------------------------------------------------------------- the board

@dataclass
class Row:
    """A line of the table: a handling unit, a county, a month or the total."""

    name: str
    key: int | None = None
    unit_id: int | None = None  # the unit's cases are listed with ?unit=
    region_id: int | None = None  # a county's line links to its own page
    listed: bool = True  # False: 尚未派单, not a unit to rank
    month: int | None = None
    tally: Tally = field(default_factory=Tally)
    hotline: Tally = field(default_factory=Tally)

    def figure(self, indicator: Indicator) -> Figure:
        return (self.hotline if indicator.hotline else self.tally).figure(indicator.measure)

    def add(self, cell: Cell, tally: Tally) -> None:
        self.tally.add(tally)
        if cell[2]:
            self.hotline.add(tally)


@dataclass
class Board:
    region: Region
    period: Period
    rows: list[Row]  # units (or counties), then 尚未派单 when it has cases
    total: Row
    months: list[Row]  # the period's year, month by month
    now: datetime  # deadlines are due or not as of then

    @property
    def by_county(self) -> bool:
        return by_county(self.region)

    def ranked(self, indicator: Indicator) -> list[Row]:
        """The units (or counties), best first by ``indicator``; those without a figure last."""
        sign = 1 if indicator.measure.lower_is_better else -1
        units = [r for r in self.rows if r.listed]
        return sorted(units, key=lambda r: (r.figure(indicator).value is None, sign * (r.figure(indicator).value or 0)))


def by_county(region: Region) -> bool:
    """Whether ``region``'s board has a row per county (a city's, a province's), not per unit."""
    return region.level not in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def _row_heads(region: Region) -> list[tuple[Row, bool]]:
    """The rows of ``region``'s table before counting, each with whether it shows when empty
    (an active unit or county does; an inactive one only with cases)."""
    if region.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        where = (HandlingUnit.region_id == region.id if region.level == RegionLevel.TOWNSHIP
                 else or_(Region.id == region.id, Region.parent_id == region.id))
        units = db.session.execute(
            select(HandlingUnit).join(Region, HandlingUnit.region_id == Region.id).where(where)
            .order_by(HandlingUnit.kind.desc(), Region.code, HandlingUnit.name)
        ).scalars()
        heads = [(Row(u.name, key=u.id, unit_id=u.id), u.active) for u in units]
        return [*heads, (Row(UNDISPATCHED, listed=False), False)]
    counties = db.session.execute(
        select(Region).where(Region.in_subtree(region.path), Region.level == RegionLevel.COUNTY).order_by(Region.code)
    ).scalars()
    return [(Row(c.name, key=c.id, region_id=c.id), c.active) for c in counties]


def board(region: Region, period: Period, now: datetime, calendar: WorkCalendar) -> Board:
    """The region's figures for ``period`` per row, in total, and month by month over its year."""
    year = period.whole_year
    cells = count_cells(region, year.since, year.until, now, calendar)
    heads = _row_heads(region)
    by_key = {row.key: row for row, _ in heads}
    total = Row("合计")
    months = [Row(f"{m}月", month=m) for m in year.months]
    for cell, tally in cells.items():
        key, month, _ = cell
        months[month - 1].add(cell, tally)
        if month in period.months:
            total.add(cell, tally)
            if key in by_key:
                by_key[key].add(cell, tally)
    rows = [row for row, shown_empty in heads if shown_empty or not row.tally.empty]
    return Board(region=region, period=period, rows=rows, total=total, months=months, now=now)


# --------------------------------------------------------------------------- the cases behind a figure

ALL_UNITS = object()  # the drill-down's unit: every one (the region's total)


def counted(indicator: Indicator, part: str, region: Region, period, now: datetime, unit=ALL_UNITS):
    """The select of the rows (cases, or sign-for deadlines) counted in ``part`` of
    ``indicator``'s figure for ``region``, ``period`` (anything with ``since`` and ``until``)
    and ``unit`` (a unit's id, None for 尚未派单, or ALL_UNITS): the same facts and condition as
    the figure. The year's statistics count their case figures through it too."""
    criteria = []
    if unit is not ALL_UNITS:
        criteria.append(Case.unit_id.is_(None) if unit is None else Case.unit_id == unit)
    if indicator.hotline:
        criteria.append(is_hotline())
    measure = indicator.measure
    if measure.subject == SIGN_FOR_DEADLINES:
        facts = sign_for_facts(region, period.since, period.until, now, *criteria)
        return (select(CaseDeadline).join(CaseDeadline.case).join(facts, facts.c.id == CaseDeadline.id)
                .where(measure.condition(part, facts.c)))
    facts = case_facts(region, period.since, period.until, now, *criteria)
    return select(Case).join(facts, facts.c.id == Case.id).where(measure.condition(part, facts.c))


def behind(indicator: Indicator, part: str, region: Region, period: Period, now: datetime, unit=ALL_UNITS):
    """``counted``, in the order the list of the cases behind a figure shows them, with what it shows."""
    stmt = counted(indicator, part, region, period, now, unit)
    if indicator.measure.subject == SIGN_FOR_DEADLINES:
        return (stmt.options(contains_eager(CaseDeadline.case).joinedload(Case.channel),
                             contains_eager(CaseDeadline.case).joinedload(Case.unit))
                .order_by(Case.received_at, CaseDeadline.id))
    return stmt.options(joinedload(Case.channel), joinedload(Case.unit)).order_by(Case.received_at, Case.id)


def part_label(measure: Measure, part: str) -> str:
    return measure.parts[PARTS.index(part)] or ""


def working_days(received: date, closed: date, calendar: WorkCalendar) -> int:
    """Working days from the day after receipt to the day of closing: a case closed the day it
    came in took none."""
    return max(calendar.workdays_between(received, closed), 0)


# --------------------------------------------------------------------------- charts

@dataclass(frozen=True)
class Bar:
    label: str
    fraction: float | None  # of the chart's full length; None: no figure
    text: str  # 93.5%（187/200）
    short: str  # 93.5%
    current: bool = False  # drawn darker: a month of the chosen period


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    scale: list[tuple[float, str]]  # gridlines: (fraction, label)


def chart(title: str, rows: list[Row], indicator: Indicator, period: Period | None = None) -> Chart:
    """``rows`` drawn by ``indicator``: a rate on 0–100%, a mean against the largest of them;
    month rows in ``period`` marked current."""
    figures = [row.figure(indicator) for row in rows]
    if indicator.measure.mean:
        top = max((f.value for f in figures if f.value is not None), default=0) or 1
        scale = [(0.0, "0"), (1.0, f"{top:.1f}")]
    else:
        top, scale = 1, [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")]
    bars = [Bar(row.name, None if f.value is None else f.value / top, f.label, f.short,
                current=period is not None and row.month in period.months)
            for row, f in zip(rows, figures, strict=True)]
    return Chart(title, bars, scale)
