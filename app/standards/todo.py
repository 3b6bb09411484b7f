"""The standards domain's part of 我的待办: checks to finish or sign, findings to fix or verify."""
from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.main.todo import TodoGroup, TodoItem
from app.standards.models import Inspection, InspectionKind, InspectionStatus, Rectification, RectificationStatus

TODO_LIMIT = 20


def todo_for(user: User, today: date):
    """The inspection and rectification work waiting for ``user`` (scoped to the user's region)."""
    def rect_group(title, *conditions, more):
        stmt = (
            select(Rectification).where(*conditions).order_by(Rectification.due_on)
            .options(joinedload(Rectification.organization), joinedload(Rectification.item))
        )
        rows = db.session.execute(stmt.limit(TODO_LIMIT)).scalars().all()
        return TodoGroup(title, [
            TodoItem(f"{r.organization.name}：{r.item.title}", url_for("rectifications.detail", rectification_id=r.id),
                     overdue=r.is_overdue(today),
                     note=f"已退回：{r.review_note}（期限 {r.due_on}）" if r.times_returned and r.status ==
                     RectificationStatus.OPEN else f"期限 {r.due_on}")
            for r in rows
        ], more_url=more)

    def inspection_group(title, *conditions, more):
        stmt = (
            select(Inspection).where(*conditions).order_by(Inspection.inspected_on)
            .options(joinedload(Inspection.organization))
        )
        rows = db.session.execute(stmt.limit(TODO_LIMIT)).scalars().all()
        return TodoGroup(title, [
            TodoItem(f"{i.organization.name} {i.kind.label}", url_for("inspections.detail", inspection_id=i.id),
                     note=f"已退回：{i.return_reason}" if i.return_reason else str(i.inspected_on))
            for i in rows
        ], more_url=more)

    groups = []
    if user.role == Role.CLERK:
        groups.append(rect_group("待整改", Rectification.status == RectificationStatus.OPEN,
                                 more=url_for("rectifications.index", status="open")))
        groups.append(inspection_group("未提交的自查", Inspection.status == InspectionStatus.DRAFT,
                                       Inspection.kind == InspectionKind.SELF_CHECK,
                                       more=url_for("inspections.index", status="draft")))
    elif user.is_county:
        groups.append(inspection_group("待审核定稿", Inspection.status == InspectionStatus.SUBMITTED,
                                       more=url_for("inspections.index", status="submitted")))
        groups.append(rect_group("待核验销号", Rectification.status == RectificationStatus.SUBMITTED,
                                 more=url_for("rectifications.index", status="submitted")))
        groups.append(rect_group("逾期未整改", Rectification.status == RectificationStatus.OPEN,
                                 Rectification.due_on < today, more=url_for("rectifications.index", overdue="1")))
        groups.append(inspection_group("未完成的检查", Inspection.status == InspectionStatus.DRAFT,
                                       Inspection.created_by_id == user.id,
                                       more=url_for("inspections.index", status="draft")))
    return [g for g in groups if g.items]
