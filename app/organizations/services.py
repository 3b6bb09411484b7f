"""Organisation registry rules: credit codes, terms (换届), lifecycle events and annual reviews.

Plain functions over the models, tested without HTTP. They flush; the view commits once.
A broken rule raises RuleError with one Chinese sentence per field it concerns.
The legal basis is 《社会团体登记管理条例》 (../shared/rules); article numbers are quoted where used.
"""
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import contains_eager
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from app.attachments.services import attach
from app.enums import LabelledEnum
from app.extensions import db
from app.organizations.models import (
    EventKind,
    LifecycleEvent,
    Organization,
    OrgKind,
    OrgLevel,
    OrgStatus,
    PartyBranch,
    ReviewResult,
    TermStatus,
)
from app.pagination import apply_search
from app.regions.models import Region, RegionLevel
from app.rules import RuleError
from app.scoping import rehome
from app.timeutil import local_today
from app.versioning import require_version

# 换届: warn this many days before the term ends; after the end the term is overdue.
TERM_WARNING_DAYS = 90
# Art 18: a change is registered within 30 days of the supervising unit's approval.
CHANGE_REGISTRATION_DAYS = 30
# Art 28: the annual work report reaches the registration authority by 31 May of the next year.
ANNUAL_REVIEW_DUE = (5, 31)
DEFAULT_TERM_YEARS = 5  # the charter decides; five years is the usual term

# An organisation's level must match the level of the region it belongs to.
REGION_LEVEL_FOR = {
    OrgLevel.CITY: RegionLevel.CITY,
    OrgLevel.COUNTY: RegionLevel.COUNTY,
    OrgLevel.TOWNSHIP: RegionLevel.TOWNSHIP,
    OrgLevel.VILLAGE: RegionLevel.VILLAGE,
}
ORG_LEVEL_FOR = {region_level: org_level for org_level, region_level in REGION_LEVEL_FOR.items()}
ORG_REGION_LEVELS = tuple(REGION_LEVEL_FOR.values())

# Mobile (13800138000), landline with area code (0356-4220000, 0356 4220000, with -extension),
# or a bare local number (4220000).
PHONE_RE = re.compile(r"^(?:\+?86[- ]?)?(?:1[3-9]\d{9}|0\d{2,3}[- ]?\d{7,8}(?:-\d{1,6})?|\d{7,8})$")
PHONE_HINT = "如 13800138000 或 0356-4220000"

# The editable fields of an organisation, as the form, the import and the services name them.
ORG_FIELDS = (
    "name", "kind", "level", "region_id", "sport", "credit_code", "registered_on",
    "registration_authority", "supervising_unit", "legal_representative", "contact_person",
    "contact_phone", "address", "party_branch", "member_count", "venue", "funding_source",
    "staff_count", "establishment_count", "term_years", "term_start", "term_end",
)
TEXT_LIMITS = {
    "name": 100, "sport": 40, "registration_authority": 100, "supervising_unit": 100,
    "legal_representative": 40, "contact_person": 40, "contact_phone": 30, "address": 200,
    "venue": 200, "funding_source": 200,
}
COUNT_FIELDS = ("member_count", "staff_count", "establishment_count")
COUNT_MAX = 10_000_000  # more members than any county has people: a typing error


# ---------------------------------------------------------------- credit code (GB 32100-2015)

def normalise_credit_code(code: str | None) -> str:
    return uscc.compact(code or "")


def credit_code_problem(code: str | None) -> str | None:
    """Why ``code`` is not a valid unified social credit code (GB 32100-2015); None when it is."""
    number = normalise_credit_code(code)
    if not number:
        return "请填写统一社会信用代码。"
    try:
        uscc.validate(number)
    except InvalidLength:
        return f"统一社会信用代码应为 18 位，现为 {len(number)} 位。"
    except InvalidChecksum:
        return "统一社会信用代码校验位不正确，请核对后重新输入。"
    except ValidationError:
        return "统一社会信用代码格式不正确：前 8 位应为数字，其余为数字或大写字母（不含 I、O、S、V、Z）。"
    return None


def credit_code_taken(code: str, exclude_id: int | None = None) -> bool:
    """Codes are unique nationwide, so the check looks beyond the user's scope."""
    return db.session.execute(
        select(Organization.id).where(Organization.credit_code == code, Organization.id != (exclude_id or 0)),
        execution_options={"unscoped": True},
    ).first() is not None


