"""赛事活动: the competitions, events, trainings and displays an organisation holds, with their
filing (报备) and report (信息上报). Modules: ``models``, ``rules`` (the course of an activity,
plain functions), ``services`` (the steps, and the ledger's query), ``routes``, ``exports``,
``todo`` (its part of 我的待办)."""
from flask import Blueprint

bp = Blueprint("activities", __name__)


def init_app(app) -> None:
    """Register what activities add to the rest of the app: their panel on the organisation page."""
    from app.activities.services import recent_activities
    from app.organizations.panels import add_panel

    add_panel(app, "activities/_org_activities.html", lambda organization: {
        "activities": recent_activities(organization)})
