from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.attachments.services import ACCEPT_ATTR, ACCEPTED, MAX_UPLOAD_BYTES
from app.forms import EditForm, Form, enum_options
from app.organizations import services
from app.organizations.models import EventKind, Organization, OrgKind, OrgLevel, PartyBranch, ReviewResult
from app.organizations.services import ORG_FIELDS, PHONE_HINT
from app.pagination import FilterForm, Sort, in_declared_order
from app.parsing import parse_id
from app.regions.models import Region
from app.timeutil import local_today

DATE_MESSAGE = "请按“年-月-日”填写日期，如 2021-05-01。"
COUNT_MESSAGE = "请填写不小于 0 的整数。"



def _within(low: int | None, high: int | None, message: str):
    """NumberRange that stays quiet when the value did not parse: that error is already shown."""
    check = NumberRange(low, high, message)

    def validator(form, field):
        if field.data is not None:
            check(form, field)

    return validator


def _text(label: str, limit: int, description: str = "", required: str | None = None) -> StringField:
    validators = [DataRequired(required)] if required else [Optional()]
    validators.append(Length(max=limit, message=f"{label}不能超过 {limit} 个字。"))
    return StringField(label, validators=validators, description=description)


def _count(label: str, description: str = "") -> IntegerField:
    return IntegerField(label, validators=[Optional(), _within(0, None, COUNT_MESSAGE),
                                           _within(None, services.COUNT_MAX, f"人数不能超过 {services.COUNT_MAX}。")],
                        invalid_value_message=COUNT_MESSAGE, description=description, render_kw={"min": 0})


def _date(label: str, description: str = "", required: str | None = None, **kwargs) -> DateField:
    validators = [DataRequired(required)] if required else [Optional()]
    return DateField(label, validators=validators, invalid_value_message=DATE_MESSAGE, description=description,
                     **kwargs)


def _choice(label: str, choices, message: str) -> SelectField:
    return SelectField(label, choices=choices, validators=[DataRequired(message)], invalid_choice_message=message)


class OrganizationFilters(FilterForm):
    """The registry list's filters; the page and its export read them alike."""

    SORTS = {
        "name": Sort((Organization.name, Organization.id)),
        "kind": Sort((in_declared_order(Organization.kind, OrgKind), Organization.id)),
        "level": Sort((in_declared_order(Organization.level, OrgLevel), Organization.id)),
        "region": Sort((Region.code, Organization.name, Organization.id)),
        "term_end": Sort((Organization.term_end, Organization.id)),
    }

    kind = SelectField("组织类型", choices=FilterForm.choices(OrgKind, "全部类型"))
    term = SelectField("换届状态", choices=[SelectChoice("", "全部换届状态")]
                       + [SelectChoice(value, label) for value, label in services.TERM_FILTERS.items()])
    # An id: the options (the regions two levels below the user's) are built only for the full page.
    region = StringField("所属区划")

    @property
    def region_id(self) -> int | None:
        return parse_id(self.region.data)


