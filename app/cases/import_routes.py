"""Importing a platform's export (导入平台工单): upload → map the columns → preview (nothing
written) → confirm (every row in one transaction, or none; a large file as a background job).
The rules are platform_import's; these views load, check, call it and answer."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import select

from app.cases import platform_import as imports
from app.cases import services
from app.cases.import_forms import UploadForm, mapping_form
from app.cases.models import Channel
from app.extensions import db
from app.jobs import services as jobs
from app.permissions import county_required
from app.printing.downloads import ascii_name, send_download
from app.regions.models import Region, RegionLevel
from app.rules import RuleError
from app.spreadsheets import pending
from app.spreadsheets.imports import MAX_FILE_BYTES
from app.timeutil import local_now, local_today

bp = Blueprint("case_import", __name__)
UPLOADS = "case_imports"  # session key: token -> (channel code, file name) of this browser's uploads
KEEP_UPLOADS = 5


def _county() -> Region:
    """The county the user imports into: a county's own users only (a township's clerk, a city or
    the province has no county's number series to register in)."""
    region = current_user.region
    if region.level != RegionLevel.COUNTY:
        abort(403)
    return region


def _channels() -> list[Channel]:
    return services.active_channels()


@bp.route("/cases/import", methods=["GET", "POST"])
@county_required
def upload():
    county = _county()
    form = UploadForm(channels=_channels())
    if form.validate_on_submit():
        data = form.file.data.read(MAX_FILE_BYTES + 1)
        try:
            imports.read(data)
        except RuleError as error:
            form.file.errors.append(error.message)
        else:
            token = pending.keep_upload(data)
            name = (form.file.data.filename or "导出文件")[-60:]
            uploads = dict(session.get(UPLOADS, {}))
            uploads[token] = [form.channel.data, name]
            session[UPLOADS] = dict(list(uploads.items())[-KEEP_UPLOADS:])
            return redirect(url_for("case_import.mapping", token=token), 303)
    return render_template("case_import/upload.html", form=form, county=county, max_rows=imports.MAX_ROWS,
                           fields=imports.FIELDS), 422 if form.is_submitted() else 200


def _load_upload(token: str):
    """The kept upload this browser made: (channel, file name, bytes), or None when it has gone."""
    kept = session.get(UPLOADS, {}).get(token)
    path = pending.upload_path(token) if kept else None
    if path is None:
        return None
    channel = db.session.execute(select(Channel).where(Channel.code == kept[0])).scalar()
    return (channel, kept[1], path.read_bytes()) if channel else None


def _forget(token: str, *, keep_file: bool = False) -> None:
    session[UPLOADS] = {t: v for t, v in session.get(UPLOADS, {}).items() if t != token}
    if not keep_file:
        pending.discard_upload(token)


def _opened(token: str):
    """The kept upload read into its table, as (channel, file name, bytes, table) with no answer;
    or no upload and the redirect back to the upload page, when the file has gone or is refused
    now (it was read before; a changed limit may refuse it)."""
    loaded = _load_upload(token)
    if loaded is None:
        flash("上传的文件已导入或已过期，请重新上传。", "error")
        return None, redirect(url_for("case_import.upload"), 303)
    channel, name, data = loaded
    try:
        table = imports.read(data)
    except RuleError as error:
        _forget(token)
        flash(error.message, "error")
        return None, redirect(url_for("case_import.upload"), 303)
    return (channel, name, data, table), None


@bp.route("/cases/import/<token>", methods=["GET", "POST"])
@county_required
def mapping(token: str):
    """The columns mapped (proposed from the county's last import, else guessed by name); posted,
    the mapping is remembered and every row previewed."""
    county = _county()
    upload, gone = _opened(token)
    if gone:
        return gone
    channel, name, data, table = upload
    form = mapping_form(table.headers, imports.proposed_mapping(table.headers, county, channel),
                        imports.examples(table))
    if form.validate_on_submit():
        chosen = form.mapping()
        problems = imports.mapping_problems(chosen, table.headers)
        if not problems:
            imports.remember_mapping(county, channel, chosen, current_user)
            db.session.commit()
            preview = imports.build_preview(data, channel, chosen, county, local_now(), table=table)
            return _preview(preview, form, token, name)
        RuleError.of(problems).show_on(form)
    return render_template("case_import/mapping.html", form=form, token=token, channel=channel, file_name=name,
                           table=table, fields=imports.FIELDS), 422 if form.is_submitted() else 200


def _preview(preview, form, token: str, name: str, status: int = 200):
    return render_template("case_import/preview.html", preview=preview, form=form, token=token, file_name=name,
                           fields=imports.FIELDS, sync_rows=imports.SYNC_ROWS), status


@bp.route("/cases/import/<token>/confirm", methods=["POST"])
@county_required
def confirm(token: str):
    """确认导入: previewed again (the cases here may have changed since), then written, all or nothing."""
    county = _county()
    upload, gone = _opened(token)
    if gone:
        return gone
    channel, name, data, table = upload
    form = mapping_form(table.headers)
    chosen = form.mapping() if form.validate_on_submit() else {}
    if not chosen or imports.mapping_problems(chosen, table.headers):
        return redirect(url_for("case_import.mapping", token=token), 303)
    now = local_now()
    preview = imports.build_preview(data, channel, chosen, county, now, table=table)
    if not preview.ok:
        return _preview(preview, form, token, name, 422)
    if not preview.writes:
        _forget(token)
        flash(f"文件中的 {len(preview.rows)} 个工单都已导入过且没有变化，未做任何修改。", "success")
        return redirect(url_for("cases.index"), 303)
    if len(preview.rows) > imports.SYNC_ROWS:
        job = imports.queue_import(token, channel, chosen, county, current_user, len(preview.rows), name)
        db.session.commit()
        _forget(token, keep_file=True)  # the job reads the file, and discards it when done
        jobs.start(current_app._get_current_object())
        return redirect(url_for("jobs.detail", job_id=job.id), 303)
    try:
        applied = imports.apply(preview, current_user, county, now)
    except RuleError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("case_import.mapping", token=token), 303)
    db.session.commit()
    _forget(token)
    flash(imports.done_message(applied, preview.counts["无变化"]), "success")
    return redirect(url_for("cases.index"), 303)


@bp.route("/cases/import/sample-<any(first, later):which>.xlsx")
@county_required
def sample(which: str):
    """示例导出: what a 12345 export of last month looks like (``later``: called back since)."""
    county = _county()
    townships = db.session.execute(select(Region.name).where(
        Region.parent_id == county.id, Region.level == RegionLevel.TOWNSHIP, Region.active.is_(True)
    ).order_by(Region.code)).scalars().all()
    today, later = local_today(), which == "later"
    return send_download(imports.sample_export(county.name, list(townships), today, later=later),
                         imports.sample_name(county.name, today, later),
                         fallback=ascii_name("12345-export", county.code, which, suffix=".xlsx"))
