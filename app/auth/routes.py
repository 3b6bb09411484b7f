import re
import secrets
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from app.audit.history import history_for
from app.auth import bp, known_devices, services
from app.auth.forms import ChangePasswordForm, LoginForm, ResetPasswordForm, UserForm
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db, login_manager
from app.htmx import render
from app.pagination import apply_search, paginate, search_term
from app.parsing import parse_id
from app.permissions import admin_required, before_password_change
from app.regions.models import Region
from app.regions.services import region_choices
from app.rules import RuleError
from app.scoping import scoped_get_or_404, unscoped

login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str):
    """``id:token`` from the session; a stale token (password changed) or an inactive account logs out."""
    user_id, _, token = session_id.partition(":")
    if parse_id(user_id) is None:
        return None
    # Runs before the request's scope exists.
    with unscoped():
        # The region comes along: every request needs it for the scope and the header.
        user = db.session.execute(
            select(User).where(User.id == int(user_id)).options(joinedload(User.region))
        ).scalar_one_or_none()
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


# A path on this site: one slash, then no second slash or backslash (which browsers read as
# another host), and no control characters (CR/LF would split the Location header).
SAME_SITE_PATH = re.compile(r"/(?![/\\])[^\x00-\x1f\x7f\\]*")


def _safe_next(target: str | None) -> str:
    if target and SAME_SITE_PATH.fullmatch(target) and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        known = known_devices.names(request)
        result = services.authenticate(form.username.data, form.password.data, request.remote_addr or "",
                                       known_device=form.username.data in known)
        db.session.commit()
        if result.user is not None:
            login_user(result.user, remember=form.remember.data)
            flash(f"欢迎，{result.user.display_name}。", "success")
            response = redirect(_safe_next(request.args.get("next")), 303)
            known_devices.remember(response, known, result.user.username)
            return response
        form.password.errors.append(result.error)
        status = 429 if result.throttled else 422
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
@before_password_change
def logout():
    services.log_out(current_user)
    db.session.commit()
    logout_user()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@before_password_change
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        services.change_own_password(current_user, form.new_password.data)
        db.session.commit()
        login_user(current_user._get_current_object())  # the new password ended every session, this one too
        flash("密码已修改。", "success")
        return redirect(url_for("main.index"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/users")
@admin_required
def users():
    term = search_term()
    stmt = apply_search(select(User).join(User.region).options(contains_eager(User.region))
                        .order_by(Region.code, User.username),
                        term, User.username, User.display_name, Region.name)
    role = request.args.get("role", "")
    if role in Role._value2member_map_:
        stmt = stmt.where(User.role == Role(role))
    page = paginate(stmt)
    return render("auth/users.html", "auth/_user_rows.html", page=page, q=term, role=role, roles=list(Role))


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=user, user=user)
    form.region_id.choices = region_choices()
    if user is not None and request.method == "GET":
        form.role.data = user.role.value
    return form


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                username=form.username.data, display_name=form.display_name.data, role=Role(form.role.data),
                region_id=form.region_id.data, password=form.password.data, phone=form.phone.data or "",
            )
        except RuleError as error:
            error.show_on(form)
        else:
            db.session.commit()
            flash(f"已创建用户 {user}。", "success")
            return redirect(url_for("auth.user_detail", user_id=user.id), 303)
    return render_template("auth/user_form.html", form=form, user=None), 422 if form.is_submitted() else 200


@bp.route("/users/<int:user_id>")
@admin_required
def user_detail(user_id: int):
    user = scoped_get_or_404(User, user_id)
    return render_template("auth/user_detail.html", user=user, reset_form=ResetPasswordForm(),
                           history=history_for(user))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = scoped_get_or_404(User, user_id)
    form = _user_form(user)
    form.username.data = user.username
    if form.validate_on_submit():
        try:
            services.update_user(user, display_name=form.display_name.data, role=Role(form.role.data),
                                 region_id=form.region_id.data, phone=form.phone.data or "")
        except RuleError as error:
            error.show_on(form)
        else:
            db.session.commit()
            flash("用户信息已保存。", "success")
            return redirect(url_for("auth.user_detail", user_id=user.id), 303)
    return render_template("auth/user_form.html", form=form, user=user), 422 if form.is_submitted() else 200


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
def reset_password(user_id: int):
    user = scoped_get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        db.session.commit()
        flash(f"已重置 {user} 的密码，请告知其尽快登录修改。", "success")
        return redirect(url_for("auth.user_detail", user_id=user.id), 303)
    return render_template("auth/user_detail.html", user=user, reset_form=form, history=history_for(user)), 422


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def toggle_user(user_id: int):
    user = scoped_get_or_404(User, user_id)
    if user.id == current_user.id:
        flash("不能停用自己的账号。", "error")
    else:
        services.set_active(user, not user.active)
        db.session.commit()
        flash(f"已{'启用' if user.active else '停用'}用户 {user}。", "success")
    return redirect(url_for("auth.user_detail", user_id=user.id), 303)
