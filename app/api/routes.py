"""The API's operations (``/api/v1/``), each declared with what it reads and answers
(``calls.operation``), and the OpenAPI document with its readable page.

Views run in the house order: the call (token, scope, body) is checked by the declaration;
then load (404 outside the token's region: a case there is not told to exist), the service,
one commit, the answer."""
from flask import g, render_template, url_for
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.api import bp, openapi, present, schemas
from app.api.calls import answer, operation, refuse, refuse_fields
from app.api.paging import Cursor
from app.cases import services
from app.cases.models import Case, CaseAction, Channel
from app.extensions import db
from app.regions.models import Region
from app.rules import RuleError
from app.timeutil import CHINA_TZ, local_now, local_to_utc

NOT_FOUND = "找不到该诉求件，或不在本令牌的范围内。"
# What an answer shows of a case, loaded with it: a page of 100 cases is a handful of queries.
CASE_LOADS = (selectinload(Case.deadlines), selectinload(Case.actions), joinedload(Case.channel),
              joinedload(Case.channel_class), joinedload(Case.region), joinedload(Case.unit))
FIELD_ERRORS = (schemas.FieldErrors, "字段有误：errors 中按字段给出说明")
CASE_NOT_FOUND = (schemas.Error, NOT_FOUND)


def actor_name() -> str:
    """Who the timeline names for a call: the platform, by the name its token was issued under."""
    return f"12345平台接口（{g.api_token.name}）"


# --------------------------------------------------------------------------- channels

@operation("GET", "/channels", summary="来源渠道与期限规则",
           description=("启用的来源渠道：代码、名称、办理类别，"
                        "以及每个类别现行的期限规则（推送诉求件时 channel、class 用这里的代码）。"),
           answers={200: (schemas.ChannelList, "启用的来源渠道")})
def channels():
    """The active channels with their classes and the deadline rules in force now."""
    now = local_now()
    items = []
    for channel in services.active_channels():
        classes = []
        for channel_class in channel.classes:
            rules = services.rules_in_force(channel_class, now)
            classes.append(schemas.ChannelClassOut(code=channel_class.code, name=channel_class.name, rules=[
                schemas.Rule(kind=kind.value, label=kind.label, amount=rule.amount, unit=rule.unit.value,
                             text=rule.limit.label, roll_to_workday=rule.roll_to_workday)
                for kind, rule in rules.items()]))
        items.append(schemas.ChannelOut(code=channel.code, name=channel.name, classes=classes))
    return answer(schemas.ChannelList(items=items))


# --------------------------------------------------------------------------- one case

def _find(number: str) -> Case | None:
    return db.session.execute(
        select(Case).where(Case.number == number).options(*CASE_LOADS)
    ).scalar_one_or_none()


def _by_work_order(channel: Channel, external_id: str) -> Case | None:
    return db.session.execute(
        select(Case).where(Case.channel_id == channel.id, Case.external_id == external_id).options(*CASE_LOADS)
    ).scalar_one_or_none()


@operation("GET", "/cases/{number}", summary="读取诉求件",
           description="按编号读取一件诉求件：状态、各项期限、平台回访和全部办理记录。诉求人姓名、电话脱敏返回。",
           answers={200: (schemas.Case, "诉求件，含期限和办理记录"), 404: CASE_NOT_FOUND})
def case(number: str):
    """One case by its number, with its deadlines and timeline."""
    found = _find(number)
    if found is None:
        return refuse(404, NOT_FOUND)
    return answer(present.full(found))


