from flask import flash, render_template, request
from flask_login import current_user, login_required

from app.printing.downloads import ascii_name, file_name, send_download
from app.regions.models import Region, RegionLevel
from app.reports import bp, excel, services
from app.scoping import scoped_get_or_404
from app.timeutil import local_today


def _board_region() -> Region:
    """The region asked for, else the user's own. A township's coverage is its own row of its
    county's board (the scope keeps the other rows out), named after the township."""
    region = scoped_get_or_404(Region, request.args.get("region", current_user.region_id))
    if region.level == RegionLevel.VILLAGE:
        return region.ancestor(RegionLevel.TOWNSHIP)
    return region


def _boards(region: Region):
    standard = services.township_standard()
    today = local_today()
    if standard is None:
        return standard, None, []
    if region.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        county = region if region.level == RegionLevel.COUNTY else region.ancestor(RegionLevel.COUNTY)
        return standard, services.county_board(county, standard, today, name=region.name), []
    return standard, None, services.summary_boards(region, standard, today)


@bp.route("/coverage")
@login_required
def coverage():
    region = _board_region()
    standard, board, summaries = _boards(region)
    if standard is None:
        flash("尚未设置乡镇体育总会的达标标准。", "error")
    return render_template("reports/coverage.html", region=region, standard=standard, board=board,
                           summaries=summaries, labels=services.COLUMN_LABELS,
                           in_rectification=services.IN_RECTIFICATION)


@bp.route("/coverage.xlsx")
@login_required
def coverage_export():
    region = _board_region()
    standard, board, summaries = _boards(region)
    data = excel.county_workbook(board) if board else excel.summary_workbook(region.name, summaries)
    today = local_today()
    return send_download(data, file_name(f"{region.name}达标覆盖情况", f"{today:%Y%m%d}", suffix=".xlsx"),
                         fallback=ascii_name("coverage", region.code, today, suffix=".xlsx"))
