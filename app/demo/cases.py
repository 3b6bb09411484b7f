"""Demo cases: a year of the demo county's 诉求件 in the mix the seeds describe ("办理回复12345服务
热线的信访投诉件1114余件", "全年共接待31次"): mostly 12345 calls, a few dozen visits and letters,
a handful of proposals; in every state, some overdue, some repeated calls about the same matter,
some received over the National Day holiday, duplicates proposed, a few of them linked, merged or
dismissed. Each one is registered and handled through the services, so its number, deadlines,
proposals and timeline are what the desk itself would have made."""
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.cases import matching, services
from app.cases.models import (
    ActionKind,
    Case,
    CaseCategory,
    CaseMatch,
    CaseStatus,
    CaseType,
    Channel,
    ChannelClass,
    MatchReason,
    MatchStatus,
)
from app.extensions import db
from app.regions.models import Region
from app.rules import RuleError
from app.timeutil import local_now

A = ActionKind
# (channel code, share of the year's cases)
MIX = (("hotline12345", 1000), ("petition_visit", 31), ("petition_letter", 24), ("petition_online", 12),
       ("online_qa", 14), ("npc_suggestion", 4), ("cppcc_proposal", 5), ("leader_assigned", 8), ("other", 6))
MATTERS = (
    (CaseCategory.EQUIPMENT_DAMAGE, CaseType.COMPLAINT, "{place}{spot}的健身器材{thing}损坏，存在安全隐患，希望尽快维修。"),
    (CaseCategory.VENUE_OPENING, CaseType.CONSULTATION, "咨询{place}体育馆周末和节假日的开放时间及收费标准。"),
    (CaseCategory.VENUE_OPENING, CaseType.COMPLAINT, "{place}学校体育场地未按规定向社会开放。"),
    (CaseCategory.NOISE, CaseType.COMPLAINT, "{place}{spot}广场舞音响声音过大，晚上九点后仍未停止，影响休息。"),
    (CaseCategory.TRAINING_REFUND, CaseType.COMPLAINT, "孩子在{place}的体育培训机构报名后机构停课，要求退还剩余课时费。"),
    (CaseCategory.EVENTS, CaseType.CONSULTATION, "咨询{place}全民健身运动会的报名方式和比赛项目。"),
    (CaseCategory.ORGANIZATIONS, CaseType.SUGGESTION, "建议在{place}成立老年人体育协会，组织太极拳、门球活动。"),
    (CaseCategory.EQUIPMENT_DAMAGE, CaseType.HELP, "{place}{spot}篮球架{thing}松动，请求派人查看。"),
    (CaseCategory.OTHER, CaseType.PRAISE, "{place}体育总会组织的乒乓球比赛很好，感谢工作人员。"),
)
THINGS = ("单杠", "太空漫步机", "扭腰器", "篮球架", "乒乓球台", "健骑机")
SPOTS = ("文化广场", "人民公园", "全民健身广场", "滨河公园", "中心小学操场", "老年活动中心", "村委会广场")
# How callers open and close: the same matter is seldom told twice in the same words.
OPENINGS = ("", "", "来电反映：", "市民反映，", "来电人称，", "诉求人反映：")
CLOSINGS = ("", "", "已经好几天了。", "希望相关部门重视。", "请尽快处理。", "多次向村里反映未果。")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡郭何高林罗郑"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
REPLIES = {"已解决": "经现场核实，已于当日安排维修（处理），诉求人反映的问题已解决。",
           "已解释说明": "已向诉求人电话解释相关政策和开放安排，诉求人表示理解。",
           "部分解决": "已先行处置安全隐患，其余事项纳入下一步计划。"}


