"""The case desk's state changes: registering a case with its number and deadlines, and taking a
workflow step with everything it changes (state, deadlines, the handling unit and the region the
case lives in) and its entry on the timeline. Every change goes through the ORM, so the audit
log has it; ``workflow.refusal`` decides whether a step may be taken at all."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import g
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import revisions
from app.attachments.services import attach
from app.audit.listeners import record_view
from app.auth.models import User
from app.cases import matching, workflow
from app.cases.calendar import WorkCalendar
from app.cases.deadlines import Limit, Unit, due
from app.cases.models import (
    SUPERVISION_LADDER,
    ActionKind,
    CalendarDay,
    CalendarYear,
    Case,
    CaseAction,
    CaseCounter,
    CaseDeadline,
    Channel,
    ChannelClass,
    DeadlineKind,
    DeadlineRule,
    HandlingUnit,
    UnitKind,
)
from app.extensions import db
from app.printing.codes import new_verification_code
from app.regions.models import Region, RegionLevel
from app.reports import CASE_FIGURES
from app.rules import RuleError
from app.scoping import rehome, unscoped
from app.timeutil import local_to_utc, utcnow
from app.versioning import require_version

A = ActionKind


# --------------------------------------------------------------------------- the calendar

def load_calendar() -> WorkCalendar:
    """The calendar with the administrator's entries, read once per request or job, and kept
    (app.revisions) while they are unchanged."""
    if "_work_calendar" not in g:
        g._work_calendar = revisions.kept((CASE_FIGURES,), ("work_calendar",), utcnow(),
                                          lambda: (_read_calendar(), None))
    return g._work_calendar


def _read_calendar() -> WorkCalendar:
    overrides = {d.day: d.workday for d in db.session.execute(select(CalendarDay)).scalars()}
    return WorkCalendar(overrides, frozenset(db.session.execute(select(CalendarYear.year)).scalars()))


def enter_year_arrangement(year: int, holidays: list, workdays: list, note: str, user: User) -> int:
    """The State Council's arrangement for ``year`` (its holidays and make-up working days),
    entered by an administrator: it replaces what was entered for that year before, and every
    provisional deadline is computed again. Returns how many deadlines changed."""
    if not user.is_admin:
        raise RuleError("只有系统管理员可以录入节假日安排。", "year")
    if set(holidays) & set(workdays):
        raise RuleError("同一天不能既是放假日又是调休上班日。", "workdays")
    if any(d.year != year for d in [*holidays, *workdays]):
        raise RuleError(f"日期应在 {year} 年内。", "holidays")
    if not holidays:
        raise RuleError("请填写放假日期。", "holidays")
    for day in db.session.execute(select(CalendarDay).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))).scalars():
        db.session.delete(day)
    db.session.flush()
    db.session.add_all([CalendarDay(day=d, workday=False, note="放假") for d in holidays]
                       + [CalendarDay(day=d, workday=True, note="调休上班") for d in workdays])
    entry = db.session.get(CalendarYear, year) or CalendarYear(year=year)
    entry.note, entry.entered_by, entry.entered_at = note.strip(), user.username, utcnow()
    db.session.add(entry)
    db.session.flush()
    g.pop("_work_calendar", None)
    return recompute_provisional()


# --------------------------------------------------------------------------- rules and numbers

def rules_in_force(channel_class: ChannelClass, at: datetime) -> dict[DeadlineKind, DeadlineRule]:
    """The class's rule of each kind that was in force at ``at`` (China time): the rule a case
    received then keeps, whatever the administrator changes later."""
    moment = local_to_utc(at)
    rules = db.session.execute(
        select(DeadlineRule).where(
            DeadlineRule.channel_class_id == channel_class.id, DeadlineRule.valid_from <= moment,
            (DeadlineRule.valid_until.is_(None)) | (DeadlineRule.valid_until > moment),
        ).order_by(DeadlineRule.valid_from)
    ).scalars()
    return {rule.kind: rule for rule in rules}


def change_limit(rule: DeadlineRule, limit: Limit) -> DeadlineRule:
    """An administrator's edit of a limit: the rule in force is closed and its successor opened,
    both now, so the cases received before keep the old limit and those received after get the new."""
    if limit.amount < 1:
        raise RuleError("期限应为正整数。", "amount")
    if rule.valid_until is not None:
        raise RuleError("这条规则已被修改过，请在最新的规则上修改。", "amount")
    now = utcnow()
    rule.valid_until = now
    successor = DeadlineRule(channel_class_id=rule.channel_class_id, kind=rule.kind, amount=limit.amount,
                             unit=limit.unit, roll_to_workday=limit.roll_to_workday, valid_from=now)
    db.session.add(successor)
    db.session.flush()
    return successor


def active_channels() -> list[Channel]:
    """The channels cases come in by, in the desk's order, each with its classes."""
    return db.session.execute(
        select(Channel).where(Channel.active.is_(True)).options(selectinload(Channel.classes)).order_by(Channel.position)
    ).scalars().all()


