"""整改: the ledger of findings, the township's report with evidence, the county's 销号 or 退回."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from app.attachments.services import ACCEPT_ATTR, attachments_for
from app.extensions import db
from app.htmx import render
from app.organizations.models import Organization
from app.pagination import apply_search, paginate, search_term
from app.permissions import county_required
from app.scoping import scoped_get_or_404
from app.standards import bp, services
from app.standards.forms import RectificationReviewForm, RectificationSubmitForm
from app.standards.models import Rectification, RectificationStatus, StandardItem
from app.rules import RuleError
from app.standards.services import RefusedFiles
from app.timeutil import local_today

OWNER = Rectification.__tablename__


@bp.route("/rectifications")
@login_required
def rectifications():
    term = search_term()
    status = request.args.get("status", "")
    overdue = request.args.get("overdue") == "1"
    today = local_today()
    stmt = (
        select(Rectification)
        .join(Rectification.organization)
        .join(Rectification.item)
        # The joins the search needs also fill the columns (joinedload would join them twice).
        .options(contains_eager(Rectification.organization), contains_eager(Rectification.item),
                 joinedload(Rectification.region))
        .order_by(Rectification.due_on, Rectification.id)
    )
    stmt = apply_search(stmt, term, Organization.name, StandardItem.title, Rectification.owner)
    if status in RectificationStatus._value2member_map_:
        stmt = stmt.where(Rectification.status == RectificationStatus(status))
    if overdue:
        stmt = stmt.where(Rectification.status != RectificationStatus.CLOSED, Rectification.due_on < today)
    page = paginate(stmt)
    return render("standards/rectifications.html", "standards/_rectification_rows.html", page=page, q=term,
                  status=status, overdue=overdue, statuses=RectificationStatus, today=today)


def _page(rectification: Rectification, status: int = 200, **overrides):
    context = {
        "rectification": rectification,
        "today": local_today(),
        "evidence": attachments_for(OWNER, [rectification.id])[rectification.id],
        "accept": ACCEPT_ATTR,
        "submit_form": RectificationSubmitForm(formdata=None, obj=rectification),
        "review_form": RectificationReviewForm(formdata=None),
        "upload_errors": [],
        "is_county": current_user.is_county,
    }
    context.update(overrides)
    return render_template("standards/rectification.html", **context), status


@bp.route("/rectifications/<int:rectification_id>")
@login_required
def rectification(rectification_id: int):
    return _page(scoped_get_or_404(Rectification, rectification_id))


@bp.route("/rectifications/<int:rectification_id>/submit", methods=["POST"])
@login_required
def submit_rectification(rectification_id: int):
    rect = scoped_get_or_404(Rectification, rectification_id)
    form = RectificationSubmitForm()
    if not form.validate_on_submit():
        return _page(rect, 422, submit_form=form)
    try:
        services.submit_rectification(rect, current_user, form.response.data, request.files.getlist("evidence"))
    except RefusedFiles as refused:
        db.session.rollback()  # nothing is sent; the typed report stays on the page
        return _page(rect, 422, submit_form=form, upload_errors=refused.errors)
    except RuleError as error:
        db.session.rollback()
        form.response.errors.append(str(error))
        return _page(rect, 422, submit_form=form)
    db.session.commit()
    flash("整改情况已提交，等待县级核验销号。", "success")
    return redirect(url_for("standards.rectification", rectification_id=rect.id), 303)


@bp.route("/rectifications/<int:rectification_id>/review", methods=["POST"])
@county_required
def review_rectification(rectification_id: int):
    """销号 (close) or 退回 (send back), by the button pressed."""
    rect = scoped_get_or_404(Rectification, rectification_id)
    form = RectificationReviewForm()
    if not form.validate_on_submit():
        return _page(rect, 422, review_form=form)
    closing = request.form.get("decision") == "close"
    try:
        if closing:
            services.close_rectification(rect, current_user, form.note.data or "")
        else:
            services.send_back(rect, current_user, form.note.data or "")
    except RuleError as error:
        form.note.errors.append(str(error))
        return _page(rect, 422, review_form=form)
    db.session.commit()
    flash("已核验销号。" if closing else "已退回乡镇继续整改。", "success")
    return redirect(url_for("standards.rectification", rectification_id=rect.id), 303)
