from flask import jsonify, render_template
from flask_login import login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.main import bp


@bp.route("/")
@login_required
def index():
    """我的待办: what the logged-in user must act on. Domains add their lists as they arrive."""
    todo_groups = []
    return render_template("main/index.html", todo_groups=todo_groups)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", db="unreachable"), 503
    return jsonify(status="ok", db="ok")
