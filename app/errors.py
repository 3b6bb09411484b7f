"""Error pages in Chinese, as full pages or as fragments for htmx."""
from collections.abc import Callable

from flask import Blueprint, Response, make_response, render_template, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.htmx import is_fragment_request
from app.scoping import OutOfScope

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: ("请求有误", "提交的内容无法处理，请返回重试。"),
    403: ("无权操作", "您的账号没有执行此操作的权限。"),
    404: ("未找到", "您要找的记录不存在，或不在您的管辖范围内。"),
    405: ("不支持的操作", "该地址不支持此种请求。"),
    409: ("记录已被他人修改", "您提交时，这条记录刚被其他人修改过。请刷新页面，核对后再操作。"),
    413: ("文件过大", "上传的文件超过了大小限制。"),
    429: ("操作过于频繁", "请稍后再试。"),
    500: ("系统出错", "服务器处理请求时出错，已记录。请稍后再试。"),
    503: ("系统繁忙", "数据库正忙（其他人正在保存），您的操作没有保存。请稍后重试；已填写的内容请返回上一页找回。"),
}
# Addresses that answer errors in their own format instead of a page (the JSON API, app.api):
# path prefix -> what renders the error of a status code.
ERROR_RENDERERS: dict[str, Callable[[int], Response]] = {}
# Seconds a client is asked to wait after a busy database (SQLite allows one writer at a time).
RETRY_AFTER = 5


def _error_page(code: int):
    for prefix, renderer in ERROR_RENDERERS.items():
        if request.path.startswith(prefix):
            return renderer(code)
    title, message = MESSAGES[code]
    response = make_response(render_template("errors/error.html", code=code, title=title, message=message), code)
    if is_fragment_request():
        # The request wanted a piece of a page; an error replaces the whole page instead.
        response.headers["HX-Retarget"] = "body"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


@bp.app_errorhandler(OutOfScope)
def out_of_scope(error):
    db.session.rollback()
    return _error_page(403)


@bp.app_errorhandler(StaleDataError)
def edited_meanwhile(error):
    """Two people acted on one inspection or finding at once; the second is told, nothing is doubled."""
    db.session.rollback()
    return _error_page(409)


@bp.app_errorhandler(OperationalError)
def database_busy(error):
    """A write that waited out the busy timeout: a clear 请稍后重试, not a 500. Anything else the
    database refused is a real error."""
    db.session.rollback()
    if "database is locked" not in str(error.orig):
        raise error
    response = _error_page(503)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


@bp.app_errorhandler(500)
def internal_error(error):
    db.session.rollback()
    return _error_page(500)


for _code in (400, 403, 404, 405, 413, 429):
    bp.app_errorhandler(_code)(lambda error, code=_code: _error_page(code))
