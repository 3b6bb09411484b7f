"""Inspections: start, fill in item by item with evidence, submit, finalize (sign), re-check."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.attachments.services import ACCEPT_ATTR, attachments_for
from app.extensions import db
from app.htmx import render
from app.organizations.models import Organization
from app.pagination import apply_search, paginate, search_term
from app.permissions import county_required
from app.regions.models import Region
from app.scoping import scoped_get_or_404
from app.standards import bp, services
from app.standards.forms import FinalizeForm, NewInspectionForm, RecheckForm, SpotCheckForm
from app.standards.inspection_form import results_form, submitted_results
from app.standards.models import (
    Inspection,
    InspectionKind,
    InspectionResult,
    InspectionStatus,
    Rectification,
    StandardVersion,
    Verdict,
)
from app.rules import RuleError
from app.timeutil import local_today

RESULT_OWNER = InspectionResult.__tablename__


@bp.route("/inspections")
@login_required
def inspections():
    term = search_term()
    filters = {k: request.args.get(k, "") for k in ("kind", "status", "verdict")}
    stmt = (
        select(Inspection)
        .join(Inspection.organization)
        .join(Region, Inspection.region_id == Region.id)
        .options(joinedload(Inspection.organization), joinedload(Inspection.region))
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    )
    stmt = apply_search(stmt, term, Organization.name, Region.name, Inspection.verification_code)
    if filters["kind"] in InspectionKind._value2member_map_:
        stmt = stmt.where(Inspection.kind == InspectionKind(filters["kind"]))
    if filters["status"] in InspectionStatus._value2member_map_:
        stmt = stmt.where(Inspection.status == InspectionStatus(filters["status"]))
    if filters["verdict"] in Verdict._value2member_map_:
        stmt = stmt.where(Inspection.verdict == Verdict(filters["verdict"]))
    page = paginate(stmt)
    return render("standards/inspections.html", "standards/_inspection_rows.html", page=page, q=term,
                  filters=filters, kinds=InspectionKind, statuses=InspectionStatus, verdicts=Verdict)


@bp.route("/organizations/<int:org_id>/inspections/new", methods=["GET", "POST"])
@login_required
def new_inspection(org_id: int):
    organization = scoped_get_or_404(Organization, org_id)
    kinds = services.allowed_kinds(current_user)
    if not kinds:
        abort(403)
    form = NewInspectionForm(kinds=kinds)
    standard = services.standard_for(organization)
    if form.validate_on_submit():
        try:
            inspection = services.start_inspection(
                organization, InspectionKind(form.kind.data), user=current_user,
                inspected_on=form.inspected_on.data, inspectors=form.inspectors.data or "",
            )
        except RuleError as error:
            form.kind.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"已创建{inspection.kind.label}，请逐项填写检查结果。", "success")
            return redirect(url_for("standards.inspection", inspection_id=inspection.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("standards/new_inspection.html", form=form, organization=organization,
                           standard=standard), status


def _inspection_page(inspection: Inspection, status: int = 200, **overrides):
    """The inspection page; ``overrides`` carry a form as the user typed it, with its errors."""
    context = {
        "inspection": inspection,
        "editable": services.can_edit(inspection, current_user),
        "is_county": current_user.is_county,
        "evidence": attachments_for(RESULT_OWNER, [r.id for r in inspection.results]),
        "upload_errors": {},
        "accept": ACCEPT_ATTR,
        "today": local_today(),
        "finalize_form": FinalizeForm(formdata=None),
        "recheck_form": RecheckForm(formdata=None),
        "rechecks": db.session.execute(
            select(Inspection).where(Inspection.recheck_of_id == inspection.id).order_by(Inspection.id)
        ).scalars().all(),
    }
    context.update(overrides)
    if context["editable"] and "form" not in context:
        context["form"] = results_form(inspection)
    return render_template("standards/inspection.html", **context), status


def _load_inspection(inspection_id: int) -> Inspection:
    # Every result and its item are shown: load them with the inspection, not one query per row.
    return scoped_get_or_404(
        Inspection, inspection_id,
        selectinload(Inspection.results).joinedload(InspectionResult.item),
        selectinload(Inspection.rectifications).joinedload(Rectification.item),
        joinedload(Inspection.organization), joinedload(Inspection.region),
        joinedload(Inspection.version).joinedload(StandardVersion.standard),
    )


@bp.route("/inspections/<int:inspection_id>")
@login_required
def inspection(inspection_id: int):
    return _inspection_page(_load_inspection(inspection_id))


class _Refused(Exception):
    """The posted page could not be saved as it is; ``response`` re-renders it with the errors."""

    def __init__(self, response):
        self.response = response


def _save_posted_results(inspection: Inspection, form) -> None:
    """Save everything the inspection page posted; raise _Refused with the page to show otherwise.

    The page is one form: 保存, 保存并提交 and 定稿签字 all post every result typed on it."""
    if not form.validate_on_submit():
        raise _Refused(_inspection_page(inspection, status=422, form=form))
    try:
        upload_errors = services.save_inspection(
            inspection, current_user, inspected_on=form.inspected_on.data, inspectors=form.inspectors.data or "",
            summary=form.summary.data or "", values=submitted_results(form, inspection),
            uploads={r.id: request.files.getlist(f"evidence_{r.id}") for r in inspection.results},
            remove_attachment_ids=request.form.getlist("remove_evidence", type=int),
        )
    except RuleError as error:
        db.session.rollback()
        form.summary.errors.append(str(error))
        raise _Refused(_inspection_page(_load_inspection(inspection.id), status=422, form=form)) from error
    if upload_errors:
        db.session.commit()  # what was valid is kept; the refused files are named at their items
        raise _Refused(_inspection_page(inspection, status=422, form=form, upload_errors=upload_errors))


@bp.route("/inspections/<int:inspection_id>", methods=["POST"])
@login_required
def save_inspection(inspection_id: int):
    """Save the header, every item's result and note, evidence added or removed; optionally submit."""
    inspection = _load_inspection(inspection_id)
    if not services.can_edit(inspection, current_user):
        abort(403)
    try:
        _save_posted_results(inspection, results_form(inspection))
    except _Refused as refused:
        return refused.response
    message = ("已保存。", "success")
    if request.form.get("action") == "submit":
        try:
            services.submit(inspection, current_user)
        except RuleError as error:
            message = (f"已保存，但未能提交：{error}", "error")
        else:
            message = ("检查已提交，等待县级审核定稿。" if inspection.kind == InspectionKind.SELF_CHECK else "检查已提交。",
                       "success")
    db.session.commit()
    flash(*message)
    return redirect(url_for("standards.inspection", inspection_id=inspection.id), 303)


