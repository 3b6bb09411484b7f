"""The activity form, the forms of its steps (报备, 审核, 信息上报, 取消) and the ledger's filters."""
from datetime import date

from wtforms import BooleanField, DateField, IntegerField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.activities import rules
from app.activities.models import Activity, ActivityKind, ActivityLevel, ActivityStatus
from app.activities.services import ACTIVITY_FIELDS
from app.forms import EditForm, enum_options
from app.organizations.forms import COUNT_MESSAGE, DATE_MESSAGE, _within
from app.organizations.models import Organization
from app.pagination import FilterForm, Sort, in_declared_order
from app.parsing import parse_id, parse_year

RULES_ACCEPT = ".pdf,.doc,.docx,application/pdf,application/msword"
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


def _text(label: str, limit: int, required: str | None = None, **kwargs) -> StringField:
    validators = [DataRequired(required)] if required else [Optional()]
    return StringField(label, validators=[*validators, Length(max=limit, message=f"{label}不能超过 {limit} 个字。")],
                       **kwargs)


def _count(label: str, required: str | None = None, **kwargs) -> IntegerField:
    first = InputRequired(required) if required else Optional()
    return IntegerField(label, validators=[first, _within(0, rules.PARTICIPANTS_MAX, COUNT_MESSAGE)],
                        invalid_value_message=COUNT_MESSAGE, render_kw={"min": 0}, **kwargs)


class ActivityForm(EditForm):
    title = _text("活动名称", 100, "请填写活动名称。", description="如：2026 年凤城镇全民健身广场舞大赛。")
    kind = SelectField("活动类型", choices=enum_options(ActivityKind), validators=[DataRequired("请选择活动类型。")],
                       invalid_choice_message="请从列表中选择活动类型。")
    level = SelectField("活动级别", choices=enum_options(ActivityLevel), validators=[DataRequired("请选择活动级别。")],
                        invalid_choice_message="请从列表中选择活动级别。")
    starts_on = DateField("开始日期", validators=[DataRequired("请填写开始日期（年-月-日）。")],
                          invalid_value_message=DATE_MESSAGE)
    ends_on = DateField("结束日期", validators=[DataRequired("请填写结束日期（年-月-日）。")],
                        invalid_value_message=DATE_MESSAGE, description="一天的活动，结束日期与开始日期相同。")
    place = _text("活动地点", 200)
    organiser = _text("主办单位", 100, description="留空时为本组织。")
    co_organisers = _text("承办、协办单位", 300, description="多个单位以顿号分隔。")
    expected_participants = _count("预计参与人数")
    needs_filing = BooleanField("需要报备", description=f"赛事，或预计 {rules.FILING_CROWD} 人及以上的活动，须报县级"
                                "同意（附活动规程），保存时自动标记；其他活动需要时勾选。")

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("结束日期不能早于开始日期。")

    def activity_fields(self) -> dict:
        """The submitted values as the services take them (enums, not strings)."""
        fields = {key: getattr(self, key).data for key in ACTIVITY_FIELDS}
        fields["kind"] = ActivityKind(fields["kind"])
        fields["level"] = ActivityLevel(fields["level"])
        for key in ("title", "place", "organiser", "co_organisers"):
            fields[key] = (fields[key] or "").strip()
        return fields


class FilingForm(EditForm):
    rules_document = MultipleFileField("活动规程", description="竞赛规程或活动方案：PDF 或 Word 文件。",
                                       render_kw={"accept": RULES_ACCEPT})


class DecisionForm(EditForm):
    note = TextAreaField("审核意见", validators=[Length(max=2000, message="审核意见不能超过 2000 个字。")],
                         description="退回时必填，写明需要修改的地方。", render_kw={"rows": 3})


class ReportForm(EditForm):
    actual_participants = _count("实际参与人数", "请填写实际参与人数。")
    results = TextAreaField("开展情况和成效", validators=[DataRequired("请简要填写活动开展情况和成效。"),
                                                   Length(max=4000, message="不能超过 4000 个字。")],
                            description="如：共 12 支队伍参赛，评出一等奖 2 名……", render_kw={"rows": 4})
    photos = MultipleFileField("活动照片", description="现场照片，可选多张（JPG、PNG、WebP）。",
                               render_kw={"accept": PHOTO_ACCEPT})


class CancelForm(EditForm):
    """Only the row version: a cancel made on a page someone has since changed is refused."""


class ActivityFilters(FilterForm):
    """The ledger's filters: the page and its Excel export read the same ones."""

    SORTS = {
        "starts_on": Sort((Activity.starts_on, Activity.id), descending_first=True),
        "title": Sort((Activity.title, Activity.id)),
        "organization": Sort((Organization.name, Activity.id)),
        "status": Sort((in_declared_order(Activity.status, ActivityStatus), Activity.id)),
    }
    kind = SelectField("活动类型", choices=FilterForm.choices(ActivityKind, "全部类型"))
    level = SelectField("活动级别", choices=FilterForm.choices(ActivityLevel, "全部级别"))
    status = SelectField("状态", choices=FilterForm.choices(ActivityStatus, "全部状态"))
    to_report = BooleanField("只看待上报", false_values=("", "0", "false"))
    year = StringField("年度", filters=[lambda value: (value or "")[:4]])
    date_from = DateField("开始日期自", validators=[Optional()])
    date_to = DateField("至", validators=[Optional()])
    # An id: the organisation's page links here; the list names it above the rows.
    org = StringField("组织")

    @property
    def organization_id(self) -> int | None:
        return parse_id(self.org.data)

    def period(self) -> tuple[date | None, date | None]:
        """The days the activities' start lies in: the year, narrowed by from and to."""
        start, end = self.date_from.data, self.date_to.data
        if (year := parse_year(self.year.data)) is not None:
            start = max(start or date(year, 1, 1), date(year, 1, 1))
            end = min(end or date(year, 12, 31), date(year, 12, 31))
        return start, end

    def described(self) -> str:
        start, end = self.period()
        words = super().described()
        if start or end:
            period = f"开始日期：{start or ''} 至 {end or ''}"
            words = period if words == "全部" else f"{period}，{words}"
        return words
