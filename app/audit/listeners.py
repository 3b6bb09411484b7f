"""Writes an AuditEntry for every insert, update and delete of an ``Audited`` record.

It runs in ``after_flush``, when new rows have their ids and attribute history still
holds the old values, and inserts through the flush's own connection, so the entry
commits or rolls back together with the change it describes.
"""
import datetime as dt
import decimal
import enum

from flask import g, has_app_context, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.audit.models import Audited, AuditEntry, record_key
from app.extensions import db
from app.timeutil import utcnow
from app.versioning import ROW_VERSION

MASK = "******"
OLD_VALUES = "_audit_old_values"  # an instance's stored values, read back before a blind change


@event.listens_for(Session, "before_flush")
def _read_back_overwritten_values(session, flush_context, instances):
    """A value set on an attribute that was never loaded (after a commit expired it) has no old
    value in its history: read the stored ones back first, so the entry says what it was."""
    for obj in list(session.dirty):
        if not isinstance(obj, Audited) or obj in session.new:
            continue
        state = inspect(obj)
        blind = [attr for attr in state.mapper.column_attrs
                 if (history := state.attrs[attr.key].history).added and not history.deleted and not history.unchanged]
        if not blind or state.identity is None:
            continue
        model = type(obj)
        (key_column,) = state.mapper.primary_key
        with session.no_autoflush:
            row = session.execute(
                select(*[getattr(model, attr.key) for attr in blind]).where(key_column == state.identity[0]),
                execution_options={"unscoped": True},
            ).one_or_none()
        if row is not None:
            obj.__dict__[OLD_VALUES] = dict(zip([attr.key for attr in blind], row, strict=True))


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return value


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in obj.__audit_exclude__ or key == ROW_VERSION:  # bookkeeping, never an entry
            continue
        history = state.attrs[key].history
        if action == "insert":
            old, new = None, state.attrs[key].value
            if new is None:
                continue
        elif action == "delete":
            old, new = state.attrs[key].value, None
        else:
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else obj.__dict__.get(OLD_VALUES, {}).get(key)
            new = history.added[0] if history.added else None
            if old == new:
                continue
        if key in obj.__audit_masked__:
            old, new = (MASK if old is not None else None), MASK
        changes[key] = [_plain(old), _plain(new)]
    return changes


def _actor() -> tuple[int | None, str, str | None, int | None]:
    """(user id, username, remote address, the user's region id) of whoever made the change:
    the user a background job or an API call runs as (scoping.acting_as, app.api.calls), the
    request's user, or the system."""
    acting = g.get("acting_user") if has_app_context() else None
    if acting is not None:  # a job (no request) or an API call made in the token's issuer's name
        return acting.id, acting.username, request.remote_addr if has_request_context() else None, acting.region_id
    if not has_request_context():
        return None, "系统", None, None
    remote = request.remote_addr
    if current_user and current_user.is_authenticated:
        return current_user.id, current_user.username, remote, current_user.region_id
    return None, "匿名", remote, None


@event.listens_for(Session, "after_flush")
def _write_audit_entries(session, flush_context):
    pending = [(o, "insert") for o in session.new] + [(o, "update") for o in session.dirty]
    pending += [(o, "delete") for o in session.deleted]
    rows = []
    for obj, action in pending:
        if not isinstance(obj, Audited):
            continue
        changes = _changes(obj, action)
        obj.__dict__.pop(OLD_VALUES, None)
        if action == "update" and not changes:
            continue
        rows.append(_entry(obj, action, changes))
    _insert(session, rows)


def _entry(obj, action: str, changes: dict) -> dict:
    return {"record_type": obj.__tablename__, "record_id": record_key(obj), "record_label": str(obj)[:200],
            "action": action, "changes": changes, "region_id": obj.audit_region_id}


def _insert(session, rows: list[dict]) -> None:
    """Write ``rows`` as audit entries of whoever acts now, through the session's own connection
    (so they commit or roll back with the change they describe)."""
    if not rows:
        return
    user_id, username, remote, actor_region_id = _actor()
    now = utcnow()
    for row in rows:
        row.update(user_id=user_id, username=username, remote_addr=remote, created_at=now)
        if row["region_id"] is None:
            row["region_id"] = actor_region_id
    session.connection().execute(AuditEntry.__table__.insert(), rows)


def record_view(obj, what: str) -> None:
    """An entry for a read that the law wants traced (a requester's name and phone shown in
    full): who looked, when, from where, at which record. Written with the request's transaction."""
    _insert(db.session, [_entry(obj, "view", {"查看": [None, what]})])
