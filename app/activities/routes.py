"""赛事活动: the ledger and its Excel, an activity's page, registering and editing, and one address
per step (报备, 审核, 信息上报, 取消). Each step validates its form, makes one service call and
commits once; a refused step rolls back and shows the page again (422), as the user typed it."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.activities import bp, exports, rules, services
from app.activities.forms import ActivityFilters, ActivityForm, CancelForm, DecisionForm, FilingForm, ReportForm
from app.activities.models import Activity, ActivityLevel
from app.attachments import kept
from app.audit.history import history_for
from app.extensions import db
from app.htmx import render_results
from app.kept_results import kept_for_the_day
from app.organizations.models import Organization
from app.pagination import paginate, print_view
from app.permissions import county_required, writer_required
from app.printing.downloads import ascii_name, file_name, send_download
from app.reports import REGISTRY_FIGURES
from app.rules import RuleError
from app.scoping import scoped_get_or_404
from app.timeutil import local_today
from app.versioning import StaleEdit


def _filter_organization(filters: ActivityFilters) -> Organization | None:
    """The organisation the list is narrowed to (its name heads the list), if in scope."""
    if filters.organization_id is None:
        return None
    return db.session.execute(select(Organization).where(Organization.id == filters.organization_id)).scalar_one_or_none()


@bp.route("/activities")
@login_required
def index():
    filters = ActivityFilters()
    results = kept_for_the_day((REGISTRY_FIGURES,), "activities/_rows.html", lambda today: dict(
        page=paginate(services.activity_query(filters, today)), filters=filters, q=filters.q.data))
    return render_results("activities/index.html", results, filters=filters, q=filters.q.data,
                          organization=_filter_organization(filters))


@bp.route("/activities.xlsx")
@login_required
def export():
    """The ledger as the filters select it, every row, as a workbook."""
    today = local_today()
    rows = db.session.execute(services.activity_query(ActivityFilters(), today, exports.COLUMNS)
                              .limit(exports.EXPORT_LIMIT)).scalars()
    return send_download(exports.activities_workbook(rows), file_name("赛事活动台账", f"{today:%Y%m%d}", suffix=".xlsx"),
                         fallback=ascii_name("activities", current_user.region.code, today, suffix=".xlsx"))


@bp.route("/activities/print-view")
@login_required
def print_list():
    """The ledger as the filters select it, as paper (the browser prints it)."""
    filters = ActivityFilters()
    return print_view("赛事活动台账", "activities/_table.html", services.activity_query(filters, local_today()), filters,
                      "activities.index")


# ---------------------------------------------------------------- one activity

PAGE_LOADS = (joinedload(Activity.organization), joinedload(Activity.region))  # named on the page


def _page(activity: Activity, status: int = 200, **overrides):
    today = local_today()
    files = services.files_of(activity)
    context = {
        "activity": activity,
        "today": today,
        "rules_documents": files[services.RULES_CAPTION],
        "photos": files[services.PHOTO_CAPTION],
        "history": history_for(activity),
        "can_write": current_user.can_write,
        "is_county": current_user.is_county,
        "can_edit": rules.edit_problem(activity) is None,
        "can_file": activity.needs_filing and activity.status in rules.FILEABLE,
        "report_problem": rules.report_problem(activity, today),
        "can_cancel": rules.cancel_problem(activity) is None,
        "filing_form": FilingForm(formdata=None, obj=activity),
        "decision_form": DecisionForm(formdata=None, obj=activity),
        "report_form": ReportForm(formdata=None, obj=activity),
        "cancel_form": CancelForm(formdata=None, obj=activity),
        "kept_files": [],  # files accepted from a refused step: (file, token)
        "stale": None,
    }
    context.update(overrides)
    return render_template("activities/detail.html", **context), status


@bp.route("/activities/<int:activity_id>")
@login_required
def detail(activity_id: int):
    return _page(scoped_get_or_404(Activity, activity_id, *PAGE_LOADS))


def _form_page(form: ActivityForm, organization: Organization, activity: Activity | None, status: int, stale=None):
    return render_template("activities/form.html", form=form, organization=organization, activity=activity,
                           stale=stale), status


@bp.route("/organizations/<int:org_id>/activities/new", methods=["GET", "POST"])
@writer_required
def new(org_id: int):
    organization = scoped_get_or_404(Organization, org_id)
    form = ActivityForm()
    if not form.is_submitted():
        form.organiser.data = organization.name
        if organization.level.value in ActivityLevel._value2member_map_:
            form.level.data = organization.level.value
    if form.validate_on_submit():
        try:
            activity = services.create_activity(organization, form.activity_fields(), current_user)
        except RuleError as error:
            db.session.rollback()
            error.show_on(form)
        else:
            db.session.commit()
            flash(f"已登记“{activity.title}”。" + ("该活动须报备：请上传活动规程并提交报备。" if activity.needs_filing else ""),
                  "success")
            return redirect(url_for("activities.detail", activity_id=activity.id), 303)
    return _form_page(form, organization, None, 422 if form.is_submitted() else 200)


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@writer_required
def edit(activity_id: int):
    activity = scoped_get_or_404(Activity, activity_id)
    if (problem := rules.edit_problem(activity)) is not None:
        flash(problem[0], "error")
        return redirect(url_for("activities.detail", activity_id=activity.id), 303)
    form = ActivityForm(obj=activity)
    stale = None
    if form.validate_on_submit():
        try:
            services.update_activity(activity, form.activity_fields(), current_user, form.opened_version)
        except StaleEdit as error:
            db.session.rollback()
            activity = scoped_get_or_404(Activity, activity_id)
            error.show_on(form)
            form.reopen_at(activity)
            stale = error.latest
        except RuleError as error:
            db.session.rollback()
            error.show_on(form)
        else:
            db.session.commit()
            flash("活动信息已保存。", "success")
            return redirect(url_for("activities.detail", activity_id=activity.id), 303)
    status = (409 if stale else 422) if form.is_submitted() else 200
    return _form_page(form, activity.organization, activity, status, stale)


def _stale(activity_id: int, error: StaleEdit, form, **overrides):
    """Someone acted on the activity meanwhile: show what they did, keep what was typed."""
    db.session.rollback()
    activity = scoped_get_or_404(Activity, activity_id)
    form.form_errors.append(error.message)
    form.reopen_at(activity)
    return _page(activity, 409, stale=error.latest, **overrides)


def _step(activity_id: int, form, form_name: str, action, done: str, *, files_field: str | None = None,
          fallback: str | None = None):
    """One step on the activity: ``action(activity, prepared files)`` with ``form`` valid; the
    files of ``files_field`` are kept across a refusal, so they need not be chosen again."""
    activity = scoped_get_or_404(Activity, activity_id)
    prepared, refused = kept.gather(request, request.files.getlist(files_field)) if files_field else ([], [])
    kept_files = [(f, kept.token(f)) for f in prepared]
    valid = form.validate_on_submit()
    if refused:
        field = form[files_field]
        field.errors = [*field.errors, *refused, "请重新选择被拒绝的文件；其他文件和已填写的内容已保留。"]
    if not valid or refused:
        return _page(activity, 422, **{form_name: form, "kept_files": kept_files})
    try:
        action(activity, prepared)
    except StaleEdit as error:
        return _stale(activity_id, error, form, **{form_name: form, "kept_files": kept_files})
    except RuleError as error:
        db.session.rollback()
        error.show_on(form, fallback)
        return _page(scoped_get_or_404(Activity, activity_id), 422, **{form_name: form, "kept_files": kept_files})
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("activities.detail", activity_id=activity_id), 303)


@bp.route("/activities/<int:activity_id>/file", methods=["POST"])
@writer_required
def file(activity_id: int):
    """报备: send the activity with its 规程 to the county."""
    form = FilingForm()
    return _step(activity_id, form, "filing_form", lambda activity, documents: services.file_activity(
        activity, current_user, documents, opened_version=form.opened_version),
        "已提交报备，等待县级审核。", files_field="rules_document", fallback="rules_document")


def _decide(activity_id: int, approve: bool, done: str):
    form = DecisionForm()
    return _step(activity_id, form, "decision_form", lambda activity, _: services.decide_filing(
        activity, current_user, approve, form.note.data or "", opened_version=form.opened_version), done,
        fallback="note")


@bp.route("/activities/<int:activity_id>/approve", methods=["POST"])
@county_required
def approve(activity_id: int):
    return _decide(activity_id, True, "已同意报备。")


@bp.route("/activities/<int:activity_id>/return", methods=["POST"])
@county_required
def send_back(activity_id: int):
    return _decide(activity_id, False, "已退回报备，组织修改后可重新提交。")


@bp.route("/activities/<int:activity_id>/report", methods=["POST"])
@writer_required
def report(activity_id: int):
    """信息上报: the participants, what came of it, photos."""
    form = ReportForm()
    return _step(activity_id, form, "report_form", lambda activity, photos: services.report_activity(
        activity, current_user, form.actual_participants.data, form.results.data or "", photos,
        opened_version=form.opened_version), "活动信息已上报。", files_field="photos", fallback="results")


@bp.route("/activities/<int:activity_id>/cancel", methods=["POST"])
@writer_required
def cancel(activity_id: int):
    form = CancelForm()
    return _step(activity_id, form, "cancel_form", lambda activity, _: services.cancel_activity(
        activity, current_user, opened_version=form.opened_version), "活动已取消。")
