"""重复件/重复来电: duplicate proposals on Chinese text, by the caller's phone within the window or
by nearly the same words at the same place, made on every registration; the county's link,
merge and dismissal, through the services and through HTTP; the repeated-call trigger and
count that follow the proposals; and the proposals moving with their case when it is dispatched."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.cases import matching, services, workflow
from app.cases.matching import SAME_PHONE_SIMILARITY, SAME_PLACE_SIMILARITY, similarity
from app.cases.models import (
    ActionKind,
    Case,
    CaseAction,
    CaseCategory,
    CaseMatch,
    CaseStatus,
    CaseType,
    DeadlineKind,
    MatchReason,
    MatchStatus,
)
from app.extensions import db
from app.rules import RuleError
from app.versioning import StaleEdit
from tests.cases import test_services
from tests.cases.test_pages import registered, step, version_of
from tests.cases.test_services import channel_class
from tests.factories import user

A, S = ActionKind, CaseStatus
desk = test_services.desk  # the county supervisor's request context, shared with the services' tests
RECEIVED = datetime(2026, 9, 1, 9, 30)
PHONE = "13812341234"

# The same caller about the same matter, in other words: a proposal when the phone is the same.
REWORDED = [
    ("凤城镇文化广场的健身器材坏了好几天了没人修", "凤城镇文化广场健身器材损坏，无人维修"),
    ("游泳馆暑期培训班要求退费，已经一个月了还没退", "再次反映游泳馆培训班退费问题，至今没有退款"),
    ("体育馆周末不对外开放，希望开放", "反映县体育馆周末为什么不开放？"),
    ("小区旁边篮球场晚上打球到十二点，噪音太大影响休息", "篮球场夜间噪音扰民，影响居民休息"),
    ("孩子在阳光体育培训机构报名后机构停课，要求退还剩余课时费", "阳光体育培训停课了，剩下的课时费一直不退"),
    ("文化广场健身器材坏了", "又反映文化广场健身器材坏了，上次打电话说来修，到现在半个月了也没人来，孩子玩的时候差点受伤"),
]
# The same caller about another matter, at the same place or not: no proposal.
OTHER_MATTERS = [
    ("凤城镇文化广场晚上广场舞音响太吵，噪音扰民", "凤城镇文化广场健身器材损坏，无人维修"),
    ("游泳馆培训班退费一直没有办理", "凤城镇文化广场健身器材损坏，无人维修"),
    ("咨询县全民健身运动会的报名方式和比赛项目", "县体育馆周末和节假日开放时间是几点"),
    ("咨询县体育馆周末的开放时间", "投诉县体育馆工作人员态度差"),
    ("凤城镇中学体育场地不对社会开放", "凤城镇文化广场广场舞噪音扰民"),
]
# Anyone at the same place, in nearly the same words: a proposal.
NEARLY_THE_SAME = [
    ("凤城镇文化广场的单杠损坏，存在安全隐患，希望尽快维修", "凤城镇文化广场的扭腰器损坏，存在安全隐患，希望尽快维修"),
    ("凤城镇文化广场健身器材损坏，无人维修", "文化广场健身器材损坏了，一直无人维修"),
    ("县体育馆周末不开放。", "县体育馆 周末不开放"),
]
# The same words about another spot, or another matter at the same spot: no proposal by place.
NOT_THE_SAME_AT_THE_PLACE = [
    ("凤城镇文化广场健身器材损坏，无人维修", "凤城镇人民公园健身器材损坏，无人维修"),
    ("凤城镇文化广场健身器材损坏，无人维修", "凤城镇体育公园篮球架损坏，无人维修"),
    ("凤城镇文化广场的健身器材坏了好几天了没人修", "凤城镇文化广场健身器材损坏，无人维修"),  # by the phone only
    ("凤城镇广场舞音响声音过大，晚上九点后仍未停止", "凤城镇健身器材损坏，希望尽快维修"),
]


@pytest.mark.parametrize(("first", "again"), REWORDED)
def test_a_caller_rewording_the_same_matter_scores_above_the_phone_threshold(first, again):
    assert similarity(first, again) >= SAME_PHONE_SIMILARITY


@pytest.mark.parametrize(("first", "other"), OTHER_MATTERS)
def test_another_matter_of_the_same_caller_scores_below_it(first, other):
    assert similarity(first, other) < SAME_PHONE_SIMILARITY


@pytest.mark.parametrize(("first", "again"), NEARLY_THE_SAME)
def test_nearly_the_same_words_score_above_the_place_threshold(first, again):
    assert similarity(first, again) >= SAME_PLACE_SIMILARITY


@pytest.mark.parametrize(("first", "other"), NOT_THE_SAME_AT_THE_PLACE)
def test_other_spots_and_other_matters_score_below_it(first, other):
    assert similarity(first, other) < SAME_PLACE_SIMILARITY


def test_full_width_forms_spaces_and_punctuation_do_not_count():
    assert matching.normalized("Ｗｉｆｉ 坏了！ (三楼)") == "wifi坏了三楼"
    assert similarity("体育馆，周末不开放。", "体育馆 周末不开放") == 100
    assert similarity("", "体育馆") == similarity("。。", "体育馆") == 0


# --------------------------------------------------------------------------- on registration

def register(content: str, received_at: datetime = RECEIVED, *, phone: str = PHONE, place: str = "",
             region=None, who: str = "supervisor", code: str = "hotline12345", **fields) -> Case:
    new = services.NewCase(channel_class=channel_class(code), received_at=received_at, type=CaseType.COMPLAINT,
                           category=fields.pop("category", CaseCategory.EQUIPMENT_DAMAGE), content=content,
                           requester_name="张三" if phone else "", requester_phone=phone, place=place, **fields)
    registrar = user(who)
    return services.register_case(new, registrar, region or registrar.region, received_at + timedelta(minutes=10))


def proposals(case: Case) -> list[tuple[int, MatchReason]]:
    return [(m.match_id, m.reason) for m in db.session.execute(
        select(CaseMatch).where(CaseMatch.case_id == case.id).order_by(CaseMatch.id)).scalars()]


def test_the_same_caller_rewording_a_complaint_is_proposed_as_a_repeat(desk):
    first = register(REWORDED[0][0])
    again = register(REWORDED[0][1], RECEIVED + timedelta(days=3))
    (match,) = again_matches = db.session.execute(select(CaseMatch).where(CaseMatch.case_id == again.id)).scalars().all()
    assert again_matches and (match.match_id, match.reason, match.status) == (first.id, MatchReason.SAME_PHONE,
                                                                               MatchStatus.PROPOSED)
    assert SAME_PHONE_SIMILARITY <= match.similarity < 100 and match.region_id == again.region_id
    assert proposals(first) == []  # the proposal is on the newer case only
    assert services.is_repeated(again) and services.is_repeated(first)
    assert matching.matches_of(again).repeated_call and matching.matches_of(first).repeated_call


def test_the_window_is_30_days_and_configurable(desk, app, monkeypatch):
    first = register("县体育馆周末不对外开放，希望开放")
    late = register("县体育馆周末不对外开放，希望开放", RECEIVED + timedelta(days=31))
    assert proposals(late) == [] and not services.is_repeated(late)
    inside = register("县体育馆周末不对外开放，希望开放", RECEIVED + timedelta(days=29))
    assert proposals(inside) == [(first.id, MatchReason.SAME_PHONE)]  # not the case 31 days later: it is newer
    monkeypatch.setitem(app.config, "DUPLICATE_WINDOW_DAYS", 45)
    later = register("县体育馆周末不对外开放，希望开放", RECEIVED + timedelta(days=40))
    assert {m for m, _ in proposals(later)} == {first.id, inside.id, late.id}
    # On the page: the latest earlier case first; an earlier case lists its later ones oldest first.
    assert [m.match_id for m in matching.matches_of(later).proposals] == [late.id, inside.id, first.id]
    assert [m.case_id for m in matching.matches_of(first).repeats] == [inside.id, later.id]  # late: 31 days


def test_the_same_phone_about_another_matter_is_no_repeat(desk):
    register(OTHER_MATTERS[0][0], place="凤城镇文化广场")
    other = register(OTHER_MATTERS[0][1], RECEIVED + timedelta(days=1), place="凤城镇文化广场")
    assert proposals(other) == [] and not services.is_repeated(other)


def test_nearly_the_same_words_at_the_same_place_by_someone_else_are_proposed(desk, world):
    first = register(NEARLY_THE_SAME[0][0], place="凤城镇文化广场")
    by_place_text = register(NEARLY_THE_SAME[0][1], RECEIVED + timedelta(days=2), phone="13900001111",
                             place="凤城镇文化广场")
    assert proposals(by_place_text) == [(first.id, MatchReason.SAME_PLACE)]
    assert not services.is_repeated(by_place_text)  # someone else: a duplicate, not a repeated call
    assert not matching.matches_of(by_place_text).repeated_call
    by_region = register(NEARLY_THE_SAME[1][0], phone="", place_region_id=world.town_a1.id)
    again = register(NEARLY_THE_SAME[1][1], RECEIVED + timedelta(hours=5), phone="", place_region_id=world.town_a1.id)
    assert proposals(again) == [(by_region.id, MatchReason.SAME_PLACE)]


def test_the_same_words_at_another_place_or_without_one_are_not(desk):
    register("凤城镇文化广场健身器材损坏，无人维修", place="凤城镇文化广场")
    elsewhere = register("凤城镇文化广场健身器材损坏，无人维修", RECEIVED + timedelta(days=1), phone="13900001111",
                         place="北留镇体育公园")
    anonymous = register("凤城镇文化广场健身器材损坏，无人维修", RECEIVED + timedelta(days=1), phone="")
    assert proposals(elsewhere) == [] and proposals(anonymous) == []
    assert not services.is_repeated(anonymous)


def test_another_spot_of_the_same_township_in_the_same_words_is_not_proposed(desk, world):
    register(NOT_THE_SAME_AT_THE_PLACE[0][0], phone="", place_region_id=world.town_a1.id)
    other = register(NOT_THE_SAME_AT_THE_PLACE[0][1], RECEIVED + timedelta(days=1), phone="",
                     place_region_id=world.town_a1.id)
    assert proposals(other) == []


def test_a_work_order_registered_under_another_channel_is_proposed(desk):
    first = register("篮球架松动，请求派人查看。", external_id="GD2026090100012", phone="")
    again = register("篮球架松动。", RECEIVED + timedelta(days=60), external_id="GD2026090100012", phone="",
                     code="online_qa")
    assert proposals(again) == [(first.id, MatchReason.SAME_WORK_ORDER)]


def test_an_older_work_order_imported_later_is_the_repeat(desk):
    newer = register(REWORDED[1][1], RECEIVED + timedelta(days=5))
    older = register(REWORDED[1][0], RECEIVED)
    assert proposals(older) == [] and proposals(newer) == [(older.id, MatchReason.SAME_PHONE)]


def test_a_busy_place_does_not_crowd_out_the_callers_earlier_call(desk, monkeypatch):
    monkeypatch.setattr(matching, "MAX_CANDIDATES", 2)
    first = register(REWORDED[3][0], place="凤城镇文化广场")
    for day, matter in enumerate(("健身器材损坏", "篮球架松动", "广场舞太吵"), start=1):
        register(matter, RECEIVED + timedelta(days=day), phone=f"1390000000{day}", place="凤城镇文化广场")
    again = register(REWORDED[3][1], RECEIVED + timedelta(days=5), place="凤城镇文化广场")
    assert proposals(again) == [(first.id, MatchReason.SAME_PHONE)]


def test_another_countys_cases_are_never_candidates(desk, world):
    from app.scoping import set_scope

    register("县体育馆周末不对外开放，希望开放", who="supervisor_b")
    set_scope(world.county_a.path)  # registered as the county's supervisor is, in a request
    mine = register("县体育馆周末不对外开放，希望开放", RECEIVED + timedelta(days=1))
    assert proposals(mine) == []


# --------------------------------------------------------------------------- deciding

def a_repeat(desk, *, content=REWORDED[0]) -> tuple[Case, Case, CaseMatch]:
    first = register(content[0])
    again = register(content[1], RECEIVED + timedelta(days=3))
    match = db.session.execute(select(CaseMatch).where(CaseMatch.case_id == again.id)).scalar_one()
    return first, again, match


def test_linking_keeps_both_and_puts_each_on_the_others_timeline(desk):
    first, again, match = a_repeat(desk)
    matching.decide(match, MatchStatus.LINKED, user("supervisor"), RECEIVED + timedelta(days=3, hours=1),
                    opened_version=again.row_version)
    assert match.status == MatchStatus.LINKED and match.decided_by_id == user("supervisor").id
    assert again.status == first.status == S.REGISTERED and again.merged_into_id is None
    for case, other in ((again, first), (first, again)):
        link = next(a for a in case.actions if a.kind == A.LINK)
        assert link.details["case_id"] == other.id and other.number in link.text
    assert services.is_repeated(again)
    assert matching.matches_of(first).repeats == [match] and matching.matches_of(again).proposals == [match]
    assert matching.matches_of(first).repeated_call and matching.matches_of(again).repeated_call


def test_merging_closes_the_duplicate_pointing_to_the_case_that_answers(desk):
    first, again, match = a_repeat(desk)
    assert again.open_deadline(DeadlineKind.ANSWER) is not None
    matching.decide(match, MatchStatus.MERGED, user("supervisor"), RECEIVED + timedelta(days=3, hours=1))
    assert (again.status, again.reply_result, again.merged_into_id) == (S.CLOSED, "重复件", first.id)
    assert again.closed_at is not None
    assert all(d.cancelled or d.met_at for d in again.deadlines)
    merged = next(a for a in again.actions if a.kind == A.MERGE)
    assert merged.details["case_id"] == first.id and first.number in merged.text
    noted = next(a for a in first.actions if a.kind == A.MERGE)
    assert noted.details["case_id"] == again.id and again.number in noted.text
    assert first.status == S.REGISTERED  # the earlier case answers, for both
    county = workflow.Actor(is_county=True, handles=False)
    assert workflow.allowed_steps(again, county) == [] and workflow.allowed_steps(first, county)
    with pytest.raises(RuleError, match="已作为重复件合并"):
        services.take_step(again, A.URGE, user("supervisor"), RECEIVED + timedelta(days=4), text="请抓紧。")
    audited = db.session.execute(select(AuditEntry.record_type).where(
        AuditEntry.record_id.in_([str(again.id), str(match.id)]))).scalars().all()
    assert {"cases", "case_matches"} <= set(audited)


def test_a_merge_is_refused_once_the_duplicate_is_answered_or_the_earlier_is_itself_merged(desk):
    supervisor, now = user("supervisor"), RECEIVED + timedelta(days=4)
    first, again, match = a_repeat(desk)
    services.take_step(again, A.REJECT, supervisor, now, text="不属于本部门职责。")
    with pytest.raises(RuleError, match="不能再合并为重复件"):
        matching.decide(match, MatchStatus.MERGED, supervisor, now)
    assert match.status == MatchStatus.PROPOSED and again.merged_into_id is None

    redone = register(REWORDED[0][1], RECEIVED + timedelta(days=4))
    redone.round = 2  # 重办 after an unsatisfied caller: answered once already
    with pytest.raises(RuleError, match="已答复过"):
        matching.decide(next(m for m in matching.matches_of(redone).proposals), MatchStatus.MERGED, supervisor, now)

    base = register("县体育馆周末不对外开放，希望开放", RECEIVED + timedelta(days=10))
    middle = register("县体育馆周末不对外开放，希望开放", RECEIVED + timedelta(days=11))
    last = register("县体育馆周末不对外开放，希望开放", RECEIVED + timedelta(days=12))
    to_base = db.session.execute(select(CaseMatch).where(CaseMatch.case_id == middle.id)).scalar_one()
    matching.decide(to_base, MatchStatus.MERGED, supervisor, now)
    to_middle = db.session.execute(select(CaseMatch).where(CaseMatch.case_id == last.id,
                                                           CaseMatch.match_id == middle.id)).scalar_one()
    with pytest.raises(RuleError, match=f"已作为重复件合并到 {base.number}"):
        matching.decide(to_middle, MatchStatus.MERGED, supervisor, now)


def test_dismissing_ends_the_repeat_and_a_decision_is_taken_once(desk):
    first, again, match = a_repeat(desk)
    matching.decide(match, MatchStatus.DISMISSED, user("supervisor"), RECEIVED + timedelta(days=4))
    assert not services.is_repeated(again) and not services.is_repeated(first)
    assert matching.matches_of(again) == matching.Matches([], []) and matching.matches_of(first) == matching.Matches([], [])
    with pytest.raises(RuleError, match="已处理"):
        matching.decide(match, MatchStatus.LINKED, user("supervisor"), RECEIVED + timedelta(days=4))


def test_only_the_county_decides_and_not_over_a_newer_change(desk):
    first, again, match = a_repeat(desk)
    with pytest.raises(RuleError, match="县级业务人员"):
        matching.decide(match, MatchStatus.LINKED, user("clerk"), RECEIVED + timedelta(days=4))
    opened = again.row_version
    services.take_step(again, A.ACCEPT, user("supervisor"), RECEIVED + timedelta(days=4))
    db.session.flush()
    with pytest.raises(StaleEdit):
        matching.decide(match, MatchStatus.MERGED, user("supervisor"), RECEIVED + timedelta(days=4),
                        opened_version=opened)
    assert match.status == MatchStatus.PROPOSED


# --------------------------------------------------------------------------- repeated calls

def test_the_supervision_trigger_and_the_count_follow_the_matches(desk):
    supervisor = user("supervisor")
    first, again, match = a_repeat(desk)
    third = register(REWORDED[0][1], RECEIVED + timedelta(days=5))  # a third call: one more repeat
    register(OTHER_MATTERS[1][0], RECEIVED + timedelta(days=6))  # the same caller, another matter
    now = RECEIVED + timedelta(days=7)
    services.take_step(again, A.ACCEPT, supervisor, now)
    assert "同一诉求重复来电" in workflow.supervision_reasons(again, now, services.is_repeated(again))
    september = (datetime(2026, 9, 1), datetime(2026, 10, 1))
    assert matching.count_repeat_calls(*september) == 2  # each repeat once, though the third matches two
    assert matching.count_repeat_calls(*september, Case.category == CaseCategory.NOISE) == 0
    assert matching.count_repeat_calls(datetime(2026, 10, 1), datetime(2026, 11, 1)) == 0
    for proposal in db.session.execute(select(CaseMatch)).scalars():
        matching.decide(proposal, MatchStatus.DISMISSED, supervisor, now)
    assert matching.count_repeat_calls(*september) == 0
    assert not any(services.is_repeated(c) for c in (first, again, third))
    urge = services.take_step(again, A.URGE, supervisor, now, text="请抓紧。")
    assert "同一诉求重复来电" not in urge.details["reasons"]


def test_the_proposals_move_with_their_case_when_it_is_dispatched(desk):
    supervisor, now = user("supervisor"), RECEIVED + timedelta(days=4)
    first, again, match = a_repeat(desk)
    services.take_step(again, A.ACCEPT, supervisor, now)
    services.take_step(again, A.DISPATCH, supervisor, now, details={"unit_id": desk["township"].id})
    db.session.refresh(match)
    assert match.region_id == again.region_id == desk["township"].region_id
    assert first.region_id == desk["county"].id  # the earlier case stays where it is
    history = db.session.execute(select(AuditEntry.region_id).where(
        AuditEntry.record_type == "case_matches", AuditEntry.record_id == str(match.id))).scalars().all()
    assert history and set(history) == {desk["township"].region_id}


# --------------------------------------------------------------------------- through HTTP

@pytest.fixture
def twins(app, client_as):
    """Two calls of the same caller about the same matter, registered by the county's supervisor."""
    supervisor = client_as("supervisor")
    first = registered(supervisor, content=REWORDED[0][0], received_at="2026-09-01T09:30")
    again = registered(supervisor, content=REWORDED[0][1], received_at="2026-09-03T10:00")
    with app.app_context():
        match = db.session.execute(select(CaseMatch.id).where(CaseMatch.case_id == again)).scalar_one()
    return supervisor, first, again, match