class OrganizationForm(EditForm):
    name = _text("组织名称", 100, required="请填写组织名称。")
    kind = _choice("组织类型", enum_options(OrgKind), "请从列表中选择组织类型。")
    level = _choice("组织级别", enum_options(OrgLevel), "请从列表中选择组织级别。")
    region_id = SelectField("所属区划", coerce=int, invalid_value_message="请从列表中选择所属区划。",
                            invalid_choice_message="请从列表中选择所属区划。",
                            description="县级组织选县，乡镇级组织选乡镇，村级组织选村（社区）。")
    sport = _text("运动项目", 40, "单项体育协会、俱乐部填写，如：乒乓球。")
    credit_code = StringField("统一社会信用代码", validators=[Optional()],
                              description="18 位，见登记证书；尚未登记的可留空。", render_kw={"maxlength": 22})
    registered_on = _date("登记日期")
    registration_authority = _text("登记管理机关", 100, "如：阳城县民政局。")
    supervising_unit = _text("业务主管单位", 100, "如：阳城县体育局。")
    legal_representative = _text("法定代表人", 40)
    contact_person = _text("联系人", 40)
    contact_phone = StringField("联系电话", validators=[Optional(), Length(max=30, message="联系电话不能超过 30 个字符。")],
                                description=PHONE_HINT + "。", render_kw={"inputmode": "tel"})
    address = _text("地址", 200)
    party_branch = SelectField("党组织建设", choices=enum_options(PartyBranch), default=PartyBranch.NONE.value,
                               invalid_choice_message="请从列表中选择党组织建设情况。")
    member_count = _count("会员数")
    venue = _text("活动场地", 200, "如：镇文体活动中心（室内 300 平方米）。")
    funding_source = _text("经费来源", 200, "如：镇财政预算、会费、社会赞助。")
    staff_count = _count("工作人员数")
    establishment_count = _count("编制数", "占用编制的工作人员数。")
    term_years = IntegerField("任期年限", default=services.DEFAULT_TERM_YEARS,
                              validators=[InputRequired("请填写任期年限。"),
                                          _within(1, 10, "任期年限应为 1 到 10 年（以章程为准）。")],
                              invalid_value_message="任期年限应为 1 到 10 的整数。",
                              description="按章程规定，一般为 5 年。", render_kw={"min": 1, "max": 10})
    term_start = _date("本届任期开始")
    term_end = _date("本届任期结束", "留空时按任期年限自动计算。")

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._organization = organization
        self.region_id.choices = []

    @property
    def _exclude_id(self):
        return self._organization.id if self._organization is not None else None

    def _region(self):
        if not self.region_id.data:
            return None
        return services.find_region(self.region_id.data)

    def validate_credit_code(self, field):
        field.data = services.normalise_credit_code(field.data)
        if problem := services.credit_code_problem(field.data):
            raise ValidationError(problem)
        if services.credit_code_taken(field.data, self._exclude_id):
            raise ValidationError("该统一社会信用代码已被其他组织使用。")

    def validate_contact_phone(self, field):
        if problem := services.phone_problem(field.data):
            raise ValidationError(problem)

    def validate_level(self, field):
        region = self._region()
        if region is not None and field.data in OrgLevel._value2member_map_:
            if problem := services.level_problem(OrgLevel(field.data), region):
                raise ValidationError(problem)

    def validate_name(self, field):
        region = self._region()
        if region is not None and field.data and services.name_taken(field.data, region.id, self._exclude_id):
            raise ValidationError(f"“{region.name}”已有名为“{field.data.strip()}”的组织。")

    def validate_term_start(self, field):
        if self.term_end.data and not field.data:
            raise ValidationError("填写了任期结束日期时，请同时填写开始日期。")

    def validate_term_end(self, field):
        if field.data and self.term_start.data and field.data <= self.term_start.data:
            raise ValidationError("任期结束日期应晚于开始日期。")

    def organization_fields(self) -> dict:
        """The submitted values as the services take them (enums, not strings)."""
        fields = {key: getattr(self, key).data for key in ORG_FIELDS}
        fields["kind"] = OrgKind(fields["kind"])
        fields["level"] = OrgLevel(fields["level"])
        fields["party_branch"] = PartyBranch(fields["party_branch"] or PartyBranch.NONE.value)
        for key in ("sport", "registration_authority", "supervising_unit", "legal_representative",
                    "contact_person", "contact_phone", "address", "venue", "funding_source"):
            fields[key] = (fields[key] or "").strip()
        fields["credit_code"] = fields["credit_code"] or None
        return fields


class EventForm(Form):
    kind = SelectField("事项", validators=[DataRequired("请选择事项。")],
                       invalid_choice_message="请从列表中选择事项。")
    event_date = _date("日期", "登记管理机关核准、换届大会或年检完成的日期。", required="请填写日期（年-月-日）。",
                       default=local_today)
    approved_on = _date("业务主管单位审查同意日期",
                        "变更登记填写：应自审查同意之日起 30 日内办理（《社会团体登记管理条例》第十八条）。")
    approval_number = _text("批准文号", 60, "核准或批复文件的文号，如：阳民社〔2026〕12 号。")
    review_year = IntegerField("年审所属年度", validators=[Optional(), _within(1990, 2100, "请填写四位年份，如 2025。")],
                               invalid_value_message="请填写四位年份，如 2025。",
                               description="年审填写：检查的是哪一年度的工作（次年 5 月 31 日前完成）。")
    review_result = SelectField("年审结论", choices=[SelectChoice("", "（年审时选择）")] + enum_options(ReviewResult), default="",
                                invalid_choice_message="请从列表中选择年审结论。")
    description = TextAreaField("说明", validators=[Length(max=2000, message="说明不能超过 2000 个字。")],
                                description="换届请注明新一届负责人及财务审计情况（条例第二十七条）。",
                                render_kw={"rows": 3})
    documents = MultipleFileField("相关文件", description=f"批复、会议纪要、年检报告等：{ACCEPTED}，每个不超过 "
                                  f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB。", render_kw={"accept": ACCEPT_ATTR})

    def __init__(self, *args, kinds: list[EventKind] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(k.value, k.label) for k in kinds]

    def validate_review_year(self, field):
        if self.kind.data == EventKind.ANNUAL_REVIEW.value and field.data is None and not field.errors:
            raise ValidationError("请填写年审所属年度。")

    def validate_review_result(self, field):
        if self.kind.data == EventKind.ANNUAL_REVIEW.value and not field.data:
            raise ValidationError("请选择年审结论。")


class ImportForm(Form):
    file = FileField("名册文件（.xlsx）", validators=[FileRequired("请选择要导入的 Excel 文件。")],
                     description="请使用下载的模板填写；一次最多导入 2000 行。",
                     render_kw={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


class ConfirmImportForm(Form):
    token = HiddenField(validators=[DataRequired()])
