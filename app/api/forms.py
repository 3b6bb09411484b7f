"""The administrator's form to issue an API token."""
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.forms import Form
from app.parsing import parse_id


class TokenForm(Form):
    name = StringField("名称", validators=[DataRequired("请填写名称。"), Length(max=80, message="名称不能超过 80 个字。")],
                       description="调用方，如“晋城市12345平台”；办理记录中显示为“12345平台接口（名称）”")
    # An id that is no number or not in the list is refused by the service, in Chinese, at the field.
    region_id = SelectField("范围", coerce=parse_id, validate_choice=False,
                            description="令牌只能登记和读取这个区划内的诉求件")
