"""What every API call goes through, declared once per view with ``@operation``: the token
(401), the caller's scope and identity, the per-token rate limit (429), the body's size (413)
and JSON (400), the request's schema (422); and the answers, always JSON, errors included.

An operation is also an entry of ``OPERATIONS``, from which ``openapi.py`` writes the OpenAPI
document: the routes, their schemas and the document are one declaration.

A call runs as the token's issuer (the audit log names them, as a background job names its
creator: ``g.acting_user``, see ``app.scoping.acting_as``) within the token's region, which
may be narrower than the issuer's. Cookies play no part: a logged-in browser gets nothing
here without a token, and CSRF (an attack through cookies) does not apply."""
import json
from dataclasses import dataclass, field
from functools import wraps

from flask import current_app, g, request
from pydantic import BaseModel, ValidationError

from app import errors, throttle
from app.api import bp, tokens
from app.api.schemas import field_errors
from app.extensions import csrf, db
from app.scoping import scope_for, set_scope
from app.timeutil import utcnow

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Operation:
    """One route of the API as the OpenAPI document describes it."""

    method: str
    path: str  # as OpenAPI writes it, under API_PREFIX: /cases/{number}
    endpoint: str
    summary: str
    description: str = ""
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    answers: dict = field(default_factory=dict)  # status -> (model or None, Chinese description)
    token: bool = True

    @property
    def rule(self) -> str:
        return API_PREFIX + self.path.replace("{", "<").replace("}", ">")


OPERATIONS: list[Operation] = []


# --------------------------------------------------------------------------- answers

def answer(data, status: int = 200, headers: dict | None = None):
    """A JSON response: a schema's model (dumped with its field aliases) or plain data.
    Chinese stays readable (no \\u escapes); nothing is cached (the data are personal)."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json", by_alias=True)
    response = current_app.response_class(json.dumps(data, ensure_ascii=False), status=status,
                                          mimetype="application/json", headers=headers)
    response.headers["Cache-Control"] = "no-store"
    return response


# status -> (machine-readable code, the sentence when the view has none of its own)
ERRORS = {
    400: ("bad_request", "请求体不是有效的 JSON 对象。"),
    401: ("unauthorized", "缺少或无效的接口令牌。"),
    403: ("forbidden", "无权执行此操作。"),
    404: ("not_found", "找不到该地址或记录，或不在本令牌的范围内。"),
    405: ("method_not_allowed", "该地址不支持此种请求方法。"),
    409: ("conflict", "与已有记录冲突。"),
    413: ("too_large", "请求体过大。"),
    415: ("unsupported_media_type", "请以 JSON 提交。"),
    422: ("invalid_fields", "提交的字段有误，请按 errors 中的说明修改。"),
    429: ("rate_limited", "请求过于频繁，请稍后再试。"),
    500: ("server_error", "服务器处理请求时出错，已记录。请稍后重试。"),
    503: ("busy", "数据库正忙，请求没有保存。请稍后重试。"),
}


def refuse(status: int, message: str | None = None, *, headers: dict | None = None, **extra):
    code, default = ERRORS.get(status, ("error", "请求未能完成。"))
    return answer({"error": code, "message": message or default, **extra}, status, headers)


def refuse_fields(problems: dict[str, str], message: str | None = None):
    return refuse(422, message, errors=problems)


def unauthorized(message: str):
    # RFC 6750: the scheme to use, and that the token given was not accepted.
    return refuse(401, message, headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})


# Errors raised anywhere under /api/ (a routing 404 or 405, a 413, a 500) answer in JSON too.
errors.ERROR_RENDERERS[API_PREFIX + "/"] = lambda status: refuse(status)


# --------------------------------------------------------------------------- the call

def _limit() -> tuple[int, int]:
    return current_app.config["API_RATE_LIMIT"]


def authenticate():
    """The token of the call, its scope and identity set; or the refusal to answer."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    token = tokens.find_token(secret) if scheme.lower() == "bearer" and secret else None
    problem = tokens.refusal(token) if token is not None or secret else "缺少接口令牌：请在请求头中提供 Authorization: Bearer <令牌>。"
    limit, per = _limit()
    if problem:
        # Guessing runs into the limit of the address as a token's calls do into theirs.
        if not throttle.allow(f"api-refused:{request.remote_addr}", limit, per):
            return refuse(429, headers={"Retry-After": str(per)})
        return unauthorized(problem)
    g.api_token = token
    g.acting_user = token.created_by  # the audit log's actor (app.audit.listeners)
    set_scope(scope_for(token.region))
    if not throttle.allow(f"api:{token.id}", limit, per):
        return refuse(429, f"每个令牌每 {per} 秒最多 {limit} 次请求，请稍后再试。", headers={"Retry-After": str(per)})
    if tokens.touch(token, utcnow()):
        db.session.commit()
    return None


def read_body(model: type[BaseModel]):
    """The body as ``model``, or the refusal: 413 past the API's limit (checked before reading
    it), 400 when it is no JSON object, 422 with a sentence per field."""
    limit = current_app.config["API_MAX_BODY"]
    too_large = refuse(413, f"请求体应小于 {limit // 1024} KB。")
    if request.content_length is not None and request.content_length >= limit:
        return None, too_large
    # A body sent without its length (chunked) is read only up to the limit: reaching it is too much.
    request.max_content_length = limit
    raw = request.get_data(cache=True)
    if len(raw) >= limit:
        return None, too_large
    try:
        data = json.loads(raw, parse_constant=_no_constants)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, a number too long, nested too deep
        return None, refuse(400, "请求体不是有效的 JSON。")
    if not isinstance(data, dict):
        return None, refuse(400, "请求体应为 JSON 对象（{…}）。")
    return _validated(model, data)


def read_query(model: type[BaseModel]):
    return _validated(model, {key: request.args.get(key) for key in request.args})


def _validated(model, data):
    try:
        return model.model_validate(data), None
    except ValidationError as error:
        return None, refuse_fields(field_errors(error, model))


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")


def operation(method: str, path: str, *, summary: str, description: str = "", body=None, query=None,
              answers: dict | None = None, token: bool = True):
    """Declare a view as an API operation: its route under /api/v1, what it reads and answers.
    The view gets the path's arguments, and ``body``/``query`` as validated models."""

    def decorator(view):
        declared = Operation(method, path, f"{bp.name}.{view.__name__}", summary, description,
                             body, query, dict(answers or {}), token)
        OPERATIONS.append(declared)

        @wraps(view)
        def call(**arguments):
            if token and (refused := authenticate()) is not None:
                return refused
            for name, model, reader in (("body", body, read_body), ("query", query, read_query)):
                if model is not None:
                    arguments[name], refused = reader(model)
                    if refused is not None:
                        return refused
            return view(**arguments)

        if token:
            # The app's session guard leaves these alone (app/__init__.py); tests/test_access.py lists them.
            call.token_authenticated = True
            csrf.exempt(call)
        bp.add_url_rule(declared.rule, view_func=call, methods=[method])
        return call

    return decorator