def _requester(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.1:
        return "", ""  # anonymous
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return name, f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def load_cases(users: dict[str, User], county_code: str = "140522", now: datetime | None = None,
               count: int | None = None) -> int:
    """The county's cases of the past year up to ``now`` (China time); ``count`` scales the mix."""
    rng = random.Random(2026)
    words_rng = random.Random(2027)  # the wording only: the cases' mix and course stay as they were
    now = now or local_now().replace(second=0, microsecond=0)
    county = db.session.execute(select(Region).where(Region.code == county_code)).scalar_one()
    supervisor, clerk = users["supervisor"], users["clerk"]
    services.ensure_township_units(county)
    ensure_township_clerks(county, rng)
    db.session.flush()
    units = services.dispatch_units(county)
    own_unit = next(u for u in units if u.region_id == clerk.region_id)
    townships = db.session.execute(select(Region).where(Region.parent_id == county.id)).scalars().all()
    own_township = next(t for t in townships if t.id == clerk.region_id)
    classes = {c.code: db.session.execute(select(ChannelClass).where(ChannelClass.channel_id == c.id)
                                          .order_by(ChannelClass.position)).scalars().all()
               for c in db.session.execute(select(Channel)).scalars()}
    total = sum(share for _, share in MIX)
    plan = [code for code, share in MIX for _ in range(round(share * (count or total) / total))]
    rng.shuffle(plan)
    made = 0
    repeated = None
    for index, code in enumerate(plan):
        # Spread over the year, the newest last; a few on the National Day holiday.
        received = now - timedelta(days=365 * (len(plan) - index) / len(plan), minutes=rng.randrange(600))
        if index % 97 == 0:
            received = datetime(2026, 10, rng.randrange(1, 8), rng.randrange(8, 20), rng.randrange(60))
        received = min(received, now - timedelta(hours=1))
        category, kind, words = rng.choice(MATTERS)
        # A third of the matters lie in the demo clerk's own township: 我的待办 has some to show.
        township = own_township if rng.random() < 0.35 else rng.choice(townships)
        spot = words_rng.choice(SPOTS) if "{spot}" in words else ""
        content = words_rng.choice(OPENINGS) + words.format(place=township.name, spot=spot, thing=rng.choice(THINGS)) \
            + words_rng.choice(CLOSINGS)
        # A question, a suggestion or a thank-you happens nowhere in particular.
        place = township.name + spot if spot or kind == CaseType.COMPLAINT else ""
        name, phone = _requester(rng)
        if repeated is not None and rng.random() < 0.03:  # the same caller about the same matter again
            name, phone, content, category, kind, place, township = repeated
            content = words_rng.choice(("再次来电：", "又反映：", "")) + content.removeprefix("再次来电：")
        repeated = (name, phone, content, category, kind, place, township)
        channel_classes = classes[code]
        channel_class = channel_classes[0] if len(channel_classes) == 1 or rng.random() < 0.8 else rng.choice(
            channel_classes[1:])
        case = services.register_case(services.NewCase(
            channel_class=channel_class, received_at=received, type=kind, category=category, content=content,
            requester_name=name, requester_phone=phone, place=place,
            external_id=f"GD{received:%Y%m%d}{index:05d}" if code == "hotline12345" else None,
        ), supervisor, county, received + timedelta(minutes=10))
        unit = next(u for u in units if u.region_id == township.id)
        _handle(case, rng, received, now, supervisor, clerk if unit is own_unit else None, unit)
        made += 1
    made += merge_a_repeat_call(supervisor, county, now)
    decide_some_duplicates(supervisor, now)
    return made


# How many proposals of each kind the county has decided besides: every state shows on some case.
# A merge needs a duplicate not yet answered: the newest proposal of any reason, if one is.
DECISIONS = ((MatchStatus.MERGED, None, 1), (MatchStatus.LINKED, MatchReason.SAME_PHONE, 3),
             (MatchStatus.DISMISSED, MatchReason.SAME_PLACE, 2))


def merge_a_repeat_call(supervisor: User, county: Region, now: datetime) -> int:
    """An hour ago the caller of a case still being handled called again about it: registered,
    proposed as a repeat, and merged into the case that answers."""
    earlier = db.session.execute(
        select(Case).where(Case.status == CaseStatus.HANDLING, Case.requester_phone != "")
        .order_by(Case.received_at.desc())
    ).scalars().first()
    if earlier is None:
        return 0
    received = now - timedelta(hours=1)
    again = services.register_case(services.NewCase(
        channel_class=earlier.channel_class, received_at=received, type=earlier.type, category=earlier.category,
        content="再次来电催问：" + earlier.content, requester_name=earlier.requester_name,
        requester_phone=earlier.requester_phone, place=earlier.place,
    ), supervisor, county, received + timedelta(minutes=10))
    match = next(m for m in matching.matches_of(again).proposals if m.match_id == earlier.id)
    matching.decide(match, MatchStatus.MERGED, supervisor, now)
    return 1


def decide_some_duplicates(supervisor: User, now: datetime) -> None:
    """The newest proposals decided by the county's supervisor, as the desk would: the repeated
    calls still open merged into the first call, a few linked, a few at the same place dismissed."""
    proposed = db.session.execute(
        select(CaseMatch).join(Case, CaseMatch.case_id == Case.id).where(CaseMatch.status == MatchStatus.PROPOSED)
        .order_by(Case.received_at.desc(), CaseMatch.id)
    ).scalars().all()
    for status, reason, wanted in DECISIONS:
        for match in proposed:
            if wanted == 0:
                break
            if match.status != MatchStatus.PROPOSED or reason not in (None, match.reason):
                continue
            try:
                with db.session.begin_nested():
                    matching.decide(match, status, supervisor, now)
            except RuleError:  # already answered: the next one
                continue
            wanted -= 1


def _handle(case, rng, received, now, supervisor, clerk, unit) -> None:
    """Take the case as far as its age and a little chance let it go."""
    age = now - received
    at = received + timedelta(minutes=30)

    def step(kind, actor, hours=2, **kw):
        nonlocal at
        at = min(at + timedelta(hours=hours * (0.5 + rng.random())), now)
        services.take_step(case, kind, actor, at, **kw)

    if rng.random() < 0.02:
        step(A.REJECT, supervisor, text="属于人民法院受理范围，已告知诉求人依法通过诉讼途径解决。")
        return
    if age < timedelta(hours=3) and rng.random() < 0.5:
        return  # just registered
    step(A.ACCEPT, supervisor)
    if age < timedelta(hours=6) and rng.random() < 0.5:
        return
    step(A.DISPATCH, supervisor, details={"unit_id": unit.id}, text="请按期办理并回复。")
    handler = clerk or _township_clerk(unit) or supervisor
    late = rng.random() < 0.06  # a slow unit: the case runs over its deadline
    if age < timedelta(days=1) or (late and age < timedelta(days=20)):
        if rng.random() < 0.3:
            step(A.URGE, supervisor, text="请抓紧签收办理。")
        return
    step(A.SIGN_FOR, handler, hours=3)
    if rng.random() < 0.03:
        step(A.REQUEST_EXTENSION, handler, text="涉及场地产权单位，需协调后答复。")
        if age > timedelta(days=3):
            step(A.APPROVE_EXTENSION, supervisor, details={"days": 10})
    if age < timedelta(days=4) and rng.random() < 0.5:
        return
    result = rng.choice(("已解决", "已解决", "已解决", "已解释说明", "部分解决"))
    step(A.REPLY, handler, hours=30, text=REPLIES[result], details={"result": result})
    if age < timedelta(days=6) and rng.random() < 0.5:
        return
    step(A.APPROVE_REPLY, supervisor, hours=4)
    if age < timedelta(days=7) and rng.random() < 0.5:
        return
    satisfaction = rng.choices(("满意", "基本满意", "不满意"), weights=(80, 15, 5))[0]
    step(A.CALLBACK, supervisor, hours=20, text="电话回访。", details={"satisfaction": satisfaction})
    if satisfaction == "不满意" and rng.random() < 0.6:
        step(A.REDO, supervisor, text="诉求人不满意，请实地核查后重新答复。")
        return
    step(A.CLOSE, supervisor, hours=1)


def _township_clerk(unit) -> User | None:
    return db.session.execute(select(User).where(User.region_id == unit.region_id)).scalars().first()


def ensure_township_clerks(county: Region, rng: random.Random) -> None:
    """Every township of the demo county gets its clerk (the demo's 王晓燕 is 凤城镇's): the
    cases dispatched there are signed for and answered by someone of that township."""
    from app.auth.roles import Role
    from app.demo.regions import DEMO_PASSWORD

    password_hash = None  # hashed once: a dozen scrypt hashes of the same password take seconds
    for township in db.session.execute(select(Region).where(Region.parent_id == county.id)).scalars():
        if db.session.execute(select(User.id).where(User.region_id == township.id)).first() is not None:
            continue
        clerk = User(username=f"clerk{township.code[-3:]}", role=Role.CLERK, region_id=township.id,
                     display_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                     phone="0356-4220000", must_change_password=False)
        if password_hash is None:
            clerk.set_password(DEMO_PASSWORD)
            password_hash = clerk.password_hash
        clerk.password_hash = password_hash
        db.session.add(clerk)
