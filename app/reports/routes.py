from datetime import date

from flask import flash, render_template, request
from flask_login import current_user, login_required

from app.kept_results import kept_for_the_day
from app.parsing import parse_year
from app.printing.downloads import ascii_name, file_name, send_download
from app.regions.models import Region, RegionLevel
from app.reports import REGISTRY_FIGURES, bp, excel, services
from app.scoping import scoped_get_or_404
from app.timeutil import local_today


def chosen_region() -> Region:
    """The region asked for (``?region=``, within the scope, else 404), else the user's own. A
    village's figures are its township's: the township is the smallest region a board shows (a
    township's coverage is its own row of its county's board, the scope keeping the others out)."""
    region = scoped_get_or_404(Region, request.args.get("region", current_user.region_id))
    if region.level == RegionLevel.VILLAGE:
        return region.ancestor(RegionLevel.TOWNSHIP)
    return region


def _boards(region: Region, standard, year: int | None, today: date):
    """The county board (a county's or a township's) or the summary board, the other None."""
    if standard is None:
        return None, None
    if region.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        county = region if region.level == RegionLevel.COUNTY else region.ancestor(RegionLevel.COUNTY)
        return services.county_board(county, standard, today, name=region.name, year=year), None
    return None, services.summary_board(region, standard, today, year)


def _board_year() -> int | None:
    """The year whose checks the board counts (?year=2025); none: each township's latest check."""
    return parse_year(request.args.get("year"))


@bp.route("/coverage")
@login_required
def coverage():
    region = chosen_region()
    year = _board_year()
    standard = services.township_standard()
    if standard is None:
        flash("尚未设置乡镇体育总会的达标标准。", "error")

    def board(today):
        county_board, summary = _boards(region, standard, year, today)
        return dict(board=county_board, summary=summary, region=region, standard=standard, year=year,
                    labels=services.COLUMN_LABELS, in_rectification=services.IN_RECTIFICATION)

    results = kept_for_the_day((REGISTRY_FIGURES,), "reports/_coverage_board.html", board)
    return render_template("reports/coverage.html", region=region, standard=standard, results=results, year=year,
                           years=services.years_offered(local_today()))


@bp.route("/coverage.xlsx")
@login_required
def coverage_export():
    region = chosen_region()
    year = _board_year()
    board, summary = _boards(region, services.township_standard(), year, local_today())
    title = f"{region.name}{f'{year}年度' if year else ''}达标覆盖情况"
    data = excel.county_workbook(board, year) if board else excel.summary_workbook(region.name, summary, year)
    today = local_today()
    return send_download(data, file_name(title, f"{today:%Y%m%d}", suffix=".xlsx"),
                         fallback=ascii_name("coverage", region.code, year or "", today, suffix=".xlsx"))