def name_taken(name: str, region_id: int, exclude_id: int | None = None) -> bool:
    return db.session.execute(
        select(Organization.id).where(
            Organization.region_id == region_id,
            func.lower(Organization.name) == name.strip().lower(),
            Organization.id != (exclude_id or 0),
        )
    ).first() is not None


# ---------------------------------------------------------------- level, region, term

def level_problem(level: OrgLevel, region: Region) -> str | None:
    """A county organisation sits in a county region, a township one in a township, and so on."""
    expected = REGION_LEVEL_FOR[level]
    if region.level == expected:
        return None
    if region.level not in ORG_LEVEL_FOR:
        return f"“{region.name}”是{region.level.label}级区划，组织只能登记在市、县、乡镇或村级区划下。"
    return (f"{level.label}组织应属于{expected.label}级区划；所选“{region.name}”是{region.level.label}级，"
            f"请改选{ORG_LEVEL_FOR[region.level].label}或改选区划。")


def phone_problem(phone: str | None) -> str | None:
    if not phone or PHONE_RE.match(phone.strip()):
        return None
    return f"联系电话格式不正确，{PHONE_HINT}。"


def term_end_for(start: date, years: int) -> date:
    """A term elected on 2021-06-10 for five years ends on 2026-06-10 (29 February ends on the 28th)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def term_status(org: Organization, today: date) -> TermStatus:
    """Where the current term stands: warned TERM_WARNING_DAYS before its end, overdue after it.

    A dissolved organisation is never flagged (it has no term to renew): it reads CURRENT, and
    pages show 已注销 in place of the term badge.
    """
    if org.status == OrgStatus.DISSOLVED:
        return TermStatus.CURRENT
    if org.term_end is None:
        return TermStatus.UNKNOWN
    if org.term_end < today:
        return TermStatus.OVERDUE
    if org.term_end <= today + timedelta(days=TERM_WARNING_DAYS):
        return TermStatus.DUE_SOON
    return TermStatus.CURRENT


def term_status_clause(status: TermStatus, today: date):
    """The SQL condition matching ``term_status(org, today) == status``, for filters and exports
    (active organisations only: a filter by term status is about terms still to be renewed)."""
    active = Organization.status == OrgStatus.ACTIVE
    soon = today + timedelta(days=TERM_WARNING_DAYS)
    end = Organization.term_end
    return {
        TermStatus.UNKNOWN: and_(active, end.is_(None)),
        TermStatus.OVERDUE: and_(active, end < today),
        TermStatus.DUE_SOON: and_(active, end >= today, end <= soon),
        TermStatus.CURRENT: and_(active, end > soon),
    }[status]


def days_left(org: Organization, today: date) -> int | None:
    return (org.term_end - today).days if org.term_end else None


# ---------------------------------------------------------------- create and update

def find_region(region_id) -> Region | None:
    """Through a real query, so the scope applies: a region outside it is not found."""
    if region_id is None:
        return None
    return db.session.execute(select(Region).where(Region.id == region_id)).scalar_one_or_none()


def field_problems(fields: dict) -> dict[str, str]:
    """The rules one record's own values must keep, without asking the database."""
    problems: dict[str, str] = {}
    if not (fields.get("name") or "").strip():
        problems["name"] = "请填写组织名称。"
    for key, limit in TEXT_LIMITS.items():
        if len(fields.get(key) or "") > limit and key not in problems:
            problems[key] = f"不能超过 {limit} 个字。"
    if fields.get("kind") is None:
        problems["kind"] = "请选择组织类型。"
    if fields.get("level") is None:
        problems["level"] = "请选择组织级别。"
    if (code := normalise_credit_code(fields.get("credit_code"))) and (problem := credit_code_problem(code)):
        problems["credit_code"] = problem
    if problem := phone_problem(fields.get("contact_phone")):
        problems.setdefault("contact_phone", problem)
    for key in COUNT_FIELDS:
        if fields.get(key) is not None and not 0 <= fields[key] <= COUNT_MAX:
            problems[key] = f"人数应在 0 到 {COUNT_MAX} 之间。"
    years = fields.get("term_years")
    if years is None or not 1 <= years <= 10:
        problems["term_years"] = "任期年限应为 1 到 10 年（以章程为准）。"
    start, end = fields.get("term_start"), fields.get("term_end")
    if start and end and end <= start:
        problems["term_end"] = "任期结束日期应晚于开始日期。"
    if end and not start:
        problems["term_start"] = "填写了任期结束日期时，请同时填写开始日期。"
    return problems


