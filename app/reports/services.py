"""达标覆盖: which township federations meet the standard, item by item, as the county last found
it. One definition for the page and the export: a township counts as checked (已验收) and as
meeting the standard by its latest finalized county check (验收, 抽查 or 复查); its own self-check
is shown beside it, labelled as such, and never counts; a failed item whose rectification is
still open reads 整改中."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, or_, select, true

from app import revisions
from app.extensions import db
from app.organizations.models import Organization, OrgKind, OrgLevel, OrgStatus
from app.regions.models import Region, RegionLevel
from app.reports import REGISTRY_FIGURES
from app.scoping import current_scope
from app.standards.models import (
    Inspection,
    InspectionKind,
    InspectionResult,
    InspectionStatus,
    ItemResult,
    Rectification,
    RectificationStatus,
    Standard,
    StandardItem,
    Verdict,
)
from app.timeutil import local_now

# The checks that decide the board: the county's own. A township's self-check does not.
COUNTY_CHECKS = (InspectionKind.ACCEPTANCE, InspectionKind.SPOT_CHECK, InspectionKind.RECHECK)
COLUMN_LABELS = {"check": "最近县级检查", "self_check": "乡镇自查", "checked": "已验收", "verdict": "结论",
                 "open": "未整改", "overdue": "逾期"}
IN_RECTIFICATION = "整改中"
YEARS_OFFERED = 6  # the year selector: this year and the five before


def in_year(year: int | None):
    """The checks a board for ``year`` counts: those done in it (None: every check, the latest counts)."""
    if year is None:
        return true()
    return Inspection.inspected_on.between(date(year, 1, 1), date(year, 12, 31))


def _raised_in(stmt, year: int | None):
    """``stmt`` over rectifications, kept to those raised by the checks of ``year`` (all when None:
    no join is paid for then)."""
    if year is None:
        return stmt
    return stmt.join(Inspection, Rectification.inspection_id == Inspection.id).where(in_year(year))


def years_offered(today: date) -> list[int]:
    return list(range(today.year, today.year - YEARS_OFFERED, -1))


@dataclass
class TownshipRow:
    township: Region
    federation: Organization | None
    inspection: Inspection | None  # the latest finalized county check
    cells: dict[str, ItemResult | None]  # item code -> result
    open_rectifications: int = 0
    overdue_rectifications: int = 0
    self_check: Inspection | None = None  # the latest self-check handed in (shown, never counted)
    open_items: frozenset[str] = frozenset()  # codes of items with a rectification not yet closed

    def cell(self, code: str) -> str:
        """An item's word on the board (page and export alike)."""
        result = self.cells.get(code)
        if result is None:
            return "未检查" if self.federation else ""
        if result == ItemResult.FAIL and code in self.open_items:
            return IN_RECTIFICATION
        return result.label

    @property
    def self_check_label(self) -> str:
        if self.self_check is None:
            return ""
        verdict = f"，{self.self_check.verdict.label}" if self.self_check.verdict else ""
        return f"{self.self_check.inspected_on} {self.self_check.status.label}{verdict}"

    @property
    def state(self) -> str:
        """达标 / 不达标 / 未检查 / 未登记: the row's word on the board."""
        if self.federation is None:
            return "未登记"
        if self.inspection is None:
            return "未检查"
        return self.inspection.verdict.label


@dataclass
class CountyBoard:
    county: Region
    standard: Standard
    items: list[StandardItem]
    rows: list[TownshipRow] = field(default_factory=list)
    name: str = ""  # the county's, or the township's when a township looks at its own row

    @property
    def townships(self) -> int:
        return len(self.rows)

    @property
    def registered(self) -> int:
        return sum(1 for r in self.rows if r.federation is not None)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.rows if r.inspection is not None and r.inspection.verdict == Verdict.PASS)

    @property
    def checked(self) -> int:
        return sum(1 for r in self.rows if r.inspection is not None)

    @property
    def rate(self) -> float:
        return self.passed / self.townships if self.townships else 0.0

    @property
    def open_rectifications(self) -> int:
        return sum(r.open_rectifications for r in self.rows)

    @property
    def overdue_rectifications(self) -> int:
        return sum(r.overdue_rectifications for r in self.rows)


