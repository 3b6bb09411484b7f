"""Standards as versioned data: read by everyone, changed by the administrator publishing a version."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.permissions import admin_required
from app.rules import RuleError
from app.standards.forms import PublishStandardForm
from app.standards.models import Standard, StandardVersion
from app.standards.versions import publish_version

bp = Blueprint("standards", __name__)

BLANK_ROWS = 2  # room to add items without JavaScript


def _get_standard(standard_id: int) -> Standard:
    return db.first_or_404(select(Standard).where(Standard.id == standard_id))


@bp.route("/standards")
@login_required
def index():
    rows = db.session.execute(select(Standard).order_by(Standard.id)).scalars().all()
    return render_template("standards/standards.html", standards=rows)


@bp.route("/standards/<int:standard_id>")
@login_required
def detail(standard_id: int):
    return render_template("standards/standard.html", standard=_get_standard(standard_id))


@bp.route("/standards/versions/<int:version_id>")
@login_required
def version(version_id: int):
    shown = db.first_or_404(select(StandardVersion).where(StandardVersion.id == version_id))
    return render_template("standards/standard.html", standard=shown.standard, shown_version=shown)


@bp.route("/standards/<int:standard_id>/publish", methods=["GET", "POST"])
@admin_required
def publish(standard_id: int):
    # Standards hold for every county: only an administrator of the whole tree may change them.
    if current_user.region.parent_id is not None:
        abort(403)
    standard = _get_standard(standard_id)
    current = standard.current_version
    if current is not None and not PublishStandardForm().is_submitted():
        items = [{"code": i.code, "title": i.title, "criterion": i.criterion, "evidence_hint": i.evidence_hint,
                  "required": i.required} for i in current.items] + [{}] * BLANK_ROWS
        form = PublishStandardForm(data={"items": items, "note": ""})
    else:
        form = PublishStandardForm()
    error = None
    if form.validate_on_submit():
        try:
            version = publish_version(standard, note=form.note.data, items=form.items.data,
                                      published_by=current_user.display_name)
        except RuleError as problem:
            error = str(problem)
        else:
            db.session.commit()
            flash(f"已发布第 {version.number} 版。此前的检查仍按其原版本显示和打印。", "success")
            return redirect(url_for("standards.detail", standard_id=standard.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("standards/publish.html", standard=standard, form=form, error=error), status
