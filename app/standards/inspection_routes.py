"""Inspections: the list, start one, the inspection page, and one address per action on it
(保存, 提交, 退回, 定稿签字, 复查), the self-check overview and the spot-check draw.

Each action view validates its own form, makes one service call and commits once; a refused
action rolls back and shows the page again (422) with everything as the user typed it."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.activities import evidence as activity_evidence
from app.activities.models import ActivityEvidence
from app.attachments.services import ACCEPT_ATTR, attachments_for
from app.audit.history import history_for
from app.extensions import db
from app.forms import EditForm
from app.htmx import is_fragment_request, render, render_results
from app.kept_results import kept_for_the_day
from app.organizations.models import Organization
from app.pagination import paginate, print_view
from app.parsing import parse_year
from app.permissions import county_required
from app.printing.downloads import ascii_name, file_name, send_download
from app.reports import REGISTRY_FIGURES
from app.rules import RuleError
from app.scoping import scoped_get_or_404
from app.standards import exports
from app.standards import inspections as services
from app.standards.forms import (
    FinalizeForm,
    InspectionFilters,
    NewInspectionForm,
    RecheckForm,
    ReturnInspectionForm,
    SpotCheckForm,
)
from app.standards.inspection_form import (
    activities_field_name,
    activities_form,
    kept_tokens,
    posted_entry,
    posted_uploads,
    results_form,
)
from app.standards.models import Inspection, InspectionKind, InspectionResult, Rectification, StandardVersion
from app.standards.rules import allowed_kinds, can_edit
from app.timeutil import local_today
from app.versioning import StaleEdit, require_version

bp = Blueprint("inspections", __name__)

RESULT_OWNER = InspectionResult.__tablename__


@bp.route("/inspections")
@login_required
def index():
    filters = InspectionFilters()
    results = kept_for_the_day((REGISTRY_FIGURES,), "standards/_inspection_rows.html", lambda today: dict(
        page=paginate(services.inspection_query(filters)), filters=filters))
    return render_results("standards/inspections.html", results, filters=filters, q=filters.q.data)


@bp.route("/inspections.xlsx")
@login_required
def export():
    """The list as the filters select it, every row, as a workbook."""
    rows = db.session.execute(services.inspection_query(InspectionFilters()).limit(exports.EXPORT_LIMIT)).scalars()
    today = local_today()
    return send_download(exports.inspections_workbook(rows), file_name("检查验收", f"{today:%Y%m%d}", suffix=".xlsx"),
                         fallback=ascii_name("inspections", current_user.region.code, today, suffix=".xlsx"))


@bp.route("/inspections/print-view")
@login_required
def print_list():
    """The list as the filters select it, as paper (the browser prints it)."""
    filters = InspectionFilters()
    return print_view("检查验收台账", "standards/_inspection_table.html", services.inspection_query(filters), filters,
                      "inspections.index")


@bp.route("/organizations/<int:org_id>/inspections/new", methods=["GET", "POST"])
@login_required
def new(org_id: int):
    organization = scoped_get_or_404(Organization, org_id)
    kinds = allowed_kinds(current_user)
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
            db.session.rollback()
            error.show_on(form)
        else:
            db.session.commit()
            flash(f"已创建{inspection.kind.label}，请逐项填写检查结果。", "success")
            return redirect(url_for("inspections.detail", inspection_id=inspection.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("standards/new_inspection.html", form=form, organization=organization,
                           standard=standard), status


def _load(inspection_id: int) -> Inspection:
    # Every result and its item are shown: load them with the inspection, not one query per row.
    return scoped_get_or_404(
        Inspection, inspection_id,
        selectinload(Inspection.results).options(
            joinedload(InspectionResult.item),
            # Only the 有活动 item holds any: joined to the results, not a query of its own.
            joinedload(InspectionResult.activity_evidence).joinedload(ActivityEvidence.activity),
        ),
        selectinload(Inspection.rectifications).joinedload(Rectification.item),
        joinedload(Inspection.organization), joinedload(Inspection.region),
        joinedload(Inspection.version).joinedload(StandardVersion.standard),
    )


def _page(inspection: Inspection, status: int = 200, **overrides):
    """The inspection page; ``overrides`` carry a form as the user typed it, with its errors."""
    context = {
        "inspection": inspection,
        "editable": can_edit(inspection, current_user),
        "is_county": current_user.is_county,
        "evidence": attachments_for(RESULT_OWNER, [r.id for r in inspection.results]),
        "upload_errors": {},
        "kept": {},  # files accepted from a refused submit, by result id: (file, token)
        "stale": None,
        "unanswered": False,
        "accept": ACCEPT_ATTR,
        "today": local_today(),
        "finalize_form": FinalizeForm(formdata=None, signed_by=current_user.display_name),
        "recheck_form": RecheckForm(formdata=None),
        "return_form": ReturnInspectionForm(formdata=None),
        "history": history_for(inspection, limit=30),
        "rechecks": db.session.execute(
            select(Inspection).where(Inspection.recheck_of_id == inspection.id).order_by(Inspection.id)
        ).scalars().all(),
    }
    context.update(overrides)
    if context["editable"] and "form" not in context:
        context["form"] = results_form(inspection)
    context.update(_activity_context(inspection, context["editable"]))
    return render_template("standards/inspection.html", **context), status


def _activity_context(inspection: Inspection, editable: bool) -> dict:
    """What an item that takes activities shows: the period's activities to tick while the
    inspection can change, the attached ones (loaded with the results) otherwise."""
    return {"activity_choices": activity_evidence.evidence_choices(inspection) if editable else {},
            "activity_period": activity_evidence.evidence_period(inspection.inspected_on)}


def _refused(inspection_id: int, error: RuleError, fallback: str, uploads=None, **forms):
    """Roll back what the action began and show the page again, the forms as they were posted
    and the files accepted from ``uploads`` kept for the next submit."""
    db.session.rollback()
    inspection = _load(inspection_id)
    kept = kept_tokens(uploads or {})
    if isinstance(error, StaleEdit):  # someone saved meanwhile: show it, keep what was typed
        shown = next((f for f in forms.values() if isinstance(f, EditForm)), None) or next(iter(forms.values()))
        shown.form_errors.append(error.message)
        for form in forms.values():
            if isinstance(form, EditForm):
                form.reopen_at(inspection)
        return _page(inspection, 409, stale=error.latest, kept=kept, **forms)
    upload_errors = getattr(error, "by_result", {})
    if upload_errors:
        error = RuleError("有文件未能上传，本次未提交；请重新选择被拒绝的文件后再试。", "summary")
    candidates = list(forms.values())
    unanswered = services.UNANSWERED in error.problems
    for field, message in error.problems.items():
        name = field or fallback
        RuleError(message, name).show_on(next((f for f in candidates if name in f), candidates[0]))
    return _page(inspection, 422, upload_errors=upload_errors, unanswered=unanswered, kept=kept, **forms)


@bp.route("/inspections/<int:inspection_id>")
@login_required
def detail(inspection_id: int):
    return _page(_load(inspection_id))


def _post_results(inspection_id: int, action, done):
    """Run ``action(inspection, user, entry)`` on what the results form posted and commit once;
    refused files ``action`` returns (if any) are named at their items after the rest is kept.
    ``done(inspection)`` is the message to flash."""
    inspection = _load(inspection_id)
    if not can_edit(inspection, current_user):
        abort(403)
    form = results_form(inspection)
    uploads = posted_uploads(inspection, request)
    if not form.validate_on_submit():
        return _page(inspection, 422, form=form, kept=kept_tokens(uploads), upload_errors=services.refused_files(uploads))
    try:
        refused = action(inspection, current_user, posted_entry(form, inspection, request, uploads))
    except RuleError as error:
        return _refused(inspection_id, error, "summary", uploads, form=form)
    db.session.commit()
    if refused:
        return _page(_load(inspection_id), 422, form=form, upload_errors=refused)
    flash(done(inspection), "success")
    return redirect(url_for("inspections.detail", inspection_id=inspection_id), 303)


@bp.route("/inspections/<int:inspection_id>", methods=["POST"])
@login_required
def save(inspection_id: int):
    """保存: the header, every item's result and note, evidence added or removed."""
    return _post_results(inspection_id, services.save, lambda inspection: "已保存。")


