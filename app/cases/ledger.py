"""台账: one query for the case list, from its filters, served to the page (and to the Excel, the
PDF and the API that follow), within the user's scope like every query."""
from datetime import date, datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import joinedload, selectinload

from app import revisions
from app.cases import services
from app.cases.calendar import WorkCalendar
from app.cases.deadlines import DUE_SOON_WORKDAYS, countdown_changes_at, remaining_words, urgency
from app.cases.forms import CaseFilters
from app.cases.models import WINDOW_KINDS, Case, CaseCategory, CaseDeadline, CaseStatus, Channel
from app.extensions import db
from app.pagination import apply_search
from app.parsing import parse_int
from app.reports import CASE_FIGURES
from app.scoping import current_scope
from app.timeutil import utcnow

OPEN_STATUSES = [s for s in CaseStatus if s not in (CaseStatus.CLOSED, CaseStatus.REJECTED)]


def _open_deadline_due(condition):
    """Cases with an open deadline (a duty, not a window) whose due time meets ``condition``."""
    return exists().where(CaseDeadline.case_id == Case.id, CaseDeadline.met_at.is_(None),
                          CaseDeadline.cancelled.is_(False), CaseDeadline.kind.not_in(WINDOW_KINDS), condition)


def ledger_filters(user, args=None) -> CaseFilters:
    """The ledger's filters with the options ``user`` chooses from: the page, its Excel (in the
    request or in the background job, where ``args`` are the request's) and its PDF read the same."""
    channels, units = revisions.kept((CASE_FIGURES,), ("ledger_choices", current_scope(), user.region_id), utcnow(),
                                     lambda: (_filter_choices(user.region), None))
    return CaseFilters(args, channels=channels, units=units)


def _filter_choices(region) -> tuple[list, list]:
    """The channels and the units the ledger filters by, as (value, name) pairs: kept (app.revisions)
    while unchanged, not read as objects on every look at the ledger."""
    return ([(c.code, c.name) for c in services.active_channels()],
            [(str(u.id), u.name) for u in services.units_for(region)])


def ledger_query(filters, now: datetime, calendar: WorkCalendar, *, with_deadlines: bool = True):
    """The cases the ledger's filters (CaseFilters) ask for, newest received first, with every
    deadline of each (the export and the paper count down from them) unless ``with_deadlines``
    is false: the page reads only its rows' next dues (``next_dues``)."""
    # No join in the filters: the page's ids and its count then read the case index alone.
    stmt = (
        select(Case).options(joinedload(Case.channel), joinedload(Case.unit), joinedload(Case.channel_class))
        .order_by(Case.received_at.desc(), Case.id.desc())
    )
    if with_deadlines:
        stmt = stmt.options(selectinload(Case.deadlines))
    stmt = apply_search(stmt, filters.q.data, Case.number, Case.external_id, Case.requester_phone, Case.content)
    if filters.channel.data:
        stmt = stmt.where(Case.channel_id.in_(select(Channel.id).where(Channel.code == filters.channel.data)))
    if status := filters.chosen("status", CaseStatus):
        stmt = stmt.where(Case.status == status)
    if category := filters.chosen("category", CaseCategory):
        stmt = stmt.where(Case.category == category)
    if unit_id := parse_int(filters.unit.data, 1, 2**31 - 1):
        stmt = stmt.where(Case.unit_id == unit_id)
    if filters.overdue.data:
        stmt = stmt.where(Case.status.in_(OPEN_STATUSES), _open_deadline_due(CaseDeadline.due_at < now))
    if filters.due_soon.data:
        soon = datetime.combine(calendar.add_workdays(now.date(), DUE_SOON_WORKDAYS), datetime.max.time())
        stmt = stmt.where(Case.status.in_(OPEN_STATUSES),
                          _open_deadline_due(and_(CaseDeadline.due_at >= now, CaseDeadline.due_at <= soon)))
    if (month := _month(filters.month.data)) is not None:
        start = datetime(month.year, month.month, 1)
        end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1)
        stmt = stmt.where(Case.received_at >= start, Case.received_at < end)
    return filters.ordered(stmt)


def _month(text: str) -> date | None:
    """"2026-10" as the first of that month, or None."""
    parts = (text or "").split("-")
    if len(parts) != 2:
        return None
    year, month = parse_int(parts[0], 2000, 2100), parse_int(parts[1], 1, 12)
    return date(year, month, 1) if year and month else None


def next_due(case: Case) -> CaseDeadline | None:
    """The open deadline (a duty, not a window) that comes first: what the ledger's countdown shows."""
    open_deadlines = [d for d in case.deadlines if d.met_at is None and not d.cancelled and not d.is_window]
    return min(open_deadlines, key=lambda d: d.due_at, default=None)


def next_dues(case_ids) -> dict[int, CaseDeadline]:
    """``next_due`` of many cases at once, reading only their open duties (not every deadline
    and window of every case): what a list of cases without their other deadlines needs."""
    if not case_ids:
        return {}
    open_duties = db.session.execute(
        select(CaseDeadline).where(CaseDeadline.case_id.in_(case_ids), CaseDeadline.met_at.is_(None),
                                   CaseDeadline.cancelled.is_(False), CaseDeadline.kind.not_in(WINDOW_KINDS))
        .order_by(CaseDeadline.due_at.desc())
    ).scalars()
    # Latest first, so the earliest due of each case is written last.
    return {deadline.case_id: deadline for deadline in open_duties}


def countdown(deadline: CaseDeadline | None, now: datetime, calendar: WorkCalendar) -> dict:
    """What a deadline says beside a case: 剩余2个工作日 / 已超期, its mark, and whether provisional."""
    if deadline is None:
        return {"words": "", "mark": "", "provisional": False}
    return {"words": remaining_words(deadline.due_at, now, calendar), "mark": urgency(deadline.due_at, now, calendar),
            "provisional": deadline.provisional}


def countdowns_change_at(deadlines, now: datetime, calendar: WorkCalendar) -> datetime | None:
    """The first moment one of the countdowns of ``deadlines`` reads otherwise (None: none shown)."""
    return min((countdown_changes_at(d.due_at, now, calendar) for d in deadlines), default=None)
