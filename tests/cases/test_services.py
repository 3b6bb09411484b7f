"""The case desk's services on a real database: the default channels the migration loads,
numbering, deadlines under the rules in force at receipt, a whole case from 登记 to 办结 with
its timeline, redispatch moving the case between townships, the extension, the return, 重办,
and another county never seeing the case."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.cases import services
from app.cases.deadlines import Limit, Unit
from app.cases.models import (
    ActionKind,
    CalendarDay,
    CalendarYear,
    Case,
    CaseAction,
    CaseCategory,
    CaseDeadline,
    CaseStatus,
    CaseType,
    Channel,
    ChannelClass,
    DeadlineKind,
    HandlingUnit,
    UnitKind,
)
from app.extensions import db
from app.regions.models import Region
from app.rules import RuleError
from app.scoping import set_scope, unscoped
from app.timeutil import to_local, utcnow
from app.versioning import StaleEdit
from tests.factories import user

A, S, K = ActionKind, CaseStatus, DeadlineKind
EVE_OF_NATIONAL_DAY = datetime(2026, 9, 30, 16, 20)


def channel_class(code: str, class_code: str = "general") -> ChannelClass:
    return db.session.execute(
        select(ChannelClass).join(Channel).where(Channel.code == code, ChannelClass.code == class_code)
    ).scalar_one()


def new_case(code="hotline12345", class_code="general", received_at=EVE_OF_NATIONAL_DAY, **fields):
    return services.NewCase(channel_class=channel_class(code, class_code), received_at=received_at,
                            type=CaseType.COMPLAINT, category=CaseCategory.EQUIPMENT_DAMAGE,
                            content=fields.pop("content", "凤城镇文化广场健身器材损坏，无人维修。"),
                            requester_name="张三", requester_phone="13812341234", **fields)


@pytest.fixture
def desk(app, world):
    """A request context as the county's supervisor, with the township of 凤城镇 as a unit."""
    with app.test_request_context():
        set_scope(None)
        township = HandlingUnit(name="凤城镇", kind=UnitKind.TOWNSHIP, region_id=world.town_a1.id)
        other = HandlingUnit(name="北留镇", kind=UnitKind.TOWNSHIP, region_id=world.town_a2.id)
        db.session.add_all([township, other])
        db.session.flush()
        yield {"township": township, "other": other, "county": db.session.get(Region, world.county_a.id)}
        db.session.rollback()


def register(desk, **fields) -> Case:
    """Registered by the county's supervisor, an hour after it was received."""
    case = new_case(**fields)
    return services.register_case(case, user("supervisor"), desk["county"], case.received_at + timedelta(hours=1))


def deadline(case: Case, kind: DeadlineKind) -> CaseDeadline:
    return case.open_deadline(kind)


def test_the_migration_loads_the_default_channels_with_their_legal_limits(app):
    with app.app_context():
        codes = db.session.execute(select(Channel.code).order_by(Channel.position)).scalars().all()
        assert codes == ["hotline12345", "petition_letter", "petition_visit", "petition_online", "online_qa",
                         "npc_suggestion", "cppcc_proposal", "leader_assigned", "other"]
        hotline = db.session.execute(select(Channel).filter_by(code="hotline12345")).scalar_one()
        assert [c.name for c in hotline.classes] == ["一般", "复杂", "紧急"]
        now = datetime(2026, 12, 1)
        letter = services.rules_in_force(channel_class("petition_letter"), now)
        assert {k: r.limit for k, r in letter.items() if k in (K.ACCEPT_NOTICE, K.OBJECTION, K.ANSWER,
                                                               K.EXTENSION_MAX)} == {
            K.ACCEPT_NOTICE: Limit(15, Unit.CALENDAR_DAYS), K.OBJECTION: Limit(5, Unit.WORKING_DAYS),
            K.ANSWER: Limit(60, Unit.CALENDAR_DAYS), K.EXTENSION_MAX: Limit(30, Unit.CALENDAR_DAYS)}
        proposal = [services.rules_in_force(channel_class("cppcc_proposal", c), now)[K.ANSWER].limit.label
                    for c in ("general", "difficult")]
        assert proposal == ["3个月", "6个月"]


def test_a_12345_case_received_the_eve_of_national_day_is_numbered_and_due_after_the_holiday(desk):
    case = register(desk)
    assert case.number == "阳城体诉〔2026〕0001号" and case.status == S.REGISTERED
    assert deadline(case, K.ANSWER).due_at == datetime(2026, 10, 13, 23, 59, 59)
    assert deadline(case, K.ACCEPT_NOTICE) is None  # 受理告知 is the 信访 channels'
    assert [a.kind for a in case.actions] == [A.REGISTER]
    assert register(desk).number == "阳城体诉〔2026〕0002号"


