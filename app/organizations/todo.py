"""The registry's part of 我的待办: terms that ran out (逾期未换届) and terms ending soon (即将换届)."""
from datetime import date

from flask import url_for
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.main.todo import TodoGroup, TodoItem
from app.organizations.models import Organization, TermStatus
from app.organizations.services import TERM_WARNING_DAYS, term_status_clause

TODO_LIMIT = 20


def todo_for(user: User, today: date) -> list[TodoGroup]:
    """Organisations in the user's scope whose 换届 is due; nothing for read-only users."""
    if not user.can_write:
        return []

    def group(title: str, status: TermStatus) -> TodoGroup:
        rows = db.session.execute(
            select(Organization).where(term_status_clause(status, today))
            .order_by(Organization.term_end, Organization.id).limit(TODO_LIMIT)
        ).scalars().all()
        return TodoGroup(title, [
            TodoItem(org.name, url_for("organizations.detail", org_id=org.id), overdue=status == TermStatus.OVERDUE,
                     note=f"本届任期 {org.term_end} 届满")
            for org in rows
        ], more_url=url_for("organizations.index", term=status.value))

    groups = [group("逾期未换届", TermStatus.OVERDUE), group(f"{TERM_WARNING_DAYS} 天内到期换届", TermStatus.DUE_SOON)]
    return [g for g in groups if g.items]
