from flask import Blueprint

bp = Blueprint("reports", __name__)

# The data revisions (app.revisions) the costly figures are kept by: what the case KPIs count,
# and what the year's statistics count besides.
CASE_FIGURES, REGISTRY_FIGURES = "cases", "registry"


def init_app(app) -> None:
    """Name the writes that change the figures the reports keep."""
    from app import revisions
    from app.activities.models import Activity
    from app.cases.models import (
        CalendarDay,
        CalendarYear,
        Case,
        CaseAction,
        CaseDeadline,
        CaseMatch,
        Channel,
        HandlingUnit,
    )
    from app.organizations.models import LifecycleEvent, Organization
    from app.regions.models import Region
    from app.standards.models import Inspection, Rectification, Standard, StandardItem

    # The units name the KPI board's rows (a kept page shows them); a case's actions say whether
    # it is under supervision (我的待办's 被督办 group); an item's title names a rectification.
    revisions.watch(CASE_FIGURES, Case, CaseAction, CaseDeadline, CaseMatch, Channel, CalendarDay, CalendarYear,
                    HandlingUnit, Region)
    revisions.watch(REGISTRY_FIGURES, Organization, LifecycleEvent, Inspection, Rectification, Activity, Standard,
                    StandardItem, Region)
