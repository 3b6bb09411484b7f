"""The case workflow's table of steps, without HTTP or a database: every step allowed from the
states it names and refused, with its sentence, from every other state, for the wrong person,
without its text, and by the rules beside the main line (the one extension, the objection window,
回访 before 办结, 重办 only when unsatisfied)."""
from datetime import datetime, timedelta

import pytest

from app.cases import workflow
from app.cases.models import ActionKind, Case, CaseAction, CaseDeadline, CaseStatus, Channel, DeadlineKind

A, S = ActionKind, CaseStatus
COUNTY = workflow.Actor(is_county=True, handles=False)
HANDLER = workflow.Actor(is_county=False, handles=True)
BYSTANDER = workflow.Actor(is_county=False, handles=False)
VIEWER = workflow.Actor(is_county=True, handles=False, can_write=False)
FILLS = {A.DISPATCH: {"unit_id": 3}, A.APPROVE_EXTENSION: {"days": 10}, A.REPLY: {"result": "已解决"},
         A.CALLBACK: {"satisfaction": "满意"}}


def case_in(status: CaseStatus, **fields) -> Case:
    return Case(status=status, pending=fields.pop("pending", ""), extended=fields.pop("extended", False),
                satisfaction=fields.pop("satisfaction", ""), **fields)


def actor_of(step: workflow.Step) -> workflow.Actor:
    return COUNTY if step.by == "county" else HANDLER


def prepared(kind: ActionKind, status: CaseStatus) -> Case:
    """A case in ``status`` meeting the step's side rules, so only the state is tested."""
    fields = {}
    if kind in (A.APPROVE_EXTENSION, A.REFUSE_EXTENSION):
        fields["pending"] = "extension"
    if kind in (A.CLOSE, A.REDO):
        fields["satisfaction"] = "不满意"
    case = case_in(status, **fields)
    if kind in (A.REQUEST_REVIEW, A.REQUEST_RECHECK):
        case.channel = Channel(is_petition=True)
        case.actions = [CaseAction(kind=A.REQUEST_REVIEW, round=1)] if kind == A.REQUEST_RECHECK else []
    return case


@pytest.mark.parametrize("kind", list(workflow.STEPS), ids=lambda k: k.value)
def test_each_step_is_allowed_from_its_states_and_refused_from_every_other(kind):
    step = workflow.STEPS[kind]
    for status in CaseStatus:
        problem = workflow.refusal(prepared(kind, status), kind, actor_of(step), text="理由", details=FILLS.get(kind))
        if status in step.sources:
            assert problem is None, (status, problem)
        else:
            assert problem == f"诉求件当前为“{status.label}”，不能{kind.label}。"


@pytest.mark.parametrize("kind", list(workflow.STEPS), ids=lambda k: k.value)
def test_each_step_is_refused_to_the_wrong_person_and_to_a_read_only_account(kind):
    step = workflow.STEPS[kind]
    status = next(iter(step.sources))
    wrong = HANDLER if step.by == "county" else COUNTY
    expected = f"“{kind.label}”由县级业务人员办理。" if step.by == "county" else f"只有承办单位可以{kind.label}。"
    assert workflow.refusal(prepared(kind, status), kind, wrong, text="x", details=FILLS.get(kind)) == expected
    assert workflow.refusal(prepared(kind, status), kind, BYSTANDER, text="x", details=FILLS.get(kind)) is not None
    assert workflow.refusal(prepared(kind, status), kind, VIEWER, text="x") == "只读账号不能办理诉求件。"


@pytest.mark.parametrize("kind", [k for k, s in workflow.STEPS.items() if s.text_needed], ids=lambda k: k.value)
def test_steps_that_need_a_reason_refuse_without_one(kind):
    step = workflow.STEPS[kind]
    case = prepared(kind, next(iter(step.sources)))
    assert workflow.refusal(case, kind, actor_of(step), text="   ", details=FILLS.get(kind)) == step.text_needed


def test_a_dispatch_needs_a_unit_and_a_reply_its_result():
    assert workflow.refusal(case_in(S.ACCEPTED), A.DISPATCH, COUNTY) == "请选择承办单位。"
    assert workflow.refusal(case_in(S.HANDLING), A.REPLY, HANDLER, text="已修复", details={"result": "?"}) == \
        "请选择办理结果。"


def test_one_extension_and_only_when_asked():
    assert workflow.refusal(case_in(S.HANDLING, extended=True), A.REQUEST_EXTENSION, HANDLER, text="需协调") == \
        "本件已延期过一次，不能再次延期。"
    assert workflow.refusal(case_in(S.HANDLING, pending="extension"), A.REQUEST_EXTENSION, HANDLER, text="x") == \
        "已申请延期，正在等待县级审批。"
    assert workflow.refusal(case_in(S.HANDLING), A.APPROVE_EXTENSION, COUNTY, details={"days": 5}) == \
        "承办单位没有申请延期。"
    asked = case_in(S.HANDLING, pending="extension")
    assert workflow.refusal(asked, A.APPROVE_EXTENSION, COUNTY, details={"days": 31, "max_days": 30}) == \
        "延长期限不能超过30日。"
    assert workflow.refusal(asked, A.APPROVE_EXTENSION, COUNTY, details={"days": 30, "max_days": 30}) is None
    assert workflow.refusal(asked, A.REPLY, HANDLER, text="x", details={"result": "已解决"}) is None
    # The county decides the extension before it reviews anything else.
    assert workflow.refusal(case_in(S.REPLIED, pending="extension"), A.APPROVE_REPLY, COUNTY) == "延期申请尚未审批。"