def organization_problems(fields: dict, org: Organization | None = None) -> dict[str, str]:
    """Every rule ``fields`` break, one sentence per field; empty when they may be saved."""
    problems = field_problems(fields)
    exclude_id = org.id if org is not None else None
    name = (fields.get("name") or "").strip()
    region = find_region(fields.get("region_id"))
    if region is None:
        problems["region_id"] = "请选择所属区划（须在您的管辖范围内）。"
    else:
        if fields.get("level") is not None and (problem := level_problem(fields["level"], region)):
            problems["level"] = problem
        if name and "name" not in problems and name_taken(name, region.id, exclude_id):
            problems["name"] = f"“{region.name}”已有名为“{name}”的组织。"
    code = normalise_credit_code(fields.get("credit_code"))
    if code and "credit_code" not in problems and credit_code_taken(code, exclude_id):
        problems["credit_code"] = "该统一社会信用代码已被其他组织使用。"
    return problems


def _apply(org: Organization, fields: dict) -> None:
    for key in ORG_FIELDS:
        if key not in fields:
            continue
        value = fields[key]
        if isinstance(value, str):
            value = value.strip()
        setattr(org, key, value)
    org.credit_code = normalise_credit_code(org.credit_code) or None
    if org.party_branch is None:
        org.party_branch = PartyBranch.NONE
    if org.term_start and not org.term_end:
        org.term_end = term_end_for(org.term_start, org.term_years or DEFAULT_TERM_YEARS)


def create_organization(fields: dict, *, check: bool = True, flush: bool = True) -> Organization:
    """Register an organisation from ``fields`` (keys from ORG_FIELDS); raises RuleError.

    ``check=False, flush=False`` is for the import, which has just checked every row itself
    and flushes them all at once.
    """
    if check and (problems := organization_problems(fields)):
        raise RuleError.of(problems)
    org = Organization(term_years=DEFAULT_TERM_YEARS, status=OrgStatus.ACTIVE)
    _apply(org, fields)
    db.session.add(org)
    if flush:
        db.session.flush()
    return org


def update_organization(org: Organization, fields: dict, opened_version: int | None = None, *,
                        check: bool = True) -> None:
    """Save the registry form's ``fields``; raises RuleError, StaleEdit when ``org`` changed
    since the form was opened at ``opened_version``. ``check=False`` is for the import, which
    has checked its rows against each other and the registry already."""
    require_version(org, opened_version)
    if check and (problems := organization_problems({**{k: getattr(org, k) for k in ORG_FIELDS}, **fields}, org)):
        raise RuleError.of(problems)
    old_region_id = org.region_id
    _apply(org, fields)
    if org.region_id != old_region_id:
        # The scope follows the region on each row: the organisation's records go along,
        # history included, so the old township loses them and the new one sees them whole.
        rehome(org, find_region(org.region_id))
    db.session.flush()


# ---------------------------------------------------------------- lifecycle events

@dataclass
class EventOutcome:
    event: LifecycleEvent
    warnings: list[str] = field(default_factory=list)