def test_a_petition_letter_gets_its_written_notice_deadline(desk):
    case = register(desk, code="petition_letter", received_at=datetime(2026, 9, 20, 10))
    notice = deadline(case, K.ACCEPT_NOTICE)
    assert notice.due_at.date().isoformat() == "2026-10-08" and notice.moved_from.isoformat() == "2026-10-05"


def test_numbers_run_per_county_and_year(desk, world):
    first = register(desk, received_at=datetime(2025, 12, 31, 23))
    assert first.number == "阳城体诉〔2025〕0001号"
    assert register(desk).number == "阳城体诉〔2026〕0001号"
    other_county = db.session.get(Region, world.county_b.id)
    elsewhere = services.register_case(new_case(), user("supervisor_b"), other_county, datetime(2026, 10, 8))
    assert elsewhere.number == "泽州体诉〔2026〕0001号"


def test_a_case_keeps_the_rule_it_was_received_under(desk):
    before = register(desk)
    rule = services.rules_in_force(channel_class("hotline12345"), datetime(2026, 12, 1))[K.ANSWER]
    services.change_limit(rule, Limit(3, Unit.WORKING_DAYS))
    later = to_local(utcnow()).replace(tzinfo=None) + timedelta(minutes=1)  # received after the edit
    after = services.register_case(new_case(received_at=later), user("supervisor"), desk["county"], later)
    assert deadline(before, K.ANSWER).rule_id == rule.id
    assert deadline(after, K.ANSWER).rule.limit == Limit(3, Unit.WORKING_DAYS)
    with pytest.raises(RuleError, match="已被修改过"):
        services.change_limit(rule, Limit(4, Unit.WORKING_DAYS))


def test_a_case_from_registration_to_closing(desk):
    supervisor, clerk = user("supervisor"), user("clerk")
    case = register(desk)
    now = datetime(2026, 10, 8, 9, 30)
    services.take_step(case, A.ACCEPT, supervisor, now)
    services.take_step(case, A.DISPATCH, supervisor, now, details={"unit_id": desk["township"].id})
    assert case.status == S.DISPATCHED and case.region_id == desk["township"].region_id
    assert all(a.region_id == case.region_id for a in case.actions)  # the timeline went along
    assert deadline(case, K.SIGN_FOR).due_at == datetime(2026, 10, 9, 23, 59, 59)

    services.take_step(case, A.SIGN_FOR, clerk, datetime(2026, 10, 8, 10))
    services.take_step(case, A.REPLY, clerk, datetime(2026, 10, 9, 15), text="已更换损坏器材。",
                       details={"result": "已解决"})
    assert case.status == S.REPLIED and deadline(case, K.ANSWER) is None  # answered in time
    services.take_step(case, A.APPROVE_REPLY, supervisor, datetime(2026, 10, 9, 16))
    services.take_step(case, A.CALLBACK, supervisor, datetime(2026, 10, 10, 9), text="电话回访，诉求人表示满意。",
                       details={"satisfaction": "满意"})
    services.take_step(case, A.CLOSE, supervisor, datetime(2026, 10, 10, 9, 5))
    assert case.status == S.CLOSED and case.satisfaction == "满意"
    assert [a.kind for a in case.actions] == [A.REGISTER, A.ACCEPT, A.DISPATCH, A.SIGN_FOR, A.REPLY, A.APPROVE_REPLY,
                                             A.CALLBACK, A.CLOSE]
    assert case.actions[2].details["unit"] == "凤城镇" and case.actions[4].actor_name == "测试clerk（凤城镇）"


def test_a_refused_step_says_why_and_changes_nothing(desk):
    case = register(desk)
    with pytest.raises(RuleError) as refused:
        services.take_step(case, A.SIGN_FOR, user("clerk"), datetime(2026, 10, 8, 10))
    assert refused.value.message == "只有承办单位可以签收。" and case.status == S.REGISTERED
    assert len(case.actions) == 1


