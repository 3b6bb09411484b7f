"""Hand-made cases whose KPIs are known, shared by the KPI tests (service, pages, browser).

阳城县, 12345 unless said otherwise, every deadline long past by ``NOW``:

- A 凤城镇: signed for in time, 已解决 in time, 满意, closed 10-10 (2 working days: 10-10 is a
  make-up working day after National Day);
- B 凤城镇: signed for late (10-12, due 10-09), 部分解决 in time, 基本满意, closed 10-12 (3);
- C 北留镇: an extension approved, answered 10-20 after the first due date (10-14) but within the
  extended one: on time; 已解决, 不满意 (not redone);
- D 北留镇: answered late (10-16) 未解决, 不满意, redone: signed for and 已解决 in time, 满意, closed
  10-20 (9 working days across a weekend);
- F 凤城镇: dispatched, never signed for nor answered: late on both;
- G: A's caller again, merged into A (a repeat call, a duplicate: out of every other measure);
- H: registered, never dispatched (尚未派单): its answer overdue;
- J 凤城镇, 网络问政, November: signed for and answered (已解释说明) in time, no 回访;
- I 泽州县 南村镇: another county's, signed for in time.
"""
from datetime import datetime, timedelta

from sqlalchemy import select

from app.cases import matching, services
from app.cases.models import ActionKind, Case, CaseCategory, CaseMatch, CaseType, Channel, ChannelClass, HandlingUnit, MatchStatus
from app.extensions import db
from app.regions.models import Region
from app.scoping import set_scope
from tests.factories import user

A = ActionKind
NOW = datetime(2026, 12, 1, 9)
OCT_8 = datetime(2026, 10, 8, 9)


def _class(code: str) -> ChannelClass:
    return db.session.execute(
        select(ChannelClass).join(Channel).where(Channel.code == code, ChannelClass.code == "general")
    ).scalar_one()


def _register(county: Region, phone: str, content: str, received=OCT_8, channel="hotline12345",
              by="supervisor") -> Case:
    new = services.NewCase(channel_class=_class(channel), received_at=received, type=CaseType.COMPLAINT,
                           category=CaseCategory.EQUIPMENT_DAMAGE, content=content, requester_name="张三",
                           requester_phone=phone)
    return services.register_case(new, user(by), county, received + timedelta(minutes=10))


def _unit(name: str) -> HandlingUnit:
    return db.session.execute(select(HandlingUnit).where(HandlingUnit.name == name)).scalar_one()


def _step(case: Case, kind: ActionKind, who: str, at: datetime, **extra) -> None:
    services.take_step(case, kind, user(who), at, **extra)


def _dispatch(case: Case, unit: str, at: datetime, by="supervisor") -> None:
    _step(case, A.ACCEPT, by, at)
    _step(case, A.DISPATCH, by, at, details={"unit_id": _unit(unit).id})


def _answer(case: Case, clerk: str, at: datetime, result: str, by="supervisor") -> None:
    _step(case, A.REPLY, clerk, at, text="已办理。", details={"result": result})
    _step(case, A.APPROVE_REPLY, by, at)


def _callback(case: Case, at: datetime, satisfaction: str) -> None:
    _step(case, A.CALLBACK, "supervisor", at, text="电话回访。", details={"satisfaction": satisfaction})


def make_kpi_cases(app, world) -> dict[str, int]:
    """The cases above, committed; their ids by letter."""
    with app.test_request_context():
        set_scope(None)
        county = db.session.get(Region, world.county_a.id)
        day = lambda d, h=10: datetime(2026, 10, d, h)  # noqa: E731 - October's days, briefly
        a = _register(county, "13800000001", "文化广场的单杠断裂，请尽快维修。")
        _dispatch(a, "凤城镇", OCT_8)
        _step(a, A.SIGN_FOR, "clerk", day(8))
        _answer(a, "clerk", day(9), "已解决")
        _callback(a, day(10), "满意")
        _step(a, A.CLOSE, "supervisor", day(10))

        b = _register(county, "13800000002", "北关社区篮球架松动，孩子打球有危险。")
        _dispatch(b, "凤城镇", OCT_8)
        _step(b, A.SIGN_FOR, "clerk", day(12))
        _answer(b, "clerk", day(12, 11), "部分解决")
        _callback(b, day(12, 15), "基本满意")
        _step(b, A.CLOSE, "supervisor", day(12, 16))

        c = _register(county, "13800000003", "北留镇体育馆周末不开放，希望延长开放时间。")
        _dispatch(c, "北留镇", OCT_8)
        _step(c, A.SIGN_FOR, "clerk_a2", day(8))
        _step(c, A.REQUEST_EXTENSION, "clerk_a2", day(13), text="需协调场馆管理单位。")
        _step(c, A.APPROVE_EXTENSION, "supervisor", day(13), details={"days": 10})
        _answer(c, "clerk_a2", day(20), "已解决")
        _callback(c, day(21), "不满意")

        d = _register(county, "13800000004", "北留镇健身步道路灯不亮，晚上锻炼看不见。")
        _dispatch(d, "北留镇", OCT_8)
        _step(d, A.SIGN_FOR, "clerk_a2", day(9))
        _answer(d, "clerk_a2", day(16), "未解决")
        _callback(d, day(16, 15), "不满意")
        _step(d, A.REDO, "supervisor", day(17), text="请实地核查后重新答复。")
        _step(d, A.SIGN_FOR, "clerk_a2", day(17, 11))
        _answer(d, "clerk_a2", day(19), "已解决")
        _callback(d, day(20, 9), "满意")
        _step(d, A.CLOSE, "supervisor", day(20))

        f = _register(county, "13800000006", "凤城镇滨河公园乒乓球台破损。")
        _dispatch(f, "凤城镇", OCT_8)

        g = _register(county, "13800000001", "文化广场的单杠断裂，请尽快维修！", received=day(9, 8))
        match = db.session.execute(select(CaseMatch).where(CaseMatch.case_id == g.id)).scalar_one()
        matching.decide(match, MatchStatus.MERGED, user("supervisor"), day(9, 9))

        h = _register(county, "13800000008", "希望县里多举办广场舞比赛。")

        j = _register(county, "13800000009", "凤城镇全民健身中心收费标准是多少？", received=datetime(2026, 11, 2, 9),
                      channel="online_qa")
        _dispatch(j, "凤城镇", datetime(2026, 11, 2, 9, 30))
        _step(j, A.SIGN_FOR, "clerk", datetime(2026, 11, 2, 10))
        _answer(j, "clerk", datetime(2026, 11, 3, 10), "已解释说明")

        other = db.session.get(Region, world.county_b.id)
        i = _register(other, "13900000001", "南村镇健身广场地面塌陷。", by="supervisor_b")
        _dispatch(i, "南村镇", OCT_8, by="supervisor_b")
        _step(i, A.SIGN_FOR, "clerk_b", day(8))
        db.session.commit()
        return {name: case.id for name, case in zip("ABCDFGHJI", (a, b, c, d, f, g, h, j, i), strict=True)}
