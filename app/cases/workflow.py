"""The case workflow as a table of steps: from which states each step may be taken, by whom, to
which state it leads, and what it must carry. ``refusal`` says, in the sentence the page and
the tests both show, why a step may not be taken now; it knows nothing of HTTP or the database.

登记 → 受理 (or 不予受理 with the reason) → 派单 → 签收 → 办理 → 回复 → 审核 (通过, or 退回) →
回访 → 办结. Beside the main line: 退单 (asked by the unit within the objection window, decided
by the county), 延期 (asked once, within the channel's limit, decided by the county), 催办 and
督办 (by the county, on any open case), 重办 of an unsatisfied case (a new round), 备注.
"""
from dataclasses import dataclass
from datetime import datetime

from app.cases.models import SUPERVISION_LADDER, ActionKind, Case, CaseStatus, DeadlineKind

A, S = ActionKind, CaseStatus
OPEN = frozenset(s for s in S if s not in (S.CLOSED, S.REJECTED, S.REVIEWING))
SATISFACTIONS = ("满意", "基本满意", "不满意")
REPLY_RESULTS = ("已解决", "部分解决", "未解决", "已解释说明")


@dataclass(frozen=True)
class Step:
    kind: ActionKind
    sources: frozenset[CaseStatus]
    target: CaseStatus | None  # None: the state stays
    by: str  # "county" (a county user who may write) or "handler" (the case's handling unit)
    text_needed: str = ""  # the sentence when the step needs a text and has none


STEPS = {step.kind: step for step in (
    Step(A.ACCEPT, frozenset({S.REGISTERED}), S.ACCEPTED, "county"),
    Step(A.REJECT, frozenset({S.REGISTERED}), S.REJECTED, "county", "请写明不予受理的理由。"),
    Step(A.DISPATCH, frozenset({S.ACCEPTED}), S.DISPATCHED, "county"),
    Step(A.SIGN_FOR, frozenset({S.DISPATCHED}), S.HANDLING, "handler"),
    Step(A.REQUEST_RETURN, frozenset({S.DISPATCHED, S.HANDLING}), S.RETURN_REQUESTED, "handler",
         "请写明退单理由（为什么不属于本单位职责）。"),
    Step(A.APPROVE_RETURN, frozenset({S.RETURN_REQUESTED}), S.ACCEPTED, "county"),
    Step(A.REFUSE_RETURN, frozenset({S.RETURN_REQUESTED}), S.HANDLING, "county", "请写明驳回退单的理由。"),
    Step(A.REQUEST_EXTENSION, frozenset({S.HANDLING}), None, "handler", "请写明延期理由。"),
    Step(A.APPROVE_EXTENSION, frozenset({S.HANDLING}), None, "county"),
    Step(A.REFUSE_EXTENSION, frozenset({S.HANDLING}), None, "county", "请写明不批准延期的理由。"),
    Step(A.REPLY, frozenset({S.HANDLING}), S.REPLIED, "handler", "请填写办理情况和答复内容。"),
    Step(A.APPROVE_REPLY, frozenset({S.REPLIED}), S.CALLBACK, "county"),
    Step(A.SEND_BACK, frozenset({S.REPLIED}), S.HANDLING, "county", "请写明退回重新办理的理由。"),
    Step(A.CALLBACK, frozenset({S.CALLBACK}), None, "county"),
    Step(A.CLOSE, frozenset({S.CALLBACK}), S.CLOSED, "county"),
    Step(A.REDO, frozenset({S.CALLBACK, S.CLOSED}), S.DISPATCHED, "county", "请写明重办要求。"),
    # 信访: 复查 asked within 30 days of the answer and answered within 30 (Art 35), 复核 the same
    # after the 复查 (Art 36); recorded by the county, which receives them from the higher body.
    Step(A.REQUEST_REVIEW, frozenset({S.CLOSED}), S.REVIEWING, "county", "请记录复查请求的内容。"),
    Step(A.REQUEST_RECHECK, frozenset({S.CLOSED}), S.REVIEWING, "county", "请记录复核请求的内容。"),
    Step(A.REVIEW_OPINION, frozenset({S.REVIEWING}), S.CLOSED, "county", "请填写复查（复核）意见。"),
    Step(A.URGE, OPEN - {S.REGISTERED}, None, "county", "请填写催办内容。"),
    Step(A.SUPERVISE, OPEN - {S.REGISTERED}, None, "county", "请填写督办意见。"),
    Step(A.LIST_SUPERVISION, OPEN - {S.REGISTERED}, None, "county", "请填写挂牌督办的事项和要求。"),
    Step(A.SUMMON, OPEN - {S.REGISTERED, S.ACCEPTED}, None, "county", "请填写约谈或通报的事由。"),
)}


