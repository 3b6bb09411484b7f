"""The case desk's part of 我的待办: cases waiting for this user's step, most urgent first, read in
one query however many groups there are (the home page is every user's first request)."""
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import joinedload, load_only

from app.auth.models import User
from app.cases.ledger import next_dues
from app.cases.models import SUPERVISION_LADDER, Case, CaseAction, CaseStatus, HandlingUnit, UnitKind
from app.extensions import db
from app.main.todo import Due, TodoGroup, TodoItem

TODO_LIMIT = 20
S = CaseStatus


@dataclass(frozen=True)
class CaseGroup:
    title: str
    status: CaseStatus | None  # the state the case waits in (None: a pending request, or supervised)
    pending: str = ""
    handler: bool = False  # the group of the case's handling unit, not the county's
    supervised: bool = False  # the unit's cases under supervision (催办, 督办 …) this round

    def holds(self, case: Case, supervised: bool) -> bool:
        """Whether ``case`` waits in this group; ``supervised``: SUPERVISED of that case."""
        if self.supervised:
            return case.status in UNANSWERED and supervised
        return case.pending == self.pending if self.status is None else case.status == self.status

    def condition(self):
        if self.supervised:
            return Case.status.in_(UNANSWERED) & SUPERVISED
        return Case.pending == self.pending if self.status is None else Case.status == self.status


UNANSWERED = (S.DISPATCHED, S.HANDLING)
# A case urged, supervised … in its current round (催办, 督办 …).
SUPERVISED = exists().where(CaseAction.case_id == Case.id, CaseAction.kind.in_(SUPERVISION_LADDER),
                            CaseAction.round == Case.round)
GROUPS = (
    CaseGroup("待受理的诉求件", S.REGISTERED),
    CaseGroup("待派单的诉求件", S.ACCEPTED),
    CaseGroup("待审批的退单", S.RETURN_REQUESTED),
    CaseGroup("待审批的延期", None, pending="extension"),
    CaseGroup("待审核的回复", S.REPLIED),
    CaseGroup("待回访的诉求件", S.CALLBACK),
    CaseGroup("待签收的诉求件", S.DISPATCHED, handler=True),
    CaseGroup("被督办的诉求件", None, handler=True, supervised=True),
    CaseGroup("办理中的诉求件", S.HANDLING, handler=True),
)


ITEM_COLUMNS = (Case.number, Case.content, Case.channel_id, Case.status, Case.pending, Case.round, Case.unit_id,
                Case.received_at)


def _units_of(user: User):
    """The handling units whose cases ``user`` acts on."""
    return select(HandlingUnit.id).where(or_(
        (HandlingUnit.kind == UnitKind.TOWNSHIP) & (HandlingUnit.region_id == user.region_id),
        HandlingUnit.id == (user.unit_id or 0)))


def todo_for(user: User) -> list[TodoGroup]:
    """The cases waiting for ``user``, each with its next deadline (its countdown is the
    showing's: app.main.todo_list)."""
    if not user.can_write:
        return []
    groups = [g for g in GROUPS if g.handler or user.is_county]
    unit_ids = set(db.session.execute(_units_of(user)).scalars())
    mine = Case.unit_id.in_(unit_ids)
    wanted = or_(*(and_(g.condition(), mine) if g.handler else g.condition() for g in groups)) if groups else false()
    # Every group waits in one of these states: the (region, status) index finds the few open
    # cases among a county's thousands closed before the groups' conditions are tried.
    waiting = Case.status.in_([S.REGISTERED, S.ACCEPTED, S.RETURN_REQUESTED, S.DISPATCHED, S.HANDLING, S.REPLIED,
                               S.CALLBACK])
    # The oldest cases first, enough for every group's 20 when they are spread evenly; a group
    # crowded out by another's backlog still shows, with 查看全部 leading to the whole ledger.
    # Only what an item shows: a case's other deadlines and its timeline are not loaded.
    rows = db.session.execute(
        select(Case, SUPERVISED.label("supervised")).where(waiting, wanted)
        .options(joinedload(Case.channel), load_only(*ITEM_COLUMNS))
        .order_by(Case.received_at).limit(TODO_LIMIT * len(groups))
    ).all()
    if not rows:
        return []
    dues = next_dues([case.id for case, _ in rows])
    result = []
    for group in groups:
        items = []
        for case, supervised in rows:
            if (not group.holds(case, supervised) or (group.handler and case.unit_id not in unit_ids)
                    or len(items) >= TODO_LIMIT):
                continue
            due = dues.get(case.id)
            items.append(TodoItem(f"{case.number} {case.channel.name}：{case.content[:30]}",
                                  url_for("cases.detail", case_id=case.id),
                                  due=Due(due.due_at, due.provisional) if due else None))
        if items:
            args = {"status": group.status.value} if group.status else {}
            result.append(TodoGroup(group.title, items, more_url=url_for("cases.index", **args)))
    return result