def test_a_return_is_refused_after_the_objection_window():
    now = datetime(2026, 10, 12, 10)
    case = case_in(S.HANDLING)
    case.deadlines = [CaseDeadline(kind=DeadlineKind.OBJECTION, due_at=now - timedelta(hours=1), cancelled=False)]
    problem = workflow.refusal(case, A.REQUEST_RETURN, HANDLER, text="不属于本镇", now=now)
    assert problem.startswith("退单期限已过（2026-10-12 09:00前），不能退单")
    case.deadlines[0].due_at = now + timedelta(hours=1)
    assert workflow.refusal(case, A.REQUEST_RETURN, HANDLER, text="不属于本镇", now=now) is None


def test_callback_before_close_and_redo_only_when_unsatisfied():
    assert workflow.refusal(case_in(S.CALLBACK), A.CALLBACK, COUNTY, details={"satisfaction": "很好"}) == \
        "请选择回访结果（满意、基本满意或不满意）。"
    assert workflow.refusal(case_in(S.CALLBACK), A.CLOSE, COUNTY) == "请先回访，记录诉求人的满意度，再办结。"
    assert workflow.refusal(case_in(S.CALLBACK, satisfaction="满意"), A.CLOSE, COUNTY) is None
    assert workflow.refusal(case_in(S.CLOSED, satisfaction="满意"), A.REDO, COUNTY, text="重新办理") == \
        "只有诉求人不满意的诉求件可以重办。"
    assert workflow.refusal(case_in(S.CLOSED, satisfaction="不满意"), A.REDO, COUNTY, text="重新办理") is None


def test_the_page_offers_each_person_their_next_steps():
    assert workflow.allowed_steps(case_in(S.REGISTERED), COUNTY) == [A.ACCEPT, A.REJECT]
    assert workflow.allowed_steps(case_in(S.DISPATCHED), HANDLER) == [A.SIGN_FOR, A.REQUEST_RETURN]
    assert workflow.allowed_steps(case_in(S.HANDLING), HANDLER) == [A.REQUEST_RETURN, A.REQUEST_EXTENSION, A.REPLY]
    assert A.URGE in workflow.allowed_steps(case_in(S.HANDLING), COUNTY)
    assert workflow.allowed_steps(case_in(S.CLOSED, satisfaction="满意"), COUNTY) == []
    assert workflow.allowed_steps(case_in(S.HANDLING), BYSTANDER) == []


def test_supervision_is_proposed_by_the_triggers_and_climbs_the_ladder():
    now = datetime(2026, 10, 20, 9)
    case = case_in(S.HANDLING, satisfaction="", round=1)
    case.reply_result = ""
    case.deadlines = [CaseDeadline(kind=DeadlineKind.ANSWER, due_at=now - timedelta(days=1), cancelled=False)]
    case.actions = []
    assert workflow.supervision_reasons(case, now, repeated=True) == ["办理超期", "同一诉求重复来电"]
    assert workflow.next_rung(case) == A.URGE
    case.actions = [CaseAction(kind=A.URGE, round=1)]
    assert workflow.next_rung(case) == A.SUPERVISE
    case.actions += [CaseAction(kind=A.SUPERVISE, round=1), CaseAction(kind=A.LIST_SUPERVISION, round=1)]
    assert workflow.next_rung(case) == A.SUMMON
    case.actions.append(CaseAction(kind=A.SUMMON, round=1))
    assert workflow.next_rung(case) == A.SUMMON  # the top rung stays
    case.round = 2  # 重办: the ladder starts again for the new round
    assert workflow.next_rung(case) == A.URGE
    case.deadlines = []
    assert workflow.supervision_reasons(case, now) == []
    assert workflow.supervision_reasons(case_in(S.CLOSED, satisfaction="不满意"), now) == []


def test_review_and_recheck_of_a_petition_within_their_windows():
    now = datetime(2026, 12, 1, 9)
    letter = case_in(S.CLOSED)
    letter.channel, letter.actions = Channel(is_petition=True), []
    letter.deadlines = [CaseDeadline(kind=DeadlineKind.REVIEW_REQUEST, due_at=now + timedelta(days=3), cancelled=False)]
    assert workflow.refusal(letter, A.REQUEST_REVIEW, COUNTY, text="不服处理意见", now=now) is None
    assert workflow.refusal(letter, A.REQUEST_RECHECK, COUNTY, text="x", now=now) == \
        "应先申请复查，对复查意见不服的才能申请复核（第三十六条）。"
    late = now + timedelta(days=4)
    assert workflow.refusal(letter, A.REQUEST_REVIEW, COUNTY, text="x", now=late).startswith(
        "请求应自收到书面答复之日起30日内提出（第三十五条）")
    letter.actions = [CaseAction(kind=A.REQUEST_REVIEW, round=1), CaseAction(kind=A.REQUEST_RECHECK, round=1)]
    assert workflow.refusal(letter, A.REQUEST_RECHECK, COUNTY, text="x", now=now) == "本件已经复核，复核意见为最终意见（第三十六条）。"
    call = case_in(S.CLOSED)
    call.channel, call.actions = Channel(is_petition=False), []
    assert workflow.refusal(call, A.REQUEST_REVIEW, COUNTY, text="x", now=now) == "只有信访事项可以申请复查、复核。"
