"""年度统计: the figures a work report is built on, for a region's subtree and a period.

Each figure is a named query: a select of the records it counts (organisations, events,
inspections, activities …), optionally broken down by a few dimensions (kind, level, verdict).
Its numbers are one GROUP BY of that select; the list behind any of them is the same select
narrowed to that cell. The page, the Excel, the .docx and the drill-down list all read the one
definition, so a number and its records cannot disagree. A new section is a few more ``Figure``
lines in ``FIGURES`` and its table in the templates.

What "active at the period's end" means for an organisation: registered by then (or with no
registration date on file) and not dissolved by then (a dissolution dated after the end leaves it
active in the period; one without a dated 注销 event counts as dissolved). A federation meets its
standard by the verdict of its latest finalized county check up to the period's end
(``services.latest_county_verdict``, the coverage board's rule: a self-check never counts).
"""
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, not_, or_, select, true
from sqlalchemy.orm import joinedload

from app import revisions
from app.activities.models import Activity, ActivityKind, ActivityStatus
from app.cases.models import Case, Channel
from app.extensions import db
from app.organizations.models import EventKind, LifecycleEvent, Organization, OrgKind, OrgLevel, OrgStatus
from app.parsing import YEARS
from app.regions.models import Region, RegionLevel
from app.reports import CASE_FIGURES, REGISTRY_FIGURES, kpis
from app.reports.services import latest_county_verdict
from app.scoping import current_scope, scope_in_force
from app.standards.models import Inspection, InspectionKind, InspectionStatus, Rectification, Standard, Verdict
from app.timeutil import local_now, local_to_utc

# --------------------------------------------------------------------------- periods