def county_above(region: Region) -> Region | None:
    """The county ``region`` is or lies in; None for a city or the province, which hold no cases of their own."""
    return region if region.level == RegionLevel.COUNTY else region.ancestor(RegionLevel.COUNTY)


def county_of(region: Region) -> Region:
    county = county_above(region)
    if county is None:
        raise RuleError("诉求件按县登记编号：请在县或乡镇的账号下登记。", "channel")
    return county


def number_prefix(county: Region) -> str:
    """阳城县 → 阳城体诉: the county's short name (without 县/市/区/旗) and the bureau's word."""
    short = re.sub(r"(自治县|自治旗|县|市|区|旗)$", "", county.name) or county.name
    return f"{short}体诉"


def next_serial(county: Region, year: int) -> int:
    """The next serial of ``county``'s ``year``, allocated in one UPDATE … RETURNING: a second
    process registering at the same moment waits for this row and gets the next number."""
    for _ in range(2):
        serial = db.session.execute(
            update(CaseCounter).where(CaseCounter.county_id == county.id, CaseCounter.year == year)
            .values(last=CaseCounter.last + 1).returning(CaseCounter.last)
        ).scalar()
        if serial is not None:
            return serial
        try:
            with db.session.begin_nested():  # the year's first case: start its counter
                db.session.add(CaseCounter(county_id=county.id, year=year, last=1))
            return 1
        except IntegrityError:
            continue  # another process started it first: take the next one of the row it made
    raise RuntimeError("case counter could not be allocated")


def case_number(county: Region, year: int, serial: int) -> str:
    return f"{number_prefix(county)}〔{year}〕{serial:04d}号"


# --------------------------------------------------------------------------- deadlines

def start_deadline(case: Case, kind: DeadlineKind, start: datetime, rules: dict | None = None) -> CaseDeadline | None:
    """Open the deadline of ``kind`` from ``start`` under the rules the case was received with."""
    rules = rules if rules is not None else rules_in_force(case.channel_class, case.received_at)
    rule = rules.get(kind)
    if rule is None:
        return None
    result = due(start, rule.limit, load_calendar())
    deadline = CaseDeadline(case=case, kind=kind, rule_id=rule.id, round=case.round, starts_at=start,
                            due_at=result.at, provisional=result.provisional, moved_from=result.moved_from,
                            region_id=case.region_id)
    db.session.add(deadline)
    return deadline


def _meet(case: Case, kind: DeadlineKind, now: datetime) -> None:
    if (deadline := case.open_deadline(kind)) is not None:
        deadline.met_at = now


def _cancel(case: Case, *kinds: DeadlineKind) -> None:
    for deadline in case.deadlines:
        if deadline.met_at is None and not deadline.cancelled and (not kinds or deadline.kind in kinds):
            deadline.cancelled = True


def recompute_provisional() -> int:
    """Recompute every open provisional deadline on the current calendar (after a year's
    arrangement is entered); returns how many changed."""
    changed = 0
    calendar = load_calendar()
    with unscoped():
        open_deadlines = db.session.execute(
            select(CaseDeadline).where(CaseDeadline.provisional.is_(True), CaseDeadline.met_at.is_(None),
                                       CaseDeadline.cancelled.is_(False))
        ).scalars().all()
        for deadline in open_deadlines:
            result = due(deadline.starts_at, deadline.rule.limit, calendar)
            if (result.at, result.provisional) != (deadline.due_at, deadline.provisional):
                deadline.due_at, deadline.provisional, deadline.moved_from = result.at, result.provisional, result.moved_from
                changed += 1
        db.session.flush()
    return changed


# --------------------------------------------------------------------------- handling units

