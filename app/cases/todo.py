"""The case desk's part of 我的待办: cases waiting for this user's step, most urgent first."""
from datetime import datetime

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.cases.ledger import countdown, next_due
from app.cases.models import Case, CaseStatus, HandlingUnit, UnitKind
from app.cases.services import load_calendar
from app.extensions import db
from app.main.todo import TodoGroup, TodoItem

TODO_LIMIT = 20
S = CaseStatus
COUNTY_GROUPS = (  # (title, condition, ledger filter)
    ("待受理的诉求件", Case.status == S.REGISTERED, {"status": S.REGISTERED.value}),
    ("待派单的诉求件", Case.status == S.ACCEPTED, {"status": S.ACCEPTED.value}),
    ("待审批的退单", Case.status == S.RETURN_REQUESTED, {"status": S.RETURN_REQUESTED.value}),
    ("待审批的延期", Case.pending == "extension", {}),
    ("待审核的回复", Case.status == S.REPLIED, {"status": S.REPLIED.value}),
    ("待回访的诉求件", Case.status == S.CALLBACK, {"status": S.CALLBACK.value}),
)
HANDLER_GROUPS = (
    ("待签收的诉求件", Case.status == S.DISPATCHED, {"status": S.DISPATCHED.value}),
    ("办理中的诉求件", Case.status == S.HANDLING, {"status": S.HANDLING.value}),
)


def _units_of(user: User):
    """The handling units whose cases ``user`` acts on."""
    return select(HandlingUnit.id).where(or_(
        (HandlingUnit.kind == UnitKind.TOWNSHIP) & (HandlingUnit.region_id == user.region_id),
        HandlingUnit.id == (user.unit_id or 0)))


def todo_for(user: User, now: datetime) -> list[TodoGroup]:
    calendar = load_calendar()

    def group(title, condition, args, *extra):
        rows = db.session.execute(
            select(Case).where(condition, *extra).options(joinedload(Case.channel), joinedload(Case.deadlines))
            .order_by(Case.received_at).limit(TODO_LIMIT)
        ).unique().scalars().all()
        items = []
        for case in rows:
            due = countdown(next_due(case), now, calendar)
            items.append(TodoItem(f"{case.number} {case.channel.name}：{case.content[:30]}",
                                  url_for("cases.detail", case_id=case.id), overdue=due["mark"] == "overdue",
                                  note=due["words"]))
        items.sort(key=lambda item: not item.overdue)
        return TodoGroup(title, items, more_url=url_for("cases.index", **args))

    if not user.can_write:
        return []
    groups = []
    if user.is_county:
        groups += [group(*spec) for spec in COUNTY_GROUPS]
    groups += [group(*spec, Case.unit_id.in_(_units_of(user))) for spec in HANDLER_GROUPS]
    return [g for g in groups if g.items]
