"""年度统计: the page, the records behind each of its numbers, and its Excel and Word exports."""
from flask import abort, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from app.htmx import render
from app.pagination import paginate
from app.printing.downloads import ascii_name, file_name, send_download
from app.regions.models import Region, RegionLevel
from app.regions.services import region_choices
from app.reports import CASE_FIGURES, REGISTRY_FIGURES, bp, excel, kpis, sections, statistics, statistics_docx, wording
from app.reports.forms import StatisticsForm
from app.scoping import scoped_get_or_404
from app.timeutil import local_now, local_today


def _region() -> Region:
    """The region asked for (?region=, within the scope), else the user's own."""
    return scoped_get_or_404(Region, request.args.get("region", current_user.region_id))


def _form() -> StatisticsForm:
    return StatisticsForm(request.args)


def _region_options():
    """The user's own region and the level below it (a city's counties, a county's townships)."""
    own = current_user.region.level
    levels = tuple(lv for lv in RegionLevel if own.depth <= lv.depth <= min(own.depth + 1, RegionLevel.TOWNSHIP.depth))
    return region_choices(levels=levels)


def _page(region: Region, form: StatisticsForm, period: statistics.Period | None = None, status: int = 200):
    return render("reports/statistics.html", "reports/_statistics.html", region=region, form=form,
                  title=statistics.title(region, period) if period else f"{region.name}年度统计",
                  figures=_figures(region, period) if period else None,
                  link_args={"region": region.id, **period.args} if period else {},
                  periods=statistics.periods_offered(local_today()), dates=statistics.DATES,
                  region_options=_region_options), status


def _figures(region: Region, period: statistics.Period) -> Markup:
    """The report's sentences and tables, rendered once for as long as their figures stay exact
    (the case figures and the registry's unchanged, no case deadline fallen due, the same day)."""
    def make() -> Markup:
        stats = statistics.statistics(region, period, local_today())
        return Markup(render_template("reports/_statistics_figures.html", tables=sections.tables(stats),
                                      sentences=wording.sentences(stats),
                                      link_args={"region": region.id, **period.args}))

    return kpis.kept_while_exact(("statistics_page", period, local_today()), region, period.since, period.until, local_now(),
                                 make, names=(CASE_FIGURES, REGISTRY_FIGURES))


@bp.route("/statistics")
@login_required
def statistics_page():
    region = _region()
    form = _form()
    if not form.validate():
        return _page(region, form, status=422)
    return _page(region, form, form.chosen())


@bp.route("/statistics/records")
@login_required
def statistics_records():
    """The records behind one number of the page: its figure's query narrowed to its cell."""
    region = _region()
    form = _form()
    figure = statistics.FIGURES.get(request.args.get("figure", ""))
    if figure is None or not form.validate():
        abort(404)
    period = form.chosen()
    cell = {d.key: request.args[d.key] for d in figure.by if d.key in request.args}
    try:
        stmt = figure.select(region, period, cell)
    except KeyError:
        abort(404)
    return render("reports/statistics_records.html", "reports/_statistics_records.html", region=region,
                  period=period, figure=figure, cell=cell, value=figure.tally(region, period).get(**cell),
                  page=paginate(stmt), back={"region": region.id, **period.args})


def _export(make, suffix: str):
    region = _region()
    form = _form()
    if not form.validate():
        return _page(region, form, status=422)
    stats = statistics.statistics(region, form.chosen(), local_today())
    today = local_today()
    return send_download(make(stats), file_name(stats.title, f"{today:%Y%m%d}", suffix=suffix),
                         fallback=ascii_name("statistics", region.code, stats.period.code, today, suffix=suffix))


@bp.route("/statistics.xlsx")
@login_required
def statistics_export():
    return _export(excel.statistics_workbook, ".xlsx")


@bp.route("/statistics.docx")
@login_required
def statistics_document():
    return _export(statistics_docx.document, ".docx")