def test_a_returned_case_is_redispatched_to_another_township_with_its_history(desk, world):
    supervisor = user("supervisor")
    case = register(desk)
    now = datetime(2026, 10, 8, 9)
    services.take_step(case, A.ACCEPT, supervisor, now)
    services.take_step(case, A.DISPATCH, supervisor, now, details={"unit_id": desk["township"].id})
    services.take_step(case, A.REQUEST_RETURN, user("clerk"), datetime(2026, 10, 8, 11), text="该广场属北留镇管辖。")
    services.take_step(case, A.APPROVE_RETURN, supervisor, datetime(2026, 10, 8, 14))
    assert case.status == S.ACCEPTED and case.unit is None and case.region_id == world.county_a.id
    services.take_step(case, A.DISPATCH, supervisor, datetime(2026, 10, 8, 14, 5),
                       details={"unit_id": desk["other"].id})
    assert case.region_id == world.town_a2.id
    db.session.flush()
    with unscoped():
        regions = set(db.session.execute(select(CaseAction.region_id).where(CaseAction.case_id == case.id)).scalars())
    assert regions == {world.town_a2.id}
    # 凤城镇 no longer sees the case; 北留镇 does, whole.
    fengcheng, beiliu = (db.session.get(Region, r.id).path for r in (world.town_a1, world.town_a2))
    set_scope(fengcheng)
    assert db.session.execute(select(Case).where(Case.id == case.id)).first() is None
    set_scope(beiliu)
    assert len(db.session.execute(select(CaseAction).where(CaseAction.case_id == case.id)).all()) == 6


def test_an_extension_is_asked_once_and_moves_the_answer(desk):
    supervisor, clerk = user("supervisor"), user("clerk")
    case = register(desk, code="petition_letter", received_at=datetime(2026, 11, 2, 9))
    now = datetime(2026, 11, 2, 10)
    services.take_step(case, A.ACCEPT, supervisor, now)
    services.take_step(case, A.DISPATCH, supervisor, now, details={"unit_id": desk["township"].id})
    services.take_step(case, A.SIGN_FOR, clerk, now)
    answer = deadline(case, K.ANSWER)  # 60 days: New Year's Day 2027, whose arrangement is not entered yet
    assert (answer.due_at.date().isoformat(), answer.provisional) == ("2027-01-01", True)
    services.take_step(case, A.REQUEST_EXTENSION, clerk, now, text="涉及多个部门，需协调。")
    with pytest.raises(RuleError, match="延长期限不能超过30日"):
        services.take_step(case, A.APPROVE_EXTENSION, supervisor, now, details={"days": 31})
    services.take_step(case, A.APPROVE_EXTENSION, supervisor, now, details={"days": 30})
    assert case.extended and case.pending == ""
    extended = deadline(case, K.ANSWER)  # 30 more days: 01-31, a Sunday, moved to the Monday
    assert (extended.due_at.date().isoformat(), extended.moved_from.isoformat()) == ("2027-02-01", "2027-01-31")
    with pytest.raises(RuleError, match="本件已延期过一次"):
        services.take_step(case, A.REQUEST_EXTENSION, clerk, now, text="再延")


def test_an_unsatisfied_case_is_redone_in_a_new_round(desk):
    supervisor, clerk = user("supervisor"), user("clerk")
    case = register(desk)
    now = datetime(2026, 10, 8, 9)
    for kind, actor, extra in [(A.ACCEPT, supervisor, {}),
                               (A.DISPATCH, supervisor, {"details": {"unit_id": desk["township"].id}}),
                               (A.SIGN_FOR, clerk, {}),
                               (A.REPLY, clerk, {"text": "已解释", "details": {"result": "已解释说明"}}),
                               (A.APPROVE_REPLY, supervisor, {}),
                               (A.CALLBACK, supervisor, {"details": {"satisfaction": "不满意"}})]:
        services.take_step(case, kind, actor, now, **extra)
    services.take_step(case, A.REDO, supervisor, now, text="诉求人不满意，请实地核查后重新答复。")
    assert (case.status, case.round, case.satisfaction) == (S.DISPATCHED, 2, "")
    assert deadline(case, K.REANSWER) is not None and deadline(case, K.SIGN_FOR).round == 2


def test_two_people_acting_on_one_case_at_once(desk):
    supervisor = user("supervisor")
    case = register(desk)
    opened = case.row_version
    services.take_step(case, A.ACCEPT, supervisor, datetime(2026, 10, 8, 9), opened_version=opened)
    with pytest.raises(StaleEdit):
        services.take_step(case, A.REJECT, supervisor, datetime(2026, 10, 8, 9), text="重复", opened_version=opened)


def test_entering_a_years_arrangement_recomputes_provisional_deadlines(desk):
    case = register(desk, received_at=datetime(2026, 12, 28, 9))
    answer = deadline(case, K.ANSWER)
    assert (answer.due_at.date().isoformat(), answer.provisional) == ("2027-01-04", True)
    db.session.add_all([CalendarDay(day=datetime(2027, 1, 1).date(), workday=False, note="元旦"),
                        CalendarYear(year=2027, note="国务院办公厅关于2027年部分节假日安排的通知")])
    db.session.flush()
    from flask import g

    g.pop("_work_calendar", None)
    assert services.recompute_provisional() == 1
    assert (answer.due_at.date().isoformat(), answer.provisional) == ("2027-01-05", False)