@operation("POST", "/cases", summary="推送诉求件",
           description=("登记平台派来的一张工单。期限按收件时间和该渠道类别的现行规则计算；"
                        "同一渠道的同一工单号重复推送（包括同时推送两次）只登记一件，后来的推送得到已登记的那件（200）。"),
           body=schemas.CaseIn, answers={
    201: (schemas.Case, "已登记：新的诉求件（Location 头为其接口地址）"),
    200: (schemas.Case, "该工单号已登记过：返回已有的诉求件，不会登记第二件"),
    409: (schemas.Error, "该工单号已在本令牌范围之外登记"),
    422: FIELD_ERRORS,
})
def create_case(body: schemas.CaseIn):
    """Register a platform's work order, once: the same work order again answers the case already here."""
    channel = next((c for c in services.active_channels() if c.code == body.channel), None)
    if channel is None:
        codes = "、".join(c.code for c in services.active_channels())
        return refuse_fields({"channel": f"来源渠道代码：没有启用的渠道“{body.channel}”，可用：{codes}。"})
    code = body.class_ or (channel.classes[0].code if channel.classes else "general")
    channel_class = next((c for c in channel.classes if c.code == code), None)
    if channel_class is None:
        codes = "、".join(c.code for c in channel.classes)
        return refuse_fields({"class": f"办理类别代码：{channel.name}没有类别“{code}”，可用：{codes}。"})
    region, problem = _region_of(body.region_code)
    if problem:
        return refuse_fields({"region_code": problem})
    if (existing := _already_here(channel, body.external_id)) is not None:
        return existing
    new = services.NewCase(
        channel_class=channel_class, received_at=body.received_at.astimezone(CHINA_TZ).replace(tzinfo=None),
        type=body.type, category=body.category, content=body.content, requester_name=body.requester_name,
        requester_phone=body.requester_phone, external_id=body.external_id, place=body.place, place_region_id=region.id)
    try:
        registered = services.register_case(new, g.acting_user, region, local_now(), actor_name=actor_name())
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        if error.field == "external_id":  # registered meanwhile, by a push at the same moment
            return _already_here(channel, body.external_id) or refuse(409, error.message)
        return refuse_fields({error.field or "_": error.message})
    except IntegrityError:  # the same push at the same moment won the unique (channel, work order)
        db.session.rollback()
        return _already_here(channel, body.external_id) or refuse(409)
    created = _find(registered.number)
    return answer(present.full(created), 201, {"Location": present.api_url(created)})


def _region_of(code: str | None) -> tuple[Region | None, str | None]:
    """The region a pushed case is about (the token's own when not given), in the token's scope
    and at a county or below: the case is numbered and kept by that county."""
    if code is None:
        region = g.api_token.region
        if services.county_above(region) is None:
            return None, "区划代码：本令牌的范围大于一个县，请填写事项所在的县（市、区）或乡镇的区划代码。"
        return region, None
    region = db.session.execute(select(Region).where(Region.code == code)).scalar_one_or_none()
    if region is None or not region.active:
        return None, f"区划代码：找不到区划 {code}，或不在本令牌的范围内。"
    if services.county_above(region) is None:
        return None, "区划代码：应为县（市、区）或其下乡镇、村的代码；诉求件按县登记编号。"
    return region, None


def _already_here(channel: Channel, external_id: str):
    """The answer for a work order already registered: the case (200) when it is in the token's
    region; 409, without the other county's name or number, when it is elsewhere; else None."""
    if (existing := _by_work_order(channel, external_id)) is not None:
        return answer(present.full(existing), 200, {"Location": present.api_url(existing)})
    if services.same_work_order(channel.id, external_id):
        return refuse(409, f"工单号 {external_id} 已在本令牌范围以外的县（市、区）登记，不要重复推送。")
    return None


# --------------------------------------------------------------------------- lists

