"""接口令牌: the administrator's page of API tokens: who calls, for which region, last seen;
issuing one (its secret shown once, on the answer to the post) and revoking one."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.api import bp, tokens
from app.api.forms import TokenForm
from app.api.models import ApiToken
from app.extensions import db
from app.permissions import admin_required
from app.regions.models import Region
from app.regions.services import region_choices
from app.rules import RuleError
from app.scoping import scoped_get_or_404
from app.timeutil import utcnow


def _page(form: TokenForm, status: int = 200, issued: tuple[ApiToken, str] | None = None):
    listed = db.session.execute(
        select(ApiToken).options(joinedload(ApiToken.region), joinedload(ApiToken.created_by))
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    ).scalars().all()
    response = render_template("api/tokens.html", tokens=listed, form=form, issued=issued)
    headers = {"Cache-Control": "no-store"} if issued else {}  # the secret must not stay in any cache
    return response, status, headers


def _form() -> TokenForm:
    form = TokenForm()
    form.region_id.choices = region_choices(tokens.TOKEN_LEVELS)
    return form


@bp.route("/api-tokens", methods=["GET", "POST"])
@admin_required
def tokens_page():
    form = _form()
    if form.validate_on_submit():
        region = db.session.execute(select(Region).where(Region.id == form.region_id.data)).scalar_one_or_none() \
            if form.region_id.data else None
        try:
            issued = tokens.issue_token(form.name.data, region, current_user, utcnow())
        except RuleError as error:
            db.session.rollback()
            error.show_on(form, "name")
        else:
            db.session.commit()
            # Shown on this answer, not after a redirect: a flash would carry the secret in the
            # session cookie, which is signed, not encrypted.
            return _page(_form(), 200, issued)
    return _page(form, 422 if form.is_submitted() else 200)


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
@admin_required
def revoke(token_id: int):
    """吊销: from now on every call with the token is refused (401); the record stays, for the audit log."""
    token = scoped_get_or_404(ApiToken, token_id)  # CSRF is checked for every post (CSRFProtect)
    try:
        tokens.revoke_token(token, utcnow())
    except RuleError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"已吊销令牌“{token.name}”（{token.prefix}…），使用它的请求将被拒绝。", "success")
    return redirect(url_for("api.tokens_page"), 303)