def test_the_counter_gives_each_registration_its_own_serial(desk):
    serials = [services.next_serial(desk["county"], 2030) for _ in range(5)]
    assert serials == [1, 2, 3, 4, 5]
    assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 0


def test_a_petition_reviewed_and_rechecked_and_the_same_matter_again(desk):
    supervisor, clerk = user("supervisor"), user("clerk")
    case = register(desk, code="petition_visit", received_at=datetime(2026, 11, 2, 9))
    now = datetime(2026, 11, 2, 10)
    for kind, actor, extra in [(A.ACCEPT, supervisor, {}),
                               (A.DISPATCH, supervisor, {"details": {"unit_id": desk["township"].id}}),
                               (A.SIGN_FOR, clerk, {}),
                               (A.REPLY, clerk, {"text": "已答复", "details": {"result": "已解释说明"}}),
                               (A.APPROVE_REPLY, supervisor, {}),
                               (A.CALLBACK, supervisor, {"details": {"satisfaction": "不满意"}}),
                               (A.CLOSE, supervisor, {})]:
        services.take_step(case, kind, actor, now, **extra)
    window = deadline(case, K.REVIEW_REQUEST)
    assert window.due_at.date().isoformat() == "2026-12-02"  # 30 days from the answer
    services.take_step(case, A.REQUEST_REVIEW, supervisor, datetime(2026, 11, 20, 9), text="不服处理意见，申请复查。")
    assert case.status == S.REVIEWING and deadline(case, K.REVIEW_ANSWER).due_at.date().isoformat() == "2026-12-21"
    services.take_step(case, A.REVIEW_OPINION, supervisor, datetime(2026, 12, 10, 9), text="维持原处理意见。")
    services.take_step(case, A.REQUEST_RECHECK, supervisor, datetime(2026, 12, 15, 9), text="申请复核。")
    services.take_step(case, A.REVIEW_OPINION, supervisor, datetime(2026, 12, 30, 9), text="复核维持。")
    assert case.status == S.CLOSED and deadline(case, K.REVIEW_REQUEST) is None  # 复核 is final
    again = register(desk, code="petition_visit", received_at=datetime(2027, 1, 5, 9))
    assert "已经复核，依《信访工作条例》第三十六条，建议不予受理" in again.actions[0].details["suggestion"]


def test_the_next_due_of_many_cases_at_once_is_each_ones_next_due(desk):
    from app.cases.ledger import next_due, next_dues

    supervisor = user("supervisor")
    cases = [register(desk), register(desk, code="petition_letter"), register(desk)]
    services.take_step(cases[2], A.ACCEPT, supervisor, datetime(2026, 10, 8, 9, 30))
    services.take_step(cases[2], A.DISPATCH, supervisor, datetime(2026, 10, 8, 9, 30),
                       details={"unit_id": desk["township"].id})
    db.session.flush()
    dues = next_dues([case.id for case in cases])
    assert {case.id: dues.get(case.id) for case in cases} == {case.id: next_due(case) for case in cases}
    assert all(dues[case.id] is not None for case in cases)


def test_the_platforms_report_changes_only_what_it_owns_and_says_so_on_the_timeline(desk):
    case = register(desk, external_id="GD20261001001")
    status, content = case.status, case.content
    now = datetime(2026, 10, 9, 10)
    changed = services.record_platform_report(
        case, services.PlatformReport(status="已回访", callback="市民表示问题已解决", satisfaction="满意"),
        user("supervisor"), now, actor_name="12345平台")
    assert changed == ["平台状态", "平台回访", "满意度"]
    assert (case.platform_status, case.platform_satisfaction, case.platform_updated_at) == ("已回访", "满意", now)
    assert case.status == status and case.content == content and case.satisfaction == ""
    entry = case.actions[-1]
    assert entry.kind == A.PLATFORM_REPORT and entry.actor_name == "12345平台"
    assert entry.details["changes"]["满意度"] == {"from": "", "to": "满意"}
    # The same report again, or a blank one, changes nothing and writes nothing.
    entries = len(case.actions)
    assert services.record_platform_report(case, services.PlatformReport(status="已回访", satisfaction="满意"),
                                           user("supervisor"), now) == []
    assert services.record_platform_report(case, services.PlatformReport(), user("supervisor"), now) == []
    assert len(case.actions) == entries
