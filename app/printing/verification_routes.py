"""核验码: the code printed on every sheet leads back to the record it was printed from.

The page is public (anyone holding the paper may check it) and rate-limited; each kind of record
registers what its public page shows (``codes.register_verification``), so this module knows no
domain. A logged-in user in whose region the record lies goes straight to it."""
import re

from flask import Blueprint, redirect, render_template, request
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired

from app.forms import Form
from app.printing.codes import CODE_ALPHABET, find_by_code, verification_of
from app.scoping import in_scope, unscoped
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


def _throttle_key() -> str:
    who = current_user.id if current_user.is_authenticated else request.remote_addr or "-"
    return f"verify:{who}"


def _verify(code_text: str, form: VerifyForm, not_found_status: int):
    if not allow(_throttle_key(), *LOOKUPS_PER_MINUTE):
        form.code.errors = ["查询过于频繁，请一分钟后再试。"]
        return render_template("printing/verify.html", form=form), 429
    code = normalize_code(code_text)
    if not CODE_RE.match(code):
        form.code.errors = ["核验码格式不对：应为 8 位字母和数字（不含 0、1、I、L、O），请核对后重新输入。"]
        return render_template("printing/verify.html", form=form), not_found_status
    with unscoped():  # the public facts of a record that may lie outside the reader's region
        record = find_by_code(code)
        if record is None:
            form.code.errors = [f"没有找到核验码为 {code} 的检查记录或诉求件，请核对后重新输入。"]
            return render_template("printing/verify.html", form=form), not_found_status
        verified = verification_of(record)
        region_path = record.region.path
        page, address = verified.page(record), verified.address(record)
    if current_user.is_authenticated and in_scope(region_path):
        return redirect(address)
    return page


@bp.route("/v/<code>")
def verify(code: str):
    """The address in the QR code: anyone may confirm the paper is genuine; a user in whose
    region the record lies goes straight to it."""
    form = VerifyForm(formdata=None, data={"code": code})
    return _verify(code, form, 404)


@bp.route("/verify")
def lookup():
    """Type in the code printed on a sheet."""
    if "code" not in request.args:
        return render_template("printing/verify.html", form=VerifyForm(formdata=None))
    form = VerifyForm(request.args)
    if not form.validate():
        return render_template("printing/verify.html", form=form), 422
    return _verify(form.code.data, form, 422)