@bp.route("/inspections/<int:inspection_id>/items/<int:result_id>/activities", methods=["POST"])
@login_required
def choose_activities(inspection_id: int, result_id: int):
    """One item's activities as evidence, saved as soon as a box is ticked (htmx swaps that
    item's list and moves the page's row version on). Without JavaScript the boxes are saved
    with the page (保存), so nothing else typed on it is lost."""
    inspection = _load(inspection_id)
    row = next((r for r in inspection.results if r.id == result_id), None)
    if row is None or not activity_evidence.takes_activities(row.item):
        abort(404)
    if not can_edit(inspection, current_user):
        abort(403)
    posted = activities_form(row)
    name = activities_field_name(row)
    try:
        if not posted.validate_on_submit():
            raise RuleError(next(iter(posted.errors.get(name, []) or ["请重新选择活动。"])), name)
        require_version(inspection, posted.opened_version)
        activity_evidence.choose_activities(row, posted[name].data, current_user)
    except RuleError as error:
        db.session.rollback()
        inspection = _load(inspection_id)
        form = results_form(inspection, formdata=None)
        form[name].data = posted[name].data
        RuleError(error.message, name).show_on(form)
        status = 409 if isinstance(error, StaleEdit) else 422
        if is_fragment_request():
            return _activities_fragment(inspection, row.id, form), status
        return _page(inspection, status, form=form, stale=getattr(error, "latest", None))
    db.session.commit()
    if is_fragment_request():
        return _activities_fragment(_load(inspection_id), row.id)
    flash("已保存作为佐证的活动。", "success")
    return redirect(url_for("inspections.detail", inspection_id=inspection_id, _anchor=f"item-{row.id}"), 303)


