"""Printed paper: an inspection's audit sheet and evidence appendix, a blank sheet of a standard
version, and batch printing as a background job."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from app.extensions import db
from app.forms import Form
from app.jobs import services as jobs
from app.permissions import read_only_allowed
from app.printing.downloads import ascii_name, send_download
from app.regions.models import Region, RegionLevel
from app.scoping import scoped_get_or_404
from app.standards import pdf
from app.standards.models import Inspection, InspectionKind, StandardVersion

bp = Blueprint("sheets", __name__)


@bp.route("/inspections/<int:inspection_id>/sheet.pdf")
@login_required
def audit_sheet(inspection_id: int):
    """检查表: finalized or not (a draft prints with a 草稿 watermark)."""
    inspection = scoped_get_or_404(Inspection, inspection_id)
    return send_download(pdf.audit_sheet_pdf(inspection), pdf.sheet_filename(inspection), inline=True,
                         fallback=ascii_name("audit-sheet", inspection.region.code, inspection.inspected_on,
                                             suffix=".pdf"))


@bp.route("/inspections/<int:inspection_id>/evidence.pdf")
@login_required
def evidence_sheet(inspection_id: int):
    """佐证材料: the photos attached to the inspection's items."""
    inspection = scoped_get_or_404(Inspection, inspection_id)
    name = pdf.filename(inspection.organization.name, "佐证材料", f"{inspection.inspected_on:%Y%m%d}")
    return send_download(pdf.evidence_pdf(inspection), name, inline=True,
                         fallback=ascii_name("evidence", inspection.region.code, inspection.inspected_on, suffix=".pdf"))


@bp.route("/standards/versions/<int:version_id>/blank.pdf")
@login_required
def blank_sheet(version_id: int):
    """A blank sheet of one standard version, to fill by hand on site; ``?inspection_id=`` prints
    it for that inspection (its organisation, date and code filled in)."""
    version = scoped_get_or_404(StandardVersion, version_id)
    inspection = None
    if "inspection_id" in request.args:
        inspection = scoped_get_or_404(Inspection, request.args["inspection_id"])
        if inspection.version_id != version.id:
            abort(404)
    name = pdf.filename(inspection.organization.name if inspection else "",
                        version.standard.title.removesuffix("标准"), "检查表", f"第{version.number}版", "空白")
    return send_download(pdf.blank_sheet_pdf(version, inspection), name, inline=True,
                         fallback=ascii_name("blank-sheet", version.standard.code, f"v{version.number}", suffix=".pdf"))


# --------------------------------------------------------------------------- batch printing

class BatchPrintForm(Form):
    region_id = SelectField("区划", validators=[Optional()])
    kind = SelectField("检查类型", validators=[Optional()],
                       choices=[SelectChoice("", "全部类型")] + [SelectChoice(k.value, k.label) for k in InspectionKind])
    date_from = DateField("检查日期从", validators=[Optional()])
    date_to = DateField("至", validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("结束日期不能早于开始日期。")


def _region_choices() -> list[SelectChoice]:
    """The user's own region and the counties and townships below it."""
    own = current_user.region
    rows = db.session.execute(
        select(Region).where(Region.path.startswith(own.path), Region.id != own.id,
                             Region.level.in_([RegionLevel.COUNTY, RegionLevel.TOWNSHIP]))
        .order_by(Region.code).limit(1000)
    ).scalars()
    return [SelectChoice("", f"{own.name}（全部）")] + [
        SelectChoice(str(r.id), ("　" if r.level == RegionLevel.TOWNSHIP else "") + r.name) for r in rows
    ]


def _batch_form_page(form: BatchPrintForm, status: int = 200):
    return render_template("standards/print.html", form=form, limit=pdf.BATCH_LIMIT), status


@bp.route("/inspections/print")
@login_required
def batch_form():
    form = BatchPrintForm(formdata=None, data={"region_id": request.args.get("region_id", "")})
    form.region_id.choices = _region_choices()
    return _batch_form_page(form)


@bp.route("/inspections/print", methods=["POST"])
@login_required
@read_only_allowed
def batch():
    """Every finalized inspection of a region (or a filter) in one PDF, made in the background."""
    form = BatchPrintForm()
    form.region_id.choices = _region_choices()
    if not form.validate_on_submit():
        return _batch_form_page(form, 422)
    region = scoped_get_or_404(Region, form.region_id.data or current_user.region_id)
    kind = InspectionKind(form.kind.data) if form.kind.data else None
    ids = pdf.finalized_inspection_ids(region, kind=kind, date_from=form.date_from.data, date_to=form.date_to.data)
    if not ids:
        form.region_id.errors.append("没有符合条件的已定稿检查，请调整区划、类型或日期。")
        return _batch_form_page(form, 422)
    if len(ids) > pdf.BATCH_LIMIT:
        form.region_id.errors.append(f"符合条件的检查超过 {pdf.BATCH_LIMIT} 份，请按乡镇或日期分批打印。")
        return _batch_form_page(form, 422)
    span = ""
    if form.date_from.data or form.date_to.data:
        span = f"{form.date_from.data or ''}至{form.date_to.data or ''}"
    title = f"{region.name}{kind.label if kind else ''}检查表{span}（{len(ids)} 份）"
    job = jobs.create_job(
        kind="inspection_sheets", title=title, user=current_user, total=len(ids),
        params={"inspection_ids": ids, "site": pdf.site_url(),
                "filename": pdf.filename(region.name, kind.label if kind else "", "检查表", span)},
    )
    db.session.commit()
    jobs.start(current_app._get_current_object())
    return redirect(url_for("jobs.detail", job_id=job.id), 303)
