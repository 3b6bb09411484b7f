"""核验码: the code printed on every sheet leads back to the inspection it was printed from."""
import re

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired

from app.extensions import db
from app.forms import Form
from app.standards.models import Inspection
from app.standards.rules import CODE_ALPHABET
from app.throttle import allow

bp = Blueprint("verification", __name__)

CODE_RE = re.compile(f"^[{CODE_ALPHABET}]{{8}}$")
# A person checks a few sheets a minute; guessing codes at machine speed is stopped here.
LOOKUPS_PER_MINUTE = (30, 60)


class VerifyForm(Form):
    class Meta:
        csrf = False  # a GET lookup changes nothing

    code = StringField("核验码", validators=[DataRequired("请输入检查表上的核验码。")],
                       description="8 位字母和数字，印在检查表底部二维码旁，不区分大小写。")


def normalize_code(text: str) -> str:
    return re.sub(r"[\s\-－_·.]", "", text or "").upper()


def _lookup(code: str) -> Inspection | None:
    """The inspection with this code in the user's scope. One outside it is not found either:
    the answer must not tell a stranger that the code exists elsewhere."""
    return db.session.execute(
        select(Inspection).where(Inspection.verification_code == code)
    ).scalar_one_or_none()


def _verify(code_text: str, form: VerifyForm, not_found_status: int):
    if not allow(f"verify:{current_user.id}", *LOOKUPS_PER_MINUTE):
        form.code.errors = ["查询过于频繁，请一分钟后再试。"]
        return render_template("standards/verify.html", form=form), 429
    code = normalize_code(code_text)
    if not CODE_RE.match(code):
        form.code.errors = ["核验码格式不对：应为 8 位字母和数字（不含 0、1、I、L、O），请核对后重新输入。"]
        return render_template("standards/verify.html", form=form), not_found_status
    inspection = _lookup(code)
    if inspection is None:
        form.code.errors = [f"没有找到核验码为 {code} 的检查记录（或不在您的管辖范围内），请核对后重新输入。"]
        return render_template("standards/verify.html", form=form), not_found_status
    return redirect(url_for("inspections.detail", inspection_id=inspection.id))


@bp.route("/v/<code>")
@login_required
def verify(code: str):
    """The address in the QR code: leads to the inspection it was printed from."""
    form = VerifyForm(formdata=None, data={"code": code})
    return _verify(code, form, 404)


@bp.route("/verify")
@login_required
def lookup():
    """Type in the code printed on a sheet."""
    if "code" not in request.args:
        return render_template("standards/verify.html", form=VerifyForm(formdata=None))
    form = VerifyForm(request.args)
    if not form.validate():
        return render_template("standards/verify.html", form=form), 422
    return _verify(form.code.data, form, 422)
