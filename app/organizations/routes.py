from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from app.attachments import kept
from app.attachments.services import attachments_for
from app.audit.history import history_for
from app.extensions import db
from app.htmx import render_results
from app.kept_results import kept_for_the_day
from app.organizations import bp, importing, services
from app.organizations.forms import ConfirmImportForm, EventForm, ImportForm, OrganizationFilters, OrganizationForm
from app.organizations.models import EventKind, LifecycleEvent, Organization, ReviewResult
from app.organizations.panels import render_panels
from app.pagination import paginate
from app.parsing import parse_year
from app.permissions import writer_required
from app.printing.downloads import ascii_name, file_name, send_download
from app.regions.models import Region, RegionLevel
from app.regions.services import region_choices
from app.reports import REGISTRY_FIGURES
from app.rules import RuleError
from app.scoping import scoped_get_or_404
from app.spreadsheets import pending
from app.spreadsheets.imports import MAX_FILE_BYTES
from app.timeutil import local_today
from app.versioning import StaleEdit

# Viewers read; everyone else keeps the registry of their own subtree (the scope sees to that).
IMPORT_TOKENS = "organization_imports"  # session key: the uploads this browser may confirm


def _filtered(filters: OrganizationFilters, today):
    region = None
    if filters.region_id is not None:
        region = db.session.execute(select(Region).where(Region.id == filters.region_id)).scalar_one_or_none()
    stmt = services.organization_query(term=filters.q.data, kind=filters.kind.data, region=region,
                                       status_term=filters.term.data, today=today)
    return filters.ordered(stmt)