def _activities_fragment(inspection: Inspection, result_id: int, form=None):
    """One item's activities, and the page's row version moved on (an out-of-band swap), so the
    page's next 保存 is not refused as someone else's change."""
    row = next(r for r in inspection.results if r.id == result_id)
    return render("standards/_activity_evidence.html", inspection=inspection, row=row,
                  form=form or results_form(inspection, formdata=None), oob_version=True,
                  **_activity_context(inspection, True))


@bp.route("/inspections/<int:inspection_id>/submit", methods=["POST"])
@login_required
def submit(inspection_id: int):
    """保存并提交: the page's results are saved and handed in together, or neither."""
    return _post_results(inspection_id, services.submit, lambda inspection: (
        "检查已提交，等待县级审核定稿。" if inspection.kind == InspectionKind.SELF_CHECK else "检查已提交。"))


@bp.route("/inspections/<int:inspection_id>/return", methods=["POST"])
@county_required
def return_to_draft(inspection_id: int):
    inspection = _load(inspection_id)
    form = ReturnInspectionForm()
    if not form.validate_on_submit():
        return _page(inspection, 422, return_form=form)
    try:
        services.return_to_draft(inspection, current_user, form.reason.data)
    except RuleError as error:
        return _refused(inspection_id, error, "reason", return_form=form)
    db.session.commit()
    flash("已退回修改，乡镇将看到退回原因。", "success")
    return redirect(url_for("inspections.detail", inspection_id=inspection.id), 303)


@bp.route("/inspections/<int:inspection_id>/finalize", methods=["POST"])
@county_required
def finalize(inspection_id: int):
    """保存并定稿签字: the results chosen on the page are saved with the signature, so none is lost."""
    inspection = _load(inspection_id)
    finalize_form = FinalizeForm()
    results = None
    if request.form.get("with_results") and can_edit(inspection, current_user):
        results = results_form(inspection)
    forms = {"finalize_form": finalize_form} | ({"form": results} if results is not None else {})
    uploads = posted_uploads(inspection, request) if results is not None else {}
    if not finalize_form.validate_on_submit() or (results is not None and not results.validate()):
        return _page(inspection, 422, kept=kept_tokens(uploads), upload_errors=services.refused_files(uploads), **forms)
    try:
        rectifications = services.finalize(
            inspection, current_user, signed_by=finalize_form.signed_by.data, signed_on=finalize_form.signed_on.data,
            due_on=finalize_form.due_on.data, owner=finalize_form.owner.data or "",
            entry=posted_entry(results, inspection, request, uploads) if results is not None else None,
        )
    except RuleError as error:
        return _refused(inspection_id, error, "signed_by", uploads, **forms)
    db.session.commit()
    message = f"已定稿签字，结论：{inspection.verdict.label}。"
    if rectifications:
        message += f"已生成 {len(rectifications)} 项整改。"
    flash(message, "success")
    return redirect(url_for("inspections.detail", inspection_id=inspection.id), 303)


@bp.route("/inspections/<int:inspection_id>/recheck", methods=["POST"])
@county_required
def recheck(inspection_id: int):
    original = _load(inspection_id)
    form = RecheckForm()
    if not form.validate_on_submit():
        return _page(original, 422, recheck_form=form)
    try:
        inspection = services.start_recheck(original, user=current_user, inspected_on=form.inspected_on.data,
                                            inspectors=form.inspectors.data or "")
    except RuleError as error:
        return _refused(inspection_id, error, "inspected_on", recheck_form=form)
    db.session.commit()
    flash("已创建复查，请逐项填写。", "success")
    return redirect(url_for("inspections.detail", inspection_id=inspection.id), 303)


def _year_arg() -> int:
    """The ``year`` asked for, within reason; this year otherwise."""
    return parse_year(request.args.get("year")) or local_today().year


def _self_checks_page(year: int, form: SpotCheckForm, status: int = 200):
    rows = services.self_check_status(year)
    done = sum(1 for _, check in rows if check is not None)
    return render_template("standards/self_checks.html", rows=rows, year=year, form=form, done=done,
                           is_county=current_user.is_county), status


@bp.route("/inspections/self-checks")
@login_required
def self_checks():
    """Who has self-checked this year, and the form to draw the county's spot-check sample."""
    return _self_checks_page(_year_arg(), SpotCheckForm(formdata=None))


@bp.route("/inspections/spot-checks", methods=["POST"])
@county_required
def draw_spot_checks():
    """抽查: draw the sample from this year's township federations and open a draft for each."""
    year = _year_arg()
    form = SpotCheckForm()
    if not form.validate_on_submit():
        return _self_checks_page(year, form, 422)
    try:
        created = services.start_spot_checks(
            [org for org, _ in services.self_check_status(year)], form.size.data, user=current_user,
            inspected_on=form.inspected_on.data, inspectors=form.inspectors.data or "",
        )
    except RuleError as error:
        db.session.rollback()
        error.show_on(form, "size")
        return _self_checks_page(year, form, 422)
    db.session.commit()
    flash(f"已抽取 {len(created)} 个组织并生成抽查草稿：" + "、".join(i.organization.name for i in created), "success")
    return redirect(url_for("inspections.index", kind=InspectionKind.SPOT_CHECK.value, status="draft"), 303)