def decide(client, app, case_id: int, match_id: int, decision: str, version: int | None = None):
    version = version_of(app, case_id) if version is None else version
    return client.post(f"/cases/{case_id}/matches/{match_id}/{decision}", data={"row_version": version})


def test_the_case_page_shows_the_proposal_with_its_reason_and_the_ledger_marks_it(app, twins):
    supervisor, first, again, match = twins
    page = supervisor.get(f"/cases/{again}").get_data(as_text=True)
    with app.app_context():
        first_case = db.session.get(Case, first)
        number, similar = first_case.number, db.session.get(CaseMatch, match).similarity
    assert "疑似重复件" in page and number in page and "同一来电号码，内容相似" in page and f"{similar}%" in page
    assert "2026-09-01 09:30" in page and "138****1234" in page and "13812341234" not in page
    for decision in ("link", "merge", "dismiss"):
        assert f"/cases/{again}/matches/{match}/{decision}" in page
    assert "后续重复件" in supervisor.get(f"/cases/{first}").get_data(as_text=True)
    ledger = supervisor.get("/cases").get_data(as_text=True)
    assert ledger.count(">疑似重复</span>") == 1
    rows = supervisor.get("/cases?q=阳城", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in rows and rows.count(">疑似重复</span>") == 1


def test_linking_through_the_page(app, twins):
    supervisor, first, again, match = twins
    response = decide(supervisor, app, again, match, "link")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/cases/{again}")
    page = supervisor.get(f"/cases/{again}").get_data(as_text=True)
    assert "已关联" in page and "关联件" in page and "关联重复件" in page
    assert f"/cases/{again}/matches/{match}/link" not in page  # decided
    earlier = supervisor.get(f"/cases/{first}").get_data(as_text=True)
    assert "关联件" in earlier and f'href="/cases/{again}"' in earlier
    assert ">疑似重复</span>" not in supervisor.get("/cases").get_data(as_text=True)


def test_merging_through_the_page(app, twins):
    supervisor, first, again, match = twins
    assert decide(supervisor, app, again, match, "merge").status_code == 303
    page = supervisor.get(f"/cases/{again}").get_data(as_text=True)
    assert "本件为重复件，已合并到" in page and "已办结" in page and "重复件" in page
    with app.app_context():
        case = db.session.get(Case, again)
        assert (case.status, case.merged_into_id) == (S.CLOSED, first)
    assert '已办结<small class="hint">重复件</small>' in supervisor.get("/cases").get_data(as_text=True)
    refused = decide(supervisor, app, again, match, "dismiss")
    assert refused.status_code == 422 and "已处理" in refused.get_data(as_text=True)


def test_a_second_decision_on_a_dismissed_proposal_says_why(app, twins):
    supervisor, first, again, match = twins
    assert decide(supervisor, app, again, match, "dismiss").status_code == 303
    page = supervisor.get(f"/cases/{again}").get_data(as_text=True)
    assert "疑似重复件" not in page  # nothing left to show
    refused = decide(supervisor, app, again, match, "link")
    assert refused.status_code == 422 and "这条疑似重复已处理（不是重复件）" in refused.get_data(as_text=True)


def test_a_stale_decision_is_refused_with_the_change_shown(app, twins):
    supervisor, first, again, match = twins
    opened = version_of(app, again)
    assert step(supervisor, app, again, "accept").status_code == 303
    response = decide(supervisor, app, again, match, "merge", version=opened)
    assert response.status_code == 409 and "其他人修改了这条记录" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CaseMatch, match).status == MatchStatus.PROPOSED