def latest_county_verdict(organization_id, within):
    """The verdict of the latest finalized county check (of those ``within`` admits) of the
    organisation ``organization_id``, a column of the enclosing query: the rule by which a
    federation meets its standard, for the boards and the year's statistics alike. One probe of
    ix_inspections_org_latest per organisation, where a window function sorts every finalized one."""
    return (
        select(Inspection.verdict)
        .where(Inspection.organization_id == organization_id, Inspection.status == InspectionStatus.FINALIZED,
               Inspection.kind.in_(COUNTY_CHECKS), within)
        .order_by(Inspection.inspected_on.desc(), Inspection.finalized_at.desc(), Inspection.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def latest_checks(organization_ids: list[int], year: int | None = None
                  ) -> tuple[dict[int, Inspection], dict[int, Inspection]]:
    """Per organisation, its latest finalized county check and its latest self-check handed in
    (submitted or finalized), of ``year`` when given, both in one query: a window ranks each
    organisation's checks of either sort by date."""
    if not organization_ids:
        return {}, {}
    is_self_check = Inspection.kind == InspectionKind.SELF_CHECK
    sort = case((is_self_check, 1), else_=0)
    ranked = (
        select(
            Inspection.id,
            func.row_number()
            .over(partition_by=(Inspection.organization_id, sort),
                  order_by=(Inspection.inspected_on.desc(), Inspection.finalized_at.desc(), Inspection.id.desc()))
            .label("rank"),
        )
        .where(Inspection.organization_id.in_(organization_ids), in_year(year),
               or_(and_(Inspection.kind.in_(COUNTY_CHECKS), Inspection.status == InspectionStatus.FINALIZED),
                   and_(is_self_check, Inspection.status != InspectionStatus.DRAFT)))
        .subquery()
    )
    county: dict[int, Inspection] = {}
    own: dict[int, Inspection] = {}
    for inspection in db.session.execute(
        select(Inspection).join(ranked, ranked.c.id == Inspection.id).where(ranked.c.rank == 1)
    ).scalars():
        (own if inspection.kind == InspectionKind.SELF_CHECK else county)[inspection.organization_id] = inspection
    return county, own


@dataclass(frozen=True)
class OpenRectifications:
    """An organisation's rectifications not yet closed: how many, how many overdue, on which items."""

    count: int = 0
    overdue: int = 0
    items: frozenset[str] = frozenset()


def _open_rectifications(organization_ids: list[int], today: date, year: int | None = None
                         ) -> dict[int, OpenRectifications]:
    """Per organisation, its rectifications not yet closed (raised by the checks of ``year`` when
    given), read in one query."""
    if not organization_ids:
        return {}
    grouped: dict[int, list] = {}
    stmt = (
        select(Rectification.organization_id, StandardItem.code, Rectification.due_on)
        .join(StandardItem, Rectification.item_id == StandardItem.id)
        .where(Rectification.organization_id.in_(organization_ids), Rectification.status != RectificationStatus.CLOSED)
    )
    for org_id, code, due_on in db.session.execute(_raised_in(stmt, year)):
        grouped.setdefault(org_id, []).append((code, due_on))
    return {
        org_id: OpenRectifications(count=len(rows), overdue=sum(1 for _, due in rows if due < today),
                                   items=frozenset(code for code, _ in rows))
        for org_id, rows in grouped.items()
    }


def township_standard() -> Standard | None:
    return db.session.execute(
        select(Standard)
        .where(Standard.org_kind == OrgKind.FEDERATION, Standard.org_level == OrgLevel.TOWNSHIP)
        .order_by(Standard.id)
    ).scalars().first()


def _township_rows(townships: list[Region], standard: Standard, today: date, year: int | None
                   ) -> list[TownshipRow]:
    """One row per township, built from a handful of bulk queries whatever the number of townships."""
    township_ids = [t.id for t in townships]
    federations: dict[int, Organization] = {}
    if township_ids:
        for org in db.session.execute(
            select(Organization)
            .where(
                Organization.region_id.in_(township_ids),
                Organization.kind == standard.org_kind,
                Organization.level == standard.org_level,
                Organization.status == OrgStatus.ACTIVE,
            )
            .order_by(Organization.id)
        ).scalars():
            federations.setdefault(org.region_id, org)  # one federation per township: the first registered
    federation_ids = [o.id for o in federations.values()]
    latest, self_checks = latest_checks(federation_ids, year)
    results = _results_by_code([i.id for i in latest.values()])
    still_open = _open_rectifications(federation_ids, today, year)
    rows = []
    for township in townships:
        federation = federations.get(township.id)
        inspection = latest.get(federation.id) if federation else None
        open_ = still_open.get(federation.id, OpenRectifications()) if federation else OpenRectifications()
        rows.append(TownshipRow(
            township=township, federation=federation, inspection=inspection,
            cells=results.get(inspection.id, {}) if inspection else {},
            open_rectifications=open_.count, overdue_rectifications=open_.overdue,
            self_check=self_checks.get(federation.id) if federation else None, open_items=open_.items,
        ))
    return rows


def county_board(county: Region, standard: Standard, today: date, name: str | None = None,
                 year: int | None = None) -> CountyBoard:
    """Townships × items of the standard's current version (those in scope: a township user's
    board holds its own row), by the checks of ``year`` when given, else by the latest ones.
    ``name`` is what the board is called, the county's by default."""
    townships = db.session.execute(
        select(Region)
        .where(Region.parent_id == county.id, Region.level == RegionLevel.TOWNSHIP, Region.active.is_(True))
        .order_by(Region.code)
    ).scalars().all()
    version = standard.current_version
    return CountyBoard(county=county, standard=standard, items=list(version.items) if version else [],
                       rows=_township_rows(townships, standard, today, year), name=name or county.name)


@dataclass
class CountySummary:
    """One county's line on a city or province board: counts only, no cells. A 小计 or 合计
    line (``county`` None) adds up the lines above it."""

    county: Region | None
    townships: int = 0
    registered: int = 0
    checked: int = 0
    passed: int = 0
    open_rectifications: int = 0
    overdue_rectifications: int = 0
    name: str = ""

    COUNTS = ("townships", "registered", "checked", "passed", "open_rectifications", "overdue_rectifications")

    def __post_init__(self):
        self.name = self.name or (self.county.name if self.county else "")

    @classmethod
    def total(cls, name: str, lines: list["CountySummary"]) -> "CountySummary":
        return cls(None, name=name, **{k: sum(getattr(line, k) for line in lines) for k in cls.COUNTS})

    @property
    def rate(self) -> float:
        return self.passed / self.townships if self.townships else 0.0


@dataclass
class CityGroup:
    """A city's counties on the province board, with their 小计 (``city`` None on a city's own board)."""

    city: Region | None
    lines: list[CountySummary]

    @property
    def subtotal(self) -> CountySummary:
        return CountySummary.total(f"{self.city.name}小计" if self.city else "合计", self.lines)


@dataclass
class SummaryBoard:
    """A city's or a province's board: the counties grouped by city, and the 合计 of them all."""

    groups: list[CityGroup]

    @property
    def lines(self) -> list[CountySummary]:
        return [line for group in self.groups for line in group.lines]

    @property
    def total(self) -> CountySummary:
        return CountySummary.total("合计", self.lines)


def summary_board(region: Region, standard: Standard, today: date, year: int | None = None) -> SummaryBoard:
    """The counties below ``region`` (a city or the province), grouped by their city."""
    lines = summary_boards(region, standard, today, year)
    if region.level != RegionLevel.PROVINCE:
        return SummaryBoard([CityGroup(None, lines)])
    cities = db.session.execute(
        select(Region).where(Region.in_subtree(region.path), Region.level == RegionLevel.CITY).order_by(Region.code)
    ).scalars().all()
    by_city: dict[int, list[CountySummary]] = {c.id: [] for c in cities}
    for line in lines:
        by_city.setdefault(line.county.parent_id, []).append(line)
    return SummaryBoard([CityGroup(c, by_city[c.id]) for c in cities if by_city[c.id]])


def summary_boards(region: Region, standard: Standard, today: date, year: int | None = None) -> list[CountySummary]:
    """One line per county below a city or province. The counts are kept (``app.revisions``) until
    a write changes the registry or the day turns (a rectification falls overdue)."""
    counts = revisions.kept((REGISTRY_FIGURES,), ("coverage", current_scope(), region.id, standard.id, today, year),
                            local_now(), lambda: (_county_counts(region, standard, today, year), None))
    return [CountySummary(county=c, **counts.get(c.id, {})) for c in counties_under(region)]


def _county_counts(region: Region, standard: Standard, today: date, year: int | None) -> dict[int, dict[str, int]]:
    """Each county's counts (CountySummary.COUNTS) by its id, counted by the database (GROUP BY
    county): a province has ~2,000 townships, and loading each with its federation and latest
    inspection as objects cost ~150 ms a page. Same rules as the county board: the first active
    federation of each active township, its latest finalized inspection, its rectifications not yet
    closed."""
    lines: dict[int, dict[str, int]] = defaultdict(dict)
    townships = (
        select(Region.id, Region.parent_id)
        .where(Region.in_subtree(region.path), Region.level == RegionLevel.TOWNSHIP, Region.active.is_(True))
        .subquery()
    )
    federations = (  # the first registered active federation of each township
        select(func.min(Organization.id).label("id"), Organization.region_id)
        .where(Organization.region_id.in_(select(townships.c.id)), Organization.kind == standard.org_kind,
               Organization.level == standard.org_level, Organization.status == OrgStatus.ACTIVE)
        .group_by(Organization.region_id)
        .subquery()
    )
    latest_verdict = latest_county_verdict(federations.c.id, in_year(year)).correlate(federations)
    # Materialized on PostgreSQL, so each federation's verdict is looked up once: as a plain
    # subquery it copies the lookup into both aggregates that read it and probes twice (SQLite
    # does not, and is slower materialized).
    township_lines = (
        select(townships.c.parent_id.label("county_id"), federations.c.id.label("federation_id"),
               latest_verdict.label("verdict"))
        .outerjoin(federations, federations.c.region_id == townships.c.id)
        .cte("township_lines").prefix_with("MATERIALIZED", dialect="postgresql")
    )
    for county_id, township_count, registered, checked, passed in db.session.execute(
        select(township_lines.c.county_id, func.count(), func.count(township_lines.c.federation_id),
               func.count(township_lines.c.verdict),
               func.sum(case((township_lines.c.verdict == Verdict.PASS, 1), else_=0)))
        .group_by(township_lines.c.county_id)
    ):
        lines[county_id].update(townships=township_count, registered=registered, checked=checked,
                                passed=int(passed or 0))
    not_closed = Rectification.status != RectificationStatus.CLOSED
    for county_id, open_, overdue in db.session.execute(
        select(townships.c.parent_id, func.sum(case((not_closed, 1), else_=0)),
               func.sum(case((not_closed & (Rectification.due_on < today), 1), else_=0)))
        .select_from(Rectification)
        .join(federations, federations.c.id == Rectification.organization_id)
        .join(townships, townships.c.id == federations.c.region_id)
        .group_by(townships.c.parent_id)
        .where(Rectification.id.in_(_raised_in(select(Rectification.id), year)) if year else true())
    ):
        lines[county_id].update(open_rectifications=int(open_ or 0), overdue_rectifications=int(overdue or 0))
    return dict(lines)


def _results_by_code(inspection_ids: list[int]) -> dict[int, dict[str, ItemResult | None]]:
    """Results keyed by item code, so an inspection made with an older version still fills the board."""
    if not inspection_ids:
        return {}
    rows = db.session.execute(
        select(InspectionResult.inspection_id, StandardItem.code, InspectionResult.result)
        .join(StandardItem, InspectionResult.item_id == StandardItem.id)
        .where(InspectionResult.inspection_id.in_(inspection_ids))
    ).all()
    grouped: dict[int, dict[str, ItemResult | None]] = {}
    for inspection_id, code, result in rows:
        grouped.setdefault(inspection_id, {})[code] = result
    return grouped


def counties_under(region: Region) -> list[Region]:
    return db.session.execute(
        select(Region)
        .where(Region.in_subtree(region.path), Region.level == RegionLevel.COUNTY, Region.active.is_(True))
        .order_by(Region.code)
    ).scalars().all()