def ensure_township_units(county: Region) -> None:
    """Every active township of ``county`` is a handling unit (its clerks handle its cases):
    made on the county's first case, and for a township added since on the next."""
    with unscoped():  # a township's unit exists whoever registers first
        townships = db.session.execute(
            select(Region).where(Region.parent_id == county.id, Region.level == RegionLevel.TOWNSHIP,
                                 Region.active.is_(True))
        ).scalars().all()
        have = set(db.session.execute(
            select(HandlingUnit.region_id).where(HandlingUnit.kind == UnitKind.TOWNSHIP,
                                                 HandlingUnit.region_id.in_([t.id for t in townships]))
        ).scalars())
    db.session.add_all(HandlingUnit(name=t.name, kind=UnitKind.TOWNSHIP, region_id=t.id)
                       for t in townships if t.id not in have)


def add_county_office(county: Region, name: str) -> HandlingUnit:
    """A county office (股室, 体育中心 …) cases of ``county`` may be dispatched to."""
    name = (name or "").strip()
    if not name:
        raise RuleError("请填写单位名称。", "name")
    if county.level != RegionLevel.COUNTY:
        raise RuleError("县直单位属于一个县（市、区）。", "name")
    taken = db.session.execute(select(HandlingUnit.id).where(HandlingUnit.region_id == county.id,
                                                             HandlingUnit.name == name)).first()
    if taken:
        raise RuleError(f"{county.name}已有“{name}”。", "name")
    unit = HandlingUnit(name=name, kind=UnitKind.COUNTY_OFFICE, region_id=county.id)
    db.session.add(unit)
    db.session.flush()
    return unit


def set_unit_member(unit: HandlingUnit, user: User, member: bool) -> None:
    """Put ``user`` (a county user of the unit's county) in the office, or take them out."""
    if unit.kind != UnitKind.COUNTY_OFFICE:
        raise RuleError("乡镇的诉求件由该乡镇的账号办理，不需要指定成员。", "user_id")
    if member and user.region_id != unit.region_id:
        raise RuleError("只有本县的县级账号可以加入县直单位。", "user_id")
    user.unit_id = unit.id if member else None
    db.session.flush()


def dispatch_units(county: Region) -> list[HandlingUnit]:
    """Where a case of ``county`` may be dispatched: its townships, then its county offices."""
    return db.session.execute(
        select(HandlingUnit).join(Region, HandlingUnit.region_id == Region.id)
        .where(HandlingUnit.active.is_(True), (Region.parent_id == county.id) | (Region.id == county.id))
        .order_by(HandlingUnit.kind.desc(), Region.code, HandlingUnit.name)
    ).scalars().all()


def units_for(region: Region) -> list[HandlingUnit]:
    """The units a user of ``region`` dispatches to and filters by: its county's; none above a county."""
    county = county_above(region)
    return dispatch_units(county) if county is not None else []


# --------------------------------------------------------------------------- registering

@dataclass
class NewCase:
    """What the registration form (or an import, or the API) gives."""

    channel_class: ChannelClass
    received_at: datetime  # China time
    type: object
    category: object
    content: str
    requester_name: str = ""
    requester_phone: str = ""
    external_id: str | None = None
    place: str = ""
    place_region_id: int | None = None
    organization_id: int | None = None
    priority: object = None
    extra: dict = field(default_factory=dict)


def same_work_order(channel_id: int, external_id: str) -> str | None:
    """The number of the case a platform's work order (工单号) was registered as, wherever it lies:
    one work order is one case, whichever county's clerk types it in."""
    return db.session.execute(
        select(Case.number).where(Case.channel_id == channel_id, Case.external_id == external_id),
        execution_options={"unscoped": True},
    ).scalar()