@operation("GET", "/cases", summary="诉求件列表（增量同步）",
           description=("按最近办理时间列出本令牌范围内的诉求件："
                        "updated_since 只列出此后有新办理记录（含平台回访）的件，用于增量同步；"
                        " external_id 按工单号查找。按 next 翻页直到它为 null；"
                        "翻页期间又有变化的件会在后面的页中再次出现。"),
           query=schemas.CaseQuery, answers={
    200: (schemas.CaseList, "一页诉求件；next 为下一页地址"), 422: FIELD_ERRORS,
})
def cases(query: schemas.CaseQuery):
    """The cases in scope by their latest change, paged by a cursor; or found by work order."""
    channel = None
    if query.channel is not None:
        channel = next((c for c in services.active_channels() if c.code == query.channel), None)
        if channel is None:
            return refuse_fields({"channel": f"来源渠道代码：没有启用的渠道“{query.channel}”。"})
    cursor = None
    if query.cursor is not None:
        cursor = Cursor.parse(query.cursor)
        if cursor is None:
            return refuse_fields({"cursor": "翻页游标：无效，请使用上一页答复中 next 的地址。"})
    last = func.max(CaseAction.at).label("last")
    stmt = select(CaseAction.case_id, last).group_by(CaseAction.case_id)
    if query.updated_since is not None:
        stmt = stmt.where(CaseAction.at >= local_to_utc(query.updated_since.astimezone(CHINA_TZ).replace(tzinfo=None)))
    if channel is not None or query.external_id is not None:
        stmt = stmt.join(Case, Case.id == CaseAction.case_id)
        if channel is not None:
            stmt = stmt.where(Case.channel_id == channel.id)
        if query.external_id is not None:
            stmt = stmt.where(Case.external_id == query.external_id)
    if cursor is not None:
        stmt = stmt.having(or_(last > cursor.at, and_(last == cursor.at, CaseAction.case_id > cursor.case_id)))
    rows = db.session.execute(stmt.order_by(last, CaseAction.case_id).limit(query.per_page + 1)).all()
    more, rows = len(rows) > query.per_page, rows[:query.per_page]
    loaded = {c.id: c for c in db.session.execute(
        select(Case).where(Case.id.in_([r.case_id for r in rows])).options(*CASE_LOADS)
    ).scalars()}
    page = [loaded[r.case_id] for r in rows]
    rules = present.sign_for_rules(page)
    items = [present.summary(c, rules[c.id], r.last) for c, r in zip(page, rows, strict=True)]
    next_url = None
    if more:
        args = query.model_dump(exclude_none=True, exclude={"cursor", "updated_since"}) | {
            "cursor": Cursor(rows[-1].last, rows[-1].case_id).encoded}
        if query.updated_since is not None:
            args["updated_since"] = query.updated_since.isoformat()
        next_url = present.site_url() + url_for("api.cases", **args)
    return answer(schemas.CaseList(items=items, next=next_url))


# --------------------------------------------------------------------------- the platform's 回访

@operation("POST", "/cases/{number}/follow-ups", summary="平台回访结果",
           description=("平台对该工单的状态、回访内容和满意度。只更新诉求件上属于平台的这三项，"
                        "有变化时写一条“平台回访”办理记录； 本局的办理流程（回访、办结、重办）不因此改变。"),
           body=schemas.FollowUpIn, answers={
    200: (schemas.FollowUpResult, "已记录；changed 为有变化的项（没有变化时不写办理记录）"),
    404: CASE_NOT_FOUND, 409: (schemas.Error, "该件不是平台工单"), 422: FIELD_ERRORS,
})
def follow_up(number: str, body: schemas.FollowUpIn):
    """The platform's status, 回访 and satisfaction onto the case; a timeline entry when something changed."""
    found = _find(number)
    if found is None:
        return refuse(404, NOT_FOUND)
    if not found.external_id:
        return refuse(409, "该件不是平台工单（没有平台工单号），不接收平台回访。")
    report = services.PlatformReport(
        status=body.status, callback=body.callback, satisfaction=body.satisfaction,
        visited_at=body.visited_at.astimezone(CHINA_TZ).replace(tzinfo=None) if body.visited_at else None)
    changed = services.record_platform_report(found, report, g.acting_user, local_now(), actor_name=actor_name())
    db.session.commit()
    return answer(schemas.FollowUpResult(number=found.number, changed=changed, platform=present.platform_of(found)))


# --------------------------------------------------------------------------- the document

@bp.route("/api/v1/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document, public: a caller reads it before it has a token."""
    return answer(openapi.document())


@bp.route("/api/v1/docs")
def docs():
    """The document as a page to read, with curl examples: no script, nothing fetched from elsewhere."""
    doc = openapi.document()
    return render_template("api/docs.html", doc=doc, guide=openapi.readable(doc), schemas=openapi.answer_schemas(doc),
                           errors=openapi.ERROR_TABLE, base=present.site_url())
