"""A list's results (its rows, pager and export link: the part htmx swaps) rendered once and kept
(app.revisions) while the data they show are unchanged and the clock has not moved past what
they say. A county's ledger of thousands of cases costs its queries, fifty rows of objects and
their rendering; a kept one costs reading the revision.

The results are keyed by everything they are made of besides the data: the template, the
reader's scope and role, and the list's whole query string. A results template must therefore
show nothing of the session (no form with a CSRF token, no "mine" that names the user)."""
from collections.abc import Callable
from datetime import date, datetime

from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup

from app import revisions
from app.scoping import current_scope
from app.timeutil import local_now, midnight_after


def kept_results(names: tuple[str, ...], template: str, now: datetime,
                 make: Callable[[], tuple[dict, datetime | None]]) -> Markup:
    """``template`` rendered with the context ``make()`` gives, with the moment that context stops
    being exact as the clock moves (None: never); kept while the data of the revisions ``names``
    are unchanged and that moment has not come."""
    key = ("results", template, current_scope(), current_user.role,
           tuple(sorted(request.args.items(multi=True))))

    def rendered():
        context, until = make()
        return Markup(render_template(template, **context)), until

    return revisions.kept(names, key, now, rendered, shelf="results")


def kept_for_the_day(names: tuple[str, ...], template: str, make: Callable[[date], dict]) -> Markup:
    """``kept_results`` of a list whose rows change with the date alone, if at all (a
    rectification falls overdue, a term runs out): ``make(today)`` gives the template's context."""
    now = local_now()
    return kept_results(names, template, now, lambda: (make(now.date()), midnight_after(now)))
