import re

from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from app.auth.roles import Role, role_region_problem
from app.auth.services import find_user
from app.forms import Form

PASSWORD_RULE = "至少 8 位，须同时包含字母和数字。"


def strong_password(form, field):
    value = field.data or ""
    if len(value) < 8 or not re.search(r"[A-Za-z]", value) or not re.search(r"\d", value):
        raise ValidationError("密码" + PASSWORD_RULE)


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。")])
    remember = BooleanField("在本机保持登录")


def _is_current_password(form, field):
    from flask_login import current_user

    if field.data and not current_user.check_password(field.data):
        raise ValidationError("当前密码不正确。")


class ChangePasswordForm(Form):
    # Checked with the new password's rules, in the same round: every error shows at once.
    current_password = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。"), _is_current_password])
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), strong_password],
                                 description=PASSWORD_RULE)
    confirm = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码。"),
                                                     EqualTo("new_password", "两次输入的新密码不一致。")])


class UserForm(Form):
    username = StringField("用户名", validators=[
        DataRequired("请输入用户名。"), Length(3, 64, "用户名长度应为 3 到 64 个字符。"),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和连字符。"),
    ])
    display_name = StringField("姓名", validators=[DataRequired("请输入姓名。"), Length(max=60)])
    role = SelectField("角色", choices=[SelectChoice(r.value, r.label) for r in Role],
                       validators=[DataRequired("请选择角色。")])
    region_id = SelectField("所属区划", coerce=int, validate_choice=True)
    phone = StringField("联系电话", validators=[Optional(), Regexp(r"^[0-9+\-() ]{5,20}$", message="请输入有效的电话号码。")])
    password = PasswordField("初始密码", validators=[DataRequired("请设置初始密码。"), strong_password],
                             description="用户首次登录后须修改。" + PASSWORD_RULE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user
        self.region_id.choices = []
        if user is not None:
            # Editing: the username is fixed and the password is reset separately.
            del self.password

    def validate_region_id(self, field):
        from app.extensions import db
        from app.regions.models import Region

        region = db.session.get(Region, field.data)
        if region is not None and self.role.data in Role._value2member_map_:
            problem = role_region_problem(Role(self.role.data), region)
            if problem:
                raise ValidationError(problem)

    def validate_username(self, field):
        existing = find_user(field.data)
        if existing is not None and existing is not self._user:
            raise ValidationError("该用户名已被使用。")


class ResetPasswordForm(Form):
    password = PasswordField("新的临时密码", validators=[DataRequired("请输入新的临时密码。"), strong_password],
                             description="用户下次登录后须修改。" + PASSWORD_RULE)
