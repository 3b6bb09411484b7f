from wtforms import BooleanField, DateField, FieldList, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.forms import EditForm, Form
from app.organizations.models import Organization
from app.pagination import FilterForm, Sort, in_declared_order
from app.regions.models import Region
from app.standards.models import Inspection, InspectionKind, InspectionStatus, Rectification, RectificationStatus, Verdict
from app.timeutil import local_today


class NewInspectionForm(Form):
    kind = SelectField("检查类型", validators=[DataRequired("请选择检查类型。")])
    inspected_on = DateField("检查日期", default=local_today, validators=[DataRequired("请填写检查日期（年-月-日）。")])
    inspectors = StringField("检查人员", validators=[Length(max=200, message="检查人员不能超过 200 个字。")],
                             description="多人以顿号分隔，如：李建国、张伟")

    def __init__(self, *args, kinds: tuple[InspectionKind, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(k.value, k.label) for k in kinds]


class InspectionFilters(FilterForm):
    # inspection_query joins the organisation and the region: their names sort too.
    SORTS = {
        "organization": Sort((Organization.name, Inspection.id)),
        "region": Sort((Region.code, Inspection.id)),
        "kind": Sort((in_declared_order(Inspection.kind, InspectionKind), Inspection.id)),
        "inspected_on": Sort((Inspection.inspected_on, Inspection.id), descending_first=True),
        "status": Sort((in_declared_order(Inspection.status, InspectionStatus), Inspection.id)),
        "verdict": Sort((in_declared_order(Inspection.verdict, Verdict), Inspection.id)),
    }
    kind = SelectField("检查类型", choices=FilterForm.choices(InspectionKind, "全部类型"))
    status = SelectField("状态", choices=FilterForm.choices(InspectionStatus, "全部状态"))
    verdict = SelectField("结论", choices=FilterForm.choices(Verdict, "全部结论"))


class RectificationFilters(FilterForm):
    SORTS = {
        "organization": Sort((Organization.name, Rectification.id)),
        "owner": Sort((Rectification.owner, Rectification.id)),
        "due_on": Sort((Rectification.due_on, Rectification.id)),
        "status": Sort((in_declared_order(Rectification.status, RectificationStatus), Rectification.id)),
    }
    status = SelectField("状态", choices=FilterForm.choices(RectificationStatus, "全部状态"))
    overdue = BooleanField("只看逾期", false_values=("", "0", "false"))


class InspectionHeaderForm(EditForm):
    inspected_on = DateField("检查日期", validators=[DataRequired("请填写检查日期（年-月-日）。")])
    inspectors = StringField("检查人员", validators=[Length(max=200, message="检查人员不能超过 200 个字。")])
    summary = TextAreaField("总体情况", validators=[Length(max=2000, message="总体情况不能超过 2000 个字。")])



class FinalizeForm(Form):
    signed_by = StringField("签字人", validators=[DataRequired("请填写签字人姓名。"), Length(max=60)])
    signed_on = DateField("签字日期", default=local_today, validators=[DataRequired("请填写签字日期（年-月-日）。")])
    due_on = DateField("整改期限", validators=[Optional()], description="不达标项目的整改完成期限，默认签字后 30 天。")
    owner = StringField("整改责任人", validators=[Length(max=100)], description="默认为被检查组织的联系人。")
    # A deliberate tick stands in for a confirmation dialog, and works without JavaScript too.
    confirm = BooleanField("我已核对全部检查结果，确认定稿；定稿后不能再修改",
                           validators=[DataRequired("请勾选确认后再定稿签字。")])

    def validate_due_on(self, field):
        if field.data and self.signed_on.data and field.data < self.signed_on.data:
            raise ValidationError("整改期限不能早于签字日期。")


class ReturnInspectionForm(Form):
    reason = TextAreaField("退回原因", validators=[DataRequired("退回时请写明原因。"), Length(max=1000)],
                           description="乡镇在检查页面和“我的待办”中看到这段话。")


class RecheckForm(Form):
    inspected_on = DateField("复查日期", default=local_today, validators=[DataRequired("请填写复查日期（年-月-日）。")])
    inspectors = StringField("检查人员", validators=[Length(max=200)])


class SpotCheckForm(Form):
    size = IntegerField("抽查数量", validators=[DataRequired("请填写抽查数量。"), NumberRange(1, 500, "抽查数量应在 1 到 500 之间。")])
    inspected_on = DateField("计划检查日期", default=local_today, validators=[DataRequired("请填写日期（年-月-日）。")])
    inspectors = StringField("检查人员", validators=[Length(max=200)])


class RectificationSubmitForm(EditForm):
    response = TextAreaField("整改情况", validators=[DataRequired("请说明整改情况。"), Length(max=2000)])


class RectificationReviewForm(EditForm):
    """销号 and 退回 share the page's one note; each button posts to its own address."""
    note = TextAreaField("核验意见", validators=[Length(max=2000)], description="退回时必须写明原因。")


class StandardItemForm(Form):
    class Meta:
        csrf = False  # the enclosing form carries the token

    code = StringField("编号", validators=[Optional(), Length(max=10)])
    title = StringField("项目", validators=[Optional(), Length(max=60)])
    criterion = TextAreaField("检查标准", validators=[Optional(), Length(max=1000)])
    evidence_hint = TextAreaField("佐证材料", validators=[Optional(), Length(max=500)])
    required = BooleanField("必备项")


class PublishStandardForm(Form):
    note = StringField("修订说明", validators=[DataRequired("请填写本次修订说明。"), Length(max=200)])
    items = FieldList(FormField(StandardItemForm), min_entries=1)