@bp.route("/inspections/<int:inspection_id>/return", methods=["POST"])
@county_required
def return_inspection(inspection_id: int):
    inspection = _load_inspection(inspection_id)
    try:
        services.return_to_draft(inspection, current_user)
    except RuleError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("已退回修改。", "success")
    return redirect(url_for("standards.inspection", inspection_id=inspection.id), 303)


@bp.route("/inspections/<int:inspection_id>/finalize", methods=["POST"])
@county_required
def finalize_inspection(inspection_id: int):
    """定稿签字, after saving whatever the page's results say, so a choice not yet saved is not lost."""
    inspection = _load_inspection(inspection_id)
    form = FinalizeForm()
    results = None
    if request.form.get("with_results") and services.can_edit(inspection, current_user):
        results = results_form(inspection)
        try:
            _save_posted_results(inspection, results)
        except _Refused as refused:
            return refused.response
    if not form.validate_on_submit():
        db.session.commit()  # the results just saved stay saved
        return _finalize_failed(inspection, form, results)
    try:
        rectifications = services.finalize(
            inspection, current_user, signed_by=form.signed_by.data, signed_on=form.signed_on.data,
            due_on=form.due_on.data, owner=form.owner.data or "",
        )
    except RuleError as error:
        db.session.commit()
        form.signed_by.errors.append(str(error))
        return _finalize_failed(inspection, form, results)
    db.session.commit()
    message = f"已定稿签字，结论：{inspection.verdict.label}。"
    if rectifications:
        message += f"已生成 {len(rectifications)} 项整改。"
    flash(message, "success")
    return redirect(url_for("standards.inspection", inspection_id=inspection.id), 303)


def _finalize_failed(inspection: Inspection, form: FinalizeForm, results=None):
    extra = {"form": results} if results is not None else {}
    return _inspection_page(inspection, status=422, finalize_form=form, **extra)


@bp.route("/inspections/<int:inspection_id>/recheck", methods=["POST"])
@county_required
def recheck(inspection_id: int):
    original = _load_inspection(inspection_id)
    form = RecheckForm()
    if not form.validate_on_submit():
        return _inspection_page(original, status=422, recheck_form=form)
    try:
        inspection = services.start_recheck(original, user=current_user, inspected_on=form.inspected_on.data,
                                            inspectors=form.inspectors.data or "")
    except RuleError as error:
        form.inspected_on.errors.append(str(error))
        return _inspection_page(original, status=422, recheck_form=form)
    db.session.commit()
    flash("已创建复查，请逐项填写。", "success")
    return redirect(url_for("standards.inspection", inspection_id=inspection.id), 303)


def _year_arg() -> int:
    """The ``year`` asked for, within reason; this year otherwise."""
    year = request.args.get("year", "")
    return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else local_today().year


@bp.route("/inspections/self-checks", methods=["GET", "POST"])
@login_required
def self_checks():
    """Who has self-checked this year, and the county's spot-check sample drawn from them."""
    year = _year_arg()
    rows = services.self_check_status(year)
    form = SpotCheckForm()
    status = 200
    if request.method == "POST":
        if not current_user.is_county:
            abort(403)
        if form.validate_on_submit():
            try:
                created = services.start_spot_checks(
                    [org for org, _ in rows], form.size.data, user=current_user,
                    inspected_on=form.inspected_on.data, inspectors=form.inspectors.data or "",
                )
            except RuleError as error:
                db.session.rollback()
                form.size.errors.append(str(error))
            else:
                db.session.commit()
                flash(f"已抽取 {len(created)} 个组织并生成抽查草稿：" + "、".join(i.organization.name for i in created), "success")
                return redirect(url_for("standards.inspections", kind=InspectionKind.SPOT_CHECK.value, status="draft"), 303)
        status = 422
    done = sum(1 for _, check in rows if check is not None)
    return render_template("standards/self_checks.html", rows=rows, year=year, form=form, done=done,
                           is_county=current_user.is_county), status


@bp.app_template_global()
def organization_inspections(organization: Organization) -> list[Inspection]:
    """For the organisation page, which includes this domain's section about it."""
    return db.session.execute(
        select(Inspection)
        .where(Inspection.organization_id == organization.id)
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    ).scalars().all()
