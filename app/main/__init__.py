from flask import Blueprint

from app.main.help_pages import topic_for

bp = Blueprint("main", __name__)


@bp.app_template_global()
def help_topic(path: str):
    """The help page for the page at ``path``: the header links to it."""
    return topic_for(path)
