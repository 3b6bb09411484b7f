"""The backstop behind the inspection rules: a signed inspection never changes, whatever code
path tries. Registered on every session by the app factory (``register``)."""
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.rules import RuleError
from app.standards.models import Inspection, InspectionStatus
from app.standards.rules import FROZEN
from app.versioning import ROW_VERSION, versioned_parent


def _committed_status(inspection: Inspection) -> InspectionStatus | None:
    history = inspect(inspection).attrs.status.history
    return history.deleted[0] if history.deleted else inspection.status


# What may still change on a signed record: the region, when its organisation moves, and the
# row version that counts such a change.
MOVABLE = frozenset({"region_id", ROW_VERSION})


def _changes_content(session, obj) -> bool:
    if obj in session.new or obj in session.deleted:
        return True
    state = inspect(obj)
    changed = {attr.key for attr in state.mapper.column_attrs if state.attrs[attr.key].history.has_changes()}
    return bool(changed - MOVABLE)


def _freeze_finalized_inspections(session, flush_context, instances):
    """Backstop behind the rules above: a signed inspection never changes, whatever code path tries."""
    for obj in list(session.dirty) + list(session.deleted) + list(session.new):
        if isinstance(obj, Inspection):
            inspection = obj if obj not in session.new else None
        elif isinstance(parent := versioned_parent(obj), Inspection):  # its results and their evidence
            inspection = parent
        else:
            continue
        if inspection is not None and _committed_status(inspection) == InspectionStatus.FINALIZED \
                and _changes_content(session, obj):
            raise RuleError(FROZEN)


def register() -> None:
    if not event.contains(Session, "before_flush", _freeze_finalized_inspections):
        event.listen(Session, "before_flush", _freeze_finalized_inspections)