def supervision_reasons(case: Case, now: datetime, repeated: bool = False) -> list[str]:
    """Why the county should supervise the case now, as the regulations list the triggers
    (潍坊 Art 26: refusal, overdue, unresolved, poor handling; a dissatisfied caller, 济南 Art 27;
    a repeated call about the same matter)."""
    if case.status not in OPEN:
        return []
    reasons = []
    if any(d.met_at is None and not d.cancelled and not d.is_window and now > d.due_at for d in case.deadlines):
        reasons.append("办理超期")
    if any(a.kind == A.REFUSE_RETURN and a.round == case.round for a in case.actions):
        reasons.append("退单理由不成立")
    if case.reply_result == "未解决":
        reasons.append("诉求未解决")
    if case.satisfaction == "不满意":
        reasons.append("诉求人不满意")
    if repeated:
        reasons.append("同一诉求重复来电")
    return reasons


def next_rung(case: Case) -> ActionKind:
    """The supervision the case is due for: one rung above the highest it has had this round."""
    had = [SUPERVISION_LADDER.index(a.kind) for a in case.actions
           if a.kind in SUPERVISION_LADDER and a.round == case.round]
    return SUPERVISION_LADDER[min(max(had, default=-1) + 1, len(SUPERVISION_LADDER) - 1)]