def register_case(new: NewCase, user: User, region: Region, now: datetime, *, actor_name: str | None = None) -> Case:
    """登记: the case gets its number in ``region``'s county, the rules in force when it was
    received, its first deadlines (受理告知 for 信访, the answer), and its first timeline entry
    (under ``actor_name`` when the platform registers it, see ``_record``)."""
    if new.received_at > now + timedelta(minutes=5):
        raise RuleError("收件时间不能晚于现在。", "received_at")
    if not new.content.strip():
        raise RuleError("请填写诉求内容。", "content")
    if new.external_id and (taken := same_work_order(new.channel_class.channel_id, new.external_id)):
        # Another county's number is not told: that the work order is taken is all it needs to know.
        where = f"为 {taken}" if taken.startswith(number_prefix(county_of(region))) else ""
        raise RuleError(f"工单号 {new.external_id} 已登记{where}，不要重复登记。", "external_id")
    county = county_of(region)
    ensure_township_units(county)
    serial = next_serial(county, new.received_at.year)
    case = Case(
        county_id=county.id, year=new.received_at.year, serial=serial,
        number=case_number(county, new.received_at.year, serial), verification_code=new_verification_code(),
        channel_id=new.channel_class.channel_id, class_id=new.channel_class.id, channel_class=new.channel_class,
        external_id=new.external_id or None, received_at=new.received_at, type=new.type, category=new.category,
        requester_name=new.requester_name.strip(), requester_phone=new.requester_phone.strip(),
        content=new.content.strip(), place=new.place.strip(), place_region_id=new.place_region_id,
        organization_id=new.organization_id, region_id=county.id, registered_by_id=user.id,
        **({"priority": new.priority} if new.priority else {}),
    )
    db.session.add(case)
    rules = rules_in_force(new.channel_class, new.received_at)
    for kind in (DeadlineKind.ACCEPT_NOTICE, DeadlineKind.ANSWER):
        start_deadline(case, kind, new.received_at, rules)
    details = {}
    if new.channel_class.channel.is_petition and (earlier := rechecked_before(case)):
        details["suggestion"] = (f"同一信访人就同一事项（{earlier}）已经复核，依《信访工作条例》第三十六条，"
                                 "建议不予受理。")
    _record(case, A.REGISTER, user, now, "", details, actor_name)
    db.session.flush()
    matching.propose(case)  # by every route (the form, an import, the API): its possible duplicates
    return case


# --------------------------------------------------------------------------- the platform's own fields

@dataclass(frozen=True)
class PlatformReport:
    """What the platform (12345) says of its work order, by a re-imported export or the API: its
    status, its own 回访 and the caller's satisfaction. A blank value says nothing."""

    status: str = ""
    callback: str = ""
    satisfaction: str = ""
    visited_at: datetime | None = None  # China time of the platform's 回访, when it says; noted on the timeline


PLATFORM_FIELDS = (("status", "platform_status", "平台状态"), ("callback", "platform_callback", "平台回访"),
                   ("satisfaction", "platform_satisfaction", "满意度"))


def record_platform_report(case: Case, report: PlatformReport, user: User, now: datetime, *,
                           actor_name: str | None = None) -> list[str]:
    """Take what the platform owns from ``report`` onto the case, and put what changed on the
    timeline (平台回访). Nothing else of the case changes. Returns the labels of the fields that
    changed; when none did, nothing is written."""
    changes = {}
    for key, column, label in PLATFORM_FIELDS:
        value = getattr(report, key).strip()
        if value and value != getattr(case, column):
            changes[label] = {"from": getattr(case, column), "to": value}
            setattr(case, column, value)
    if changes:
        case.platform_updated_at = now
        text = "；".join(f"{label}：{change['to']}" for label, change in changes.items())
        details = {"changes": changes}
        if report.visited_at is not None:
            text += f"（回访时间 {report.visited_at:%Y-%m-%d %H:%M}）"
            details["visited_at"] = report.visited_at.isoformat()
        _record(case, A.PLATFORM_REPORT, user, now, text, details, actor_name)
        db.session.flush()
    return list(changes)


# --------------------------------------------------------------------------- supervision

def is_repeated(case: Case) -> bool:
    """The same caller again about the same matter (重复来电): a same-phone duplicate proposal on
    either side of the case that nobody has dismissed. A trigger for supervision and a KPI
    (``matching.count_repeat_calls``)."""
    return db.session.execute(select(matching.repeated_call(case.id))).scalar()


def rechecked_before(case: Case) -> str | None:
    """The number of an earlier case of the same petitioner about the same kind of matter that has
    been through 复核: the same matter is not accepted again (Art 36)."""
    if not case.requester_phone:
        return None
    return db.session.execute(
        select(Case.number).join(CaseAction, CaseAction.case_id == Case.id)
        .where(Case.requester_phone == case.requester_phone, Case.category == case.category,
               CaseAction.kind == A.REQUEST_RECHECK).limit(1)
    ).scalar()


