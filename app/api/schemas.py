"""The API's requests and answers as pydantic models: the same classes validate what a caller
posts and give the OpenAPI document its schemas (``openapi.py``), so the two cannot drift apart.

Requests forbid unknown fields (a misspelt ``catgory`` is a 422, not silently dropped); text is
cleaned on the way in as every form cleans it (``app.text``: NFC, no control characters); a
refusal names each field with a Chinese sentence (``field_errors``)."""
import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from app.cases.models import CaseCategory, CaseType
from app.cases.workflow import SATISFACTIONS
from app.text import clean_text

# Moments the desk can count deadlines on and number a case by.
EARLIEST, LATEST = 2000, 2100
ISO_EXAMPLE = "2026-10-08T09:30:00+08:00"
UNESCAPED_PLUS = re.compile(r"([0-9]) ([0-9]{2}:?[0-9]{2})$")


def _line(value):
    return clean_text(value)


def _text(value):
    return clean_text(value, multiline=True)


def _moment_text(value):
    # JSON has no date type: a number (a Unix time?) or a bare date is refused, not guessed at.
    if not isinstance(value, str):
        raise ValueError(f"应为带时区偏移的 ISO 8601 时间字符串，如 {ISO_EXAMPLE}。")
    # An unescaped + in a query string arrives as a space: "09:30:00 08:00" meant "+08:00".
    return UNESCAPED_PLUS.sub(r"\1+\2", value.strip())


def _moment_range(value: datetime) -> datetime:
    if not EARLIEST <= value.year < LATEST:
        raise ValueError(f"年份应在 {EARLIEST} 到 {LATEST - 1} 之间。")
    return value


Line = Annotated[str, BeforeValidator(_line)]
Text = Annotated[str, BeforeValidator(_text)]
Moment = Annotated[AwareDatetime, BeforeValidator(_moment_text), AfterValidator(_moment_range),
                   Field(json_schema_extra={"format": "date-time"})]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --------------------------------------------------------------------------- requests

class CaseIn(Request):
    """推送诉求件：平台的一张工单。"""

    model_config = ConfigDict(title="CaseIn")

    channel: Line = Field(min_length=1, max_length=40, title="来源渠道代码",
                          description="见 GET /api/v1/channels，如 hotline12345", examples=["hotline12345"])
    class_: Line | None = Field(None, alias="class", max_length=20, title="办理类别代码",
                                description="12345：general（一般）、complex（复杂）、urgent（紧急）；人大建议、政协提案："
                                            "general、difficult（重点难点）。不填为该渠道的第一个类别（一般）。",
                                examples=["general"])
    external_id: Line = Field(min_length=1, max_length=60, title="平台工单号",
                              description="同一渠道的同一工单号只登记一次：再次推送返回已登记的诉求件（200）。",
                              examples=["JC20261008000123"])
    received_at: Moment = Field(title="收件时间",
                                description="平台派单给本局的时间，须带时区偏移；各项期限从此起算。", examples=[ISO_EXAMPLE])
    requester_name: Line = Field("", max_length=40, title="诉求人", description="匿名可不填。", examples=["张三"])
    requester_phone: Line = Field("", max_length=30, title="联系电话", examples=["13812341234"])
    content: Text = Field(min_length=1, max_length=4000, title="诉求内容", examples=["文化广场健身器材损坏，无人维修。"])
    type: CaseType = Field(title="诉求类型", examples=["complaint"],
                           description="consultation 咨询、help 求助、complaint 投诉、report 举报、suggestion 建议、praise 表扬")
    category: CaseCategory = Field(CaseCategory.OTHER, title="诉求分类", examples=["equipment_damage"],
                                   description="venue_opening 场馆开放、equipment_damage 健身器材损坏、noise 噪音扰民、"
                                               "training_refund 培训退费、events 赛事活动、organizations 体育社会组织、"
                                               "other 其他（默认）")
    place: Line = Field("", max_length=200, title="发生地点", examples=["凤城镇文化广场"])
    region_code: Line | None = Field(None, pattern=r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$", title="区划代码",
                                     description="事项所在的县（市、区）、乡镇或村的统计用区划代码（GB/T 2260，6、9 或 12 位），"
                                                 "须在令牌范围内；诉求件登记到其所在的县。令牌范围是一个县时可不填。",
                                     examples=["140522100"])