DATES = "dates"  # the period chosen by its first and last day
HALVES = {1: "上半年", 2: "下半年"}
PERIOD_CODE = re.compile(r"([0-9]{4})(?:-H([12]))?")
YEARS_OFFERED = 6  # the period selector: this year and the five before, each whole and by halves


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    code: str  # "2026", "2026-H1", or DATES

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31), str(year))

    @classmethod
    def half(cls, year: int, half: int) -> "Period":
        if half == 1:
            return cls(date(year, 1, 1), date(year, 6, 30), f"{year}-H1")
        return cls(date(year, 7, 1), date(year, 12, 31), f"{year}-H2")

    @classmethod
    def between(cls, start: date, end: date) -> "Period":
        return cls(start, end, DATES)

    @property
    def half_number(self) -> int | None:
        return int(self.code[-1]) if "-H" in self.code else None

    @property
    def name(self) -> str:
        """2026年度, 2026年上半年, 2026年3月1日至2026年6月30日: what titles call it."""
        if self.code == DATES:
            return f"{chinese_date(self.start)}至{chinese_date(self.end)}"
        if self.half_number:
            return f"{self.start.year}年{HALVES[self.half_number]}"
        return f"{self.start.year}年度"

    @property
    def opening(self) -> str:
        """How a report's sentence about the period begins: 全年… / 上半年… / 2026年3月1日至…，…"""
        if self.code == DATES:
            return f"{self.name}，"
        return HALVES[self.half_number] if self.half_number else "全年"

    @property
    def args(self) -> dict[str, str]:
        """The query arguments that ask for this period again."""
        if self.code == DATES:
            return {"period": DATES, "start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.code}

    @property
    def since(self) -> datetime:
        """The period's first moment in China time, as case times are kept."""
        return datetime.combine(self.start, time())

    @property
    def until(self) -> datetime:
        """The first moment after the period, in China time."""
        return datetime.combine(self.end + timedelta(days=1), time())

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The period as stored times (naive UTC) cover it: its first day's China midnight, up to
        the one after its last day."""
        return (local_to_utc(datetime.combine(self.start, time())),
                local_to_utc(datetime.combine(self.end + timedelta(days=1), time())))


def parse_period(text: str | None) -> Period | None:
    """"2026" (the year), "2026-H1" or "2026-H2" (a half), else None."""
    match = PERIOD_CODE.fullmatch((text or "").strip())
    if match is None or not YEARS[0] <= int(match.group(1)) <= YEARS[1]:
        return None
    year = int(match.group(1))
    return Period.half(year, int(match.group(2))) if match.group(2) else Period.year(year)


def periods_offered(today: date) -> list[Period]:
    return [p for year in range(today.year, today.year - YEARS_OFFERED, -1)
            for p in (Period.year(year), Period.half(year, 1), Period.half(year, 2))]


# --------------------------------------------------------------------------- figures

@dataclass(frozen=True)
class Dimension:
    """One way a figure's records are broken down: a column (or an expression of the period)
    and the values it takes, in the order tables show them. A value travels in addresses as its
    ``param`` (an enum's value, "yes"/"no", "none", a record's id). Values that are data (the
    channels an administrator keeps) are given as a function that reads them."""

    key: str
    label: str
    values: tuple[tuple[object, str], ...] | Callable[[], tuple[tuple[object, str], ...]]  # (value, label)
    column: Callable[["Period"], ColumnElement]

    def choices(self) -> tuple[tuple[object, str], ...]:
        return self.values() if callable(self.values) else self.values

    def match(self, period: Period, param: str) -> ColumnElement | None:
        """The condition "this record is in the cell ``param``", or None for an unknown param."""
        values = {param_of(v): v for v, _ in self.choices()}
        if param not in values:
            return None
        value = values[param]
        column = self.column(period)
        if value is None:
            return column.is_(None)
        if isinstance(value, bool):
            return column if value else not_(column)
        return column == value

    def label_of(self, param: str) -> str:
        return next((label for v, label in self.choices() if param_of(v) == param), param)


def param_of(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _enum(key: str, label: str, enum, column) -> Dimension:
    return Dimension(key, label, tuple((member, member.label) for member in enum), lambda period: column)


@dataclass(frozen=True)
class Figure:
    """A named count (or ``summed`` column) of the records ``records(region, period)`` selects,
    broken down ``by`` its dimensions; ``listing`` names the columns its list of records shows."""

    key: str
    title: str
    records: Callable[[Region, "Period"], Select]
    by: tuple[Dimension, ...] = ()
    summed: ColumnElement | None = None
    listing: str = ""
    order: tuple = ()
    options: tuple = ()
    note: str = ""
    kpi_part: tuple[str, str] | None = None  # (indicator, part): the cases counted in a part of a KPI measure

    def dimension(self, key: str) -> Dimension | None:
        return next((d for d in self.by if d.key == key), None)

    def select(self, region: Region, period: Period, cell: dict[str, str]) -> Select:
        """The records behind one cell of the figure (``cell``: dimension key -> param), in list
        order; an unknown dimension or value raises KeyError."""
        stmt = self.records(region, period)
        for key, param in cell.items():
            dimension = self.dimension(key)
            condition = dimension.match(period, param) if dimension else None
            if condition is None:
                raise KeyError(key)
            stmt = stmt.where(condition)
        return stmt.order_by(*self.order).options(*self.options)

    def tally(self, region: Region, period: Period) -> "Tally":
        """The figure's numbers, one per cell, in one GROUP BY."""
        columns = [d.column(period).label(f"d{i}") for i, d in enumerate(self.by)]
        measure = (self.summed if self.summed is not None else literal(1)).label("measure")
        cells = self.records(region, period).with_only_columns(*columns, measure, maintain_column_froms=True) \
            .order_by(None).subquery()
        keys = [cells.c[f"d{i}"] for i in range(len(self.by))]
        counted = db.session.execute(
            select(*keys, func.coalesce(func.sum(cells.c.measure), 0)).group_by(*keys)
        ).all()
        return Tally(self, {tuple(param_of(v) for v in row[:-1]): int(row[-1]) for row in counted})


@dataclass
class Tally:
    """A figure's numbers by cell (a tuple of params, one per dimension)."""

    figure: Figure
    cells: dict[tuple[str, ...], int] = field(default_factory=dict)

    def get(self, **cell: str) -> int:
        """The sum over the cells that match ``cell`` (dimension key -> param): ``get()`` is the total."""
        positions = {i: cell[d.key] for i, d in enumerate(self.figure.by) if d.key in cell}
        return sum(n for key, n in self.cells.items() if all(key[i] == p for i, p in positions.items()))

    @property
    def total(self) -> int:
        return self.get()


# --------------------------------------------------------------------------- the named queries

def _in_region(model, region: Region) -> ColumnElement:
    """``model``'s rows in ``region``'s subtree. Nothing to add when the scope in force is that
    subtree already (the user's own region, the usual case): a second filter would only make the
    database plan the region range twice."""
    scope = current_scope()
    if scope_in_force() and (scope == region.path or (scope is None and region.parent_id is None)):
        return true()
    if model is Region:
        return Region.in_subtree(region.path)
    return model.region_id.in_(select(Region.id).where(Region.in_subtree(region.path)))


def active_at_end(period: Period) -> ColumnElement:
    """An organisation exists at the period's end: registered by then, not dissolved by then."""
    dissolved_later = exists().where(LifecycleEvent.organization_id == Organization.id,
                                     LifecycleEvent.kind == EventKind.DISSOLUTION,
                                     LifecycleEvent.event_date > period.end)
    return and_(or_(Organization.registered_on.is_(None), Organization.registered_on <= period.end),
                or_(Organization.status == OrgStatus.ACTIVE, dissolved_later))


def _organizations(region: Region, period: Period) -> Select:
    return select(Organization).where(_in_region(Organization, region), active_at_end(period))


def _federations(region: Region, period: Period) -> Select:
    return _organizations(region, period).where(Organization.kind == OrgKind.FEDERATION)


def _verdict_at_end(period: Period) -> ColumnElement:
    return latest_county_verdict(Organization.id, Inspection.inspected_on <= period.end)


def _has_organization(kind: OrgKind, level: OrgLevel | None = None):
    """The region (a township, a community) holds an active organisation of ``kind`` at the period's end."""
    def column(period: Period) -> ColumnElement:
        held = exists().where(Organization.region_id == Region.id, Organization.kind == kind, active_at_end(period))
        return held.where(Organization.level == level) if level else held
    return column


def _regions(level: RegionLevel, *conditions):
    def records(region: Region, period: Period) -> Select:
        return select(Region).where(_in_region(Region, region), Region.level == level, Region.active.is_(True),
                                    *conditions)
    return records


def _events(region: Region, period: Period) -> Select:
    return select(LifecycleEvent).where(_in_region(LifecycleEvent, region),
                                        LifecycleEvent.kind.in_(EVENT_KINDS),
                                        LifecycleEvent.event_date.between(period.start, period.end))


def _inspections(region: Region, period: Period) -> Select:
    return select(Inspection).where(_in_region(Inspection, region), Inspection.status == InspectionStatus.FINALIZED,
                                    Inspection.inspected_on.between(period.start, period.end))


def _rectifications_by(column):
    def records(region: Region, period: Period) -> Select:
        start, end = period.utc_bounds()
        return select(Rectification).where(_in_region(Rectification, region), column >= start, column < end)
    return records


def _activities(region: Region, period: Period) -> Select:
    return select(Activity).where(_in_region(Activity, region), Activity.status != ActivityStatus.CANCELLED,
                                  Activity.starts_on.between(period.start, period.end))


def _reported_activities(region: Region, period: Period) -> Select:
    return _activities(region, period).where(Activity.status == ActivityStatus.REPORTED)


def _cases(indicator: str, part: str):
    """The cases counted in ``part`` of a KPI measure (app.reports.kpis holds the one definition:
    which cases are answered, on time, satisfied), as they stand now."""
    def records(region: Region, period: Period) -> Select:
        return kpis.counted(kpis.INDICATORS[indicator], part, region, period, local_now())
    return records


def case_tallies(region: Region, period: Period) -> dict[str, "Tally"]:
    """The case figures' numbers by channel in one pass (``kpis.count_parts_by_channel``): each
    counted alone through its records would read the period's cases and deadlines once per figure."""
    figures = [f for f in FIGURES.values() if f.kpi_part]
    counts = kpis.count_parts_by_channel(region, period, local_now(),
                                         [(kpis.INDICATORS[i], part) for i, part in (f.kpi_part for f in figures)])
    return {f.key: Tally(f, {(param_of(channel),): n for channel, n in per_channel.items()})
            for f, per_channel in zip(figures, counts, strict=True)}


def channels() -> tuple[tuple[int, str], ...]:
    return tuple((c.id, c.name) for c in db.session.execute(select(Channel).order_by(Channel.position, Channel.id))
                 .scalars())


BY_CHANNEL = Dimension("channel", "来源渠道", channels, lambda period: Case.channel_id)


# 成立、换届、变更、注销: the registration events a report names (年审 is not one of them).
EVENT_KINDS = (EventKind.FOUNDING, EventKind.REELECTION, EventKind.CHANGE, EventKind.DISSOLUTION)
COVERED = ((True, "已覆盖"), (False, "未覆盖"))
BY_NAME = "events"  # the figure whose records reports name one by one

ORG_ORDER = (Organization.name, Organization.id)
FIGURES = {f.key: f for f in (
    Figure("organizations", "体育社会组织", _organizations,
           by=(_enum("kind", "类型", OrgKind, Organization.kind), _enum("level", "级别", OrgLevel, Organization.level)),
           listing="organizations", order=ORG_ORDER, options=(joinedload(Organization.region),),
           note="期末存续的组织（期末前登记、期末未注销）"),
    Figure("federations", "体育总会", _federations,
           by=(_enum("level", "级别", OrgLevel, Organization.level),
               Dimension("verdict", "达标情况", ((Verdict.PASS, "达标"), (Verdict.FAIL, "不达标"), (None, "未检查")),
                         _verdict_at_end)),
           listing="organizations", order=ORG_ORDER, options=(joinedload(Organization.region),),
           note="按期末前最近一次已定稿的县级检查（验收、抽查、复查）结论计，自查不计入"),
    Figure("townships", "乡镇（街道）", _regions(RegionLevel.TOWNSHIP),
           by=(Dimension("covered", "乡镇级体育总会", COVERED,
                         _has_organization(OrgKind.FEDERATION, OrgLevel.TOWNSHIP)),),
           listing="regions", order=(Region.code,), options=(joinedload(Region.parent),)),
    Figure("communities", "社区", _regions(RegionLevel.VILLAGE, Region.is_community()),
           by=(Dimension("covered", "社区健身会", COVERED, _has_organization(OrgKind.COMMUNITY_ASSOCIATION)),),
           listing="regions", order=(Region.code,), options=(joinedload(Region.parent),)),
    Figure(BY_NAME, "登记事项", _events,
           by=(Dimension("kind", "事项", tuple((k, k.label) for k in EVENT_KINDS),
                         lambda period: LifecycleEvent.kind),),
           listing="events", order=(LifecycleEvent.event_date, LifecycleEvent.id),
           options=(joinedload(LifecycleEvent.organization),)),
    Figure("inspections", "检查", _inspections,
           by=(_enum("kind", "检查类型", InspectionKind, Inspection.kind),
               _enum("verdict", "结论", Verdict, Inspection.verdict)),
           listing="inspections", order=(Inspection.inspected_on, Inspection.id),
           options=(joinedload(Inspection.organization),), note="期内检查且已定稿的，按检查日期计"),
    Figure("rectifications_opened", "新增整改", _rectifications_by(Rectification.created_at),
           listing="rectifications", order=(Rectification.created_at, Rectification.id),
           options=(joinedload(Rectification.organization), joinedload(Rectification.item))),
    Figure("rectifications_closed", "整改销号", _rectifications_by(Rectification.closed_at),
           listing="rectifications", order=(Rectification.closed_at, Rectification.id),
           options=(joinedload(Rectification.organization), joinedload(Rectification.item))),
    Figure("activities", "赛事活动", _activities,
           by=(_enum("kind", "类型", ActivityKind, Activity.kind),),
           listing="activities", order=(Activity.starts_on, Activity.id),
           options=(joinedload(Activity.organization),), note="期内开始、未取消的"),
    Figure("participants", "参与人次", _reported_activities, summed=Activity.actual_participants,
           listing="activities", order=(Activity.starts_on, Activity.id),
           options=(joinedload(Activity.organization),), note="已上报活动的实际参与人数之和"),
    # 诉求件, by channel: each a part of a KPI measure, so the two pages never disagree.
    *(Figure(key, title, _cases(indicator, part), by=(BY_CHANNEL,), listing="cases",
             order=(Case.received_at, Case.id), options=(joinedload(Case.channel), joinedload(Case.unit)), note=note,
             kpi_part=(indicator, part))
      for key, title, indicator, part, note in (
          ("cases_received", "收件", "repeat", "denominator", "期内收到的诉求件，含合并的重复件"),
          ("cases_answered", "已答复", "callback", "denominator", "最近一轮已答复的（不含重复件）"),
          ("cases_due", "应办结", "on_time", "denominator", "答复期限已答复或已到期的"),
          ("cases_on_time", "按时办结", "on_time", "numerator", "答复期限全部按时的"),
          ("cases_called_back", "已回访", "satisfaction", "denominator", "最近一轮已回访的"),
          ("cases_satisfied", "满意", "satisfaction", "numerator", "回访满意或基本满意的"),
      )),
)}


# --------------------------------------------------------------------------- the whole report

NAMES_SHOWN = 20  # names per kind in a sentence or on the page; the list and the Excel hold them all


@dataclass
class Statistics:
    region: Region
    period: Period
    tallies: dict[str, Tally]
    standards: dict[OrgLevel, Standard]  # the federations' standard of each level (四有, 五有)
    names: dict[str, list[str]]  # event kind -> the organisations' names, up to NAMES_SHOWN + 1
    as_of: date  # the day the figures stand at: the period's end, or today while it runs

    def __getitem__(self, key: str) -> Tally:
        return self.tallies[key]

    @property
    def title(self) -> str:
        return title(self.region, self.period)


def title(region: Region, period: Period) -> str:
    """阳城县2026年度体育社会组织工作统计"""
    return f"{region.name}{period.name}体育社会组织工作统计"


def federation_standards() -> dict[OrgLevel, Standard]:
    rows = db.session.execute(
        select(Standard).where(Standard.org_kind == OrgKind.FEDERATION).order_by(Standard.id)
    ).scalars()
    standards: dict[OrgLevel, Standard] = {}
    for standard in rows:
        standards.setdefault(standard.org_level, standard)
    return standards


def event_names(region: Region, period: Period) -> dict[str, list[str]]:
    """Per event kind, the names of the organisations it happened to, first NAMES_SHOWN + 1 by
    date (one more tells that there are more): a window function ranks them in one query."""
    events = FIGURES[BY_NAME].records(region, period).subquery()
    ranked = (
        select(events.c.kind, Organization.name,
               func.row_number().over(partition_by=events.c.kind,
                                      order_by=(events.c.event_date, events.c.id)).label("rank"))
        .join(Organization, Organization.id == events.c.organization_id)
        .subquery()
    )
    names: dict[str, list[str]] = {}
    for kind, name in db.session.execute(
        select(ranked.c.kind, ranked.c.name).where(ranked.c.rank <= NAMES_SHOWN + 1).order_by(ranked.c.rank)
    ):
        names.setdefault(param_of(kind), []).append(name)
    return names


def statistics(region: Region, period: Period, today: date) -> Statistics:
    """The figures of ``region`` in ``period``; a period still running is reported as of ``today``
    (a report written on 4 December says 截至2026年12月4日, not the 31st it has not reached)."""
    return Statistics(region=region, period=period, as_of=min(period.end, today),
                      tallies={**registry_tallies(region, period), **case_tallies(region, period)},
                      standards=federation_standards(), names=event_names(region, period))


def registry_tallies(region: Region, period: Period) -> dict[str, Tally]:
    """The figures other than the cases', kept (``app.revisions``) until a write changes what
    they count: none of them moves with the clock. Read only: the dict may be a kept one."""
    return revisions.kept((CASE_FIGURES, REGISTRY_FIGURES), ("statistics", current_scope(), region.id, period),
                          local_now(), lambda: ({key: figure.tally(region, period) for key, figure in FIGURES.items()
                                                 if not figure.kpi_part}, None))


def named_records(stats: Statistics) -> list[LifecycleEvent]:
    """Every record of the figure reports name one by one (the Excel's list of them)."""
    stmt = FIGURES[BY_NAME].select(stats.region, stats.period, {}).options(joinedload(LifecycleEvent.region))
    return db.session.execute(stmt).scalars().all()
