"""Reading the audit log back: a record's own history."""
from sqlalchemy import select

from app.audit.labels import preload_names
from app.audit.models import AuditEntry, record_key
from app.extensions import db


def history_for(obj, limit: int = 100) -> list[AuditEntry]:
    """The newest entries about ``obj``, newest first (with the names their changes point to)."""
    entries = list(
        db.session.execute(
            select(AuditEntry)
            .where(
                AuditEntry.record_type == obj.__tablename__,
                AuditEntry.record_id == record_key(obj),
            )
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        ).scalars()
    )
    preload_names(entries)
    return entries