class FollowUpIn(Request):
    """平台回访结果：平台自己的状态、回访内容和满意度。只更新这三项，不改变本局的办理流程。"""

    model_config = ConfigDict(title="FollowUpIn")

    status: Line = Field("", max_length=40, title="平台状态", examples=["已回访"])
    callback: Text = Field("", max_length=4000, title="回访内容", examples=["诉求人表示器材已修复。"])
    satisfaction: Literal[SATISFACTIONS] | Literal[""] = Field("", title="满意度",  # type: ignore[valid-type]
                                                                 examples=["满意"])
    visited_at: Moment | None = Field(None, title="回访时间", examples=[ISO_EXAMPLE])

    @model_validator(mode="after")
    def says_something(self):
        if not (self.status or self.callback or self.satisfaction):
            raise ValueError("请至少填写 status、callback、satisfaction 中的一项。")
        return self


class CaseQuery(Request):
    """GET /cases 的查询参数。"""

    model_config = ConfigDict(title="CaseQuery")

    updated_since: Moment | None = Field(None, title="变更起点",
                                         description="只列出此后有新办理记录的诉求件（含此刻）；带时区偏移，"
                                                     "查询串里的 + 写作 %2B。", examples=[ISO_EXAMPLE])
    external_id: Line | None = Field(None, max_length=60, title="平台工单号", description="按工单号查找。")
    channel: Line | None = Field(None, max_length=40, title="来源渠道代码", description="只列出该渠道的诉求件。")
    cursor: Line | None = Field(None, max_length=100, title="翻页游标", description="上一页答复中 next 所带的值。")
    per_page: int = Field(50, ge=1, le=100, title="每页件数")


# --------------------------------------------------------------------------- answers

class Deadline(BaseModel):
    label: str = Field(title="名称", examples=["办结答复"])
    due: datetime = Field(title="到期时间", description="北京时间，带 +08:00；按日计的期限到当天 23:59:59。")
    provisional: bool = Field(title="暂定", description="true：当年节假日安排尚未录入，暂按双休日计算，录入后可能变化。")
    met_at: datetime | None = Field(None, title="完成时间")
    cancelled: bool = Field(False, title="已取消", description="等待的步骤不再需要（如已办结、退单）。")


class Platform(BaseModel):
    status: str = Field(title="平台状态")
    callback: str = Field(title="平台回访内容")
    satisfaction: str = Field(title="满意度")
    updated_at: datetime | None = Field(title="最近更新时间")


class TimelineEntry(BaseModel):
    kind: str = Field(title="步骤代码", examples=["register"])
    label: str = Field(title="步骤", examples=["登记"])
    round: int = Field(title="轮次", description="重办后为 2、3……")
    at: datetime = Field(title="时间")
    actor: str = Field(title="办理人", examples=["12345平台接口（晋城市12345平台）"])
    text: str = Field(title="说明")


class CaseSummary(BaseModel):
    model_config = ConfigDict(title="CaseSummary", populate_by_name=True)

    number: str = Field(title="诉求件编号", examples=["阳城体诉〔2026〕0123号"])
    url: str = Field(title="诉求件页面地址", description="工作台中该件的页面（需登录）。")
    api_url: str = Field(title="接口地址", description="GET 此地址读取该件。")
    channel: str = Field(title="来源渠道代码")
    class_: str = Field(alias="class", title="办理类别代码")
    external_id: str | None = Field(title="平台工单号")
    received_at: datetime = Field(title="收件时间")
    status: str = Field(title="状态代码", examples=["registered"])
    status_label: str = Field(title="状态", examples=["待受理"])
    type: CaseType = Field(title="诉求类型")
    category: CaseCategory = Field(title="诉求分类")
    requester_name: str = Field(title="诉求人（已脱敏）", examples=["张*"])
    requester_phone: str = Field(title="联系电话（已脱敏）", examples=["138****1234"])
    content: str = Field(title="诉求内容")
    place: str = Field(title="发生地点")
    region_code: str = Field(title="所在区划代码", description="诉求件现在所属的县或乡镇（派单后为承办乡镇）。")
    region_name: str = Field(title="所在区划")
    unit: str | None = Field(title="承办单位")
    closed_at: datetime | None = Field(title="办结时间")
    updated_at: datetime = Field(title="最近办理时间", description="最近一条办理记录的时间；updated_since 按它筛选。")
    deadlines: dict[str, Deadline] = Field(
        title="期限", description="按期限种类：sign_for（本局签收工单）、accept_notice（受理告知，信访）、answer（办结答复）、"
                                  "objection（错派异议）、unit_sign_for（承办乡镇签收）、reanswer（不满意重办）等，只列出该件有的。")
    provisional: bool = Field(title="含暂定期限", description="仍在计时的期限中，有在当年节假日安排录入前算出的（暂按双休日计算）。")
    platform: Platform = Field(title="平台回访")


