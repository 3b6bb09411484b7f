"""Row versions: a record edited in two places at once is never silently overwritten.

A ``RowVersioned`` record carries ``row_version``; every flush that changes it (or one of the
children that declare it as their ``__version_parent__``, or their children in turn: an
inspection's results and the activities attached to them as evidence) counts it up, and the
UPDATE only succeeds while the row still has the version it was read with, so of two
concurrent writers the second gets StaleDataError (answered 409). An edit form carries
the version it was opened with (``app.forms.EditForm``) and its service calls
``require_version``: a save over someone else's newer change is refused (``StaleEdit``),
with that change named, and the page keeps what the user typed.
"""
from datetime import timedelta

from sqlalchemy import event, inspect, or_, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from app.rules import RuleError

ROW_VERSION = "row_version"


class RowVersioned:
    row_version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        # Counted up here (not by the ORM) so that a change to a child counts for the parent.
        return {"version_id_col": cls.row_version, "version_id_generator": False}


# The audit entries of one save lie this close together (a request flushes several times).
ONE_SAVE = timedelta(seconds=5)


class StaleEdit(RuleError):
    """The record changed since the form was opened; ``latest`` lists that change (audit entries)."""

    def __init__(self, latest: list):
        super().__init__("您打开此页后，其他人修改了这条记录（见下方）。为免覆盖他人的修改，本次未保存；"
                         "您填写的内容仍在页面上，请核对后再保存。")
        self.latest = latest


def require_version(record, opened_version: int | None) -> None:
    """Refuse to save ``record`` when it is no longer at the version the form was opened with."""
    if opened_version is None or opened_version == record.row_version:
        return
    raise StaleEdit(latest_changes(record))


def latest_changes(record) -> list:
    """The newest save's audit entries about ``record`` and the children that version with it."""
    from app.audit.models import AuditEntry, record_key
    from app.extensions import db

    keys = [(record.__tablename__, record_key(record))]
    for child_class, ids in _descendants(type(record), [record.id]):
        keys += [(child_class.__tablename__, str(i)) for i in ids]
    conditions = [(AuditEntry.record_type == t) & (AuditEntry.record_id == k) for t, k in keys]
    newest = db.session.execute(
        select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    if newest is None:
        return []
    return list(db.session.execute(
        select(AuditEntry).where(or_(*conditions), AuditEntry.username == newest.username,
                                 AuditEntry.created_at >= newest.created_at - ONE_SAVE)
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ).scalars())


def _children_of(parent_class) -> list:
    """(child class, its column pointing at the parent) for the children versioning with it."""
    from app.extensions import db

    found = []
    for mapper in db.Model.registry.mappers:
        name = getattr(mapper.class_, "__version_parent__", None)
        if name and mapper.relationships[name].mapper.class_ is parent_class:
            (column,) = mapper.relationships[name].local_columns
            found.append((mapper.class_, getattr(mapper.class_, column.key)))
    return found


def _descendants(parent_class, parent_ids: list[int]):
    """(class, ids) of the records versioning with the given parents, their own children's too
    (an inspection's results, and the activities attached to those as evidence)."""
    from app.extensions import db

    for child_class, parent_column in _children_of(parent_class):
        ids = list(db.session.execute(select(child_class.id).where(parent_column.in_(parent_ids))).scalars())
        yield child_class, ids
        if ids:
            yield from _descendants(child_class, ids)


def versioned_parent(obj):
    """The row-versioned record a change to ``obj`` counts for: its ``__version_parent__``, or
    that parent's own when the parent carries no version (evidence → result → inspection)."""
    while name := getattr(type(obj), "__version_parent__", None):
        obj = getattr(obj, name)
        if obj is None or isinstance(obj, RowVersioned):
            return obj
    return None


def _committed_version(obj) -> int:
    history = inspect(obj).attrs[ROW_VERSION].history
    return history.deleted[0] if history.deleted else obj.row_version


def count_versions(session, flush_context, instances) -> None:
    """before_flush: one more version for each changed record and each parent of a changed child."""
    counted = set()

    def count(obj):
        if obj is None or obj in session.new or obj in session.deleted or id(obj) in counted:
            return
        counted.add(id(obj))
        obj.row_version = _committed_version(obj) + 1

    for obj in list(session.dirty):
        if isinstance(obj, RowVersioned) and session.is_modified(obj, include_collections=False):
            count(obj)
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if getattr(type(obj), "__version_parent__", None) and (
                obj in session.new or obj in session.deleted or session.is_modified(obj, include_collections=False)):
            count(versioned_parent(obj))


def register() -> None:
    if not event.contains(Session, "before_flush", count_versions):
        event.listen(Session, "before_flush", count_versions)
