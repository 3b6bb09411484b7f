"""考核指标: the KPI page of a region and a period, its Excel, and the cases behind each figure.
Every role sees it, for the regions of its scope: a clerk its township, a supervisor its
county, a city viewer each county below."""
from flask import abort, render_template, request
from flask_login import login_required
from markupsafe import Markup

from app.cases.models import HandlingUnit
from app.cases.services import load_calendar
from app.htmx import render
from app.pagination import paginate
from app.printing.downloads import ascii_name, file_name, send_download
from app.reports import bp, kpi_excel, kpis
from app.reports.routes import chosen_region
from app.scoping import scoped_get_or_404
from app.timeutil import local_now, local_today


def _period() -> kpis.Period:
    """The period asked for (?period=2026-Q4), else this year: a stale or hand-made value shows
    the default, named on the page, rather than an error."""
    return kpis.Period.parse(request.args.get("period")) or kpis.Period(local_today().year)


def _board():
    return kpis.board(chosen_region(), _period(), local_now(), load_calendar())


@bp.route("/kpis")
@login_required
def kpis_page():
    region = chosen_region()
    period = _period()
    now = local_now()
    indicator = kpis.INDICATORS.get(request.args.get("sort", "")) or kpis.DEFAULT_INDICATOR
    year = period.whole_year
    figures = kpis.kept_while_exact(("kpi_page", period.code, indicator.code), region, year.since, year.until, now,
                                    lambda: _figures(region, period, indicator, now))
    return render("reports/kpis.html", "reports/_kpi_results.html", region=region, period=period,
                  indicator=indicator, indicators=list(kpis.INDICATORS.values()), by_county=kpis.by_county(region),
                  choices=kpis.period_choices(period, local_today()), now=now, figures=figures)


def _figures(region, period: kpis.Period, indicator: kpis.Indicator, now) -> tuple[Markup, Markup]:
    """The page's tables and charts (the summary; the ranking, the units and the trend), rendered
    from the board: nothing in them but the figures, the region, the period and the ranking's
    indicator, so they are kept as long as the figures are (hundreds of linked cells)."""
    context = {"board": kpis.board(region, period, now, load_calendar()), "region": region, "period": period,
               "indicator": indicator, "indicators": list(kpis.INDICATORS.values()), "kpi_chart": kpis.chart}
    return (Markup(render_template("reports/_kpi_summary.html", **context)),
            Markup(render_template("reports/_kpi_detail.html", **context)))


@bp.route("/kpis.xlsx")
@login_required
def kpis_export():
    board = _board()
    title = f"{board.region.name}{board.period.label}诉求件考核指标"
    return send_download(kpi_excel.workbook(board, title), file_name(title, suffix=".xlsx"),
                         fallback=ascii_name("kpis", board.region.code, board.period.code, suffix=".xlsx"))


def _unit():
    """?unit=: a handling unit (404 outside the scope; one of another region in it lists
    nothing), "none" for the cases not yet dispatched, absent for every unit."""
    text = request.args.get("unit", "")
    if not text:
        return None, kpis.ALL_UNITS
    if text == "none":
        return None, None
    unit = scoped_get_or_404(HandlingUnit, text)
    return unit, unit.id


@bp.route("/kpis/cases")
@login_required
def kpi_cases():
    """The cases (or sign-for deadlines) counted in one part of one figure, paged."""
    region = chosen_region()
    period = kpis.Period.parse(request.args.get("period"))
    indicator = kpis.INDICATORS.get(request.args.get("measure", ""))
    part = request.args.get("part", "")
    if period is None or indicator is None or part not in indicator.measure.listed_parts:
        abort(404)
    unit, unit_key = _unit()
    stmt = kpis.behind(indicator, part, region, period, local_now(), unit_key)
    page = paginate(stmt)
    return render("reports/kpi_cases.html", page=page, region=region, period=period, indicator=indicator,
                  part=part, part_label=kpis.part_label(indicator.measure, part), unit=unit,
                  undispatched=unit_key is None, calendar=load_calendar(), working_days=kpis.working_days,
                  deadlines=indicator.measure.subject == kpis.SIGN_FOR_DEADLINES)
