"""诉求件 (the case desk): 12345 hotline calls, petitions (信访), NPC suggestions and CPPCC
proposals, handled on the deadlines their channels' rules give, on the official working-day
calendar. Modules: ``calendar`` and ``deadlines`` (plain arithmetic), ``models``,
``calendar_store`` (the administrator's entries), ``workflow`` (the state machine), ``services``
(state changes with their timeline entries)."""

CASE_FIGURES = "cases"  # the data revision of what the case figures count


def init_app(app) -> None:
    """Register what the case desk adds to the rest of the app: what a case paper's code shows,
    and the writes that change the case figures (app.reports.kpis keeps them by revision)."""
    from flask import render_template, url_for

    from app import revisions
    from app.cases.models import CalendarDay, CalendarYear, Case, CaseDeadline, CaseMatch, Channel
    from app.printing.codes import register_verification
    from app.regions.models import Region

    revisions.watch(CASE_FIGURES, Case, CaseDeadline, CaseMatch, Channel, CalendarDay, CalendarYear, Region)

    # A case's paper (交办单, 回复单, letters): what it prints of the case, the requester left out.
    register_verification(Case, page=lambda case: render_template("cases/verification.html", case=case),
                          address=lambda case: url_for("cases.detail", case_id=case.id))
