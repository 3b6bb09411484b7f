"""诉求件 (the case desk): 12345 hotline calls, petitions (信访), NPC suggestions and CPPCC
proposals, handled on the deadlines their channels' rules give, on the official working-day
calendar. Modules: ``calendar`` and ``deadlines`` (plain arithmetic), ``models``,
``calendar_store`` (the administrator's entries), ``workflow`` (the state machine), ``services``
(state changes with their timeline entries)."""


def init_app(app) -> None:
    """Register what the case desk adds to the rest of the app: what a case paper's code shows."""
    from flask import render_template, url_for

    from app.cases.models import Case
    from app.printing.codes import register_verification

    # A case's paper (交办单, 回复单, letters): what it prints of the case, the requester left out.
    register_verification(Case, page=lambda case: render_template("cases/verification.html", case=case),
                          address=lambda case: url_for("cases.detail", case_id=case.id))