def _filter_regions():
    # Two levels below the user's own, down to townships at most: a province's 2,000 townships
    # (or a county's villages) would make the box too long to use and the page heavy to load.
    deepest = current_user.region.level.depth + 2
    return region_choices(levels=tuple(level for level in (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
                                       if level.depth <= deepest))


@bp.route("/organizations")
@login_required
def index():
    filters = OrganizationFilters()
    results = kept_for_the_day((REGISTRY_FIGURES,), "organizations/_rows.html", lambda today: dict(
        page=paginate(_filtered(filters, today)), filters=filters, q=filters.q.data, today=today,
        term_status=services.term_status))
    return render_results("organizations/index.html", results, filters=filters, q=filters.q.data,
                          region_options=_filter_regions)


@bp.route("/organizations/export.xlsx")
@login_required
def export():
    today = local_today()
    organizations = db.session.execute(_filtered(OrganizationFilters(), today)).scalars().all()
    data = importing.export_workbook(organizations, today)
    return send_download(data, file_name("体育社会组织名册", f"{today:%Y%m%d}", suffix=".xlsx"),
                         fallback=ascii_name("organizations", current_user.region.code, today, suffix=".xlsx"))


@bp.route("/organizations/<int:org_id>")
@login_required
def detail(org_id: int):
    organization = scoped_get_or_404(Organization, org_id)
    today = local_today()
    events = organization.events
    return render_template(
        "organizations/detail.html", organization=organization, today=today,
        term=services.term_status(organization, today), days_left=services.days_left(organization, today),
        events=events, documents=attachments_for(LifecycleEvent.__tablename__, [e.id for e in events]),
        reviews=services.review_history(organization, today), history=history_for(organization),
        can_write=current_user.can_write, event_kinds=services.allowed_event_kinds(organization),
        warning_days=services.TERM_WARNING_DAYS, panels=render_panels(organization),
    )


def _organization_form(organization: Organization | None = None) -> OrganizationForm:
    form = OrganizationForm(obj=organization, organization=organization)
    form.region_id.choices = region_choices(levels=services.ORG_REGION_LEVELS)
    if organization is not None and organization.region_id not in {c.value for c in form.region_id.choices}:
        # A region deactivated since: keep it selectable for this record.
        form.region_id.choices.append(SelectChoice(organization.region_id, f"{organization.region.name}（已停用）"))
    if organization is None and not form.is_submitted():
        home = current_user.region
        if home.level in services.ORG_LEVEL_FOR:
            form.region_id.data = home.id
            form.level.data = services.ORG_LEVEL_FOR[home.level].value
    return form


@bp.route("/organizations/new", methods=["GET", "POST"])
@writer_required
def new():
    form = _organization_form()
    if form.validate_on_submit():
        try:
            organization = services.create_organization(form.organization_fields())
        except RuleError as error:
            error.show_on(form)
        else:
            db.session.commit()
            flash(f"已登记“{organization.name}”。", "success")
            return redirect(url_for("organizations.detail", org_id=organization.id), 303)
    return render_template("organizations/form.html", form=form, organization=None), \
        422 if form.is_submitted() else 200


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@writer_required
def edit(org_id: int):
    organization = scoped_get_or_404(Organization, org_id)
    form = _organization_form(organization)
    stale = None
    if form.validate_on_submit():
        try:
            services.update_organization(organization, form.organization_fields(), form.opened_version)
        except StaleEdit as error:
            error.show_on(form)
            form.reopen_at(organization)
            stale = error.latest
        except RuleError as error:
            error.show_on(form)
        else:
            db.session.commit()
            flash("组织信息已保存。", "success")
            return redirect(url_for("organizations.detail", org_id=organization.id), 303)
    status = (409 if stale else 422) if form.is_submitted() else 200
    return render_template("organizations/form.html", form=form, organization=organization, stale=stale), status


@bp.route("/organizations/<int:org_id>/events/new", methods=["GET", "POST"])
@writer_required
def new_event(org_id: int):
    organization = scoped_get_or_404(Organization, org_id)
    kinds = services.allowed_event_kinds(organization)
    if not kinds:
        flash("该组织已注销，不能再登记其他事项。", "error")
        return redirect(url_for("organizations.detail", org_id=organization.id), 303)
    form = EventForm(kinds=kinds)
    if request.method == "GET":  # links like 登记年审 2025 preselect what they are about
        if request.args.get("kind") in {k.value for k in kinds}:
            form.kind.data = request.args["kind"]
        if (year := parse_year(request.args.get("review_year"))) is not None:
            form.review_year.data = year
    documents, refused = kept.gather(request, form.documents.data or []) if form.is_submitted() else ([], [])
    valid = form.validate_on_submit()
    if refused:
        form.documents.errors = [*form.documents.errors, *refused, "请重新选择被拒绝的文件；其他文件和已填写的内容已保留。"]
    if valid and not refused:
        try:
            outcome = services.record_event(
                organization, EventKind(form.kind.data), form.event_date.data,
                approved_on=form.approved_on.data, approval_number=form.approval_number.data or "",
                description=form.description.data or "", review_year=form.review_year.data,
                review_result=ReviewResult(form.review_result.data) if form.review_result.data else None,
                documents=documents,
            )
        except RuleError as error:
            db.session.rollback()
            error.show_on(form)
        else:
            db.session.commit()
            flash(f"已登记{outcome.event.kind.label}。", "success")
            for warning in outcome.warnings:
                flash(warning, "warning")
            return redirect(url_for("organizations.detail", org_id=organization.id), 303)
    return render_template("organizations/event_form.html", form=form, organization=organization,
                           kept_files=[(f, kept.token(f)) for f in documents]), 422 if form.is_submitted() else 200


# ---------------------------------------------------------------- Excel import

@bp.route("/organizations/import/template.xlsx")
@login_required
def import_template():
    return send_download(importing.roster_template(), "体育社会组织名册导入模板.xlsx",
                         fallback="organizations-import-template.xlsx")


def _remember_upload(token: str) -> None:
    session[IMPORT_TOKENS] = (session.get(IMPORT_TOKENS, []) + [token])[-5:]


def _forget_upload(token: str) -> None:
    session[IMPORT_TOKENS] = [t for t in session.get(IMPORT_TOKENS, []) if t != token]
    pending.discard_upload(token)


def _preview(preview, token: str | None, status: int = 200):
    return render_template("organizations/import_preview.html", preview=preview, columns=importing.COLUMNS,
                           count_actions=importing.count_actions, confirm_label=importing.confirm_label,
                           confirm_form=ConfirmImportForm(token=token) if token else None), status


@bp.route("/organizations/import", methods=["GET", "POST"])
@writer_required
def import_roster():
    """Upload → preview (nothing written) → confirm (all rows in one transaction, or none)."""
    if request.method == "POST" and "token" in request.form:
        return _confirm_import()
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(MAX_FILE_BYTES + 1)
        try:
            preview = importing.RosterImport().preview(data)
        except RuleError as error:
            form.file.errors.append(str(error))
        else:
            token = None
            if preview.ok:
                token = pending.keep_upload(data)
                _remember_upload(token)
            return _preview(preview, token)
    return render_template("organizations/import.html", form=form, columns=importing.COLUMNS,
                           max_rows=importing.MAX_ROWS), 422 if form.is_submitted() else 200


def _confirm_import():
    form = ConfirmImportForm()
    token = form.token.data or ""
    path = pending.upload_path(token) if token in session.get(IMPORT_TOKENS, []) else None
    if not form.validate_on_submit() or path is None:
        flash("这份名册已导入或已过期，请重新上传。", "error")
        return redirect(url_for("organizations.import_roster"), 303)
    roster = importing.RosterImport()
    try:
        preview = roster.preview(path.read_bytes())
    except RuleError as error:
        _forget_upload(token)
        flash(str(error), "error")
        return redirect(url_for("organizations.import_roster"), 303)
    if not preview.ok:
        # The registry changed since the preview (someone added one of these organisations, say).
        _forget_upload(token)
        return _preview(preview, None, 422)
    counts = importing.count_actions(preview.rows)
    try:
        roster.confirm(preview)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("导入时发现与已有组织重复的数据，未导入任何组织。请重新上传名册检查。", "error")
        return redirect(url_for("organizations.import_roster"), 303)
    _forget_upload(token)
    flash(importing.done_message(counts), "success")
    return redirect(url_for("organizations.index"), 303)

