from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.audit.history import history_for
from app.extensions import db
from app.htmx import render
from app.pagination import apply_search, paginate, search_term
from app.permissions import admin_required
from app.regions import bp, services
from app.regions.forms import MoveRegionForm, RegionForm, RenameRegionForm
from app.regions.models import Region
from app.rules import RuleError
from app.scoping import scoped_get_or_404


@bp.route("/regions")
@login_required
def index():
    """The user's own region and what lies below it; a search looks through the whole subtree."""
    term = search_term()
    if term:
        stmt = apply_search(select(Region), term, Region.name, Region.code).order_by(Region.code)
        parent = None
    else:
        parent = scoped_get_or_404(Region, request.args.get("parent", current_user.region_id))
        stmt = select(Region).where(Region.parent_id == parent.id).order_by(Region.code)
    page = paginate(stmt)
    counts = _child_counts([r.id for r in page.items])
    return render("regions/index.html", "regions/_rows.html", page=page, parent=parent, q=term, counts=counts)


def _child_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Region.parent_id, func.count()).where(Region.parent_id.in_(ids)).group_by(Region.parent_id)
    )
    return dict(rows.all())


@bp.route("/regions/<int:region_id>")
@login_required
def detail(region_id: int):
    region = scoped_get_or_404(Region, region_id)
    return render_template("regions/detail.html", region=region, history=history_for(region))


@bp.route("/regions/<int:parent_id>/new", methods=["GET", "POST"])
@admin_required
def new(parent_id: int):
    parent = scoped_get_or_404(Region, parent_id)
    level = parent.level.child
    form = RegionForm()
    if level is None:
        flash("村（社区）是最末一级，不能再添加下级区划。", "error")
        return redirect(url_for("regions.detail", region_id=parent.id), 303)
    if form.validate_on_submit():
        try:
            region = services.create_region(name=form.name.data, code=form.code.data, level=level, parent=parent)
        except RuleError as error:
            error.show_on(form)
        else:
            db.session.commit()
            flash(f"已添加{level.label}“{region.name}”。", "success")
            return redirect(url_for("regions.index", parent=parent.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("regions/form.html", form=form, parent=parent, level=level), status


@bp.route("/regions/<int:region_id>/rename", methods=["GET", "POST"])
@admin_required
def rename(region_id: int):
    region = scoped_get_or_404(Region, region_id)
    form = RenameRegionForm(obj=region)
    if form.validate_on_submit():
        services.rename_region(region, form.name.data)
        db.session.commit()
        flash("名称已修改。", "success")
        return redirect(url_for("regions.detail", region_id=region.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("regions/rename.html", form=form, region=region), status


@bp.route("/regions/<int:region_id>/move", methods=["GET", "POST"])
@admin_required
def move(region_id: int):
    region = scoped_get_or_404(Region, region_id)
    form = MoveRegionForm(obj=region)
    parent_level = region.parent.level if region.parent else None
    form.parent_id.choices = [
        choice for choice in services.region_choices(levels=(parent_level,) if parent_level else ())
        if choice.value != region.parent_id
    ]
    if region.parent is None or not form.parent_id.choices:
        flash("该区划没有可移入的上级区划。", "error")
        return redirect(url_for("regions.detail", region_id=region.id), 303)
    if form.validate_on_submit():
        new_parent = scoped_get_or_404(Region, form.parent_id.data)
        try:
            services.move_region(region, new_parent, form.code.data)
        except RuleError as error:
            error.show_on(form)
        else:
            db.session.commit()
            flash(f"已将“{region.name}”移至“{new_parent.name}”。", "success")
            return redirect(url_for("regions.detail", region_id=region.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("regions/move.html", form=form, region=region), status


@bp.route("/regions/<int:region_id>/active", methods=["POST"])
@admin_required
def toggle_active(region_id: int):
    region = scoped_get_or_404(Region, region_id)
    try:
        services.set_region_active(region, not region.active, current_user)
    except RuleError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"已{'启用' if region.active else '停用'}“{region.name}”及其下级区划。", "success")
    return redirect(url_for("regions.detail", region_id=region.id), 303)
