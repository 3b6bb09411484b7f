from datetime import datetime, timedelta

from flask import request
from sqlalchemy import select

from app.audit import bp
from app.audit.labels import RECORD_TYPE_LABELS, preload_names
from app.audit.models import ACTION_LABELS, AuditEntry
from app.htmx import render
from app.pagination import apply_search, paginate, search_term
from app.permissions import admin_required
from app.timeutil import local_to_utc


def _local_date(name: str):
    try:
        return datetime.strptime(request.args.get(name, ""), "%Y-%m-%d")
    except ValueError:
        return None


@bp.route("/audit")
@admin_required
def index():
    term = search_term()
    stmt = apply_search(select(AuditEntry), term, AuditEntry.username, AuditEntry.record_label)
    filters = {k: request.args.get(k, "") for k in ("action", "record_type", "start", "end")}
    if filters["action"] in ACTION_LABELS:
        stmt = stmt.where(AuditEntry.action == filters["action"])
    if filters["record_type"] in RECORD_TYPE_LABELS:
        stmt = stmt.where(AuditEntry.record_type == filters["record_type"])
    if start := _local_date("start"):
        stmt = stmt.where(AuditEntry.created_at >= local_to_utc(start))
    if end := _local_date("end"):
        stmt = stmt.where(AuditEntry.created_at < local_to_utc(end + timedelta(days=1)))
    page = paginate(stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    preload_names(page.items)
    return render("audit/index.html", "audit/_rows.html", page=page, q=term, filters=filters,
                  actions=ACTION_LABELS, record_types=RECORD_TYPE_LABELS)