@pytest.mark.parametrize(("username", "status"), [("clerk", 403), ("viewer", 403), ("supervisor_b", 404),
                                                  ("clerk_b", 404)])
def test_only_the_countys_writers_decide(app, twins, client_as, username, status):
    supervisor, first, again, match = twins
    if username == "clerk":  # the township's clerk sees both cases once they are dispatched there
        for case_id in (first, again):
            step(supervisor, app, case_id, "accept")
            page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
            unit = page.split("steps/dispatch")[1].split(">凤城镇<")[0].rsplit('<option value="', 1)[1].split('"')[0]
            step(supervisor, app, case_id, "dispatch", unit_id=unit)
        page = client_as("clerk").get(f"/cases/{again}").get_data(as_text=True)
        assert "疑似重复件" in page and "/matches/" not in page  # seen, but not decided by the clerk
    response = decide(client_as(username), app, again, match, "link")
    assert response.status_code == status
    with app.app_context():
        assert db.session.get(CaseMatch, match).status == MatchStatus.PROPOSED


def test_a_proposal_of_another_case_is_not_found_at_this_one(app, twins):
    supervisor, first, again, match = twins
    assert decide(supervisor, app, first, match, "link").status_code == 404


def test_the_timeline_links_the_other_case(app, twins):
    supervisor, first, again, match = twins
    decide(supervisor, app, again, match, "merge")
    with app.app_context():
        kinds = db.session.execute(select(CaseAction.kind).where(CaseAction.case_id == first)).scalars().all()
    assert A.MERGE in kinds
    page = supervisor.get(f"/cases/{first}").get_data(as_text=True)
    assert "合并为重复件" in page and f'href="/cases/{again}"' in page


