"""Paging and active search helpers shared by every list page."""
from flask import current_app, request
from sqlalchemy import or_

from app.extensions import db


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def paginate(stmt, per_page: int | None = None):
    """A Flask-SQLAlchemy Pagination of ``stmt`` for the ``page`` query argument.

    ``error_out=False`` keeps a stale link (page 9 of a list that shrank) from answering 404.
    """
    return db.paginate(
        stmt,
        page=page_number(),
        per_page=per_page or current_app.config["PER_PAGE"],
        error_out=False,
        count=True,
    )


def search_term() -> str:
    return request.args.get("q", "").strip()[:100]


def apply_search(stmt, term: str, *columns):
    """Case-insensitive substring match of ``term`` in any of ``columns``."""
    if not term:
        return stmt
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    return stmt.where(or_(*(col.ilike(like, escape="\\") for col in columns)))
