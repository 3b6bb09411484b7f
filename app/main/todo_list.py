"""我的待办 as a whole: every domain's groups for one user, gathered once and kept (app.revisions)
while the records they come from are unchanged and the day is the same. Every user's first
request is this page, and gathering costs a dozen statements; what changes with the clock
within a day, a case's countdown, is worked out at each showing."""
from dataclasses import replace
from datetime import datetime

from app import revisions
from app.activities.todo import todo_for as activities_todo
from app.auth.models import User
from app.cases.ledger import countdown
from app.cases.services import load_calendar
from app.cases.todo import todo_for as cases_todo
from app.main.todo import TodoGroup
from app.organizations.todo import todo_for as organizations_todo
from app.reports import CASE_FIGURES, REGISTRY_FIGURES
from app.scoping import current_scope
from app.standards.todo import todo_for as standards_todo


def todo_groups(user: User, now: datetime) -> list[TodoGroup]:
    """What ``user`` must act on as of ``now``, the groups with overdue work first."""
    today = now.date()
    # Everything the groups' queries read of the user is in the key: a new role or region is a new list.
    key = ("todo", user.id, user.role, user.region_id, user.unit_id, current_scope(), today)
    groups = revisions.kept((CASE_FIGURES, REGISTRY_FIGURES), key, now,
                            lambda: (_gathered(user, today), None), shelf="todo")
    if any(item.due for group in groups for item in group.items):
        calendar = load_calendar()
        groups = [_as_of(group, now, calendar) for group in groups]
    return sorted(groups, key=lambda group: -group.overdue)


def _gathered(user: User, today) -> list[TodoGroup]:
    return (cases_todo(user) + standards_todo(user, today) + organizations_todo(user, today)
            + activities_todo(user, today))


def _as_of(group: TodoGroup, now: datetime, calendar) -> TodoGroup:
    """``group`` with its items' countdowns as of ``now``, overdue first (the kept group is not changed)."""
    if not any(item.due for item in group.items):
        return group
    items = []
    for item in group.items:
        due = countdown(item.due, now, calendar)
        items.append(replace(item, overdue=due["mark"] == "overdue", note=due["words"]))
    items.sort(key=lambda item: not item.overdue)
    return replace(group, items=items)