def record_event(
    org: Organization,
    kind: EventKind,
    event_date: date,
    *,
    approved_on: date | None = None,
    approval_number: str = "",
    description: str = "",
    review_year: int | None = None,
    review_result: ReviewResult | None = None,
    documents=(),
    today: date | None = None,
) -> EventOutcome:
    """Record one dated registration event and apply what it means for the organisation.

    成立 starts the first term, 换届 starts a new one (term_years from the charter), 注销
    dissolves the organisation and closes its record, 年审 records the year it covers and
    its result. ``documents`` (prepared uploads: the approval, the report) are attached to it.
    Raises RuleError; returns the event with warnings that do not stop it.
    """
    today = today or local_today()
    errors: dict[str, str] = {}
    warnings: list[str] = []
    founding = next((e for e in org.events if e.kind == EventKind.FOUNDING), None)

    if org.status == OrgStatus.DISSOLVED:
        raise RuleError("该组织已注销，不能再登记其他事项。", "kind")
    if event_date > today:
        errors["event_date"] = "日期不能晚于今天。"
    elif founding is not None and kind != EventKind.FOUNDING and event_date < founding.event_date:
        errors["event_date"] = f"日期不能早于成立日期 {founding.event_date:%Y-%m-%d}。"

    if kind == EventKind.FOUNDING:
        if founding is not None:
            errors["kind"] = f"该组织已于 {founding.event_date:%Y-%m-%d} 登记成立，不能重复登记。"
        elif any(e.event_date < event_date for e in org.events):
            errors["event_date"] = "成立日期不能晚于已登记的其他事项。"
    elif kind == EventKind.REELECTION:
        if org.term_start and event_date <= org.term_start and "event_date" not in errors:
            errors["event_date"] = f"换届日期应晚于本届任期开始日期 {org.term_start:%Y-%m-%d}。"
    elif kind == EventKind.CHANGE:
        if approved_on is not None and approved_on > event_date:
            errors["approved_on"] = "审查同意日期不能晚于变更登记日期。"
        elif approved_on is not None and (event_date - approved_on).days > CHANGE_REGISTRATION_DAYS:
            # Art 18: registered within 30 days of the supervising unit's approval.
            warnings.append(
                f"变更登记距业务主管单位审查同意已 {(event_date - approved_on).days} 天，超过《社会团体登记管理条例》"
                f"第十八条规定的 {CHANGE_REGISTRATION_DAYS} 日。"
            )
    elif kind == EventKind.ANNUAL_REVIEW:
        if review_year is None:
            errors["review_year"] = "请填写年审所属年度。"
        elif review_year > event_date.year:
            errors["review_year"] = "年审所属年度不能晚于年审日期所在年份。"
        elif founding is not None and review_year < founding.event_date.year:
            errors["review_year"] = f"该组织 {founding.event_date.year} 年成立，不能年审更早的年度。"
        elif any(e.kind == EventKind.ANNUAL_REVIEW and e.review_year == review_year for e in org.events):
            errors["review_year"] = f"{review_year} 年度的年审已登记。"
        if review_result is None:
            errors["review_result"] = "请选择年审结论。"
        if review_year is not None and "review_year" not in errors and event_date > annual_review_due(review_year):
            warnings.append(f"{review_year} 年度年检应于 {annual_review_due(review_year):%Y-%m-%d} 前完成"
                            "（《社会团体登记管理条例》第二十八条），本次登记已逾期。")
    if errors:
        raise RuleError.of(errors)

    event = LifecycleEvent(
        organization=org, region_id=org.region_id, kind=kind, event_date=event_date,
        approval_number=approval_number.strip(), description=description.strip(),
        approved_on=approved_on if kind == EventKind.CHANGE else None,
        review_year=review_year if kind == EventKind.ANNUAL_REVIEW else None,
        review_result=review_result if kind == EventKind.ANNUAL_REVIEW else None,
    )
    db.session.add(event)

    later_term = any(e.kind in (EventKind.FOUNDING, EventKind.REELECTION) and e.event_date > event_date
                     for e in org.events if e is not event)
    # A founding back-filled after a re-election is history: the current term stays as it is.
    if kind in (EventKind.FOUNDING, EventKind.REELECTION) and not later_term:
        org.term_start = event_date
        org.term_end = term_end_for(event_date, org.term_years or DEFAULT_TERM_YEARS)
        if kind == EventKind.FOUNDING and org.registered_on is None:
            org.registered_on = event_date
    elif kind == EventKind.DISSOLUTION:
        org.status = OrgStatus.DISSOLVED
    db.session.flush()
    attach(list(documents), owner=event, region_id=event.region_id)
    return EventOutcome(event, warnings)


def allowed_event_kinds(org: Organization) -> list[EventKind]:
    """What may still be recorded: nothing after 注销, 成立 only once."""
    if org.status == OrgStatus.DISSOLVED:
        return []
    founded = any(e.kind == EventKind.FOUNDING for e in org.events)
    return [k for k in EventKind if not (k == EventKind.FOUNDING and founded)]


