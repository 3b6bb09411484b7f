"""The administrator's form to issue an API token."""
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.forms import Form


class TokenForm(Form):
    name = StringField("名称", validators=[DataRequired("请填写名称。"), Length(max=80, message="名称不能超过 80 个字。")],
                       description="调用方，如“晋城市12345平台”；办理记录中显示为“12345平台接口（名称）”")
    region_id = SelectField("范围", coerce=int, validate_choice=False,
                            description="令牌只能登记和读取这个区划内的诉求件")