class Case(CaseSummary):
    model_config = ConfigDict(title="Case")

    timeline: list[TimelineEntry] = Field(title="办理记录", description="按时间先后。")


class CaseList(BaseModel):
    model_config = ConfigDict(title="CaseList")

    items: list[CaseSummary] = Field(title="诉求件", description="按最近办理时间、再按编号先后。")
    next: str | None = Field(title="下一页", description="下一页的完整地址；没有更多时为 null。")


class FollowUpResult(BaseModel):
    model_config = ConfigDict(title="FollowUpResult")

    number: str = Field(title="诉求件编号")
    changed: list[str] = Field(title="有变化的项", description="没有变化时为空，也不写办理记录。", examples=[["平台状态", "满意度"]])
    platform: Platform = Field(title="平台回访")


class Rule(BaseModel):
    kind: str = Field(title="期限种类", examples=["answer"])
    label: str = Field(title="名称", examples=["办结答复"])
    amount: int = Field(title="数量")
    unit: str = Field(title="单位", examples=["working_days"])
    text: str = Field(title="期限", examples=["5个工作日"])
    roll_to_workday: bool = Field(title="遇休息日顺延")


class ChannelClassOut(BaseModel):
    code: str = Field(title="类别代码", examples=["general"])
    name: str = Field(title="类别", examples=["一般"])
    rules: list[Rule] = Field(title="现行期限规则")


class ChannelOut(BaseModel):
    code: str = Field(title="渠道代码", examples=["hotline12345"])
    name: str = Field(title="渠道", examples=["12345热线"])
    classes: list[ChannelClassOut] = Field(title="办理类别")


class ChannelList(BaseModel):
    model_config = ConfigDict(title="ChannelList")

    items: list[ChannelOut]


class Error(BaseModel):
    model_config = ConfigDict(title="Error")

    error: str = Field(title="错误代码", examples=["not_found"])
    message: str = Field(title="说明", examples=["找不到该诉求件，或不在本令牌的范围内。"])


class FieldErrors(Error):
    model_config = ConfigDict(title="FieldErrors")

    errors: dict[str, str] = Field(title="各字段的问题", examples=[{"received_at": "收件时间：应为带时区偏移的 ISO 8601 时间。"}])


# --------------------------------------------------------------------------- refusals in Chinese

def field_errors(error: ValidationError, model: type[BaseModel]) -> dict[str, str]:
    """One Chinese sentence per field of ``model`` that ``error`` found wrong (the first, when
    several rules failed); a problem of the whole request under ``_``."""
    titles = {(f.alias or name): (f.title or name) for name, f in model.model_fields.items()}
    problems: dict[str, str] = {}
    for item in error.errors(include_url=False):
        field = str(item["loc"][0]) if item["loc"] else "_"
        if field in problems:
            continue
        sentence = _sentence(item)
        problems[field] = f"{titles[field]}：{sentence}" if field in titles else sentence
    return problems


def _sentence(item) -> str:
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind == "missing":
        return "必填。"
    if kind == "extra_forbidden":
        return "不认识的字段（字段名见接口文档）。"
    if kind == "string_type":
        return "应为字符串。"
    if kind == "string_too_short":
        return "不能为空。"
    if kind in ("string_too_long", "too_long"):
        return f"不能超过 {ctx.get('max_length')} 个字。"
    if kind == "string_pattern_mismatch":
        return "应为 6、9 或 12 位数字。"
    if kind in ("enum", "literal_error"):
        return f"应为以下之一：{_expected(ctx.get('expected', ''))}。"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "应为整数。"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"应在 {ctx.get('ge', 1)} 到 {ctx.get('le', '')} 之间。" if "le" in ctx or "ge" in ctx else "超出范围。"
    if kind.startswith("datetime") or kind == "timezone_aware":
        return f"应为带时区偏移的 ISO 8601 时间，如 {ISO_EXAMPLE}。"
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "应为 JSON 对象。"
    return "格式不对。"


def _expected(text: str) -> str:
    # pydantic lists the choices as "'a', 'b' or 'c'": plainer in Chinese as a、b、c.
    return "、".join(re.findall(r"'([^']*)'", str(text))) or str(text)