# --------------------------------------------------------------------------- personal data

def may_reveal(case: Case, user: User) -> bool:
    """The requester's full name and phone are for the case's handlers and the county."""
    return user.is_county or handles(case, user)


def reveal(case: Case, user: User) -> None:
    """Show the requester's name and phone in full: allowed to its handlers and the county, and
    written to the audit log (who looked at whose data, when)."""
    if not may_reveal(case, user):
        raise RuleError("只有承办单位和县级业务人员可以查看诉求人的完整信息。", "reveal")
    record_view(case, "诉求人姓名和联系电话")


# --------------------------------------------------------------------------- taking a step

def actor_for(case: Case, user: User) -> workflow.Actor:
    return workflow.Actor(is_county=user.is_county and user.can_write, handles=handles(case, user),
                          can_write=user.can_write)


def handles(case: Case, user: User) -> bool:
    """Whether ``user`` works in the case's handling unit: a township's clerks for the township,
    a county office's members for the office."""
    unit = case.unit
    if unit is None or not user.can_write:
        return False
    if unit.kind == UnitKind.TOWNSHIP:
        return user.region_id == unit.region_id
    return user.unit_id == unit.id


def take_step(case: Case, kind: ActionKind, user: User, now: datetime, *, text: str = "", details: dict | None = None,
              opened_version: int | None = None, uploads: tuple[list, list[str]] = ([], [])) -> CaseAction:
    """Take a workflow step: refused with the workflow's sentence, or applied with its timeline
    entry and the files that go with it (``uploads``: checked and stored, and a sentence per
    file refused; a refused file refuses the step).

    ``opened_version`` is the case's row version when the page was opened: someone else's step
    in between refuses this one (StaleEdit) rather than acting on a case that has moved on."""
    require_version(case, opened_version)
    details = dict(details or {})
    if kind == A.APPROVE_EXTENSION:
        rule = case.open_deadline(DeadlineKind.ANSWER) and rules_in_force(case.channel_class, case.received_at).get(
            DeadlineKind.EXTENSION_MAX)
        details["max_days"] = _days_of(rule.limit) if rule else None
    if problem := workflow.refusal(case, kind, actor_for(case, user), text=text, details=details, now=now):
        raise RuleError(str(problem), problem.field)
    details.pop("max_days", None)
    files, refused = uploads
    if refused:
        raise RuleError(refused[0], "evidence")
    _apply(case, kind, user, now, text, details)
    step = workflow.STEPS[kind]
    if step.target is not None:
        case.status = step.target
    action = _record(case, kind, user, now, text, details)
    db.session.flush()
    if files:
        attach(files, owner=action, region_id=case.region_id)
    return action


