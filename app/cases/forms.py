"""The case desk's forms: registering a case, taking a step on it, and the ledger's filters."""
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.cases.deadlines import Unit
from app.cases.models import Case, CaseCategory, CaseStatus, CaseType, Channel, Priority
from app.cases.workflow import REPLY_RESULTS, SATISFACTIONS
from app.forms import EditForm, Form, enum_options
from app.pagination import FilterForm, Sort, in_declared_order


class CaseForm(Form):
    """登记: what the county types from the call, the letter, the visit or the platform's work order."""

    channel_class = SelectField("来源渠道", validators=[DataRequired("请选择来源渠道。")],
                                invalid_choice_message="请从列表中选择来源渠道。")
    external_id = StringField("平台工单号", validators=[Optional(), Length(max=60, message="工单号不能超过 60 个字。")],
                              description="12345 等平台的工单编号；没有可留空")
    received_at = DateTimeLocalField("收件时间", format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                     validators=[DataRequired("请填写收件时间（年-月-日 时:分）。")],
                                     description="来电、来信、来访或平台派单的时间；期限从此计算")
    type = SelectField("诉求类型", choices=enum_options(CaseType), validators=[DataRequired("请选择诉求类型。")])
    category = SelectField("诉求分类", choices=enum_options(CaseCategory), validators=[DataRequired("请选择诉求分类。")])
    requester_name = StringField("诉求人", validators=[Optional(), Length(max=40, message="姓名不能超过 40 个字。")],
                                 description="匿名可留空")
    requester_phone = StringField("联系电话", validators=[Optional(), Length(max=30, message="电话不能超过 30 个字。")])
    content = TextAreaField("诉求内容", validators=[DataRequired("请填写诉求内容。"),
                                                  Length(max=4000, message="诉求内容不能超过 4000 个字。")])
    place = StringField("发生地点", validators=[Optional(), Length(max=200, message="地点不能超过 200 个字。")])
    priority = SelectField("优先级", choices=enum_options(Priority), default=Priority.NORMAL.value)

    def __init__(self, *args, channels: list[Channel] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.channel_class.choices = [SelectChoice("", "请选择")] + [
            SelectChoice(str(c.id), f"{channel.name}（{c.name}）" if len(channel.classes) > 1 else channel.name)
            for channel in channels for c in channel.classes]


class StepForm(EditForm):
    """One workflow step: what it says, and what the step needs (the unit, the result …). Made
    with the step as its ``prefix`` (reply-text …): the case page holds one per step."""

    text = TextAreaField("说明", validators=[Length(max=4000, message="说明不能超过 4000 个字。")])
    unit_id = SelectField("承办单位", validate_choice=False)
    result = SelectField("办理结果", choices=[SelectChoice("", "请选择")] + [SelectChoice(r, r) for r in REPLY_RESULTS],
                         validate_choice=False)
    satisfaction = SelectField("回访结果", choices=[SelectChoice("", "请选择")] + [SelectChoice(s, s) for s in SATISFACTIONS],
                               validate_choice=False)
    evidence = MultipleFileField("附件", description="办理前后的照片、答复文件等，可选多个")
    days = IntegerField("延长天数", validators=[Optional(), NumberRange(1, 366, "延长天数应为 1 到 366 的整数。")],
                        invalid_value_message="延长天数应为整数。")


class MatchForm(EditForm):
    """A decision on a duplicate proposal (关联, 合并, 不是重复件): only the case's row version,
    so a decision made on a page someone else has since changed is refused."""


class CaseFilters(FilterForm):
    """The ledger's filters: the page, its Excel, its PDF and the API read the same ones."""

    SORTS = {
        "received_at": Sort((Case.received_at, Case.id), descending_first=True),
        "number": Sort((Case.number,)),
        "status": Sort((in_declared_order(Case.status, CaseStatus), Case.id)),
    }
    channel = SelectField("来源渠道")
    status = SelectField("状态", choices=FilterForm.choices(CaseStatus, "全部状态"))
    category = SelectField("分类", choices=FilterForm.choices(CaseCategory, "全部分类"))
    unit = SelectField("承办单位")
    overdue = BooleanField("已超期", false_values=("", "0", "false"))
    due_soon = BooleanField("即将到期", false_values=("", "0", "false"))
    month = StringField("月份", filters=[lambda value: (value or "")[:7]])

    def __init__(self, args=None, *, channels=(), units=()):
        """``channels`` and ``units``: the (value, name) pairs offered."""
        self._choices = {
            "channel": [SelectChoice("", "全部渠道")] + [SelectChoice(value, name) for value, name in channels],
            "unit": [SelectChoice("", "全部承办单位")] + [SelectChoice(value, name) for value, name in units],
        }
        super().__init__(args)

    def set_choices(self) -> None:
        for name, choices in self._choices.items():
            self[name].choices = choices

    def described(self) -> str:
        words = super().described()
        if self.month.data:
            words = f"收件月份：{self.month.data}" + ("" if words == "全部" else f"，{words}")
        return words


class YearArrangementForm(Form):
    """A year's holidays and make-up working days, as the State Council's notice lists them."""

    year = IntegerField("年份", validators=[DataRequired("请填写年份。"), NumberRange(2004, 2100, "年份应在 2004 到 2100 之间。")],
                        invalid_value_message="年份应为四位数字。")
    holidays = TextAreaField("放假日期", validators=[DataRequired("请填写放假日期。")],
                             description="每行一个日期或一段日期，如 2027-01-01、2027-02-05至2027-02-13")
    workdays = TextAreaField("调休上班日期", description="周末调休上班的日期，如 2027-02-14；没有可留空")
    note = StringField("依据", validators=[Length(max=200, message="依据不能超过 200 个字。")],
                       description="如：国务院办公厅关于2027年部分节假日安排的通知")


class LimitForm(Form):
    """A new limit for one deadline rule of a channel's class (applies to cases received afterwards)."""

    amount = IntegerField("期限", validators=[InputRequired("请填写期限。"), NumberRange(1, 999, "期限应为 1 到 999 的整数。")],
                          invalid_value_message="期限应为整数。")
    unit = SelectField("单位", choices=enum_options(Unit), validators=[DataRequired("请选择单位。")])
    roll_to_workday = BooleanField("遇节假日顺延", default=True)


class OfficeForm(Form):
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称。"), Length(max=60, message="单位名称不能超过 60 个字。")],
                       description="如：群众体育股、县体育中心")


class MemberForm(Form):
    user_id = SelectField("账号", validate_choice=False)
