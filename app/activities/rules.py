"""The rules of an activity's course, as plain functions tested without HTTP.

筹备中 → 报备待审 (with its 规程) → 报备已同意 or 报备退回 (the county says why) → filed again;
信息上报 once the activity has begun, after the approval when it had to be filed; 取消 at any
point before the report. Each ``*_problem`` function says why a step may not be taken (one
Chinese sentence and the field it concerns), or None when it may; the services raise it as
RuleError and the pages use the same answers to offer only the steps that are open.
"""
from datetime import date

from app.activities.models import Activity, ActivityKind, ActivityStatus

S = ActivityStatus

# Local practice for 报备 (public-safety rules for large gatherings start at a few hundred):
# every 赛事, and any activity expected to gather this many people or more, is filed beforehand.
FILING_CROWD = 300
PARTICIPANTS_MAX = 1_000_000  # more than a county's whole population: a typing error

EDITABLE = (S.PLANNED, S.RETURNED)
FILEABLE = (S.PLANNED, S.RETURNED)
CANCELLABLE = (S.PLANNED, S.FILED, S.APPROVED, S.RETURNED)

Problem = tuple[str, str | None]  # (sentence, field)


def filing_required(kind: ActivityKind | None, expected_participants: int | None) -> bool:
    """Whether the activity must be filed whatever the user ticks: a 赛事, or a crowd of FILING_CROWD+."""
    return kind == ActivityKind.COMPETITION or (expected_participants or 0) >= FILING_CROWD


def _count_problem(value: int | None, label: str) -> str | None:
    if value is not None and not 0 <= value <= PARTICIPANTS_MAX:
        return f"{label}应在 0 到 {PARTICIPANTS_MAX} 之间。"
    return None


def field_problems(fields: dict) -> dict[str, str]:
    """The rules an activity's own facts keep (the dates in order, counts not negative)."""
    problems: dict[str, str] = {}
    if not (fields.get("title") or "").strip():
        problems["title"] = "请填写活动名称。"
    if fields.get("kind") is None:
        problems["kind"] = "请选择活动类型。"
    if fields.get("level") is None:
        problems["level"] = "请选择活动级别。"
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if starts is None:
        problems["starts_on"] = "请填写开始日期。"
    if ends is None:
        problems["ends_on"] = "请填写结束日期。"
    elif starts is not None and ends < starts:
        problems["ends_on"] = "结束日期不能早于开始日期。"
    if problem := _count_problem(fields.get("expected_participants"), "预计参与人数"):
        problems["expected_participants"] = problem
    return problems


def edit_problem(activity: Activity) -> Problem | None:
    if activity.status not in EDITABLE:
        return f"“{activity.status.label}”的活动不能再修改。", None
    return None


def file_problem(activity: Activity, has_rules_document: bool) -> Problem | None:
    """报备: only an activity that is to be filed, not yet waiting or approved, with its 规程."""
    if not activity.needs_filing:
        return "该活动无需报备。", None
    if activity.status not in FILEABLE:
        return f"“{activity.status.label}”的活动不能提交报备。", None
    if not has_rules_document:
        return "报备须附活动规程（PDF 或 Word 文件）。", "rules_document"
    return None


def decide_problem(activity: Activity, approve: bool, note: str) -> Problem | None:
    """The county's decision on a filing: only while it waits; a return says why."""
    if activity.status != S.FILED:
        return "只有报备待审的活动可以审核。", "note"
    if not approve and not note.strip():
        return "退回报备时请写明原因。", "note"
    return None


def report_problem(activity: Activity, today: date) -> Problem | None:
    """Whether 信息上报 is open at all: the activity has begun, and was approved if it had to be filed."""
    if activity.status in (S.REPORTED, S.CANCELLED):
        return f"“{activity.status.label}”的活动不能上报。", None
    if activity.needs_filing and activity.status != S.APPROVED:
        return "须报备的活动在县级同意报备后才能上报。", None
    if activity.starts_on > today:
        return f"活动开始（{activity.starts_on}）后才能上报活动信息。", None
    return None


def report_values_problems(actual_participants: int | None, results: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if actual_participants is None:
        problems["actual_participants"] = "请填写实际参与人数。"
    elif problem := _count_problem(actual_participants, "实际参与人数"):
        problems["actual_participants"] = problem
    if not results.strip():
        problems["results"] = "请简要填写活动开展情况和成效。"
    return problems


def cancel_problem(activity: Activity) -> Problem | None:
    if activity.status not in CANCELLABLE:
        return f"“{activity.status.label}”的活动不能取消。", None
    return None