def _days_of(limit: Limit) -> int:
    """An extension limit as days (the approval form asks for days)."""
    return {Unit.CALENDAR_DAYS: limit.amount, Unit.WORKING_DAYS: limit.amount, Unit.MONTHS: limit.amount * 30,
            Unit.HOURS: max(1, limit.amount // 24)}[limit.unit]


def _apply(case: Case, kind: ActionKind, user: User, now: datetime, text: str, details: dict) -> None:
    if kind == A.REJECT:
        _cancel(case)
    elif kind == A.DISPATCH:
        unit = db.session.get(HandlingUnit, details["unit_id"])
        if unit is None or not unit.active:
            raise RuleError("请选择承办单位。", "unit_id")
        _dispatch(case, unit, now)
        details["unit"] = unit.name
    elif kind == A.SIGN_FOR:
        _meet(case, DeadlineKind.SIGN_FOR, now)
    elif kind == A.REQUEST_RETURN:
        _meet(case, DeadlineKind.OBJECTION, now)
    elif kind == A.APPROVE_RETURN:
        details["unit"] = case.unit.name if case.unit else ""
        _cancel(case, DeadlineKind.SIGN_FOR)
        case.unit_id, case.unit = None, None
        rehome(case, db.session.get(Region, case.county_id))
    elif kind == A.REFUSE_RETURN:
        _meet(case, DeadlineKind.SIGN_FOR, now)
    elif kind == A.REQUEST_EXTENSION:
        case.pending = "extension"
    elif kind == A.APPROVE_EXTENSION:
        _extend(case, details["days"])
    elif kind == A.REFUSE_EXTENSION:
        case.pending = ""
    elif kind == A.REPLY:
        case.reply_result = details["result"]
        _cancel(case, DeadlineKind.OBJECTION)  # a unit that has answered no longer objects
        _meet(case, DeadlineKind.REANSWER if case.round > 1 else DeadlineKind.ANSWER, now)
    elif kind == A.SEND_BACK:
        for deadline in case.deadlines:  # the answer was not accepted: its clock runs again
            if deadline.kind in (DeadlineKind.ANSWER, DeadlineKind.REANSWER) and deadline.round == case.round:
                deadline.met_at = None
    elif kind == A.CALLBACK:
        case.satisfaction = details["satisfaction"]
    elif kind == A.CLOSE:
        case.closed_at = now
        _cancel(case)
        if case.channel_class.channel.is_petition:  # the petitioner's 30 days to ask for 复查 (Art 35)
            start_deadline(case, DeadlineKind.REVIEW_REQUEST, now)
    elif kind in (A.REQUEST_REVIEW, A.REQUEST_RECHECK):
        _meet(case, DeadlineKind.REVIEW_REQUEST, now)
        start_deadline(case, DeadlineKind.REVIEW_ANSWER, now)
    elif kind == A.REVIEW_OPINION:
        _meet(case, DeadlineKind.REVIEW_ANSWER, now)
        case.closed_at = now
        if not any(a.kind == A.REQUEST_RECHECK for a in case.actions):  # 30 days to ask for 复核 (Art 36)
            start_deadline(case, DeadlineKind.REVIEW_REQUEST, now)
    elif kind in SUPERVISION_LADDER:
        details["reasons"] = workflow.supervision_reasons(case, now, is_repeated(case))
    elif kind == A.REDO:
        case.round += 1
        case.satisfaction = case.reply_result = ""
        case.closed_at = None
        _cancel(case)
        _dispatch(case, case.unit, now, redo=True)


def _dispatch(case: Case, unit: HandlingUnit, now: datetime, redo: bool = False) -> None:
    """Hand the case to ``unit``: it moves into the unit's region (a township's clerks see it
    there) with its deadlines, actions and history; the unit's sign-for and objection clocks start."""
    case.unit_id, case.unit = unit.id, unit
    rehome(case, db.session.get(Region, unit.region_id))
    rules = rules_in_force(case.channel_class, case.received_at)
    start_deadline(case, DeadlineKind.SIGN_FOR, now, rules)
    if redo:
        start_deadline(case, DeadlineKind.REANSWER, now, rules)
    else:
        start_deadline(case, DeadlineKind.OBJECTION, now, rules)


def _extend(case: Case, days: int) -> None:
    """The one extension: the answer is due ``days`` calendar days later (moved off a rest day)."""
    case.pending, case.extended = "", True
    answer = case.open_deadline(DeadlineKind.ANSWER)
    if answer is None:
        return
    calendar = load_calendar()
    extended = due(answer.due_at.replace(hour=0, minute=0, second=0), Limit(days, Unit.CALENDAR_DAYS), calendar)
    answer.cancelled = True
    db.session.add(CaseDeadline(case=case, kind=DeadlineKind.ANSWER, rule_id=answer.rule_id, round=case.round,
                                starts_at=answer.starts_at, due_at=extended.at, provisional=extended.provisional,
                                moved_from=extended.moved_from, region_id=case.region_id))


def cancel_deadlines(case: Case) -> None:
    """Every open deadline of the case is no longer due (it was merged into another, say)."""
    _cancel(case)


def record(case: Case, kind: ActionKind, user: User, now: datetime, text: str = "", details: dict | None = None) -> CaseAction:
    """A timeline entry for a change made outside the workflow's steps (a duplicate linked or merged)."""
    return _record(case, kind, user, now, text, details or {})


def _record(case: Case, kind: ActionKind, user: User, now: datetime, text: str, details: dict,
            actor_name: str | None = None) -> CaseAction:
    """The timeline entry of a step; ``actor_name`` names an actor other than the user's person
    (the platform, calling with a token its administrator issued)."""
    action = CaseAction(case=case, kind=kind, round=case.round, actor_id=user.id,
                        actor_name=actor_name or f"{user.display_name}（{user.region.name}）", at=local_to_utc(now),
                        text=text.strip(), details=details, region_id=case.region_id)
    db.session.add(action)
    return action
