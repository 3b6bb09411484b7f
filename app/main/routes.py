
from flask import abort, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.htmx import render
from app.main import bp, help_pages
from app.main.search import search_everything
from app.main.todo_list import todo_groups
from app.pagination import FilterForm
from app.timeutil import local_now, local_today


@bp.route("/")
@login_required
def index():
    """我的待办: what the logged-in user must act on, overdue work first."""
    return render_template("main/index.html", todo_groups=todo_groups(current_user, local_now()))


@bp.route("/search")
@login_required
def search():
    """One search box over organisations, inspections and rectifications."""
    form = FilterForm()  # the lists' own search words, nothing else
    term = form.q.data
    return render("main/search.html", "main/_search_results.html", form=form, q=term,
                  sections=search_everything(term, local_today()))


@bp.route("/help")
@bp.route("/help/<slug>")
@login_required
def help_page(slug: str = "todo"):
    topic = help_pages.BY_SLUG.get(slug) or abort(404)
    return render_template(f"help/{topic.slug}.html", topic=topic, topics=help_pages.TOPICS)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(select(1))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", db="unreachable"), 503
    return jsonify(status="ok", db="ok")