class Refusal(str):
    """Why a step may not be taken: the sentence, and the input it is about (None: the whole
    step, its state or its person), so a form can show it at that input."""

    field: str | None = None

    def __new__(cls, message: str, field: str | None = None):
        refusal = super().__new__(cls, message)
        refusal.field = field
        return refusal


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the workflow needs to know them."""

    is_county: bool  # a county (or higher) user who may write
    handles: bool  # a user of the case's handling unit
    can_write: bool = True


def refusal(case: Case, kind: ActionKind, actor: Actor, *, text: str = "", details: dict | None = None,
            now: datetime | None = None) -> Refusal | None:
    """Why ``actor`` may not take step ``kind`` on ``case`` now, or None when they may."""
    details = details or {}
    step = STEPS.get(kind)
    if step is None:
        return Refusal("不能进行此操作。")
    if not actor.can_write:
        return Refusal("只读账号不能办理诉求件。")
    if case.merged_into_id is not None:
        return Refusal("本件已作为重复件合并，由它合并到的诉求件答复，请在该件上办理。")
    if step.by == "county" and not actor.is_county:
        return Refusal(f"“{kind.label}”由县级业务人员办理。")
    if step.by == "handler" and not actor.handles:
        return Refusal(f"只有承办单位可以{kind.label}。")
    if case.status not in step.sources:
        return Refusal(f"诉求件当前为“{case.status.label}”，不能{kind.label}。")
    if step.text_needed and not text.strip():
        return Refusal(step.text_needed, "text")
    return _rule_of_the_step(case, kind, details, now)


def _rule_of_the_step(case: Case, kind: ActionKind, details: dict, now: datetime | None) -> Refusal | None:
    if kind == A.DISPATCH and not details.get("unit_id"):
        return Refusal("请选择承办单位。", "unit_id")
    if kind == A.REQUEST_RETURN and now is not None:
        objection = case.open_deadline(DeadlineKind.OBJECTION)
        if objection is not None and now > objection.due_at:
            return Refusal(f"退单期限已过（{objection.due_at:%Y-%m-%d %H:%M}前），不能退单；"
                           "确需调整承办单位的，请联系县级业务人员。")
    if kind == A.REQUEST_EXTENSION:
        if case.pending == "extension":
            return Refusal("已申请延期，正在等待县级审批。")
        if case.extended:
            return Refusal("本件已延期过一次，不能再次延期。")
    if kind in (A.APPROVE_EXTENSION, A.REFUSE_EXTENSION) and case.pending != "extension":
        return Refusal("承办单位没有申请延期。")
    if kind == A.APPROVE_EXTENSION:
        days, most = details.get("days"), details.get("max_days")
        if not isinstance(days, int) or days < 1:
            return Refusal("请填写延长的天数。", "days")
        if most is not None and days > most:
            return Refusal(f"延长期限不能超过{most}日。", "days")
    if kind == A.REPLY and details.get("result") not in REPLY_RESULTS:
        return Refusal("请选择办理结果。", "result")
    if kind in (A.APPROVE_REPLY, A.SEND_BACK, A.CALLBACK, A.CLOSE) and case.pending == "extension":
        return Refusal("延期申请尚未审批。")
    if kind == A.CALLBACK and details.get("satisfaction") not in SATISFACTIONS:
        return Refusal("请选择回访结果（满意、基本满意或不满意）。", "satisfaction")
    if kind == A.CLOSE and not case.satisfaction:
        return Refusal("请先回访，记录诉求人的满意度，再办结。")
    if kind == A.REDO and case.satisfaction != "不满意":
        return Refusal("只有诉求人不满意的诉求件可以重办。")
    if kind in (A.REQUEST_REVIEW, A.REQUEST_RECHECK):
        return _review_refusal(case, kind, now)
    return None


def _review_refusal(case: Case, kind: ActionKind, now: datetime | None) -> Refusal | None:
    if case.channel is None or not case.channel.is_petition:
        return Refusal("只有信访事项可以申请复查、复核。")
    asked = {a.kind for a in case.actions}
    if kind == A.REQUEST_REVIEW and A.REQUEST_REVIEW in asked:
        return Refusal("本件已经复查，不服复查意见的可申请复核。")
    if kind == A.REQUEST_RECHECK:
        if A.REQUEST_REVIEW not in asked:
            return Refusal("应先申请复查，对复查意见不服的才能申请复核（第三十六条）。")
        if A.REQUEST_RECHECK in asked:
            return Refusal("本件已经复核，复核意见为最终意见（第三十六条）。")
    window = case.open_deadline(DeadlineKind.REVIEW_REQUEST)
    if window is not None and now is not None and now > window.due_at:
        article = "第三十五条" if kind == A.REQUEST_REVIEW else "第三十六条"
        return Refusal(f"请求应自收到书面答复之日起30日内提出（{article}），已于{window.due_at:%Y-%m-%d}届满。")
    return None


def allowed_steps(case: Case, actor: Actor, now: datetime | None = None) -> list[ActionKind]:
    """The steps the page offers ``actor``: those whose only missing piece is what the form asks."""
    offered = []
    for kind in STEPS:
        if refusal(case, kind, actor, text="…", details=_form_fills(kind), now=now) is None:
            offered.append(kind)
    return offered


def _form_fills(kind: ActionKind) -> dict:
    """What a step's form will supply, so ``allowed_steps`` asks only about the case."""
    return {A.DISPATCH: {"unit_id": 1}, A.APPROVE_EXTENSION: {"days": 1}, A.REPLY: {"result": REPLY_RESULTS[0]},
            A.CALLBACK: {"satisfaction": SATISFACTIONS[0]}}.get(kind, {})
