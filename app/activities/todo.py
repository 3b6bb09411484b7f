"""The activities' part of 我的待办: filings waiting for the county's decision (县级), and for the
organisations' writers the activities held but not reported and the filings sent back."""
from datetime import date

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, load_only

from app.activities.models import Activity, ActivityStatus
from app.activities.services import awaiting_report
from app.auth.models import User
from app.extensions import db
from app.main.todo import TodoGroup, TodoItem
from app.organizations.models import Organization

TODO_LIMIT = 20
S = ActivityStatus


def _item(activity: Activity, note: str) -> TodoItem:
    return TodoItem(f"{activity.organization.name}：{activity.title}",
                    url_for("activities.detail", activity_id=activity.id), note=note)


def todo_for(user: User, today: date) -> list[TodoGroup]:
    """One query: the county sees filings to decide; a clerk what to report or file again."""
    if not user.can_write:
        return []
    if user.is_county:
        wanted = Activity.status == S.FILED
    else:
        wanted = or_(Activity.status == S.RETURNED, awaiting_report(today))
    rows = db.session.execute(
        select(Activity).where(wanted)
        .options(load_only(Activity.id, Activity.title, Activity.status, Activity.starts_on, Activity.needs_filing,
                           Activity.review_note),
                 joinedload(Activity.organization).load_only(Organization.name))
        .order_by(Activity.starts_on, Activity.id).limit(TODO_LIMIT * 2)
    ).scalars().all()
    if user.is_county:
        groups = [TodoGroup("待审核的活动报备", [_item(a, f"{a.starts_on} 开始") for a in rows][:TODO_LIMIT],
                            more_url=url_for("activities.index", status=S.FILED.value))]
    else:
        groups = [
            TodoGroup("被退回的活动报备", [_item(a, f"退回原因：{a.review_note}") for a in rows
                                          if a.status == S.RETURNED][:TODO_LIMIT],
                      more_url=url_for("activities.index", status=S.RETURNED.value)),
            TodoGroup("待上报的活动", [_item(a, f"{a.starts_on} 已开始") for a in rows
                                     if a.status != S.RETURNED][:TODO_LIMIT],
                      more_url=url_for("activities.index", to_report="1")),
        ]
    return [g for g in groups if g.items]
