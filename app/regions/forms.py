from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.forms import Form


class RegionForm(Form):
    name = StringField("名称", validators=[DataRequired("请输入区划名称。"), Length(max=60, message="名称不能超过 60 个字。")])
    code = StringField("区划代码", validators=[
        DataRequired("请输入区划代码。"), Regexp(r"^\d+$", message="区划代码只能是数字。"),
    ])


class RenameRegionForm(Form):
    name = StringField("名称", validators=[DataRequired("请输入区划名称。"), Length(max=60, message="名称不能超过 60 个字。")])


class MoveRegionForm(Form):
    parent_id = SelectField("新的上级区划", coerce=int, validate_choice=True)
    code = StringField("新的区划代码", validators=[
        DataRequired("请输入新的区划代码。"), Regexp(r"^\d+$", message="区划代码只能是数字。"),
    ], description="区划代码随上级变化，请填写统计部门下发的新代码。")
