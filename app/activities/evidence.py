"""Activities as the evidence of an inspection's 有活动 item.

Which items take activities, which of the organisation's activities an inspector may choose
(those of the 12 months up to the inspection, not cancelled), and attaching or detaching one:
a change of the inspection like a changed result (its row version counts up, through
``ActivityEvidence.__version_parent__``), refused once the inspection is signed.
"""
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import load_only

from app.activities.models import Activity, ActivityEvidence, ActivityStatus
from app.auth.models import User
from app.extensions import db
from app.rules import RuleError
from app.standards.models import Inspection, InspectionResult, StandardItem
from app.standards.rules import edit_problem

# The columns an evidence list and the printed line show.
SHOWN = (Activity.title, Activity.kind, Activity.starts_on, Activity.ends_on, Activity.expected_participants,
         Activity.actual_participants, Activity.status, Activity.organization_id)
# Activities named on the printed sheet's one line under their item; the rest are counted
# ("等 5 项活动"), and long titles cut, so the line stays one line.
ON_SHEET = 2
TITLE_ON_SHEET = 14


def takes_activities(item: StandardItem) -> bool:
    """Whether activities held prove ``item``: the 有活动 of 四有, 五有 and 六有. Standards are data
    the administrator words, so this goes by the title; a venue for activities (有活动场地) is
    proved by the venue, not by what was held there."""
    return "活动" in item.title and "场地" not in item.title


def evidence_period(inspected_on: date) -> tuple[date, date]:
    """The 12 months up to the inspection, both days included: a check on 2026-06-15 looks at
    activities that started from 2025-06-16 to 2026-06-15."""
    try:
        year_before = inspected_on.replace(year=inspected_on.year - 1)
    except ValueError:  # 29 February: a year before has none
        year_before = inspected_on.replace(year=inspected_on.year - 1, day=28)
    return date.fromordinal(year_before.toordinal() + 1), inspected_on


def activities_for_evidence(inspection: Inspection) -> list[Activity]:
    """The organisation's activities an inspector may attach: started in the 12 months up to the
    inspection and not cancelled, oldest first."""
    start, end = evidence_period(inspection.inspected_on)
    return list(db.session.execute(
        select(Activity).options(load_only(*SHOWN))
        .where(Activity.organization_id == inspection.organization_id, Activity.starts_on.between(start, end),
               Activity.status != ActivityStatus.CANCELLED)
        .order_by(Activity.starts_on, Activity.id)
    ).scalars())


def evidence_choices(inspection: Inspection) -> dict[int, list[Activity]]:
    """For each item that takes activities (by result id), the activities to offer. One
    attached earlier that no longer falls in the period (the date was changed, the activity
    cancelled) stays on offer, so it can be taken off. The attached ones come with the results
    (``InspectionResult.activity_evidence``), the period's in one query."""
    rows = [r for r in inspection.results if takes_activities(r.item)]
    if not rows:
        return {}
    candidates = activities_for_evidence(inspection)
    offered = {}
    for row in rows:
        extra = [e.activity for e in row.activity_evidence if e.activity not in candidates]
        offered[row.id] = sorted(candidates + extra, key=lambda a: (a.starts_on, a.id))
    return offered


def participants(activity: Activity) -> int | None:
    """Who took part: as reported after the event, else as expected."""
    return activity.actual_participants if activity.actual_participants is not None else activity.expected_participants


def sheet_line(activities: list[Activity]) -> str:
    """The printed sheet's one line under an item: 佐证：广场舞展演（2026-05-01，参与120人）、…
    Only the first few are named, so the sheet keeps its length."""
    if not activities:
        return ""
    named = []
    for activity in activities[:ON_SHEET]:
        count = participants(activity)
        held = "参与" if activity.actual_participants is not None else "预计"
        title = activity.title if len(activity.title) <= TITLE_ON_SHEET else activity.title[:TITLE_ON_SHEET - 1] + "…"
        named.append(f"{title}（{activity.starts_on:%Y-%m-%d}{f'，{held}{count}人' if count else ''}）")
    more = f"等 {len(activities)} 项活动" if len(activities) > ON_SHEET else ""
    return "佐证：" + "、".join(named) + more


def attach_activity(result: InspectionResult, activity: Activity, user: User) -> ActivityEvidence:
    """Attach ``activity`` to ``result`` as its evidence (once; attaching it again changes nothing)."""
    _require_changeable(result, user)
    inspection = result.inspection
    if activity.organization_id != inspection.organization_id:
        raise RuleError("只能选择被检查组织自己的活动。", _field(result))
    if activity.status == ActivityStatus.CANCELLED:
        raise RuleError(f"“{activity.title}”已取消，不能作为佐证。", _field(result))
    start, end = evidence_period(inspection.inspected_on)
    if not start <= activity.starts_on <= end:
        raise RuleError(f"“{activity.title}”不在检查日期前 12 个月内（{start} 至 {end}），不能作为佐证。", _field(result))
    for evidence in result.activity_evidence:
        if evidence.activity_id == activity.id:
            return evidence
    evidence = ActivityEvidence(activity=activity, region_id=result.region_id)
    result.activity_evidence.append(evidence)
    db.session.flush()
    return evidence


def detach_activity(result: InspectionResult, activity: Activity, user: User) -> None:
    """Take ``activity`` off ``result``'s evidence (nothing to do when it is not attached)."""
    _require_changeable(result, user)
    for evidence in result.activity_evidence:
        if evidence.activity_id == activity.id:
            # Deleted as itself, still tied to its result: the flush counts the inspection's
            # version through it (an orphan is deleted only inside the flush, uncounted).
            db.session.delete(evidence)
    db.session.flush()
    db.session.expire(result, ["activity_evidence"])


def choose_activities(result: InspectionResult, activity_ids: Iterable[int], user: User) -> None:
    """What an item's checkboxes posted: exactly ``activity_ids`` are attached afterwards. An id
    not found (another region's activity, or none at all) is refused like another
    organisation's: nothing of the choice is saved."""
    _require_changeable(result, user)
    wanted = set(activity_ids)
    found = {a.id: a for a in db.session.execute(select(Activity).where(Activity.id.in_(wanted))).scalars()}
    if wanted - found.keys():
        raise RuleError("所选活动不存在或不属于被检查组织。", _field(result))
    attached = {e.activity_id: e.activity for e in result.activity_evidence}
    for activity_id in attached.keys() - wanted:
        detach_activity(result, attached[activity_id], user)
    for activity_id in sorted(wanted - attached.keys()):
        attach_activity(result, found[activity_id], user)


def _require_changeable(result: InspectionResult, user: User) -> None:
    if problem := edit_problem(result.inspection, user):
        raise RuleError(problem, _field(result))
    if not takes_activities(result.item):
        raise RuleError(f"“{result.item.title}”不以活动作为佐证。", _field(result))


def _field(result: InspectionResult) -> str:
    """The form field an item's activities are posted as (and a refusal is shown at)."""
    return f"activities_{result.id}"
