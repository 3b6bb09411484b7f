"""整改: the ledger of findings, the township's report with evidence, the county's 销号 or 退回,
each posted to its own address."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.attachments import kept
from app.attachments.services import ACCEPT_ATTR, attachments_for
from app.extensions import db
from app.htmx import render_results
from app.kept_results import kept_for_the_day
from app.pagination import paginate, print_view
from app.permissions import county_required
from app.printing.downloads import ascii_name, file_name, send_download
from app.reports import REGISTRY_FIGURES
from app.rules import RuleError
from app.scoping import scoped_get_or_404
from app.standards import exports
from app.standards import rectifications as services
from app.standards.forms import RectificationFilters, RectificationReviewForm, RectificationSubmitForm
from app.standards.models import Rectification
from app.timeutil import local_today
from app.versioning import StaleEdit

bp = Blueprint("rectifications", __name__)

OWNER = Rectification.__tablename__


@bp.route("/rectifications")
@login_required
def index():
    filters = RectificationFilters()
    results = kept_for_the_day((REGISTRY_FIGURES,), "standards/_rectification_rows.html", lambda today: dict(
        page=paginate(services.rectification_query(filters, today)), filters=filters, today=today))
    return render_results("standards/rectifications.html", results, filters=filters, q=filters.q.data)


@bp.route("/rectifications.xlsx")
@login_required
def export():
    """整改台账 as the filters select it, every row, as a workbook."""
    today = local_today()
    rows = db.session.execute(services.rectification_query(RectificationFilters(), today)
                              .limit(exports.EXPORT_LIMIT)).scalars()
    return send_download(exports.rectifications_workbook(rows, today),
                         file_name("整改台账", f"{today:%Y%m%d}", suffix=".xlsx"),
                         fallback=ascii_name("rectifications", current_user.region.code, today, suffix=".xlsx"))


@bp.route("/rectifications/print-view")
@login_required
def print_list():
    """整改台账 as the filters select it, as paper (the browser prints it)."""
    filters = RectificationFilters()
    today = local_today()
    return print_view("整改台账", "standards/_rectification_table.html", services.rectification_query(filters, today),
                      filters, "rectifications.index", today=today)


def _page(rectification: Rectification, status: int = 200, **overrides):
    context = {
        "rectification": rectification,
        "today": local_today(),
        "evidence": attachments_for(OWNER, [rectification.id])[rectification.id],
        "accept": ACCEPT_ATTR,
        "submit_form": RectificationSubmitForm(formdata=None, obj=rectification),
        "review_form": RectificationReviewForm(formdata=None, obj=rectification),
        "upload_errors": [],
        "kept_files": [],  # files accepted from a refused submit: (file, token)
        "stale": None,
        "is_county": current_user.is_county,
    }
    context.update(overrides)
    return render_template("standards/rectification.html", **context), status


@bp.route("/rectifications/<int:rectification_id>")
@login_required
def detail(rectification_id: int):
    return _page(scoped_get_or_404(Rectification, rectification_id))


@bp.route("/rectifications/<int:rectification_id>/submit", methods=["POST"])
@login_required
def submit(rectification_id: int):
    rect = scoped_get_or_404(Rectification, rectification_id)
    form = RectificationSubmitForm()
    # Read first: a refusal hands the accepted files back (已选择) instead of losing them.
    uploads = kept.gather(request, request.files.getlist("evidence"))
    kept_files = [(f, kept.token(f)) for f in uploads[0]]
    if not form.validate_on_submit():
        return _page(rect, 422, submit_form=form, kept_files=kept_files)
    try:
        services.submit_rectification(rect, current_user, form.response.data, uploads,
                                      opened_version=form.opened_version)
    except StaleEdit as error:
        return _stale(rect, error, submit_form=form, kept_files=kept_files)
    except services.RefusedFiles as refused:
        db.session.rollback()  # nothing is sent; the typed report stays on the page
        return _page(rect, 422, submit_form=form, upload_errors=refused.errors, kept_files=kept_files)
    except RuleError as error:
        db.session.rollback()
        error.show_on(form, "response")
        return _page(rect, 422, submit_form=form, kept_files=kept_files)
    db.session.commit()
    flash("整改情况已提交，等待县级核验销号。", "success")
    return redirect(url_for("rectifications.detail", rectification_id=rect.id), 303)


def _stale(rect: Rectification, error: StaleEdit, kept_files=(), **forms):
    """Someone acted on the finding meanwhile: show what they did, keep what was typed."""
    db.session.rollback()
    rect = scoped_get_or_404(Rectification, rect.id)
    for form in forms.values():
        form.form_errors.append(error.message)
        form.reopen_at(rect)
    return _page(rect, 409, stale=error.latest, kept_files=list(kept_files), **forms)


def _review(rectification_id: int, action, done: str):
    rect = scoped_get_or_404(Rectification, rectification_id)
    form = RectificationReviewForm()
    if not form.validate_on_submit():
        return _page(rect, 422, review_form=form)
    try:
        action(rect, current_user, form.note.data or "", opened_version=form.opened_version)
    except StaleEdit as error:
        return _stale(rect, error, review_form=form)
    except RuleError as error:
        db.session.rollback()
        error.show_on(form, "note")
        return _page(rect, 422, review_form=form)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("rectifications.detail", rectification_id=rect.id), 303)


@bp.route("/rectifications/<int:rectification_id>/close", methods=["POST"])
@county_required
def close(rectification_id: int):
    """销号: the county has verified the fix."""
    return _review(rectification_id, services.close_rectification, "已核验销号。")


@bp.route("/rectifications/<int:rectification_id>/send-back", methods=["POST"])
@county_required
def send_back(rectification_id: int):
    """退回: the fix does not hold; the township works on, told why."""
    return _review(rectification_id, services.send_back, "已退回乡镇继续整改。")