# ---------------------------------------------------------------- annual review (年检/年审)

class ReviewState(LabelledEnum):
    DONE = "done", "已年审"
    PENDING = "pending", "待年审"
    OVERDUE = "overdue", "逾期未年审"
    NOT_APPLICABLE = "not_applicable", "无需年审"


@dataclass(frozen=True)
class ReviewStatus:
    state: ReviewState
    event: LifecycleEvent | None = None

    @property
    def label(self) -> str:
        if self.event is not None and self.event.review_result is not None:
            return f"{self.state.label}（{self.event.review_result.label}）"
        return self.state.label


def annual_review_due(year: int) -> date:
    """Art 28: the report on ``year`` reaches the registration authority by 31 May of the next year."""
    return date(year + 1, *ANNUAL_REVIEW_DUE)


def first_year(org: Organization) -> int | None:
    known = [d for d in (org.registered_on, org.term_start) if d]
    known += [e.event_date for e in org.events if e.kind == EventKind.FOUNDING]
    return min(known).year if known else None


def _review_state(org: Organization, year: int, event: LifecycleEvent | None, today: date) -> ReviewStatus:
    if event is not None:
        return ReviewStatus(ReviewState.DONE, event)
    start = org.registered_on or org.term_start
    if org.status == OrgStatus.DISSOLVED or (start is not None and start.year > year):
        return ReviewStatus(ReviewState.NOT_APPLICABLE)
    return ReviewStatus(ReviewState.OVERDUE if today > annual_review_due(year) else ReviewState.PENDING)


def annual_review_status(orgs, year: int, today: date | None = None) -> dict[int, ReviewStatus]:
    """The annual review covering ``year`` for each organisation, keyed by id (one query for all)."""
    today = today or local_today()
    orgs = list(orgs)
    if not orgs:
        return {}
    rows = db.session.execute(
        select(LifecycleEvent).where(
            LifecycleEvent.organization_id.in_([o.id for o in orgs]),
            LifecycleEvent.kind == EventKind.ANNUAL_REVIEW,
            LifecycleEvent.review_year == year,
        ).order_by(LifecycleEvent.event_date)
    ).scalars()
    events = {e.organization_id: e for e in rows}
    return {o.id: _review_state(o, year, events.get(o.id), today) for o in orgs}


def review_history(org: Organization, today: date | None = None, years: int = 10) -> list[tuple[int, ReviewStatus]]:
    """The organisation's annual reviews year by year, newest first: every year from its start
    (at most ``years`` back) up to last year, plus any year a review was recorded for."""
    today = today or local_today()
    reviews = {e.review_year: e for e in org.events if e.kind == EventKind.ANNUAL_REVIEW and e.review_year}
    last = today.year - 1
    start = max(first_year(org) or last, last - years + 1)
    wanted = set(range(start, last + 1)) | set(reviews)
    return [(y, _review_state(org, y, reviews.get(y), today)) for y in sorted(wanted, reverse=True)]


# ---------------------------------------------------------------- the list

TERM_FILTERS = {s.value: s.label for s in TermStatus} | {"dissolved": "已注销"}


def organization_query(*, term: str = "", kind: str = "", region: Region | None = None, status_term: str = "",
                       today: date | None = None):
    """The organisations matching the list's filters, joined with their region, in tree order.

    ``term`` searches name, credit code and contact person; ``region`` keeps its whole subtree;
    ``status_term`` is a TermStatus value or "dissolved".
    """
    today = today or local_today()
    # The join the region filter needs also fills each row's region (its name is on every row).
    stmt = select(Organization).join(Organization.region).options(contains_eager(Organization.region))
    stmt = apply_search(stmt, term, Organization.name, Organization.credit_code, Organization.contact_person)
    if kind in OrgKind._value2member_map_:
        stmt = stmt.where(Organization.kind == OrgKind(kind))
    if region is not None:
        stmt = stmt.where(Region.in_subtree(region.path))
    if status_term == "dissolved":
        stmt = stmt.where(Organization.status == OrgStatus.DISSOLVED)
    elif status_term in TermStatus._value2member_map_:
        stmt = stmt.where(term_status_clause(TermStatus(status_term), today))
    return stmt.order_by(Region.code, Organization.name, Organization.id)