def test_the_previews_batch_choice_of_candidates_is_the_databases(desk, world):
    """``likely_duplicates`` chooses each row's candidates in memory from one read; it must
    choose what ``candidates`` asks the database for, in the same order."""
    cases = [
        register(REWORDED[0][0]),
        register(REWORDED[0][1], RECEIVED + timedelta(days=3)),
        register(NEARLY_THE_SAME[1][0], RECEIVED + timedelta(days=1), phone="", place_region_id=world.town_a1.id),
        register(NEARLY_THE_SAME[1][1], RECEIVED + timedelta(days=40), phone="", place_region_id=world.town_a1.id),
        register(OTHER_MATTERS[0][0], RECEIVED - timedelta(days=29), place="凤城镇文化广场"),
        register(OTHER_MATTERS[1][0], RECEIVED + timedelta(days=2), phone="13900001111", place="凤城镇文化广场"),
        register("咨询县体育馆开放时间", RECEIVED + timedelta(days=31)),
    ]
    county = cases[0].county_id
    pool = matching._shared_with(cases, county)
    for case in cases:
        assert [c.id for c in matching._chosen(case, pool)] == [c.id for c in matching.candidates(case)], case.content
    assert any(matching.candidates(case) for case in cases)  # the comparison is about something


def test_an_import_preview_finds_what_registering_would_propose(desk, world):
    first = register(REWORDED[0][0])
    new = test_services.new_case(content=REWORDED[0][1], received_at=RECEIVED + timedelta(days=3))
    assert new.requester_phone == PHONE
    [found] = matching.likely_duplicates([new], first.county_id)
    assert [(f.other.id, f.reason) for f in found] == [(first.id, MatchReason.SAME_PHONE)]
    again = services.register_case(new, user("supervisor"), desk["county"], new.received_at + timedelta(hours=1))
    assert proposals(again) == [(first.id, MatchReason.SAME_PHONE)]
